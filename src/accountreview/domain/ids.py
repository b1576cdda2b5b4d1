"""Ids that are the same on every laptop and on the hub.

A row that two laptops may create independently (the same rep, the same person at
an account, the review of an account for a week, its slots, a record imported from
the same CRM export) gets an id derived from what makes it that row, so the copies
merge by id when they meet on the hub. Everything else (a touch typed in the app,
a frozen snapshot, an audit entry) is a fact made once, with a random id.

Ids are 32 lower-case hex characters (a UUID without dashes), as stored since 0001.
"""

import hashlib
import unicodedata
import uuid
from collections.abc import Callable

# Fixed forever: changing it would change every derived id.
NAMESPACE = uuid.UUID("6f1c2a5e-0b7d-5c3e-9a41-7d2b8e4f6a10")
_NAMESPACE_BYTES = NAMESPACE.bytes


def _derive(*parts: str) -> str:
    """`uuid.uuid5(NAMESPACE, parts joined by U+001F).hex`, without building UUID objects
    (the large demo derives 1.5M ids; a test checks both agree)."""
    name = "\x1f".join(parts).encode("utf-8")
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name, usedforsecurity=False).digest()[:16])
    digest[6] = digest[6] & 0x0F | 0x50  # version 5
    digest[8] = digest[8] & 0x3F | 0x80  # RFC 4122 variant
    return digest.hex()


def _key(text: str) -> str:
    """Text compared the way people mean it: Unicode-normalised, case-folded, single-spaced."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def random_id() -> str:
    """A fresh id for a fact that only one laptop ever makes."""
    return uuid.uuid4().hex


def rep_id(email: str) -> str:
    """A rep's id: from the email, so a rep is the same rep on every laptop and the hub."""
    return _derive("rep", _key(email))


def stakeholder_id(
    account_id: str,
    email: str | None,
    name: str,
    taken: Callable[[str], bool] | None = None,
) -> str:
    """A person's id at an account: from the email, or from the name when there is none.

    When that id is already `taken` by another person of this file (a deliberate
    duplicate), a counter is added, the same way on every laptop.
    """
    basis = ("email", _key(email)) if email and email.strip() else ("name", _key(name))
    candidate = _derive("stakeholder", account_id, *basis)
    count = 1
    while taken is not None and taken(candidate):
        count += 1
        candidate = _derive("stakeholder", account_id, *basis, str(count))
    return candidate


def review_id(account_id: str, week: str) -> str:
    """The review of an account for an ISO week (`2026-W47`)."""
    return _derive("review", account_id, week)


def slot_id(review_id: str, position: int) -> str:
    """Slot `position` (1-based) of a review."""
    return _derive("slot", review_id, str(position))


def crm_id_for(kind: str, source: str, crm_id: str) -> str:
    """The id of a record of `kind` (account, stakeholder, touch) imported from a CRM."""
    return _derive("crm", kind, source, crm_id)


def crm_activity_id(source: str, stakeholder_id: str, on: str) -> str:
    """The touch a CRM's "last activity" date of a person becomes (HubSpot's Last
    Activity Date, `on` as ISO text): the same person and day from the same source give
    the same touch on every laptop that imports the export."""
    return _derive("crm-activity", source, stakeholder_id, on)
