"""Text a user typed, checked for the services: a bad value becomes `InvalidInput`."""

from pathlib import Path

from accountreview.domain.errors import InvalidValue
from accountreview.domain.values import clean_text, parse_email
from accountreview.services.errors import InvalidInput


def text_field(
    value: str | None, what: str, *, required: bool, max_length: int = 200
) -> str | None:
    """Trimmed text without control characters; None for an empty optional field."""
    if value is None or (not required and not value.strip()):
        if required:
            raise InvalidInput(f"{what}: required")
        return None
    try:
        return clean_text(value, what, max_length=max_length, required=required)
    except InvalidValue as error:
        raise InvalidInput(str(error)) from None


def email_field(value: str | None, *, required: bool) -> str | None:
    """An email address (`parse_email`, the rule imports read too); None for an empty
    optional field."""
    email = text_field(value, "email", required=required)
    if email is None:
        return None
    try:
        return parse_email(email)
    except InvalidValue as error:
        raise InvalidInput(str(error)) from None


def path_field(value: str, what: str) -> Path:
    """A file path typed in the app: `~` expanded; an unknown `~user` or an unusable
    name is an `InvalidInput`, never a crash."""
    from accountreview.db.connection import expand_path
    from accountreview.db.errors import DatabaseProblem

    try:
        return expand_path(value, what)
    except DatabaseProblem as problem:
        raise InvalidInput(str(problem)) from None
