"""Import benchmark: prints figures, asserts nothing (not collected by pytest).

    python tests/bench/bench_import.py [--rows 50000] [--runs 3]

Writes Salesforce Data Loader exports of a made-up org (accounts, and `--rows`
contacts and tasks) and prints:

- throughput: rows/s of `accountreview import` (the service, in process: every
  row read, checked, matched and written in one transaction) next to the
  same file loaded the way `sqlite3`'s ``.import`` does it: with the sqlite3
  command-line shell when it is installed, and with Python's sqlite3 module
  doing what ``.import`` does (csv rows, ``executemany`` into a bare table of
  TEXT columns, one transaction, the app's pragmas). Target: >= 0.3x.
- the ceiling of any row-by-row import in Python: reading and checking every
  cell of the file, writing nothing.
- the floor under any import: the same rows, already parsed and matched,
  written with one ``executemany`` into the stakeholder (touch) table and
  committed; its random primary key, indexes and foreign key cost what a bare
  table's do not. Reading, then writing, with no matching at all, is the best
  any import that checks each row in Python could do.
- peak memory (``ru_maxrss`` of a fresh process importing the contacts file)
  for the file and for one 10x as long. Target: 10x <= 1.2x the 1x peak.

Timings are medians of `--runs` interleaved runs (a shared machine drifts);
unset PYTHONDONTWRITEBYTECODE for steady figures.
"""

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from accountreview.db.connection import connect
from accountreview.db.importing import IMPORT_CACHE_KIB
from accountreview.io.crm.salesforce import salesforce_id
from accountreview.services.importing import ImportOptions, import_file
from accountreview.services.workspace import open_workspace

TODAY = date(2026, 11, 23)
OPTIONS = ImportOptions(rep="Bench Rep")
_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def sf_id(prefix: str, n: int) -> str:
    body = ""
    for _ in range(12):
        n, digit = divmod(n, 62)
        body = _ALNUM[digit] + body
    return salesforce_id(prefix + body)


def write(path: Path, header: list[str], rows: object) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(header)
        writer.writerows(rows)  # type: ignore[arg-type]
    return path


