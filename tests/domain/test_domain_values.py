import contextlib
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accountreview.domain.errors import InvalidValue
from accountreview.domain.values import (
    MAX_MONEY,
    clean_text,
    parse_bool,
    parse_money,
    parse_percent,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("250000", 250_000),
        ("250,000", 250_000),
        ("250 000", 250_000),
        ("$10,000", 10_000),
        (" $ 10,000 ", 10_000),
        ("250k", 250_000),
        ("250K", 250_000),
        ("1.2m", 1_200_000),
        ("1.5M", 1_500_000),
        ("0", 0),
        ("10.0", 10),
        ("1,000,000,000,000,000", 10**15),
    ],
)
def test_money_forms(text: str, expected: int) -> None:
    assert parse_money(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "-5",
        "10.5",
        "1.2345k",
        "ten",
        "1,5",
        "12,34,567",
        "1e6",
        "2m m",
        "1,000,000,000,000,001",
    ],
)
def test_money_refuses_what_is_not_a_whole_amount(text: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        parse_money(text, "potential")
    assert caught.value.what == "potential"
    assert caught.value.expected == "a whole amount ≥ 0 such as 250000, 250k or 1.2m"


@given(st.integers(min_value=0, max_value=10**15))
def test_money_reads_plain_and_grouped_integers(amount: int) -> None:
    assert parse_money(str(amount)) == amount
    assert parse_money(f"{amount:,}") == amount


@given(
    st.integers(min_value=0, max_value=10**16),
    st.text("0123456789", min_size=0, max_size=12),
    st.sampled_from(["", "k", "m"]),
)
def test_money_with_a_fraction_is_read_exactly(whole: int, fraction: str, unit: str) -> None:
    """Integer arithmetic gives what exact rational arithmetic gives: the amount when it
    is whole and at most MAX_MONEY, else a refusal."""
    text = f"{whole}.{fraction}{unit}" if fraction else f"{whole}{unit}"
    exact = Fraction(f"{whole}.{fraction or '0'}") * {"": 1, "k": 1_000, "m": 1_000_000}[unit]
    if exact.denominator == 1 and exact <= MAX_MONEY and len(str(whole)) <= 18:
        assert parse_money(text) == exact
    else:
        with pytest.raises(InvalidValue):
            parse_money(text)


@given(st.text())
def test_money_raises_only_invalid_value(text: str) -> None:
    with contextlib.suppress(InvalidValue):
        assert parse_money(text) >= 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [("20", 20.0), ("20%", 20.0), ("12.5", 12.5), (" 5 % ", 5.0), ("100", 100)],
)
def test_percent_forms(text: str, expected: float) -> None:
    assert parse_percent(text) == expected


@pytest.mark.parametrize("text", ["", "%", "-5", "100.1", "nan", "inf", "1e2", "five"])
def test_percent_refuses_negatives_overflow_and_non_numbers(text: str) -> None:
    with pytest.raises(InvalidValue):
        parse_percent(text)


def test_percent_upper_bound_is_configurable() -> None:
    assert parse_percent("150", max_value=200) == 150.0
    with pytest.raises(InvalidValue):
        parse_percent("30", "discount", max_value=25)


@given(st.text())
def test_percent_raises_only_invalid_value(text: str) -> None:
    with contextlib.suppress(InvalidValue):
        assert 0 <= parse_percent(text) <= 100


def test_clean_text_trims() -> None:
    assert clean_text("  Ada Lovelace \n", "name") == "Ada Lovelace"


@pytest.mark.parametrize("text", ["Ada\x00", "a\tb", "a\nb", "a\x1b[31mb", "a\u200bb", "a\u2028b"])
def test_clean_text_refuses_control_characters(text: str) -> None:
    with pytest.raises(InvalidValue):
        clean_text(text, "name")


def test_clean_text_length_and_required() -> None:
    assert clean_text("x" * 200, "name") == "x" * 200
    with pytest.raises(InvalidValue):
        clean_text("x" * 201, "name")
    with pytest.raises(InvalidValue):
        clean_text("   ", "name")
    assert clean_text("   ", "title", required=False) == ""


@given(st.text())
def test_clean_text_raises_only_invalid_value(text: str) -> None:
    try:
        cleaned = clean_text(text, "note", max_length=50)
    except InvalidValue:
        return
    assert cleaned == cleaned.strip()
    assert 0 < len(cleaned) <= 50


@pytest.mark.parametrize("text", ["yes", "Y", "true", "TRUE", "1", "x", " X "])
def test_bool_true_forms(text: str) -> None:
    assert parse_bool(text, "is top") is True


@pytest.mark.parametrize("text", ["no", "N", "false", "0", "", "  "])
def test_bool_false_forms_include_empty(text: str) -> None:
    assert parse_bool(text, "is top") is False


@given(st.text())
def test_bool_raises_only_invalid_value(text: str) -> None:
    with contextlib.suppress(InvalidValue):
        parse_bool(text, "is top")


@pytest.mark.parametrize(
    "text",
    [
        "👩\u200d👩\u200d👧 Family",  # joined emoji
        "Mehr\u200cdad",  # Persian names need the zero-width non-joiner
        "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f Team",  # a flag of tags
        "José Ñúñez",
        "שרה כהן",  # right-to-left text itself is text
        "e\u0301\u0301",  # combining marks
    ],
)
def test_clean_text_keeps_what_real_names_need(text: str) -> None:
    assert clean_text(text, "name") == text


@pytest.mark.parametrize("char", ["\u202e", "\u200b", "\u2066", "\ufeff", "\u00ad", "\x1b"])
def test_clean_text_refuses_invisible_and_bidi_controls(char: str) -> None:
    with pytest.raises(InvalidValue):
        clean_text(f"Ann{char}Lee", "name")
