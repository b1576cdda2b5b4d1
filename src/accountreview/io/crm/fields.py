"""What every CRM export shares: headers known by aliases, and lenient cells.

Headers
    A header cell is compared by its letters and digits alone, in any case:
    ``AccountId``, ``ACCOUNTID``, ``Account ID`` and ``Account: Account ID``'s
    last part all read as ``accountid``. Each field a kind of file uses has a
    list of such aliases (the API name first, then the report labels); the
    first alias the header has is the column read.

Cells
    date     ``YYYY-MM-DD`` (also with a time, ``2026-11-20T14:00:00.000Z`` or
             ``2026-11-20 14:03``: the date part is kept), ``MM/DD/YYYY`` as
             US-locale reports write it (``DD/MM/YYYY`` with ``day_first``),
             ``DD.MM.YYYY``; a time after the date (``11/20/2026, 2:00 PM``)
             is ignored. It must lie from 1970-01-01 to 2100-12-31
             (`accountreview.domain.dates`).
    money    ``1200000``, ``1,200,000.00``, ``$1,200,000``, ``USD 1200000``,
             ``1.2E7``, ``1.200.000,00``, ``1.2m``; rounded to whole units.
    text     line breaks and runs of spaces become one space; control
             characters are dropped; cut to the length the app keeps (with
             ``…``). A CRM's free text is taken as it is, not refused.
    yes/no   ``true``/``false``, ``1``/``0``, ``yes``/``no``.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypeVar

from accountreview.domain.dates import check_date
from accountreview.domain.enums import Level, Role
from accountreview.domain.errors import InvalidValue
from accountreview.domain.values import (
    EMAIL_EXPECTED,
    MAX_MONEY,
    is_control,
    parse_bool,
    parse_email,
    parse_money,
)
from accountreview.io.csv_source import Row, RowProblem, cell_text

T = TypeVar("T")

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def squash(header: str) -> str:
    """A header cell by its letters and digits, lower case (``Account ID`` -> ``accountid``)."""
    return _NOT_ALNUM.sub("", header.casefold())


_CUSTOM_SUFFIX = re.compile(r"__c$", re.IGNORECASE)


def squash_label(header: str) -> str:
    """Like `squash`, also dropping a report's ``Object:`` prefix (``Contact: Full Name``)
    and a Salesforce custom field's ``__c`` (``Potential_ARR__c`` is ``Potential ARR``)."""
    _, colon, rest = header.strip().rpartition(":")
    text = rest if colon and squash(rest) else header
    return squash(_CUSTOM_SUFFIX.sub("", text.strip()))


@dataclass(frozen=True)
class Field:
    """A field a kind of file reads, and the header aliases it is known by (squashed).

    `objects`, for a column of Salesforce ids, names the objects its ids may be of
    (``("Account",)``; see `salesforce.KEY_PREFIXES`); `labels` are the header labels
    a message names when a file has no column for the field.
    """

    name: str
    aliases: tuple[str, ...]
    objects: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()

    @classmethod
    def labelled(cls, name: str, *labels: str) -> "Field":
        """A field known by these header labels (as the CRM writes them), in this order."""
        aliases = tuple(dict.fromkeys(squash_label(label) for label in labels))
        return cls(name, aliases, labels=labels)


class FieldMap:
    """Which column of a file holds each field (and how the header wrote it)."""

    def __init__(self, fields: Sequence[Field], header: Sequence[str]) -> None:
        from accountreview.io.csv_source import normalise_column

        by_alias: dict[str, tuple[str, str]] = {}
        for cell in header:
            if not cell.strip():
                continue
            label = cell.replace("\ufeff", "").strip()
            entry = (normalise_column(cell), label)
            by_alias.setdefault(squash(label), entry)
            by_alias.setdefault(squash_label(label), entry)
        self.columns: dict[str, str] = {}
        self.labels: dict[str, str] = {}
        self.objects: dict[str, tuple[str, ...]] = {}
        self._parts: dict[str, FieldMap] = {}
        for field in fields:
            for alias in field.aliases:
                if alias in by_alias:
                    self.columns[field.name], self.labels[field.name] = by_alias[alias]
                    if field.objects:
                        self.objects[field.name] = field.objects
                    break

    def __contains__(self, field: str) -> bool:
        return field in self.columns

    def part(self, prefix: str) -> "FieldMap":
        """The fields named ``prefix.NAME``, as NAME, and the unprefixed ones: one record's
        columns in a file whose rows hold two (an account and its contact)."""
        if prefix in self._parts:
            return self._parts[prefix]
        part = self._parts[prefix] = FieldMap((), ())
        for name, column in self.columns.items():
            head, dot, rest = name.rpartition(".")
            if dot and head != prefix:
                continue
            short = rest if dot else name
            part.columns[short], part.labels[short] = column, self.labels[name]
            if name in self.objects:
                part.objects[short] = self.objects[name]
        return part

    def label(self, field: str) -> str:
        """The field's column as the header wrote it."""
        return self.labels.get(field, field)


