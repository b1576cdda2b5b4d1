"""Every file the app reads at run time ships in the package, not only in a checkout."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "accountreview"


def test_every_data_file_of_the_package_is_in_its_package_data() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["accountreview"]
    data = [
        path.relative_to(PACKAGE)
        for path in PACKAGE.rglob("*")
        if path.is_file() and path.suffix not in {".py", ".pyc"} and "__pycache__" not in path.parts
    ]
    assert data, "no data files found: the walk is wrong"
    missing = [str(p) for p in data if not any(p.match(pattern) for pattern in patterns)]
    assert missing == [], f"not in [tool.setuptools.package-data]: {missing}"
