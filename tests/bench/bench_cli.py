"""CLI start-up benchmark: prints figures, asserts nothing (not collected by pytest).

    python tests/bench/bench_cli.py [--runs 5]

Compares, as the median of N runs of a fresh process each:
  - `python -c "import typer, sqlite3"`   (the bare floor)
  - `accountreview --version`
  - `accountreview accounts --format json` on the demo database
Target: each command within 1.5x of the floor.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent / "accountreview"


def median_seconds(cmd: list[str], runs: int) -> float:
    subprocess.run(cmd, capture_output=True, check=True)  # warm the file cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    # Compare like with like: the libraries have bytecode caches, so ours should too.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    import accountreview

    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(Path(accountreview.__file__).parent)],
        check=True,
        capture_output=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "demo.db"
        subprocess.run(
            [str(BIN), "--db", str(db), "demo", "--no-open"], capture_output=True, check=True
        )
        floor = median_seconds([sys.executable, "-c", "import typer, sqlite3"], runs)
        cases = {
            "accountreview --version": [str(BIN), "--version"],
            "accountreview accounts --format json (demo)": [
                str(BIN),
                "--db",
                str(db),
                "accounts",
                "--format",
                "json",
            ],
        }
        print(f"median of {runs} runs")
        floor_name = 'python -c "import typer, sqlite3"'
        print(f"{floor_name:48} {floor * 1000:7.1f} ms   1.00x")
        for name, cmd in cases.items():
            seconds = median_seconds(cmd, runs)
            ratio = seconds / floor
            verdict = "ok" if ratio <= 1.5 else "OVER the 1.5x target"
            print(f"{name:48} {seconds * 1000:7.1f} ms   {ratio:.2f}x  {verdict}")


if __name__ == "__main__":
    main()
