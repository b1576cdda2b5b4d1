"""A read-only database file or folder, for real, through the CLI in a subprocess.

Tests run as root, whom `chmod` does not stop. The CLI runs here under `setpriv`
without the capabilities that bypass file permissions (CAP_DAC_OVERRIDE,
CAP_DAC_READ_SEARCH, CAP_FOWNER), as the file's owner: a read-only file is then
read-only to it, as to any user. Each test first proves that it is.

- A read-only file: reading commands work; a write exits 6 saying "read-only",
  and nothing is saved.
- A read-only folder: SQLite cannot create the `-wal` and `-shm` files it needs
  beside a WAL database even to read it, so every command exits 6 naming the
  folder (not "not an accountreview database"), except `check`, which reads the
  file alone.
"""

import os
import subprocess
import sys
from pathlib import Path

from accountreview.services.workspace import open_workspace
from conftest import TODAY, content_hash, seed

UNPRIVILEGED = ("setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--")
READS = (
    ["rep", "list"],
    ["queue", "--format", "json"],
    ["accounts", "--format", "json"],
    ["export", "stakeholders"],
    ["check"],
)
WRITES = (
    ["rep", "add", "Mo Chan", "--email", "mo@example.com"],
    ["touch", "Acme Corp", "Sam Okafor", "--on", "2026-11-20", "-c", "phone"],
    ["stakeholder", "left", "Acme Corp", "Uma Reyes"],
)


def unprivileged(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*UNPRIVILEGED, *args], capture_output=True, text=True, timeout=60, env=os.environ.copy()
    )


def cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return unprivileged(sys.executable, "-m", "accountreview", "--db", str(db), *args)


def assert_cannot_write(path: Path) -> None:
    """Fail the test unless an unprivileged process really cannot write `path`."""
    probe = (
        "import sys, os\n"
        "p = sys.argv[1]\n"
        "try:\n"
        "    if os.path.isdir(p): open(os.path.join(p, 'probe'), 'x').close()\n"
        "    else: open(p, 'r+b').close()\n"
        "except PermissionError: sys.exit(0)\n"
        "sys.exit(1)\n"
    )
    done = unprivileged(sys.executable, "-c", probe, str(path))
    assert done.returncode == 0, f"could not make {path} read-only for the test: {done.stderr}"


def seeded_db(path: Path) -> None:
    ws = open_workspace(path, TODAY, create=True)
    seed(ws)
    ws.close()


def test_a_read_only_file_can_be_read_and_refuses_writes(tmp_path: Path) -> None:
    db = tmp_path / "review.db"
    seeded_db(db)
    os.chmod(db, 0o400)
    assert_cannot_write(db)
    before = content_hash(db)
    for args in READS:
        done = cli(db, *args)
        assert done.returncode == 0, (args, done.stderr)
    for args in WRITES:
        done = cli(db, *args)
        assert done.returncode == 6, (args, done.stderr)
        assert f"{db} is read-only" in done.stderr and "nothing was saved" in done.stderr
        assert "not an accountreview database" not in done.stderr
    os.chmod(db, 0o600)
    assert content_hash(db) == before


def test_a_read_only_folder_is_named_by_every_command(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "review.db"
    seeded_db(db)
    before = content_hash(db)
    os.chmod(folder, 0o500)
    try:
        assert_cannot_write(folder)
        done = cli(db, "check")  # reads the file alone (no -wal: it holds every commit)
        assert done.returncode == 0 and "ok:" in done.stdout, done.stderr
        for args in (*READS[:-1], *WRITES, ["init"]):
            done = cli(db, *args)
            assert done.returncode == 6, (args, done.stderr)
            assert f"the folder {folder} is read-only" in done.stderr, done.stderr
            assert "review.db-wal" in done.stderr
            assert "unexpected" not in done.stderr and "not an accountreview" not in done.stderr
        done = cli(folder / "new.db", "init")
        assert done.returncode == 6 and f"the folder {folder} is read-only" in done.stderr
        assert sorted(p.name for p in folder.iterdir()) == ["review.db"]
    finally:
        os.chmod(folder, 0o700)
    assert content_hash(db) == before


def test_an_unreadable_database_is_a_permission_message(tmp_path: Path) -> None:
    db = tmp_path / "review.db"
    seeded_db(db)
    before = content_hash(db)
    os.chmod(db, 0o200)
    try:
        probe = unprivileged(sys.executable, "-c", f"open({str(db)!r}, 'rb')")
        assert probe.returncode != 0, "could not make the file unreadable for the test"
        for args in (["rep", "list"], ["check"], ["rep", "add", "Mo", "--email", "mo@x.com"]):
            done = cli(db, *args)
            assert done.returncode == 6, (args, done.stderr)
            assert f"permission denied: {db} cannot be read" in done.stderr
    finally:
        os.chmod(db, 0o600)
    assert content_hash(db) == before
