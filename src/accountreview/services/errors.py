"""Errors a user can cause, each with the exit code the CLI gives it.

The CLI and the TUI turn these into a message; no traceback reaches a user.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accountreview.domain.close_rule import Blocker


class UserError(Exception):
    """Something the user asked for cannot be done; the message says why."""

    exit_code = 1


class InvalidInput(UserError):
    """A value typed or passed in is not valid (names the field and what was expected)."""

    exit_code = 2


class Ambiguous(UserError):
    """A name matched more than one record."""

    exit_code = 2

    def __init__(self, what: str, text: str, matches: Sequence[str]) -> None:
        listed = "\n".join(f"  {m}" for m in matches)
        super().__init__(f"{what} {text!r} matches {len(matches)} records; use an id:\n{listed}")
        self.matches = list(matches)


class Busy(UserError):
    """Another program (a large import) kept the database locked too long; nothing was saved."""

    exit_code = 5


class CannotWrite(UserError):
    """The disk refused a write (full, read-only, permission denied); nothing was saved."""

    exit_code = 6


class NotFound(UserError):
    """No record matches."""

    exit_code = 4


class Refused(UserError):
    """A rule refuses the action."""

    exit_code = 3


class CommandRefused(UserError):
    """Some steps of one command were refused, so none was saved; `reasons` lists each.

    The exit code is that of the first reason (2 bad input, 3 a rule, 4 not found).
    """

    def __init__(self, reasons: Sequence[UserError]) -> None:
        unique = list({str(r): r for r in reasons}.values())
        lines = "\n".join("  - " + str(r).replace("\n", "\n  ") for r in unique)
        super().__init__(f"Nothing was saved: {len(unique)} problem(s):\n{lines}")
        self.reasons = unique
        self.exit_code = unique[0].exit_code


class CloseRefused(Refused):
    """The close rule is not met; `blockers` lists every unmet condition."""

    def __init__(self, account: str, week: str, blockers: "Sequence[Blocker]") -> None:
        lines = "\n".join(f"  - {b.text}" for b in blockers)
        super().__init__(
            f"Cannot close the review of {account} for {week}: "
            f"{len(blockers)} thing(s) to fix:\n{lines}"
        )
        self.blockers = list(blockers)


class ReviewIsClosed(Refused):
    """An edit was asked of a closed review."""


class ImportRejected(Refused):
    """An import file has bad rows; nothing was imported. `problems` lists each one."""

    def __init__(self, problems: Sequence[object], *, more: int = 0) -> None:
        lines = "\n".join(f"  - {p}" for p in problems)
        extra = f"\n  … and {more} more" if more else ""
        super().__init__(
            f"Import rejected, nothing was changed: {len(problems) + more} problem(s):\n"
            f"{lines}{extra}"
        )
        self.problems = list(problems)
        self.more = more


BUSY_MESSAGE = (
    "The database is busy: another program kept it locked for too long (a large import?)."
    " Nothing was saved; try again when it is done."
)


def busy_from(error: BaseException) -> Busy | None:
    """A `Busy` for an SQLite "database is locked" that escaped a layer (also when wrapped,
    as SQLAlchemy does in `.orig`); None for any other error."""
    import sqlite3

    cause = getattr(error, "orig", error)
    if isinstance(cause, sqlite3.OperationalError):
        code = getattr(cause, "sqlite_errorcode", None)
        if code is not None and code & 0xFF == sqlite3.SQLITE_BUSY:
            return Busy(BUSY_MESSAGE)
    return None
