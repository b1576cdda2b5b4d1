"""Exit codes scripts rely on: documented once, raised as documented.

- A write refused because another program holds the database exits 5.
- A closed output pipe (`queue | head -1`) exits 141, quietly, on outputs far larger
  than a pipe's buffer, so the command is still writing when the reader goes away.
- README.md and `accountreview --help` list the same codes, and every code raised
  anywhere in src/ is one of them.
"""

import ast
import csv
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accountreview.cli import app
from accountreview.db import connection
from accountreview.services.errors import Busy, busy_from
from conftest import TODAY, Seeded, content_hash

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "accountreview"
runner = CliRunner()


def cli(db: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "accountreview", "--db", str(db), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout)


# --- busy ---------------------------------------------------------------------------


def test_a_write_while_another_program_holds_the_lock_exits_5_and_saves_nothing(
    db_path: Path, seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(connection, "BUSY_TIMEOUT_MS", 100)  # not 10 s of waiting
    before = content_hash(db_path)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program in the middle of a long import
    try:
        for args in (
            ["touch", "Acme Corp", "Carla Diaz", "--on", "today", "-c", "phone"],
            ["review", "Acme Corp", "--slot", "1=Carla Diaz", "--close"],
            ["stakeholder", "add", "Acme Corp", "New Person"],
            ["rep", "add", "Bo Diaz", "--email", "bo@example.com", "--me"],
        ):
            result = runner.invoke(app, ["--db", str(db_path), *args])
            assert result.exit_code == 5, result.output
            assert "The database is busy" in result.output
            assert "Nothing was saved" in result.output
            assert "unexpected" not in result.output and "Traceback" not in result.output
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert content_hash(db_path) == before


def test_a_lock_error_escaping_any_layer_is_told_as_busy(db_path: Path, seeded: Seeded) -> None:
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    other = sqlite3.connect(db_path, isolation_level=None, timeout=0)
    try:
        with pytest.raises(sqlite3.OperationalError) as raised:
            other.execute("BEGIN IMMEDIATE")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        other.close()

    class Wrapped(Exception):  # as SQLAlchemy wraps the driver's error
        orig = raised.value

    for error in (raised.value, Wrapped()):
        busy = busy_from(error)
        assert isinstance(busy, Busy) and busy.exit_code == 5
    assert busy_from(sqlite3.OperationalError("no such table: x")) is None
    assert busy_from(ValueError("database is locked")) is None


# --- closed pipes -------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A manager, a rep and 3,000 top accounts with long names: every listing below
    prints hundreds of kilobytes, many times a pipe's 64 KiB buffer."""
    folder = tmp_path_factory.mktemp("big")
    reps = folder / "reps.csv"
    reps.write_text(
        "name,email,role,manager\n"
        "Maria Chen,maria@example.com,manager,\n"
        "Ann Lee,ann@example.com,rep,Maria Chen\n",
        encoding="utf-8",
    )
    accounts = folder / "accounts.csv"
    with accounts.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        header = next(csv.reader((ROOT / "data" / "accounts.csv").open(encoding="utf-8")))
        writer.writerow(header)
        for n in range(3000):
            cells = dict.fromkeys(header, "")
            cells.update(rep="Ann Lee", top="yes", potential="5000000", current="20000")
            cells["name"] = f"Account {n:05d} Consolidated Holdings and Industrial Services Ltd"
            writer.writerow(cells.values())
    db = folder / "big.db"
    env_today = ["--today", TODAY.isoformat()]
    done = cli(db, *env_today, "import", str(reps), str(accounts))
    assert done.returncode == 0, done.stderr
    return db


PIPED = [
    ["--rep", "Ann Lee", "queue"],
    ["--rep", "Ann Lee", "queue", "--format", "json"],
    ["accounts", "--format", "csv"],
    ["accounts"],
    ["export", "accounts"],
    ["export", "accounts", "--format", "json"],
    ["--rep", "Maria Chen", "audit", "--rep", "Ann Lee", "--format", "json"],
    ["--rep", "Maria Chen", "audit", "--rep", "Ann Lee"],
]


@pytest.mark.parametrize("args", PIPED, ids=[" ".join(a) for a in PIPED])
def test_a_reader_that_stops_early_ends_the_command_quietly_with_141(
    big_db: Path, args: list[str]
) -> None:
    before = content_hash(big_db)
    command = [sys.executable, "-m", "accountreview", "--db", str(big_db), *args]
    producer = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert producer.stdout is not None
    first = os.read(producer.stdout.fileno(), 10)  # one compact JSON line may be all there is
    producer.stdout.close()  # as `| head -c 10` does
    _, stderr = producer.communicate(timeout=120)
    assert first, stderr
    assert producer.returncode == 141, stderr
    assert stderr == b"", stderr  # no "unexpected error", no "Exception ignored …"
    assert content_hash(big_db) == before


def test_the_whole_output_is_bigger_than_a_pipe_buffer(big_db: Path) -> None:
    """The premise of the test above: every piped command has far more to write."""
    for args in PIPED:
        done = cli(big_db, *args)
        assert done.returncode == 0, done.stderr
        assert len(done.stdout.encode()) > 4 * 65536, args


# --- documented codes ---------------------------------------------------------------


def _readme_codes() -> set[int]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### Exit codes", 1)[1].split("\n#", 1)[0]
    return {int(c) for c in re.findall(r"^\| `(\d+)` \|", section, flags=re.MULTILINE)}


def _help_codes() -> set[int]:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    section = result.stdout.split("Exit codes:", 1)[1].split("\n\n", 1)[0]
    return {int(c) for c in re.findall(r"^\s+(\d+)\s+\S", section, flags=re.MULTILINE)}


def _int_value(node: ast.expr, constants: dict[str, int]) -> int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    return None


def _codes_in(tree: ast.Module) -> set[int]:
    """Codes given to `fail(msg, N)`, `Exit(N)`, `sys.exit(N)` and `exit_code = N`."""
    constants = {
        t.id: n.value.value
        for n in tree.body
        if isinstance(n, ast.Assign)
        and isinstance(n.value, ast.Constant)
        and isinstance(n.value.value, int)
        for t in n.targets
        if isinstance(t, ast.Name)
    }
    codes: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in {"fail", "Exit", "exit"}:
                code = _int_value(node.args[-1], constants)
                if code is not None:
                    codes.add(code)
        if isinstance(node, ast.Assign):
            names = [getattr(t, "id", getattr(t, "attr", "")) for t in node.targets]
            code = _int_value(node.value, constants)
            if "exit_code" in names and code is not None:
                codes.add(code)
    return codes


def test_readme_and_help_list_the_same_exit_codes() -> None:
    readme = _readme_codes()
    assert {0, 2, 3, 4, 5, 6, 141} <= readme
    assert _help_codes() == readme


def test_every_exit_code_raised_in_the_code_is_documented() -> None:
    raised: dict[int, list[str]] = {}
    for path in sorted(SRC.rglob("*.py")):
        for code in _codes_in(ast.parse(path.read_text(encoding="utf-8"))):
            raised.setdefault(code, []).append(str(path.relative_to(SRC)))
    assert {2, 3, 4, 5, 141} <= set(raised), raised  # the scan finds what is there
    undocumented = {c: where for c, where in raised.items() if c not in _readme_codes()}
    assert not undocumented
