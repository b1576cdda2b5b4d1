"""CLI start-up benchmark: prints figures, asserts nothing (not collected by pytest).

    python tests/bench/bench_cli.py [--runs 5]

Compares, as the median of N interleaved runs of a fresh process each:
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


def seconds(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True)
    return time.perf_counter() - start


def interleaved_medians(cases: dict[str, list[str]], runs: int) -> dict[str, float]:
    """Median seconds per command, running the commands in turn so that the
    machine's drift (a shared VM) affects every command alike."""
    for cmd in cases.values():
        seconds(cmd)  # warm the file cache
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, cmd in cases.items():
            samples[name].append(seconds(cmd))
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
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
        floor_name = 'python -c "import typer, sqlite3"'
        cases = {
            floor_name: [sys.executable, "-c", "import typer, sqlite3"],
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
        medians = interleaved_medians(cases, runs)
        floor = medians[floor_name]
        print(f"median of {runs} interleaved runs")
        for name, value in medians.items():
            ratio = value / floor
            verdict = (
                "" if name == floor_name else ("ok" if ratio <= 1.5 else "OVER the 1.5x target")
            )
            print(f"{name:48} {value * 1000:7.1f} ms   {ratio:.2f}x  {verdict}")


if __name__ == "__main__":
    main()
