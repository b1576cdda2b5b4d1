import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accountreview.domain.enums import (
    Channel,
    ContractKind,
    Level,
    RepRole,
    ReviewStatus,
    Role,
    Stage,
    Staleness,
)
from accountreview.domain.errors import InvalidValue

ALL_ENUMS = [RepRole, Level, Role, Channel, Stage, Staleness, ContractKind, ReviewStatus]


def test_values_are_the_stored_strings() -> None:
    assert Role.ECONOMIC_BUYER.value == "economic-buyer"
    assert Staleness.NEVER.value == "never contacted"
    assert ReviewStatus.NOT_STARTED.value == "not started"
    assert Channel.IN_PERSON.value == "in-person"
    assert isinstance(Channel.IN_PERSON, str)


def test_labels_read_as_words() -> None:
    assert Level.VP.label == "VP"
    assert Role.CIO_OFFICE.label == "CIO office / IT"
    assert Role.ECONOMIC_BUYER.label == "economic buyer"
    assert Channel.IN_PERSON.label == "in person"
    assert Staleness.NEVER.label == "never contacted"


@pytest.mark.parametrize("enum", ALL_ENUMS)
def test_every_member_parses_from_its_value_and_label(enum: type[Role]) -> None:
    for member in enum:
        assert enum.parse(member.value) is member
        assert enum.parse(member.label) is member
        assert enum.parse(f"  {member.label.upper()}  ") is member


@pytest.mark.parametrize(
    "text", ["economic buyer", "Economic_Buyer", "ECONOMIC-BUYER", " economic  buyer "]
)
def test_parse_treats_spaces_underscores_and_hyphens_alike(text: str) -> None:
    assert Role.parse(text) is Role.ECONOMIC_BUYER


@pytest.mark.parametrize("text", ["IT", "it", "CIO office / IT", "cio office/it", "cio office"])
def test_cio_office_accepts_its_common_names(text: str) -> None:
    assert Role.parse(text) is Role.CIO_OFFICE


def test_parse_error_lists_accepted_values() -> None:
    with pytest.raises(InvalidValue) as caught:
        Channel.parse("pigeon", "channel of touch")
    assert caught.value.what == "channel of touch"
    assert caught.value.expected == "in-person, video, phone, email, event, chat"


def test_parse_error_defaults_to_the_enum_name_in_words() -> None:
    with pytest.raises(InvalidValue) as caught:
        ContractKind.parse("weekly")
    assert caught.value.what == "contract kind"


@given(st.text())
def test_parse_raises_only_invalid_value_on_any_text(text: str) -> None:
    for enum in ALL_ENUMS:
        with contextlib.suppress(InvalidValue):
            enum.parse(text)