def header_keys(header: Sequence[str]) -> set[str]:
    """Every alias key a header offers (both `squash` and `squash_label` of each cell)."""
    keys: set[str] = set()
    for cell in header:
        if cell.strip():
            keys.add(squash(cell))
            keys.add(squash_label(cell))
    keys.discard("")
    return keys


class CrmCells:
    """Reads a row's fields by name, collecting a problem (with the header's label) per bad one."""

    def __init__(self, row: Row, fields: FieldMap) -> None:
        self.row = row
        self.fields = fields
        self.problems: list[RowProblem] = []

    def text(self, field: str) -> str:
        """The trimmed cell of `field` ("" when the file has no such column)."""
        column = self.fields.columns.get(field)
        return "" if column is None else cell_text(self.row.cells.get(column, ""))

    def problem(self, field: str, expected: str, value: str | None = None) -> None:
        """Note a problem with `field`'s cell."""
        shown = self.text(field) if value is None else value
        self.problems.append(
            RowProblem(self.row.file, self.row.number, self.fields.label(field), shown, expected)
        )

    def read(self, field: str, parse: Callable[[str], T], *, required: bool = False) -> T | None:
        """The parsed cell, or None when empty (a problem if required) or invalid."""
        text = self.text(field)
        if not text:
            if required:
                self.problem(field, "a value (this column is required)")
            return None
        try:
            return parse(text)
        except InvalidValue as error:
            self.problem(field, error.expected)
            return None


# -- cells ---------------------------------------------------------------------------

_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:[T ].*)?")
_SLASHED = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})(?:[, ]+.*)?")
_DOTTED = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})(?:[, ]+.*)?")


def crm_date(text: str, what: str, *, day_first: bool = False) -> date:
    """A date as a CRM export writes it (see the module docstring)."""
    cleaned = text.strip()
    order = "DD/MM/YYYY" if day_first else "MM/DD/YYYY"
    expected = f"a date as {order} or YYYY-MM-DD"
    if not day_first:
        expected += " (for day-first dates, import with --day-first)"
    parts: tuple[int, int, int] | None = None
    if match := _ISO.fullmatch(cleaned):
        parts = (int(match[1]), int(match[2]), int(match[3]))
    elif match := _SLASHED.fullmatch(cleaned):
        first, second = int(match[1]), int(match[2])
        month, day = (second, first) if day_first else (first, second)
        parts = (int(match[3]), month, day)
    elif match := _DOTTED.fullmatch(cleaned):
        parts = (int(match[3]), int(match[2]), int(match[1]))
    if parts is None:
        raise InvalidValue(what, text, expected)
    try:
        result = date(*parts)
    except ValueError:
        raise InvalidValue(what, text, expected) from None
    return check_date(result, what, text)


_CURRENCY = re.compile(r"^(?:[A-Z]{3}\s*)|(?:\s*[A-Z]{3})$|[$€£¥\s\u00a0\u202f]")
_SCIENTIFIC = re.compile(r"[0-9]+(?:\.[0-9]+)?[eE][+]?[0-9]{1,2}")
_GROUPED_COMMA = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+")
_GROUPED_DOT = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3}){2,}")
_PLAIN = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_MONEY_EXPECTED = "an amount ≥ 0 such as 1200000, 1,200,000.00, $1.2m or 1.2E7"


