"""Files that are not ours: the real CLI on real files that it must refuse or leave alone.

A database is opened only if it is a regular file of the user's, recognised as
ours before anything is written to it; a new one is created only as a new
private file. `export -o` and `backup FILE` replace nothing but a regular file
(or a new path), write through a device or FIFO, and refuse the rest.
"""

import hashlib
import os
import shutil
import socket
import sqlite3
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accountreview.cli import app
from conftest import Seeded, content_hash

runner = CliRunner()
SAMPLES = Path(__file__).parents[1] / "data" / "samples" / "salesforce"
NOBODY = 65534


def run(db: str | Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def fingerprint(path: Path) -> tuple[str, int, int, int, int]:
    """The bytes, mtime, mode and owner of a file, and what is beside it."""
    info = os.lstat(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if stat.S_ISREG(info.st_mode) else ""
    beside = sum(os.path.lexists(f"{path}{s}") for s in ("-wal", "-shm", "-journal"))
    return digest, info.st_mtime_ns, info.st_mode, info.st_uid, beside


def commands(tmp_path: Path) -> list[list[str]]:
    """Commands that read, write, create, check, back up, restore, import, export."""
    backup = tmp_path / "good-backup.db"
    assert run(tmp_path / "good.db", "init")[0] == 0
    assert run(tmp_path / "good.db", "backup", str(backup))[0] == 0
    return [
        ["rep", "list"],
        ["queue"],
        ["accounts", "--format", "json"],
        ["init"],
        ["db", "upgrade"],
        ["rep", "add", "Mo Chan", "--email", "mo@example.com"],
        ["import", str(SAMPLES / "User.csv")],
        ["export", "accounts"],
        ["export", "accounts", "-o", str(tmp_path / "out.csv")],
        ["backup", str(tmp_path / "copy.db")],
        ["restore", str(backup), "--yes"],
        ["demo", "--no-open"],
        ["check"],
    ]


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_another_applications_sqlite_file_is_refused_unchanged(
    tmp_path: Path, journal: str
) -> None:
    foreign = tmp_path / "photos.sqlite"
    conn = sqlite3.connect(foreign)
    conn.execute(f"PRAGMA journal_mode = {journal}")
    conn.execute("CREATE TABLE album (id INTEGER PRIMARY KEY, title TEXT)")
    conn.executemany("INSERT INTO album (title) VALUES (?)", [("a",), ("b",)])
    conn.commit()
    conn.close()
    before = fingerprint(foreign)
    assert before[4] == 0
    for args in commands(tmp_path):
        code, _, stderr = run(foreign, *args)
        assert code in (2, 3), (args, code, stderr)
        assert "not an accountreview database" in stderr or "not a demo" in stderr, args
        assert "unexpected" not in stderr
        assert fingerprint(foreign) == before, args
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "copy.db").exists()
    assert not list(tmp_path.glob("photos.sqlite?*")), "nothing may be made beside it"


def test_an_existing_empty_file_is_not_adopted(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch(mode=0o644)
    os.chmod(empty, 0o644)
    before = fingerprint(empty)
    for args in (["init"], ["rep", "list"], ["rep", "add", "Mo", "--email", "mo@x.com"]):
        code, _, stderr = run(empty, *args)
        assert code == 2, (args, stderr)
        assert "empty file" in stderr and "Delete it" in stderr
        assert fingerprint(empty) == before


def test_a_symlink_is_refused_whatever_it_points_to(db_path: Path, seeded: Seeded) -> None:
    link = db_path.with_name("link.db")
    link.symlink_to(db_path)
    dangling = db_path.with_name("dangling.db")
    dangling.symlink_to(db_path.with_name("nowhere.db"))
    before = content_hash(db_path)
    for path in (link, dangling):
        for args in (["init"], ["rep", "list"], ["rep", "add", "Mo", "--email", "mo@x.com"]):
            code, _, stderr = run(path, *args)
            assert code == 2, (path, args, stderr)
            assert "symbolic link" in stderr
    assert not db_path.with_name("nowhere.db").exists()
    assert content_hash(db_path) == before


def test_a_database_owned_by_another_user_is_refused(db_path: Path, seeded: Seeded) -> None:
    os.chown(db_path, NOBODY, NOBODY)
    before = fingerprint(db_path)
    for args in (["rep", "list"], ["init"], ["rep", "add", "Mo", "--email", "mo@x.com"]):
        code, _, stderr = run(db_path, *args)
        assert code == 2, (args, stderr)
        assert "belongs to another user" in stderr
        assert fingerprint(db_path)[:4] == before[:4]
    assert os.stat(db_path).st_uid == NOBODY


def test_devices_fifos_and_folders_are_not_databases(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.db"
    folder.mkdir()
    for path, kind in ((fifo, "FIFO"), (Path("/dev/null"), "character device"), (folder, "folder")):
        before = os.lstat(path)
        for args in (["init"], ["rep", "list"]):
            code, _, stderr = run(path, *args)  # a FIFO must not hang the command
            assert code == 2, (path, args, stderr)
            assert kind in stderr
        after = os.lstat(path)
        assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)


def test_a_new_database_is_a_new_private_file_built_whole(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        code, _, stderr = run(tmp_path / "new.db", "init")
    finally:
        os.umask(old)
    assert code == 0, stderr
    assert stat.S_IMODE(os.stat(tmp_path / "new.db").st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.db"], "no scratch file is left"


@pytest.mark.parametrize("how", ["option", "environment"])
def test_an_empty_db_is_a_usage_error_not_the_default_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    if how == "option":
        result = runner.invoke(app, ["--db", "", "init"])
    else:
        monkeypatch.setenv("ACCOUNTREVIEW_DB", "")
        result = runner.invoke(app, ["init"])
    assert result.exit_code == 2, result.stderr
    assert "the database path is empty" in result.stderr
    assert not (tmp_path / "xdg-data").exists(), "the default database was not created"


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A folder with a short path (a socket's path is limited to about 100 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="storage-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


def test_export_writes_through_a_device_and_a_fifo_and_never_replaces_them(
    db_path: Path, seeded: Seeded, tmp_path: Path
) -> None:
    null_before = os.lstat("/dev/null")
    code, _, stderr = run(db_path, "export", "stakeholders", "-o", "/dev/null")
    assert code == 0, stderr
    null_after = os.lstat("/dev/null")
    assert stat.S_ISCHR(null_after.st_mode)
    assert (null_after.st_mode, null_after.st_ino, null_after.st_rdev) == (
        null_before.st_mode,
        null_before.st_ino,
        null_before.st_rdev,
    )
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo, 0o644)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    code, _, stderr = run(db_path, "export", "stakeholders", "-o", str(fifo))
    reader.join(timeout=30)
    assert code == 0, stderr
    assert b"Carla Diaz" in received[0]
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and stat.S_IMODE(os.lstat(fifo).st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_export_and_backup_refuse_links_folders_and_sockets(
    db_path: Path, seeded: Seeded, tmp_path: Path, short_dir: Path
) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("keep me\n")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    dangling = tmp_path / "dangling.csv"
    dangling.symlink_to(tmp_path / "nowhere.csv")
    sock_path = short_dir / "s.sock"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        refusals = {link: "symbolic link", dangling: "symbolic link", sock_path: "socket"}
        for path, words in refusals.items():
            before = os.lstat(path)
            for args in (["export", "stakeholders", "-o", str(path)], ["backup", str(path)]):
                code, _, stderr = run(db_path, *args)
                assert code == 2, (path, args, stderr)
                assert words in stderr
                after = os.lstat(path)
                assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
        code, _, stderr = run(db_path, "export", "stakeholders", "-o", str(tmp_path))
        assert code == 2 and "folder" in stderr
        code, _, stderr = run(db_path, "backup", "/dev/null")
        assert code == 2 and "character device" in stderr
    finally:
        server.close()
    assert target.read_text() == "keep me\n"
    assert not (tmp_path / "nowhere.csv").exists()
    assert not [p for p in tmp_path.iterdir() if ".part" in p.name or "partial" in p.name]


def test_export_still_replaces_a_regular_file_atomically(
    db_path: Path, seeded: Seeded, tmp_path: Path
) -> None:
    out = tmp_path / "out.csv"
    out.write_text("old\n")
    code, _, stderr = run(db_path, "export", "stakeholders", "-o", str(out))
    assert code == 0, stderr
    assert "Carla Diaz" in out.read_text(encoding="utf-8-sig")
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
