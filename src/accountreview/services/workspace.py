"""The object every service takes: an open database, "today", settings and who is acting."""

import os
from dataclasses import dataclass
from datetime import date

from accountreview.db.connection import Database, open_database
from accountreview.db.errors import DatabaseProblem
from accountreview.domain.settings import DEFAULT_SETTINGS, Settings
from accountreview.services.errors import Busy, InvalidInput, NotFound


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
    except DatabaseProblem as problem:
        if problem.not_found:
            raise NotFound(str(problem)) from None
        raise InvalidInput(str(problem)) from None
    db.busy_error = Busy  # a save that waited too long is told to the user, not a crash
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
