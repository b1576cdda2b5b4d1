"""Creating, upgrading and replacing database files."""

import os
from pathlib import Path

from accountreview.db import reps as rep_queries
from accountreview.db.connection import (
    SCHEMA_HEAD,
    connect,
    open_database,
    path_from_target,
    schema_version,
)
from accountreview.db.errors import DatabaseDamaged, DatabaseProblem
from accountreview.services.errors import InvalidInput, NotFound, Refused

DEMO_KEY = "demo_seed"


def _problem(problem: DatabaseProblem) -> Exception:
    if isinstance(problem, DatabaseDamaged):  # a broken record stops an upgrade: exit 3
        return Refused(str(problem))
    return NotFound(str(problem)) if problem.not_found else InvalidInput(str(problem))


def init_database(target: str | os.PathLike[str]) -> tuple[Path, bool]:
    """Create the database (mode 0600) or bring an existing one up to date.

    Returns the path and whether it was created.
    """
    try:
        path = path_from_target(target)
        existed = path.exists()
        open_database(path, create=True).close()
    except DatabaseProblem as problem:
        raise _problem(problem) from None
    return path, not existed


def upgrade_database(target: str | os.PathLike[str]) -> tuple[Path, str | None, str]:
    """Upgrade an existing database to the newest schema (a copy is kept first).

    Returns the path, the version before, and the version now.
    """
    try:
        path = path_from_target(target)
        if not path.exists():
            raise DatabaseProblem(f"No database at {path}", not_found=True)
        conn = connect(path)
        try:
            before = schema_version(conn)
        finally:
            conn.close()
        open_database(path).close()
    except DatabaseProblem as problem:
        raise _problem(problem) from None
    return path, before, SCHEMA_HEAD


def clear_demo_target(path: Path) -> None:
    """Make room for a fresh demo at `path`: remove an older demo, refuse anything else."""
    if not path.exists():
        return
    try:
        conn = connect(path)
        try:
            is_demo = schema_version(conn) is not None and rep_queries.get_meta(conn, DEMO_KEY)
        finally:
            conn.close()
    except DatabaseProblem:
        is_demo = False
    if not is_demo:
        raise Refused(
            f"{path} exists and is not a demo database; the demo will not replace it. "
            "Pick another --db path."
        )
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
