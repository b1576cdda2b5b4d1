"""Errors the database layer raises for things a user can cause."""


class DatabaseProblem(Exception):
    """The database cannot be used as asked (missing, not ours, too new, unsupported URL)."""

    def __init__(self, message: str, *, not_found: bool = False) -> None:
        super().__init__(message)
        self.not_found = not_found


class DatabaseBusy(DatabaseProblem):
    """Another connection held the write lock for longer than the busy timeout."""
