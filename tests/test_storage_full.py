"""A full disk, for real: a small tmpfs mounted for the test and filled to the last byte.

Every write the app makes there (an import, an edit, init, a backup, an export,
a save in the TUI) ends with "the disk is full … nothing was saved" and exit 6,
leaves no partial file, and the database as it was. A file-size limit
(RLIMIT_FSIZE, EFBIG) is told the same way.
"""

import errno
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual.widgets import Input, Select, Static
from typer.testing import CliRunner

from accountreview.cli import app
from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.review import ReviewScreen
from accountreview.tui.screens.transfer import ExportScreen
from conftest import TODAY, content_hash, seed

runner = CliRunner()
SAMPLES = Path(__file__).parents[1] / "data" / "samples" / "salesforce"
FULL = "the disk is full"
CLI = (sys.executable, "-m", "accountreview")


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


@dataclass
class TinyDisk:
    """A mounted tmpfs of a few hundred KiB, and a file that fills it."""

    root: Path

    def fill(self) -> None:
        """Write a filler file until not one more byte fits."""
        with open(self.root / "filler", "ab", buffering=0) as handle:
            for chunk in (65536, 4096, 512, 1):
                try:
                    while True:
                        handle.write(b"\0" * chunk)
                except OSError as error:
                    assert error.errno == errno.ENOSPC
        with pytest.raises(OSError) as caught:
            (self.root / "probe").write_bytes(b"x" * 4096)
        assert caught.value.errno == errno.ENOSPC, "the disk could not be filled"
        (self.root / "probe").unlink(missing_ok=True)

    def free(self) -> None:
        (self.root / "filler").unlink(missing_ok=True)

    def listing(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir() if p.name != "filler")


@pytest.fixture
def tiny_disk() -> Iterator[TinyDisk]:
    root = Path(tempfile.mkdtemp(prefix="storage-full-"))
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k,mode=0700", "tmpfs", str(root)],
        capture_output=True,
        text=True,
    )
    try:
        assert done.returncode == 0, f"cannot mount a tmpfs to fill: {done.stderr}"
        yield TinyDisk(root)
    finally:
        if done.returncode == 0:
            subprocess.run(["umount", str(root)], check=True)
        shutil.rmtree(root)


def seeded_db(path: Path) -> None:
    ws = open_workspace(path, TODAY, create=True)
    seed(ws)
    ws.close()


@pytest.fixture
def db_on_full_disk(tiny_disk: TinyDisk) -> Iterator[tuple[Path, TinyDisk]]:
    """A seeded database on the tiny disk, opened by another program, then the disk filled.

    The other connection keeps the `-shm` and `-wal` files in place, as the app
    open in a meeting would; the write that follows must grow the `-wal`.
    """
    db = tiny_disk.root / "review.db"
    seeded_db(db)
    holder = sqlite3.connect(db)
    holder.execute("SELECT count(*) FROM touch").fetchone()
    tiny_disk.fill()
    try:
        yield db, tiny_disk
    finally:
        holder.close()


def test_writes_on_a_full_disk_exit_6_and_save_nothing(
    db_on_full_disk: tuple[Path, TinyDisk],
) -> None:
    db, disk = db_on_full_disk
    listing = disk.listing()
    writes = (
        ["import", str(SAMPLES / "User.csv")],
        ["rep", "add", "Mo Chan", "--email", "mo@example.com"],
        ["touch", "Acme Corp", "Sam Okafor", "--on", "2026-11-20", "-c", "phone"],
        ["stakeholder", "left", "Acme Corp", "Uma Reyes"],
    )
    for args in writes:
        code, _, stderr = run(db, *args)
        assert code == 6, (args, stderr)
        assert FULL in stderr and "nothing was saved" in stderr, stderr
        assert disk.listing() == listing, args
    code, stdout, _ = run(db, "accounts", "--format", "json")
    assert code == 0 and "Acme Corp" in stdout, "reading still works on a full disk"
    disk.free()
    before = content_hash(db)
    assert run(db, "check")[0] == 0
    assert content_hash(db) == before


