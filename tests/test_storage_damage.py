"""Damaged database files (corrupt pages, cut in half, a zeroed header) through the real
CLI: `check` lists the problems and exits 3, `restore` refuses a damaged backup (3)
and repairs a damaged database from a good one; no command ends in "unexpected error".
"""

import os
import sqlite3
import stat
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accountreview.cli import app
from accountreview.db import stakeholders as stakeholder_queries
from accountreview.domain.enums import Channel
from accountreview.services.workspace import open_workspace
from conftest import TODAY, content_hash, seed

runner = CliRunner()


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def make_database(path: Path, touches: int = 3000) -> None:
    """A database of a few hundred pages, closed (no -wal left: all in the file)."""
    ws = open_workspace(path, TODAY, create=True)
    try:
        seeded = seed(ws)
        with ws.db.write() as conn:
            for n in range(touches):
                stakeholder_queries.insert_touch(
                    conn,
                    stakeholder_id=seeded.people["champ"],
                    on=TODAY - timedelta(days=n % 300),
                    channel=Channel.PHONE,
                    note=f"call {n}: " + "talked about the renewal and the next steps " * 4,
                    logged_by_id=seeded.rep_id,
                )
    finally:
        ws.close()
    assert not Path(f"{path}-wal").exists()


def page_size_and_count(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:100]
    return int.from_bytes(head[16:18], "big"), int.from_bytes(head[28:32], "big")


def corrupt_middle_pages(path: Path) -> None:
    """Overwrite every 8th page of the middle half: some are the touch table's own
    pages (not only an index's), whatever order the rows' random ids gave them."""
    size, pages = page_size_and_count(path)
    with open(path, "r+b") as handle:
        for page in range(pages // 4, 3 * pages // 4, 8):
            handle.seek(size * page)
            handle.write(bytes(range(256)) * (size // 256))


def truncate_to_half(path: Path) -> None:
    size, pages = page_size_and_count(path)
    os.truncate(path, size * (pages // 2))


def zero_the_header(path: Path) -> None:
    with open(path, "r+b") as handle:
        handle.write(bytes(100))


DAMAGES: dict[str, Callable[[Path], None]] = {
    "corrupt pages": corrupt_middle_pages,
    "truncated": truncate_to_half,
    "zeroed header": zero_the_header,
}


@pytest.mark.parametrize("damage", DAMAGES)
def test_check_lists_the_damage_and_exits_3(tmp_path: Path, damage: str) -> None:
    db = tmp_path / "review.db"
    make_database(db)
    assert run(db, "check")[0] == 0
    DAMAGES[damage](db)
    before = db.read_bytes()
    code, _, stderr = run(db, "check")
    assert code == 3, stderr
    problems = [line for line in stderr.splitlines() if line.startswith("problem: ")]
    assert problems, stderr
    assert "unexpected" not in stderr
    if damage == "truncated":
        assert any("truncated" in p for p in problems)
    if damage == "zeroed header":
        assert any("header is overwritten" in p for p in problems)
    assert db.read_bytes() == before, "check changes nothing"
    assert not Path(f"{db}-wal").exists()


@pytest.mark.parametrize("damage", DAMAGES)
def test_commands_on_a_damaged_database_say_damaged_not_unexpected(
    tmp_path: Path, damage: str
) -> None:
    db = tmp_path / "review.db"
    make_database(db)
    DAMAGES[damage](db)
    results = [
        run(db, *args)
        for args in (
            ["export", "touches"],
            ["accounts", "--format", "json"],
            ["touch", "Acme Corp", "Sam Okafor", "--on", "2026-11-20", "-c", "phone"],
        )
    ]
    for code, _, stderr in results:
        assert code in (0, 2, 3, 4), stderr
        assert "unexpected" not in stderr and "Traceback" not in stderr
    assert any(code == 3 and "damaged" in stderr for code, _, stderr in results), results


@pytest.mark.parametrize("damage", DAMAGES)
def test_restore_refuses_a_damaged_backup_and_changes_nothing(tmp_path: Path, damage: str) -> None:
    db, backup = tmp_path / "review.db", tmp_path / "backup.db"
    make_database(db, touches=10)
    make_database(backup)
    DAMAGES[damage](backup)
    before = content_hash(db)
    code, _, stderr = run(db, "restore", str(backup), "--yes")
    assert code == 3, stderr
    assert "not a sound accountreview backup" in stderr and "  - " in stderr
    assert content_hash(db) == before
    assert not list(tmp_path.glob("review.db.before-restore-*"))


@pytest.mark.parametrize("damage", DAMAGES)
def test_restore_repairs_a_damaged_database_and_keeps_it(tmp_path: Path, damage: str) -> None:
    db, backup = tmp_path / "review.db", tmp_path / "backup.db"
    make_database(db)
    assert run(db, "backup", str(backup))[0] == 0
    DAMAGES[damage](db)
    damaged = db.read_bytes()
    code, stdout, stderr = run(db, "restore", str(backup), "--yes")
    assert code == 0, stderr
    assert run(db, "check")[0] == 0
    assert content_hash(db) == content_hash(backup)
    (kept,) = tmp_path.glob("review.db.before-restore-*.bak")
    assert str(kept) in stdout
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600
    if damage == "zeroed header":  # too damaged to copy through SQLite: kept as it was
        assert kept.read_bytes() == damaged


def test_restore_into_a_path_with_no_database_needs_no_yes(tmp_path: Path) -> None:
    backup = tmp_path / "backup.db"
    make_database(backup, touches=10)
    new = tmp_path / "sub" / "new.db"
    code, stdout, stderr = run(new, "restore", str(backup))  # stdin is not a terminal
    assert code == 0, stderr
    assert "Restored" in stdout and "kept" not in stdout
    assert stat.S_IMODE(os.stat(new).st_mode) == 0o600
    assert content_hash(new) == content_hash(backup)
    conn = sqlite3.connect(new)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    # With a database there, a script must still say --yes.
    code, _, stderr = run(new, "restore", str(backup))
    assert code == 2 and "--yes" in stderr
