"""Who may read and who may write an account: the one rule every command and screen uses.

A rep reads and writes their own accounts. A manager reads their own accounts and
those of the people who report to them, and writes only their own: a rep's review
is the rep's record, which their manager audits but does not fill in. On a local
file this keeps the record consistent with who says they are acting; it is not a
security boundary (the team's hub enforces it with row-level security).
"""

from enum import Enum
from typing import Protocol

from accountreview.domain.enums import RepRole


class Access(Enum):
    """What is asked of an account."""

    READ = "read"
    WRITE = "write"


class Person(Protocol):
    """A rep or manager, as far as the rule needs to know them."""

    @property
    def id(self) -> str:
        """Their id."""

    @property
    def name(self) -> str:
        """Their name, as the message shows it."""

    @property
    def role(self) -> RepRole:
        """Rep or manager."""

    @property
    def manager_id(self) -> str | None:
        """Whom they report to."""


def may_access(viewer: Person, owner: Person, access: Access) -> bool:
    """Whether `viewer` may read (or write) an account owned by `owner`."""
    if viewer.id == owner.id:
        return True
    if access is Access.WRITE:
        return False
    return viewer.role is RepRole.MANAGER and owner.manager_id == viewer.id


def refusal(viewer: Person, owner: Person, account: str | None, access: Access) -> str | None:
    """Why `viewer` may not read (or write) the account named `account` of `owner` (all
    of `owner`'s accounts when `account` is None), or None when they may. The message
    names whose account it is and who is asking."""
    if may_access(viewer, owner, access):
        return None
    whose = (
        f"{account} is {owner.name}'s account"
        if account is not None
        else f"those are {owner.name}'s accounts"
    )
    said = f"{whose}; you are {viewer.name} ({viewer.role.value})"
    if may_access(viewer, owner, Access.READ):
        return f"{said}: a manager reads their reps' reviews and leaves the writing to them"
    if viewer.role is RepRole.MANAGER:
        return f"{said}, and {owner.name} does not report to you"
    return f"{said}: a rep reads and writes only their own accounts"
