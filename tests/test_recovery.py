"""backup, restore, check and upgrades, through the real CLI on real files."""

import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from typer.testing import CliRunner

from accountreview.cli import app
from accountreview.db.connection import SCHEMA_HEAD
from accountreview.services.workspace import Workspace
from conftest import TODAY, Seeded, content_hash

runner = CliRunner()
FIXTURES = Path(__file__).parent / "fixtures"


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def touches(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT count(*) FROM touch").fetchone()[0])
    finally:
        conn.close()


def test_backup_is_a_private_checked_copy(db_path: Path, seeded: Seeded, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    code, stdout, stderr = run(db_path, "backup", str(copy))
    assert code == 0, stderr
    assert "checked: ok" in stdout
    assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600
    assert content_hash(copy) == content_hash(db_path)
    assert not list(tmp_path.glob(".copy.db.partial-*"))
    # A second backup to the same file is refused and the first copy is untouched.
    before = content_hash(copy)
    code, _, stderr = run(db_path, "backup", str(copy))
    assert code == 2 and "already exists" in stderr
    assert content_hash(copy) == before


def test_backup_default_goes_to_a_private_backups_folder(db_path: Path, seeded: Seeded) -> None:
    code, stdout, _ = run(db_path, "backup")
    assert code == 0
    folder = db_path.parent / "backups"
    (copy,) = folder.glob("review-*.db")
    assert str(copy) in stdout
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(copy).st_mode) == 0o600


WRITER = textwrap.dedent(
    """
    import sys
    from datetime import date
    from accountreview.domain.enums import Channel
    from accountreview.services.reps import current_rep
    from accountreview.services.stakeholders import _fresh, log_touch
    from accountreview.services.workspace import open_workspace

    ws = open_workspace(sys.argv[1], date(2026, 11, 23))
    current_rep(ws, "Ann Lee")
    person = _fresh(ws, sys.argv[2])
    print("ready", flush=True)
    for n in range(int(sys.argv[3])):
        log_touch(ws, person, on=date(2026, 11, 23), channel=Channel.PHONE, note=f"call {n}")
    print("done", flush=True)
    """
)


def test_backup_while_another_process_writes_then_restore(
    db_path: Path, ws: Workspace, seeded: Seeded, tmp_path: Path
) -> None:
    """Backups taken during a stream of writes are sound, and one restores exactly."""
    start = touches(db_path)
    writes = 400
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path), seeded.people["ceo"], str(writes)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
    copies: list[Path] = []
    for n in range(4):
        copy = tmp_path / f"during-{n}.db"
        code, _, stderr = run(db_path, "backup", str(copy))
        assert code == 0, stderr
        copies.append(copy)
        time.sleep(0.05)
    assert writer.wait(timeout=120) == 0
    end = touches(db_path)
    assert end == start + writes
    counts = [touches(c) for c in copies]
    assert all(start <= c <= end for c in counts)
    assert counts == sorted(counts)
    assert any(start < c < end for c in counts), "no backup was taken mid-stream"
    for copy in copies:
        code, stdout, _ = run(copy, "check")
        assert code == 0 and "ok" in stdout

    chosen = copies[len(copies) // 2]
    before_restore = content_hash(db_path)
    code, stdout, stderr = run(db_path, "restore", str(chosen), "--yes")
    assert code == 0, stderr
    assert content_hash(db_path) == content_hash(chosen)
    assert touches(db_path) == touches(chosen)
    # What it replaced is kept, private, and intact.
    (kept,) = db_path.parent.glob("review.db.before-restore-*.bak")
    assert str(kept) in stdout
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600
    assert content_hash(kept) == before_restore
    # The workspace that stayed open sees the restored content, and can write on.
    assert ws.db.conn.execute("SELECT count(*) FROM touch").fetchone()[0] == touches(chosen)
    assert ws.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_restore_refuses_a_damaged_backup_and_changes_nothing(
    db_path: Path, seeded: Seeded, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    assert run(db_path, "backup", str(copy))[0] == 0
    data = bytearray(copy.read_bytes())
    for offset in range(4096 * 2, len(data), 4096):  # break every page's header but the first two
        data[offset : offset + 16] = b"\xfe" * 16
    copy.write_bytes(bytes(data))
    before = content_hash(db_path)
    code, _, stderr = run(db_path, "restore", str(copy), "--yes")
    assert code in (2, 3)
    assert "Traceback" not in stderr and "nothing was changed" in stderr
    assert content_hash(db_path) == before
    assert not list(db_path.parent.glob("review.db.before-restore-*"))


def test_restore_refuses_files_that_are_not_backups(
    db_path: Path, seeded: Seeded, tmp_path: Path
) -> None:
    before = content_hash(db_path)
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 200)
    code, _, stderr = run(db_path, "restore", str(text), "--yes")
    assert code == 2 and "not a SQLite database" in stderr
    code, _, stderr = run(db_path, "restore", str(tmp_path / "missing.db"), "--yes")
    assert code == 4 and "missing.db" in stderr
    foreign = tmp_path / "foreign.db"
    sqlite3.connect(foreign).execute("CREATE TABLE t (x)").connection.commit()
    code, _, stderr = run(db_path, "restore", str(foreign), "--yes")
    assert code == 3 and "not an accountreview database" in stderr
    newer = tmp_path / "newer.db"
    assert run(db_path, "backup", str(newer))[0] == 0
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    code, _, stderr = run(db_path, "restore", str(newer), "--yes")
    assert code == 3 and "newer" in stderr
    code, _, stderr = run(db_path, "restore", str(db_path), "--yes")
    assert code == 2 and "the database itself" in stderr
    assert content_hash(db_path) == before


def test_restore_without_yes_asks_and_a_script_must_say_yes(
    db_path: Path, seeded: Seeded, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    assert run(db_path, "backup", str(copy))[0] == 0
    code, _, stderr = run(db_path, "restore", str(copy))  # CliRunner's stdin is not a TTY
    assert code == 2 and "--yes" in stderr


def test_check_names_each_problem(db_path: Path, seeded: Seeded) -> None:
    code, stdout, _ = run(db_path, "check")
    assert code == 0
    assert "stakeholder" in stdout and "ok:" in stdout
    conn = sqlite3.connect(db_path)  # foreign keys are off by default in a bare connection
    conn.execute(
        "INSERT INTO touch (id, stakeholder_id, touched_on, channel, created_at)"
        " VALUES ('t-orphan', 'no-such-person', '2026-11-20', 'phone', '2026-11-20T10:00:00')"
    )
    conn.commit()
    conn.close()
    code, _, stderr = run(db_path, "check")
    assert code == 3
    assert "foreign key: touch row" in stderr and "stakeholder" in stderr
    assert "Traceback" not in stderr


def test_check_reports_a_damaged_file_without_a_traceback(
    db_path: Path, seeded: Seeded, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    assert run(db_path, "backup", str(copy))[0] == 0
    data = bytearray(copy.read_bytes())
    for offset in range(4096, len(data), 4096):
        data[offset : offset + 64] = b"\xff" * 64
    copy.write_bytes(bytes(data))
    code, _, stderr = run(copy, "check")
    assert code in (2, 3)
    assert "Traceback" not in stderr and stderr.strip()


def test_database_of_the_first_schema_upgrades_with_every_row_kept(tmp_path: Path) -> None:
    old = tmp_path / "first.db"
    conn = sqlite3.connect(old)
    conn.executescript((FIXTURES / "schema-0001.sql").read_text())
    conn.close()
    before = {
        table: sqlite3.connect(old).execute(f'SELECT * FROM "{table}"').fetchall()
        for table in (
            "rep",
            "account",
            "stakeholder",
            "touch",
            "review",
            "review_slot",
            "review_snapshot",
            "audit_log",
        )
    }
    # Every field but the ids, which schema 0004 derives (tests/test_migration_0004.py).
    columns = {
        table: [
            r[1]
            for r in sqlite3.connect(old).execute(f'PRAGMA table_info("{table}")')
            if r[1] != "id" and not r[1].endswith("_id")
        ]
        for table in before
    }
    before = {
        table: sqlite3.connect(old).execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall()
        for table, cols in columns.items()
    }
    code, stdout, stderr = run(old, "db", "upgrade")
    assert code == 0, stderr
    assert SCHEMA_HEAD in stdout
    new = sqlite3.connect(old)
    assert new.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
    for table, rows in before.items():
        assert rows, table
        cols = ", ".join(f'"{c}"' for c in columns[table])
        after = new.execute(f'SELECT {cols} FROM "{table}"').fetchall()
        assert sorted(after, key=repr) == sorted(rows, key=repr), table
    new.close()
    assert list(tmp_path.glob("first.db.schema-0001-*.bak")) or SCHEMA_HEAD == "0001"
    # The upgraded file is sound and still enforces the frozen review.
    assert run(old, "check")[0] == 0
    frozen = sqlite3.connect(old)
    try:
        frozen.execute("UPDATE review_slot SET stakeholder_id = NULL")
    except sqlite3.DatabaseError as error:
        assert "closed" in str(error).lower()
    else:
        raise AssertionError("a closed review's slots could be changed after the upgrade")
    code, stdout, _ = run(
        old, "--rep", "Ann Lee", "review", "Acme Corp", "--status", "--today", TODAY.isoformat()
    )
    assert code in (0, 2), stdout


def test_no_code_path_runs_a_shell() -> None:
    """Paths a user gives are opened as files, never handed to a shell or a subprocess."""
    import ast

    source = Path(__file__).parent.parent / "src" / "accountreview"
    offenders = []
    for file in source.rglob("*.py"):
        tree = ast.parse(file.read_text(), str(file))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names]
                module = getattr(node, "module", None) or ""
                if "subprocess" in names or module == "subprocess" or "pty" in names:
                    offenders.append(f"{file.name}:{node.lineno} imports subprocess/pty")
            if (
                isinstance(node, ast.Attribute)
                and node.attr in {"system", "popen", "execv"}
                and isinstance(node.value, ast.Name)
                and node.value.id == "os"
            ):
                offenders.append(f"{file.name}:{node.lineno} calls os.{node.attr}")
            if isinstance(node, ast.keyword) and node.arg == "shell":
                offenders.append(f"{file.name}:{node.lineno} passes shell=")
    assert offenders == []


def test_shell_characters_in_paths_are_just_characters(tmp_path: Path) -> None:
    """`init`, `backup` and `restore` take odd names literally: files appear under those names."""
    db = tmp_path / "$(touch pwned) `touch pwned2`; touch pwned3.db"
    code, _, stderr = run(db, "init")
    assert code == 0, stderr
    assert db.exists() and stat.S_IMODE(os.stat(db).st_mode) == 0o600
    copy = tmp_path / "copy $(id).db"
    assert run(db, "backup", str(copy))[0] == 0
    assert copy.exists() and stat.S_IMODE(os.stat(copy).st_mode) == 0o600
    assert run(db, "restore", str(copy), "--yes")[0] == 0
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("pwned")]
    assert not [p for p in Path.cwd().iterdir() if p.name.startswith("pwned")]


def test_backup_from_the_first_schema_is_upgraded_as_it_is_restored(
    db_path: Path, seeded: Seeded, tmp_path: Path
) -> None:
    old = tmp_path / "old-backup.db"
    conn = sqlite3.connect(old)
    conn.executescript((FIXTURES / "schema-0001.sql").read_text())
    conn.close()
    old_before = content_hash(old)
    code, stdout, stderr = run(db_path, "restore", str(old), "--yes")
    assert code == 0, stderr
    assert f"schema {SCHEMA_HEAD}" in stdout
    assert content_hash(old) == old_before, "the backup itself must not be changed"
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
    assert conn.execute("SELECT count(*) FROM audit_log").fetchone()[0] == 3
    conn.close()
    assert run(db_path, "check")[0] == 0
