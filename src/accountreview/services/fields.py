"""Text a user typed, checked for the services: a bad value becomes `InvalidInput`."""

from accountreview.domain.errors import InvalidValue
from accountreview.domain.values import clean_text
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
    """An email address (it must contain @); None for an empty optional field."""
    email = text_field(value, "email", required=required)
    if email is not None and "@" not in email:
        raise InvalidInput(f"email: {email!r} is not valid; expected name@company.com")
    return email
