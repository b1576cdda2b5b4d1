"""Typed values read from what a person typed: money, percentages, text, yes/no."""

import re
import unicodedata

from accountreview.domain.errors import InvalidValue

MAX_MONEY = 10**15
_MONEY_EXPECTED = "a whole amount ≥ 0 such as 250000, 250k or 1.2m"
# Digits, optionally grouped by three with commas or spaces, an optional
# fraction, and an optional k/m multiplier.
_MONEY = re.compile(
    r"(?P<number>[0-9]{1,3}(?:[, \u00a0\u202f_][0-9]{3}){1,5}|[0-9]{1,18})"
    r"(?P<fraction>\.[0-9]{1,12})?\s*(?P<unit>[km]?)",
    re.IGNORECASE,
)
_CURRENCY_SIGNS = "$€£"
_MULTIPLIERS = {"": 1, "k": 1_000, "m": 1_000_000}
_PERCENT = re.compile(r"[0-9]{1,12}(?:\.[0-9]{0,12})?|\.[0-9]{1,12}")
_FORBIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
# Format characters that real text needs: the zero-width non-joiner (Persian, Hindi)
# and joiner (emoji such as 👩‍👩‍👧), and the tags of flag emoji such as 🏴󠁧󠁢󠁳󠁣󠁴󠁿.
_TEXT_FORMAT_CHARS = frozenset({"\u200c", "\u200d", *map(chr, range(0xE0020, 0xE0080))})


def is_control(char: str) -> bool:
    """Whether `char` may not be part of a name, title or note: a control character,
    an invisible format character (bidi overrides such as U+202E, zero-width spaces)
    other than those real text needs, a lone surrogate, or a line/paragraph separator."""
    return unicodedata.category(char) in _FORBIDDEN_CATEGORIES and char not in _TEXT_FORMAT_CHARS


_TRUE = frozenset({"yes", "y", "true", "1", "x"})
_FALSE = frozenset({"no", "n", "false", "0", ""})


def parse_money(text: str, what: str = "amount") -> int:
    """Read a whole amount: ``250000``, ``250,000``, ``$10,000``, ``250k``, ``1.2m``."""
    cleaned = text.strip().lstrip(_CURRENCY_SIGNS).strip()
    match = _MONEY.fullmatch(cleaned)
    if match is None:
        raise InvalidValue(what, text, _MONEY_EXPECTED)
    # In whole numbers (no `fractions` import at start-up): the fraction's digits times
    # the multiplier must be a whole multiple of the fraction's scale.
    multiplier: int = _MULTIPLIERS[match["unit"].lower()]
    fraction = (match["fraction"] or ".")[1:]
    scale: int = 10 ** len(fraction)
    part, rest = divmod(int(fraction or "0") * multiplier, scale)
    amount = int(re.sub(r"[^0-9]", "", match["number"])) * multiplier + part
    if rest or amount > MAX_MONEY:
        raise InvalidValue(what, text, _MONEY_EXPECTED)
    return amount


def parse_percent(text: str, what: str = "percent", max_value: float = 100.0) -> float:
    """Read a percentage such as ``20``, ``20%`` or ``12.5``, from 0 to ``max_value``."""
    cleaned = text.strip().removesuffix("%").rstrip()
    expected = f"a percentage from 0 to {max_value:g} such as 20 or 12.5"
    if _PERCENT.fullmatch(cleaned) is None:
        raise InvalidValue(what, text, expected)
    value = float(cleaned)
    if value > max_value:
        raise InvalidValue(what, text, expected)
    return value


def clean_text(text: str, what: str, *, max_length: int = 200, required: bool = True) -> str:
    """Trim a free text and refuse control characters, overlong or (if required) empty text."""
    cleaned = text.strip()
    expected = (
        f"text of at most {max_length} characters on one line, without control characters"
        " (nor invisible ones such as U+202E or U+200B)"
    )
    if required and not cleaned:
        raise InvalidValue(what, text, "a non-empty text")
    if len(cleaned) > max_length:
        raise InvalidValue(what, text, expected)
    if any(map(is_control, cleaned)):
        raise InvalidValue(what, text, expected)
    return cleaned


EMAIL_EXPECTED = "an email address such as name@company.com"


def parse_email(text: str, what: str = "email") -> str:
    """Read an email address: one ``@`` with text on both sides, no spaces or control
    characters, at most 200 characters. The one rule for every way an email comes in
    (typed, the app's CSV, a CRM export), so what one accepts the others read back."""
    cleaned = clean_text(text, what)
    local, at, domain = cleaned.partition("@")
    if not (local and at and domain) or "@" in domain or any(c.isspace() for c in cleaned):
        raise InvalidValue(what, text, EMAIL_EXPECTED)
    return cleaned


def parse_bool(text: str, what: str) -> bool:
    """Read yes/no, y/n, true/false, 1/0 or x; an empty text means no."""
    folded = text.strip().casefold()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise InvalidValue(what, text, "yes or no (also y/n, true/false, 1/0, x, or empty for no)")
