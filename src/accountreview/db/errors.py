"""Errors the database layer raises for things a user can cause, and how a failed
write of the disk or of SQLite is told apart (full, read-only, damaged)."""

import errno
import os
import sqlite3
from pathlib import Path


class DatabaseProblem(Exception):
    """The database cannot be used as asked (missing, not ours, too new, unsupported URL)."""

    def __init__(self, message: str, *, not_found: bool = False) -> None:
        super().__init__(message)
        self.not_found = not_found


class DatabaseBusy(DatabaseProblem):
    """Another connection held the write lock for longer than the busy timeout."""


class StorageFailure(Exception):
    """The disk refused a write: it is full, or the file or folder is read-only.

    Not a `DatabaseProblem`: the file is fine, the place it lives is not; the
    CLI gives it its own exit code (6). Nothing was saved when it is raised.
    """


class DatabaseDamaged(DatabaseProblem):
    """SQLite found the file damaged (a corrupt page, truncated, not a database)."""


_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
_READ_ONLY_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})
_SQLITE_FULL = (sqlite3.SQLITE_FULL,)
_SQLITE_READ_ONLY = (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN)
_SQLITE_DAMAGED = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def disk_full_message(where: Path | None) -> str:
    """What to say when the disk (or the user's quota, or a file-size limit) is full."""
    return (
        f"the disk is full (writing {where or 'the database'}): nothing was saved."
        " Free some space and try again."
    )


def read_only_message(where: Path | None, code: int | None = None) -> str:
    """What to say when `where` (or its folder, or its file system) cannot be written,
    or read: which of them it is, as far as the file system tells."""
    if where is None:
        which = "the database or its folder is read-only"
    elif code == errno.EROFS:
        which = f"{where} is on a read-only file system"
    elif where.exists() and not os.access(where, os.R_OK):
        return f"permission denied: {where} cannot be read; nothing was saved."
    elif where.exists() and not os.access(where, os.W_OK):
        which = f"{where} is read-only"
    elif where.parent.exists() and not os.access(where.parent, os.W_OK):
        which = (
            f"the folder {where.parent} is read-only (SQLite writes {where.name}-wal and"
            f" {where.name}-shm beside a database, even to read it)"
        )
    else:
        which = f"{where} cannot be written (read-only file system or permission denied)"
    return f"{which}: nothing was saved. Make it writable, or work on a copy elsewhere."


# What reading a damaged file through SQLite can raise: SQLite's errors, and a
# message of SQLite's (quoting the damaged bytes) that is not UTF-8 itself.
READ_ERRORS = (sqlite3.DatabaseError, UnicodeDecodeError)


def readable(error: BaseException) -> str:
    """An error's text for a message: SQLite's words, not the damaged bytes it quotes."""
    if isinstance(error, UnicodeDecodeError):
        return "SQLite's report quotes bytes that are not text"
    return "".join(c if c.isprintable() else "?" for c in str(error))


def _primary(error: sqlite3.Error) -> int:
    code = getattr(error, "sqlite_errorcode", None)
    return -1 if code is None else code & 0xFF  # the extended codes share the low byte


def storage_failure(error: BaseException, where: Path | None) -> StorageFailure | None:
    """The `StorageFailure` that `error` (from SQLite or the OS) means, or None.

    `where` is the file being written (None: the database; an OS error names its own).
    """
    if isinstance(error, StorageFailure):
        return error
    wrapped = getattr(error, "orig", None)  # SQLAlchemy's wrapper of a driver error
    if isinstance(wrapped, sqlite3.Error):
        error = wrapped
    if isinstance(error, OSError):
        where = Path(error.filename) if where is None and error.filename else where
        if error.errno in _FULL_ERRNOS:
            return StorageFailure(disk_full_message(where))
        if error.errno in _READ_ONLY_ERRNOS:
            return StorageFailure(read_only_message(where, error.errno))
        return None
    if isinstance(error, sqlite3.Error):
        code = _primary(error)
        if code in _SQLITE_FULL:
            return StorageFailure(disk_full_message(where))
        if code in _SQLITE_READ_ONLY:
            return StorageFailure(read_only_message(where))
        if code == sqlite3.SQLITE_IOERR and getattr(error, "sqlite_errorcode", 0) in {
            sqlite3.SQLITE_IOERR_WRITE,
            sqlite3.SQLITE_IOERR_FSYNC,
            sqlite3.SQLITE_IOERR_TRUNCATE,
            sqlite3.SQLITE_IOERR_SHMSIZE,
        }:
            return StorageFailure(disk_full_message(where))  # what a short write means
    return None


def damage(error: BaseException, where: Path | None) -> DatabaseDamaged | None:
    """The `DatabaseDamaged` that a SQLite error means (corrupt or not a database), or None.

    A stored text that is not UTF-8 (only a damaged page or a foreign write makes
    one) is damage too; its bytes are not repeated in the message.
    """
    if not isinstance(error, sqlite3.Error):
        return None
    if _primary(error) in _SQLITE_DAMAGED:
        what = readable(error)
    elif str(error).startswith("Could not decode to UTF-8"):
        what = "a stored text is not valid UTF-8"
    else:
        return None
    return DatabaseDamaged(
        f"{where or 'the database'} is damaged ({what}). Run `accountreview check`"
        " to list the problems, and `accountreview restore BACKUP` if you have a backup."
    )
