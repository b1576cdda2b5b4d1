import pickle

from accountreview.domain.errors import InvalidValue


def test_message_names_the_field_the_value_and_what_was_expected() -> None:
    error = InvalidValue("amount", "ten", "a whole amount")
    assert str(error) == "amount: 'ten' is not valid; expected a whole amount"
    assert (error.what, error.value, error.expected) == ("amount", "ten", "a whole amount")


def test_is_a_value_error() -> None:
    assert isinstance(InvalidValue("a", "b", "c"), ValueError)


def test_long_value_is_truncated_with_an_ellipsis() -> None:
    error = InvalidValue("name", "x" * 100, "a short name")
    assert f"'{'x' * 60}…'" in str(error)
    assert error.value == "x" * 100


def test_control_characters_are_shown_escaped() -> None:
    assert "'a\\x1b[31m'" in str(InvalidValue("name", "a\x1b[31m", "text"))


def test_survives_pickling() -> None:
    error = pickle.loads(pickle.dumps(InvalidValue("week", "W99", "an ISO week")))
    assert str(error) == "week: 'W99' is not valid; expected an ISO week"
