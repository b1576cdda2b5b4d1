"""Backup, restore and check: the user's way back from a mistake or a damaged disk.

backup   a consistent copy, safe while the app is open (SQLite's backup API)
restore  checks the file first, keeps a copy of what it replaces, then swaps
         the content in through SQLite, so an open app sees it at once
check    integrity, foreign keys, schema version, frozen reviews, row counts
"""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from accountreview.db import maintenance
from accountreview.db.connection import SCHEMA_HEAD, expand_path, open_database, path_from_target
from accountreview.db.errors import DatabaseProblem
from accountreview.db.maintenance import Health
from accountreview.services.errors import InvalidInput, Refused
from accountreview.services.workspace import user_error


@contextmanager
def _user_errors(what: str) -> Iterator[None]:
    """A database problem or a file-system error becomes a message for the user."""
    try:
        yield
    except Exception as error:
        known = user_error(error)
        if known is not None:
            raise known from None
        if isinstance(error, OSError):
            raise InvalidInput(f"{what}: {error.strerror or error}") from None
        raise


def _stamp(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")


def default_backup_path(db: Path, now: datetime | None = None) -> Path:
    """Where `backup` writes when no FILE is given: `backups/` beside the database."""
    return db.parent / "backups" / f"{db.stem}-{_stamp(now)}.db"


@dataclass(frozen=True)
class BackupDone:
    source: Path
    copy: Path
    health: Health

    def summary(self) -> str:
        rows = sum(self.health.tables.values())
        return f"Backed up {self.source} to {self.copy} ({rows:,} rows, checked: ok)"


def backup_database(
    target: str | os.PathLike[str], dest: str | os.PathLike[str] | None = None
) -> BackupDone:
    """Copy the database to `dest` (default: a dated file in `backups/` beside it).

    The copy is private (0600), complete or absent, and checked after writing.
    """
    with _user_errors("backup"):
        path = path_from_target(target)
        copy = (
            expand_path(os.fspath(dest), "backup")
            if dest is not None
            else default_backup_path(path)
        )
        if copy.is_dir() and not copy.is_symlink():
            copy = copy / default_backup_path(path).name
        if copy.resolve() == path.resolve():
            raise InvalidInput(f"backup: {copy} is the database itself; name another file")
        copy.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        maintenance.backup_file(path, copy)
        health = maintenance.check_file(copy)
    if not health.ok:  # the source itself is damaged: say so, keep the copy for rescue
        raise Refused(
            f"The backup {copy} was written, but the database it copies has problems:\n"
            + "\n".join(f"  - {p}" for p in health.problems)
        )
    return BackupDone(path, copy, health)


def has_database(target: str | os.PathLike[str]) -> bool:
    """Whether anything is at the database path yet (a restore there replaces it)."""
    with _user_errors("restore"):
        return os.path.lexists(path_from_target(target))


def check_database(target: str | os.PathLike[str]) -> Health:
    """Check the database without changing it."""
    with _user_errors("check"):
        return maintenance.check_file(path_from_target(target))


@dataclass(frozen=True)
class RestoreDone:
    path: Path
    source: Path
    kept: Path | None
    health: Health

    def summary(self) -> str:
        lines = [f"Restored {self.path} from {self.source} (schema {self.health.schema})"]
        if self.kept is not None:
            lines.append(f"What it replaced is kept in {self.kept}")
        return "\n".join(lines)


def restore_database(target: str | os.PathLike[str], source: str | os.PathLike[str]) -> RestoreDone:
    """Replace the database with the backup `source`, after checking the backup.

    The current database is first copied to `NAME.before-restore-STAMP.bak`.
    A backup made by an older version is upgraded (in a scratch copy) first.
    """
    with _user_errors("restore"):
        path = path_from_target(target)
        src = expand_path(os.fspath(source), "restore")
        if src.exists() and path.exists() and src.resolve() == path.resolve():
            raise InvalidInput(f"restore: {src} is the database itself")
        try:
            health = maintenance.check_file(src)
        except DatabaseProblem as problem:
            problem.args = (f"restore: {problem}; nothing was changed",)
            raise
        if not health.ok:
            raise Refused(
                f"restore: {src} is not a sound accountreview backup; nothing was changed:\n"
                + "\n".join(f"  - {p}" for p in health.problems)
            )
        kept = None
        if os.path.lexists(path):
            kept = path.with_name(f"{path.name}.before-restore-{_stamp()}.bak")
            maintenance.keep_before_restore(path, kept)
        with tempfile.TemporaryDirectory(prefix="accountreview-restore-") as scratch:
            staged = Path(scratch) / "restore.db"
            maintenance.backup_file(src, staged, read_only=True)  # with its WAL, if any
            if health.schema != SCHEMA_HEAD:
                open_database(staged).close()  # upgrade the copy, never the user's file
            maintenance.restore_into(staged, path)
        after = maintenance.check_file(path)
    return RestoreDone(path, src, kept, after)