def test_init_on_a_full_disk_leaves_nothing(tiny_disk: TinyDisk) -> None:
    tiny_disk.fill()
    code, _, stderr = run(tiny_disk.root / "new.db", "init")
    assert code == 6 and FULL in stderr, stderr
    assert tiny_disk.listing() == []


def test_backup_and_export_to_a_full_disk_exit_6_and_leave_no_partial_file(
    db_path: Path, tiny_disk: TinyDisk
) -> None:
    seeded_db(db_path)
    earlier = tiny_disk.root / "stakeholders.csv"
    earlier.write_text("an earlier export\n")
    tiny_disk.fill()
    code, _, stderr = run(db_path, "backup", str(tiny_disk.root / "copy.db"))
    assert code == 6 and FULL in stderr, stderr
    code, _, stderr = run(db_path, "backup", str(tiny_disk.root))  # a folder: a dated name
    assert code == 6 and FULL in stderr, stderr
    for kind in ("stakeholders", "touches", "accounts"):
        code, _, stderr = run(db_path, "export", kind, "-o", str(earlier))
        assert code == 6 and FULL in stderr, (kind, stderr)
    assert tiny_disk.listing() == ["stakeholders.csv"]
    assert earlier.read_text() == "an earlier export\n"


def _limit_file_size() -> None:
    resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))


def test_a_file_size_limit_is_told_as_a_full_disk(db_path: Path, tmp_path: Path) -> None:
    seeded_db(db_path)
    out = tmp_path / "touches.json"
    done = subprocess.run(
        [*CLI, "--db", str(db_path), "export", "stakeholders", "-f", "json", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_limit_file_size,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert done.returncode == 6, done.stderr
    assert FULL in done.stderr and "Traceback" not in done.stderr
    assert not out.exists() and not list(tmp_path.glob(".touches.json.*"))


async def test_a_save_in_the_tui_on_a_full_disk_is_a_message(tiny_disk: TinyDisk) -> None:
    db = tiny_disk.root / "review.db"
    seeded_db(db)
    app_ = AccountReviewApp(open_workspace(db, TODAY, create=True))
    async with app_.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # open the review of Acme Corp
        await pilot.pause()
        assert isinstance(app_.screen, ReviewScreen)
        tiny_disk.fill()
        saved = content_hash(db)
        before = [n.message for n in app_._notifications]
        await pilot.press("enter")  # pick a stakeholder for slot 1
        await pilot.pause()
        await pilot.press(*"carla", "enter")
        await pilot.pause()
        messages = [str(n.message) for n in app_._notifications if n.message not in before]
        assert any(FULL in m and "nothing was saved" in m for m in messages), messages
        assert isinstance(app_.screen, ReviewScreen) and app_.is_running
    tiny_disk.free()
    assert content_hash(db) == saved
    assert run(db, "check")[0] == 0


async def test_an_export_from_the_tui_to_a_full_disk_is_a_message(
    db_path: Path, tiny_disk: TinyDisk
) -> None:
    seeded_db(db_path)
    tiny_disk.fill()
    app_ = AccountReviewApp(open_workspace(db_path, TODAY, create=True))
    async with app_.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        screen = app_.screen
        assert isinstance(screen, ExportScreen)
        screen.query_one("#kind", Select).value = "stakeholders"
        await pilot.pause()
        path = screen.query_one("#path", Input)
        path.value = str(tiny_disk.root / "stakeholders.csv")
        path.focus()
        await pilot.press("enter")
        await app_.workers.wait_for_complete()
        await pilot.pause()
        error = str(screen.query_one("#transfer-error", Static).render())
        assert FULL in error and "nothing was saved" in error, error
        assert app_.is_running
    assert tiny_disk.listing() == []
