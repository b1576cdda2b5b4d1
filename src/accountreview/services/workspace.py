"""The object every service takes: an open database, "today", settings and who is acting."""

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from accountreview.db.connection import Database, open_database
from accountreview.db.errors import (
    DatabaseBusy,
    DatabaseDamaged,
    DatabaseProblem,
    damage,
    storage_failure,
)
from accountreview.domain.settings import DEFAULT_SETTINGS, Settings
from accountreview.services.errors import (
    Busy,
    CannotWrite,
    InvalidInput,
    NotFound,
    Refused,
    UserError,
    busy_from,
)


@dataclass
class Workspace:
    """What a service needs: the database, the injectable "today", the thresholds, the actor."""

    db: Database
    today: date
    settings: Settings = DEFAULT_SETTINGS
    actor_id: str | None = None

    def close(self) -> None:
        """Close the database connection."""
        self.db.close()


def open_workspace(
    target: str | os.PathLike[str],
    today: date,
    *,
    create: bool = False,
    settings: Settings = DEFAULT_SETTINGS,
) -> Workspace:
    """Open (or create) the database at `target` and wrap it in a workspace."""
    try:
        db = open_database(target, create=create)
    except Exception as error:
        raise user_error(error) or error from None
    db.busy_error = Busy  # a save that waited too long is told to the user, not a crash
    db.write_error = CannotWrite  # so is one the disk refused (full, read-only)
    return Workspace(db=db, today=today, settings=settings)


def reopen_workspace(ws: Workspace) -> Workspace:
    """Another workspace on the same database with a connection of its own, for a worker
    thread (an SQLite connection stays in the thread that opened it). Close it after use."""
    other = open_workspace(ws.db.path, ws.today, settings=ws.settings)
    other.actor_id = ws.actor_id
    return other


def change_token(ws: Workspace) -> tuple[int, int]:
    """Equal tokens mean nothing was written in between (by this app or another)."""
    return ws.db.change_token()


def user_error(error: BaseException, where: Path | None = None) -> UserError | None:
    """The `UserError` a database or file-system error means, or None if it is a bug.

    Locked: `Busy` (exit 5); disk full or read-only: `CannotWrite` (6); a damaged
    file: `Refused` (3); a file that is missing: `NotFound` (4); one that is not
    ours: `InvalidInput` (2).
    """
    if isinstance(error, UserError):
        return error
    if isinstance(error, DatabaseBusy):
        return Busy(str(error))
    busy = busy_from(error)  # a lock error that escaped a layer
    if busy is not None:
        return busy
    failure = storage_failure(error, where)
    if failure is not None:
        return CannotWrite(str(failure))
    damaged = error if isinstance(error, DatabaseDamaged) else damage(error, where)
    if damaged is not None:
        return Refused(str(damaged))
    if isinstance(error, DatabaseProblem):
        return (NotFound if error.not_found else InvalidInput)(str(error))
    return None
