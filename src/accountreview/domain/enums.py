"""Closed sets of the domain, each readable from what a person types."""

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Self

from accountreview.domain.errors import InvalidValue

_SEPARATORS = re.compile(r"[\s_\-]+")
_SLASH = re.compile(r"\s*/\s*")
_WORD_START = re.compile(r"(?<!^)(?=[A-Z])")


def _normalise(text: str) -> str:
    """Fold case, trim, and treat spaces, underscores and hyphens as one separator."""
    folded = _SEPARATORS.sub(" ", text.strip().casefold()).strip()
    return _SLASH.sub("/", folded)


class _TextEnum(StrEnum):
    """A string enum with a human label and a forgiving parser."""

    @classmethod
    def _labels(cls) -> Mapping[str, str]:
        """Labels that differ from the value with hyphens read as spaces."""
        return {}

    @classmethod
    def _aliases(cls) -> Mapping[str, str]:
        """Extra accepted spellings, mapped to the member's value."""
        return {}

    @property
    def label(self) -> str:
        """The member in words, as a rep would say it."""
        return self._labels().get(self.value, self.value.replace("-", " "))

    @classmethod
    def parse(cls, text: str, what: str = "") -> Self:
        """Read a member from its value or label, ignoring case and separators.

        ``what`` names the field in the error; it defaults to the enum's name in words.
        """
        key = _normalise(text)
        for member in cls:
            if key in (_normalise(member.value), _normalise(member.label), _normalise(member.name)):
                return member
        for alias, value in cls._aliases().items():
            if key == _normalise(alias):
                return cls(value)
        accepted = ", ".join(member.value for member in cls)
        raise InvalidValue(what or _WORD_START.sub(" ", cls.__name__).lower(), text, accepted)


class RepRole(_TextEnum):
    """What a user of the app is: a seller or their manager."""

    REP = "rep"
    MANAGER = "manager"


class Level(_TextEnum):
    """A stakeholder's seniority."""

    EXECUTIVE = "executive"
    VP = "vp"
    DIRECTOR = "director"
    MANAGER = "manager"
    INDIVIDUAL = "individual"

    @classmethod
    def _labels(cls) -> Mapping[str, str]:
        return {"vp": "VP"}


class Role(_TextEnum):
    """A stakeholder's part in the deal."""

    CHAMPION = "champion"
    ECONOMIC_BUYER = "economic-buyer"
    EXECUTIVE_SPONSOR = "executive-sponsor"
    CIO_OFFICE = "cio-office"
    PROCUREMENT = "procurement"
    FINANCE = "finance"
    SECURITY = "security"
    LEGAL = "legal"
    USER = "user"
    OTHER = "other"

    @classmethod
    def _labels(cls) -> Mapping[str, str]:
        return {"cio-office": "CIO office / IT"}

    @classmethod
    def _aliases(cls) -> Mapping[str, str]:
        return {"it": "cio-office", "cio office / it": "cio-office", "cio office": "cio-office"}


class Channel(_TextEnum):
    """How a touch happened."""

    IN_PERSON = "in-person"
    VIDEO = "video"
    PHONE = "phone"
    EMAIL = "email"
    EVENT = "event"
    CHAT = "chat"


class Stage(_TextEnum):
    """Where an account stands, derived from its dates."""

    PROSPECT = "prospect"
    SIGNED = "signed"
    LIVE = "live"
    CUSTOMER = "customer"
    LOST = "lost"
    CHURNED = "churned"


class Staleness(_TextEnum):
    """How recent the last contact with a stakeholder is, for their role (one word per
    state, the same in the slot rows, the risks and the audit)."""

    FRESH = "fresh"
    OVERDUE = "overdue"
    STALE = "stale"
    NEVER = "never contacted"


class ContractKind(_TextEnum):
    """How a customer's contract renews."""

    ANNUAL = "annual"
    MONTHLY = "monthly"


class ReviewStatus(_TextEnum):
    """Where an account's review for a week stands."""

    NOT_STARTED = "not started"
    OPEN = "open"
    CLOSED = "closed"