def make_files(folder: Path, rows: int) -> dict[str, Path]:
    """Accounts (one per 10 contacts), `rows` contacts and `rows` tasks."""
    accounts = max(1, rows // 10)
    titles = ("VP Operations", "Head of Procurement", "IT Manager", "Chief Financial Officer")
    first = TODAY - timedelta(days=300)
    return {
        "reps": write(
            folder / "reps.csv",
            ["name", "email", "role", "manager"],
            [["Bench Rep", "bench@example.com", "rep", ""]],
        ),
        "accounts": write(
            folder / "Account.csv",
            ["Id", "Name", "OwnerId", "AnnualRevenue"],
            ([sf_id("001", n), f"Company {n:07d}", "", f"{n * 1000}"] for n in range(accounts)),
        ),
        "contacts": write(
            folder / f"Contact-{rows}.csv",
            ["Id", "AccountId", "FirstName", "LastName", "Title", "Email"],
            (
                [
                    sf_id("003", n),
                    sf_id("001", n % accounts),
                    f"First{n}",
                    f"Last{n}",
                    titles[n % len(titles)],
                    f"person{n}@company{n % accounts}.example",
                ]
                for n in range(rows)
            ),
        ),
        "tasks": write(
            folder / f"Task-{rows}.csv",
            ["Id", "WhoId", "ActivityDate", "Subject", "Status", "TaskSubtype", "Description"],
            (
                [
                    sf_id("00T", n),
                    sf_id("003", n),
                    (first + timedelta(days=n % 300)).isoformat(),
                    f"Call: follow-up {n}",
                    "Completed",
                    "Call",
                    "Talked about the roll-out plan and the next steps",
                ]
                for n in range(rows)
            ),
        ),
    }


def prepared(folder: Path, files: dict[str, Path], name: str, *, contacts: bool) -> Path:
    """A database holding the reps and accounts (and the contacts, for the tasks run)."""
    path = folder / f"{name}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    ws = open_workspace(path, TODAY, create=True)
    try:
        import_file(ws, files["reps"])
        import_file(ws, files["accounts"], options=OPTIONS)
        if contacts:
            import_file(ws, files["contacts"])
    finally:
        ws.close()
    return path


def time_import(db: Path, file: Path) -> float:
    ws = open_workspace(db, TODAY)
    try:
        start = time.perf_counter()
        import_file(ws, file)
        return time.perf_counter() - start
    finally:
        ws.close()


def time_table_floor(db: Path, rows: int, table: str) -> float:
    """The floor under any import of `rows` contacts (or tasks): the rows already parsed
    and matched, written with one `executemany` into the stakeholder (touch) table, with
    its primary key, indexes and foreign key, and committed."""
    from accountreview.db.records import new_id, now_text

    conn = connect(db)
    try:
        conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
        created = now_text()
        if table == "stakeholder":
            parent = conn.execute("SELECT id FROM account LIMIT 1").fetchone()[0]
            sql = (
                "INSERT INTO stakeholder (id, account_id, name, email, title, level, role,"
                " left_on, created_at, crm_source, crm_id) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
            )
            data: list[tuple[object, ...]] = [
                (new_id(), parent, f"First{n} Last{n}", f"person{n}@floor.example",
                 "VP Operations", "vp", None, None, created, "salesforce", f"floor{n:013d}")
                for n in range(rows)
            ]  # fmt: skip
        else:
            parent = conn.execute("SELECT id FROM stakeholder LIMIT 1").fetchone()[0]
            sql = (
                "INSERT INTO touch (id, stakeholder_id, touched_on, channel, note, logged_by_id,"
                " created_at, crm_source, crm_id) VALUES (?,?,?,?,?,?,?,?,?)"
            )
            data = [
                (new_id(), parent, "2026-11-20", "phone", f"Call: follow-up {n}: talked about"
                 " the roll-out plan and the next steps", None, created, "salesforce",
                 f"floor{n:013d}")
                for n in range(rows)
            ]  # fmt: skip
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(sql, data)
        conn.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        conn.close()


def time_reading(file: Path) -> float:
    """Reading and checking every cell, writing nothing: the ceiling of a Python import."""
    from accountreview.io.crm.fields import CrmCells
    from accountreview.io.crm.records import READERS, ReadOptions
    from accountreview.io.csv_source import CsvSource, Row
    from accountreview.io.detect import detect_format

    start = time.perf_counter()
    with CsvSource(file) as source:
        found = detect_format(source.file, source.header)
        assert found.fields is not None
        read, options = READERS[found.kind], ReadOptions("salesforce", TODAY)
        for row in source:
            if isinstance(row, Row):
                read(CrmCells(row, found.fields), options)
    return time.perf_counter() - start


def time_python_import(folder: Path, file: Path) -> float:
    """What `.import` does, with Python's sqlite3: csv rows, executemany, one transaction."""
    path = folder / "bare.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    conn = connect(path)
    try:
        start = time.perf_counter()
        with file.open(encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            columns = ", ".join(f'"{c}" TEXT' for c in header)
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(f"CREATE TABLE raw ({columns})")
            marks = ", ".join("?" for _ in header)
            conn.executemany(f"INSERT INTO raw VALUES ({marks})", reader)
            conn.execute("COMMIT")
        return time.perf_counter() - start
    finally:
        conn.close()


def time_cli_import(folder: Path, file: Path) -> float:
    """The sqlite3 shell's own `.import` (a process start included, ~5 ms)."""
    path = folder / "shell.db"
    path.unlink(missing_ok=True)
    start = time.perf_counter()
    subprocess.run(
        ["sqlite3", str(path), ".mode csv", f".import {file} raw"], check=True, capture_output=True
    )
    return time.perf_counter() - start


_PEAK = """
import resource, sys
from datetime import date
from pathlib import Path
from accountreview.services.importing import import_file
from accountreview.services.workspace import open_workspace
ws = open_workspace(Path(sys.argv[1]), date(2026, 11, 23))
import_file(ws, Path(sys.argv[2]))
ws.close()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_kib(db: Path, file: Path) -> int:
    done = subprocess.run(
        [sys.executable, "-c", _PEAK, str(db), str(file)],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(done.stdout.split()[-1])


def medians(cases: dict[str, Callable[[], float]], runs: int) -> dict[str, float]:
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, case in cases.items():
            samples[name].append(case())
    return {name: statistics.median(values) for name, values in samples.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    try:
        files = make_files(folder, args.rows)
        shell = shutil.which("sqlite3")
        print(f"{args.rows:,} rows per file; medians of {args.runs} interleaved runs")
        print(f"sqlite3 shell: {shell or 'not installed (Python equivalent only)'}\n")
        print(f"{'file':<22} {'accountreview':>14} {'.import (py)':>13} {'ratio':>6}", end="")
        print(f" {'.import (shell)':>16} {'ratio':>6}" if shell else "")
        for kind in ("contacts", "tasks"):
            file = files[kind]
            base = prepared(folder, files, f"base-{kind}", contacts=kind == "tasks")
            work = folder / "work.db"

            def ours(base: Path = base, file: Path = file, work: Path = work) -> float:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{work}{suffix}").unlink(missing_ok=True)
                shutil.copyfile(base, work)
                return time_import(work, file)

            cases: dict[str, Callable[[], float]] = {
                "ours": ours,
                "python": lambda file=file: time_python_import(folder, file),  # type: ignore[misc]
            }
            if shell:
                cases["shell"] = lambda file=file: time_cli_import(folder, file)  # type: ignore[misc]
            table = "stakeholder" if kind == "contacts" else "touch"

            def floor(base: Path = base, work: Path = work, table: str = table) -> float:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{work}{suffix}").unlink(missing_ok=True)
                shutil.copyfile(base, work)
                return time_table_floor(work, args.rows, table)

            cases["floor"] = floor
            cases["reading"] = lambda file=file: time_reading(file)  # type: ignore[misc]
            result = medians(cases, args.runs)
            rate = {name: args.rows / seconds for name, seconds in result.items()}
            line = f"{file.name:<22} {rate['ours']:>10,.0f} r/s {rate['python']:>9,.0f} r/s"
            line += f" {rate['ours'] / rate['python']:>5.2f}x"
            if shell:
                line += f" {rate['shell']:>12,.0f} r/s {rate['ours'] / rate['shell']:>5.2f}x"
            print(line)
            print(
                f"{'':<22} ceiling: reading and checking the cells alone"
                f" {rate['reading']:,.0f} r/s = {rate['reading'] / rate['python']:.2f}x"
            )
            print(
                f"{'':<22} floor: writing the parsed rows into the {table} table alone"
                f" {rate['floor']:,.0f} r/s = {rate['floor'] / rate['python']:.2f}x"
            )
            both = 1 / (1 / rate["reading"] + 1 / rate["floor"])
            print(
                f"{'':<22} reading, then writing (no matching at all)"
                f" {both:,.0f} r/s = {both / rate['python']:.2f}x"
            )

        print("\npeak memory of a process importing the contacts file (ru_maxrss)")
        (folder / "x10").mkdir()
        big = make_files(folder / "x10", args.rows * 10)
        peaks = {}
        for label, source in (("1x", files), ("10x", big)):
            base = prepared(folder, source, f"peak-{label}", contacts=False)
            peaks[label] = peak_kib(base, source["contacts"])
            rows = args.rows * (10 if label == "10x" else 1)
            print(f"  {label:>3} ({rows:>9,} rows): {peaks[label] / 1024:7.1f} MiB")
        print(f"  10x / 1x: {peaks['10x'] / peaks['1x']:.2f} (target <= 1.2)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("ACCOUNTREVIEW_DEBUG", "1")
    main()
