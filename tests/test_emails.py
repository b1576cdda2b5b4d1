"""One rule for an email address, whichever way it comes in.

Typed (`stakeholder add`, `rep add`, the app's forms), a cell of the app's own CSV
and a CRM export all read an email with `domain.values.parse_email`, so an address
one of them took is never refused by another: an exported file re-imports.
"""

from collections.abc import Callable

import pytest

from accountreview.domain.errors import InvalidValue
from accountreview.domain.values import parse_email
from accountreview.io.crm.fields import crm_email
from accountreview.services.errors import InvalidInput
from accountreview.services.fields import email_field

SAMPLES = ["@@x", "a@", "@b", "a@b@c", "a @b", " a@b ", "a@b", "ann.lee+x@acme.example",
           "x\x00@y", "é@ü.example", "a" * 195 + "@b.co", "a" * 200 + "@b.co", ""]  # fmt: skip
REFUSED = {"@@x", "a@", "@b", "a@b@c", "a @b", "x\x00@y", "a" * 200 + "@b.co", ""}


def verdict(read: Callable[[str], object], text: str) -> str | None:
    """What `read` made of `text`, or None if it refused it."""
    try:
        return str(read(text))
    except (InvalidValue, InvalidInput):
        return None


@pytest.mark.parametrize("text", SAMPLES)
def test_every_way_in_takes_the_same_emails(text: str) -> None:
    typed = verdict(lambda t: email_field(t, required=True), text)
    assert verdict(parse_email, text) == typed
    assert verdict(lambda t: crm_email(t, "Email"), text) == typed
    assert (typed is None) == (text in REFUSED), typed