def crm_money(text: str, what: str) -> int:
    """An amount as a CRM export writes it, rounded to whole units."""
    cleaned = _CURRENCY.sub("", text.strip())
    number: Decimal | None = None
    try:
        if _SCIENTIFIC.fullmatch(cleaned):
            number = Decimal(cleaned)
        elif "," in cleaned and "." in cleaned:
            decimal_mark = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
            grouping = "." if decimal_mark == "," else ","
            number = Decimal(cleaned.replace(grouping, "").replace(decimal_mark, "."))
        elif _GROUPED_COMMA.fullmatch(cleaned):
            number = Decimal(cleaned.replace(",", ""))
        elif _GROUPED_DOT.fullmatch(cleaned):
            number = Decimal(cleaned.replace(".", ""))
        elif cleaned.count(",") == 1 and _PLAIN.fullmatch(cleaned.replace(",", ".")):
            number = Decimal(cleaned.replace(",", "."))
        elif _PLAIN.fullmatch(cleaned):
            number = Decimal(cleaned)
    except InvalidOperation:
        number = None
    if number is None:
        try:
            return parse_money(cleaned, what)  # 250k, 1.2m
        except InvalidValue:
            raise InvalidValue(what, text, _MONEY_EXPECTED) from None
    if number < 0 or number > MAX_MONEY:
        raise InvalidValue(what, text, _MONEY_EXPECTED)
    amount = int(number.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if amount > MAX_MONEY:
        raise InvalidValue(what, text, _MONEY_EXPECTED)
    return amount


def crm_bool(text: str, what: str) -> bool:
    """A CRM's checkbox: true/false, 1/0, yes/no (the app's own yes/no rule)."""
    try:
        return parse_bool(text, what)
    except InvalidValue:
        raise InvalidValue(what, text, "true or false") from None


_SPACES = re.compile(r"\s+")


def crm_text(text: str, max_length: int = 200) -> str:
    """Free text from a CRM on one line: spaces folded, control characters (those typed
    text refuses, `is_control`) dropped, cut."""
    if text.isprintable() and "  " not in text:
        folded = text.strip()  # the usual cell: nothing to fold or drop
    else:
        folded = _SPACES.sub(" ", text).strip()
    if not folded.isprintable():
        folded = "".join(c for c in folded if not is_control(c)).strip()
    if len(folded) > max_length:
        folded = folded[: max_length - 1].rstrip() + "…"
    return folded


def crm_email(text: str, what: str) -> str:
    """An email address (any case kept); a CRM's "name <email>" form is accepted."""
    cleaned = text.strip()
    if cleaned.endswith(">") and "<" in cleaned:
        cleaned = cleaned[cleaned.rindex("<") + 1 : -1].strip()
    try:
        return parse_email(cleaned, what)
    except InvalidValue:
        raise InvalidValue(what, text, EMAIL_EXPECTED) from None


def person_name(first: str, last: str, full: str) -> str:
    """A person's name from first and last name, else the full name ("" if none)."""
    joined = " ".join(part for part in (crm_text(first), crm_text(last)) if part)
    return joined or crm_text(full)


# -- guesses from words ------------------------------------------------------------------

_LEVEL_WORDS: tuple[tuple[Level, re.Pattern[str]], ...] = (
    (Level.VP, re.compile(r"\b(vice[ -]president|s?e?a?vp|v\.p\.)\b")),
    (
        Level.EXECUTIVE,
        re.compile(r"\b(chief|c[a-z]{1,2}o|ciso|president|founder|owner|managing director)\b"),
    ),
    (Level.DIRECTOR, re.compile(r"\b(director|head)\b")),
    (Level.MANAGER, re.compile(r"\b(manager|supervisor|team lead)\b")),
)

# Only roles a title says plainly; a champion or an economic buyer is named by the
# rep (or by an opportunity's contact roles), never guessed from a title.
_ROLE_WORDS: tuple[tuple[Role, re.Pattern[str]], ...] = (
    (Role.SECURITY, re.compile(r"\b(ciso|security|infosec)\b")),
    (Role.LEGAL, re.compile(r"\b(legal|counsel|attorney|lawyer|contracts)\b")),
    (
        Role.PROCUREMENT,
        re.compile(r"\b(procurement|purchasing|sourcing|buyer|vendor management)\b"),
    ),
    (
        Role.FINANCE,
        re.compile(r"\b(cfo|finance|financial|controller|treasurer|accounting|fp&a)\b"),
    ),
    (
        Role.CIO_OFFICE,
        re.compile(
            r"\b(cio|cto|it|information technology|infrastructure|technology|architect"
            r"|enterprise architecture)\b"
        ),
    ),
)


_GUESSED: dict[tuple[str, str], object] = {}  # an export repeats the same titles


def _remembered(kind: str, title: str, guess: T) -> T:
    if len(_GUESSED) >= 4096:
        _GUESSED.clear()
    _GUESSED[(kind, title)] = guess
    return guess


def level_from_title(title: str) -> Level | None:
    """The level a job title says (``VP Sales`` -> vp); individual when it says none."""
    known = _GUESSED.get(("level", title), _GUESSED)
    if known is not _GUESSED:
        return known  # type: ignore[return-value]
    return _remembered("level", title, _level_of(title))


def _level_of(title: str) -> Level | None:
    folded = title.casefold()
    if not folded.strip():
        return None
    for level, words in _LEVEL_WORDS:
        if words.search(folded):
            return level
    return Level.INDIVIDUAL


def role_from_title(title: str) -> Role | None:
    """The role a job title says plainly (``Head of Procurement`` -> procurement), or None."""
    known = _GUESSED.get(("role", title), _GUESSED)
    if known is not _GUESSED:
        return known  # type: ignore[return-value]
    return _remembered("role", title, _role_of(title))


def _role_of(title: str) -> Role | None:
    folded = title.casefold()
    for role, words in _ROLE_WORDS:
        if words.search(folded):
            return role
    return None
