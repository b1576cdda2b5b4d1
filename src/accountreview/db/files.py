"""Which files the app will open as a database, and how it makes new ones.

A database is opened only if it is a regular file (not a symbolic link, a
device or a FIFO), owned by the user running the app, and recognised as an
accountreview database by reading it: its SQLite header, then its table list
through a read-only connection. Nothing is written to a file (no WAL switch,
no `-wal`/`-shm` beside it) before it has been recognised. A new database, a
backup or a copy is created only as a new private file (0600, `O_EXCL`,
`O_NOFOLLOW`) and shown under its name only once complete.
"""

import errno
import os
import sqlite3
import stat
from pathlib import Path
from urllib.parse import quote

from accountreview.db.errors import (
    READ_ERRORS,
    DatabaseDamaged,
    DatabaseProblem,
    readable,
    storage_failure,
)

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100
_TABLE_PAGE_FLAGS = (0x05, 0x0D)  # interior and leaf table b-tree pages

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


def kind_of(mode: int) -> str:
    """A file's type in words ("a folder", "a FIFO (named pipe)"...)."""
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    for test, words in _KINDS:
        if test(mode):
            return words
    return "a regular file" if stat.S_ISREG(mode) else "not a regular file"


def regular_file(path: Path, what: str = "database", *, follow: bool = True) -> os.stat_result:
    """The `stat` of `path` (`lstat` unless `follow`), refusing a missing path, a
    symbolic link (when not followed), and anything that is not a regular file."""
    try:
        info = os.stat(path) if follow else os.lstat(path)
    except FileNotFoundError:
        raise DatabaseProblem(f"No {what} at {path}", not_found=True) from None
    except OSError as error:
        raise DatabaseProblem(f"Cannot use {path}: {error.strerror}") from None
    if stat.S_ISLNK(info.st_mode):
        raise DatabaseProblem(
            f"{path} is a symbolic link; accountreview opens a {what} only by its real"
            f" path (here {path.resolve()})"
        )
    if not stat.S_ISREG(info.st_mode):
        raise DatabaseProblem(f"{path} is {kind_of(info.st_mode)}, not a {what} file")
    return info


def own_regular_file(path: Path, what: str = "database") -> os.stat_result:
    """The `lstat` of `path`, refusing anything but an existing regular file of ours."""
    info = regular_file(path, what, follow=False)
    if info.st_uid != os.geteuid():
        raise DatabaseProblem(
            f"{path} belongs to another user (uid {info.st_uid}); accountreview opens only"
            f" your own files. Copy it (`accountreview backup` as its owner) and open the copy."
        )
    return info


def _read_header(path: Path) -> bytes:
    # Never on a file this process has open through SQLite: closing any descriptor
    # of a file drops every POSIX lock the process holds on it.
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        raise DatabaseProblem(f"Cannot read {path}: {error.strerror}") from None
    try:
        return os.read(fd, HEADER_SIZE + 1)
    finally:
        os.close(fd)


def sqlite_header(path: Path) -> bytes:
    """The first 100 bytes of the SQLite file at `path`; refuse a file that is not one.

    A file whose header was overwritten but whose first page is still a SQLite
    table page is `DatabaseDamaged`; anything else without the header is not SQLite.
    """
    head = _read_header(path)
    if head.startswith(SQLITE_MAGIC):
        return head[:HEADER_SIZE]
    if len(head) > HEADER_SIZE and head[HEADER_SIZE] in _TABLE_PAGE_FLAGS:
        raise DatabaseDamaged(f"{path} is damaged: its SQLite header is overwritten")
    raise DatabaseProblem(f"{path} is not a SQLite database (not an accountreview database)")


def read_only_uri(path: Path) -> str:
    """A URI that opens `path` read-only, without creating or changing any file.

    `immutable` (no locks, no `-shm`) only when no `-wal` or `-journal` is beside the
    file: then nobody has a transaction in flight and the file holds all its data.
    """
    uri = f"file:{quote(str(path.absolute()))}"
    busy = any(Path(f"{path}{suffix}").exists() for suffix in ("-wal", "-journal"))
    return f"{uri}?mode=ro" if busy else f"{uri}?immutable=1"


def table_names(path: Path) -> set[str]:
    """The tables of the SQLite file at `path`, read without changing it."""
    conn = sqlite3.connect(read_only_uri(path), uri=True, isolation_level=None)
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    finally:
        conn.close()
    return {str(row[0]) for row in rows}


def recognise(path: Path, what: str = "database") -> set[str]:
    """Refuse `path` unless it is a database of ours; return its table names.

    Reads only, and through SQLite (which keeps this process's locks on the file
    right): the file's type and owner, then its list of tables.
    Raises `DatabaseDamaged` when it looks like SQLite but cannot be read.
    """
    info = own_regular_file(path, what)
    if info.st_size == 0:
        raise DatabaseProblem(
            f"{path} is an empty file, not an accountreview database. Delete it"
            " (or pick another --db path) and run `accountreview init`."
        )
    try:
        tables = table_names(path)
    except READ_ERRORS as error:
        fail_storage(error, path)  # it could not be opened: a read-only folder, say
        if getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_NOTADB:
            sqlite_header(path)  # raises: an overwritten header, or not SQLite at all
        raise DatabaseDamaged(f"{path} is damaged: {readable(error)}") from None
    if "alembic_version" not in tables:
        raise DatabaseProblem(
            f"{path} is a SQLite file but not an accountreview database; it was left"
            " as it was. Pick another --db path."
        )
    return tables


def create_private_file(path: Path) -> None:
    """Create a new empty file readable by its owner only (0600); never an existing one."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
    os.close(fd)


def remove_with_sidecars(path: Path) -> None:
    """Delete a scratch database and its `-wal`, `-shm` and `-journal` files."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def publish(staged: Path, dest: Path) -> None:
    """Give the complete file `staged` the name `dest`, which must not exist yet.

    A hard link fails if `dest` appeared meanwhile (no rename can replace it);
    on a file system without hard links, the rename is checked first.
    """
    try:
        os.link(staged, dest, follow_symlinks=False)
    except FileExistsError:
        raise DatabaseProblem(f"{dest} already exists; it was not replaced") from None
    except OSError as error:
        if error.errno not in {errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK}:
            raise
        if os.path.lexists(dest):
            raise DatabaseProblem(f"{dest} already exists; it was not replaced") from None
        os.rename(staged, dest)
        return
    staged.unlink()


def staged_name(dest: Path, what: str) -> Path:
    """The hidden scratch name beside `dest` under which a new file is built."""
    return dest.with_name(f".{dest.name}.{what}-{os.getpid()}")


def fsync_file(path: Path) -> None:
    """Flush a file's content to the disk."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fail_storage(error: BaseException, where: Path) -> None:
    """Raise the `StorageFailure` that `error` means (disk full, read-only), if any."""
    failure = storage_failure(error, where)
    if failure is not None:
        raise failure from None
