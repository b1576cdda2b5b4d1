"""Reading CRM exports without a database: ids, cells, guesses, and which format a file is."""

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accountreview.domain.enums import Channel, Level, Role
from accountreview.domain.errors import InvalidValue
from accountreview.domain.values import clean_text
from accountreview.io.crm.fields import (
    crm_date,
    crm_money,
    crm_text,
    level_from_title,
    role_from_title,
)
from accountreview.io.crm.hubspot import hubspot_id
from accountreview.io.crm.salesforce import (
    channel_from_value,
    channel_from_words,
    contact_role,
    salesforce_id,
)
from accountreview.io.csv_source import CsvSource, Row, sniff_delimiter
from accountreview.io.detect import detect_format
from accountreview.io.native_csv import UnknownHeader

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"

# -- Salesforce ids -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("short", "long"),
    [
        # Worked examples published with the algorithm.
        ("0019000000B98de", "0019000000B98deAAB"),
        ("a0D30000001n7Pi", "a0D30000001n7PiEAI"),
    ],
)
def test_fifteen_character_id_gains_its_checksum(short: str, long: str) -> None:
    assert salesforce_id(short) == long
    assert salesforce_id(long) == long


def test_eighteen_character_id_in_the_wrong_case_is_restored() -> None:
    assert salesforce_id("A0D30000001N7PIEAI") == "a0D30000001n7PiEAI"
    assert salesforce_id("a0d30000001n7piEAI".lower()) == "a0D30000001n7PiEAI"


@pytest.mark.parametrize(
    "bad",
    ["", "001", "0019000000B98d", "0019000000B98deAA", "0019000000B98de!", "0019000000B98de5AB"],
)
def test_bad_salesforce_ids_are_refused(bad: str) -> None:
    with pytest.raises(InvalidValue, match="Salesforce id"):
        salesforce_id(bad)


def test_hubspot_id_refuses_a_number_a_spreadsheet_rounded() -> None:
    assert hubspot_id("9000101") == "9000101"
    assert hubspot_id("9000101.0") == "9000101"
    with pytest.raises(InvalidValue, match="format the column as text"):
        hubspot_id("9.0001E+06")
    with pytest.raises(InvalidValue, match="digits"):
        hubspot_id("abc")


# -- cells ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day_first", "expected"),
    [
        ("2026-11-20", False, date(2026, 11, 20)),
        ("2026-11-20T14:00:00.000Z", False, date(2026, 11, 20)),
        ("2026-11-20 14:03", False, date(2026, 11, 20)),
        ("11/20/2026", False, date(2026, 11, 20)),
        ("11/20/2026, 2:00 PM", False, date(2026, 11, 20)),
        ("3/4/2026", False, date(2026, 3, 4)),
        ("3/4/2026", True, date(2026, 4, 3)),
        ("20/11/2026", True, date(2026, 11, 20)),
        ("20.11.2026", False, date(2026, 11, 20)),
    ],
)
def test_crm_dates(text: str, day_first: bool, expected: date) -> None:
    assert crm_date(text, "Date", day_first=day_first) == expected


def test_a_day_first_date_read_month_first_says_how_to_fix_it() -> None:
    with pytest.raises(InvalidValue, match="--day-first"):
        crm_date("20/11/2026", "Date")
    with pytest.raises(InvalidValue, match="YYYY-MM-DD"):
        crm_date("yesterday", "Date")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1200000", 1_200_000),
        ("1,200,000.00", 1_200_000),
        ("$1,200,000.00", 1_200_000),
        ("USD 1200000", 1_200_000),
        ("1.2E7", 12_000_000),
        ("1.200.000,00", 1_200_000),
        ("1.2m", 1_200_000),
        ("999.5", 1000),
    ],
)
def test_crm_money(text: str, expected: int) -> None:
    assert crm_money(text, "Annual Revenue") == expected


@pytest.mark.parametrize("bad", ["lots", "-5", "1e99", "12x"])
def test_bad_crm_money_is_refused(bad: str) -> None:
    with pytest.raises(InvalidValue, match="amount"):
        crm_money(bad, "Annual Revenue")


# -- guesses ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "level", "role"),
    [
        ("Chief Financial Officer", Level.EXECUTIVE, Role.FINANCE),
        ("CIO", Level.EXECUTIVE, Role.CIO_OFFICE),
        ("Senior Vice President, Operations", Level.VP, None),
        ("SVP Sales", Level.VP, None),
        ("Head of Procurement", Level.DIRECTOR, Role.PROCUREMENT),
        ("Director, IT Security", Level.DIRECTOR, Role.SECURITY),
        ("General Counsel", Level.INDIVIDUAL, Role.LEGAL),
        ("Regional Manager", Level.MANAGER, None),
        ("Software Engineer", Level.INDIVIDUAL, None),
        ("", None, None),
    ],
)
def test_level_and_role_from_a_title(title: str, level: Level | None, role: Role | None) -> None:
    assert (level_from_title(title), role_from_title(title)) == (level, role)


def test_contact_roles_map_by_the_documented_table() -> None:
    assert contact_role("Decision Maker") is Role.ECONOMIC_BUYER
    assert contact_role("economic  decision maker") is Role.ECONOMIC_BUYER
    assert contact_role("Technical Buyer") is Role.CIO_OFFICE
    assert contact_role("Influencer") is Role.OTHER
    assert contact_role("Champion") is Role.CHAMPION  # one of ours
    with pytest.raises(InvalidValue, match="Decision Maker, Economic Buyer"):
        contact_role("Coach")


@pytest.mark.parametrize(
    ("value", "channel"),
    [
        ("Call", Channel.PHONE),
        ("ListEmail", Channel.EMAIL),
        ("LinkedIn", Channel.CHAT),
        ("Meeting", Channel.IN_PERSON),
        ("Video Call", Channel.VIDEO),
        ("in-person", Channel.IN_PERSON),
        ("Task", None),
        ("Other", None),
    ],
)
def test_channel_from_a_subtype_or_type(value: str, channel: Channel | None) -> None:
    assert channel_from_value(value) is channel


@pytest.mark.parametrize(
    ("text", "channel"),
    [
        ("Call about the summit", Channel.PHONE),
        ("Zoom: SSO deep dive", Channel.VIDEO),
        ("Re: pricing", Channel.EMAIL),
        ("Lunch with the CFO", Channel.IN_PERSON),
        ("Send revised order form", None),
    ],
)
def test_channel_from_the_earliest_word(text: str, channel: Channel | None) -> None:
    assert channel_from_words(text) is channel


# -- files ---------------------------------------------------------------------------------

DETECTED = [
    ("salesforce/User.csv", "salesforce", "reps", "Data Loader export"),
    ("salesforce/Account.csv", "salesforce", "accounts", "Data Loader export"),
    ("salesforce/Contact.csv", "salesforce", "stakeholders", "Data Loader export"),
    ("salesforce/OpportunityContactRole.csv", "salesforce", "contact-roles", "Data Loader export"),
    ("salesforce/Task.csv", "salesforce", "touches", "Data Loader export"),
    ("salesforce/Event.csv", "salesforce", "touches", "Data Loader export"),
    ("salesforce/report-accounts.csv", "salesforce", "accounts", "report export"),
    ("salesforce/report-contacts-excel.csv", "salesforce", "stakeholders", "report export"),
    ("salesforce/report-activities-unicode.txt", "salesforce", "touches", "report export"),
    ("hubspot/hubspot-companies.csv", "hubspot", "accounts", "export"),
    ("hubspot/hubspot-contacts.csv", "hubspot", "stakeholders", "export"),
]


@pytest.mark.parametrize(("name", "source", "kind", "variant"), DETECTED)
def test_each_sample_is_recognised_by_its_header(
    name: str, source: str, kind: str, variant: str
) -> None:
    with CsvSource(SAMPLES / name) as csv_file:
        found = detect_format(csv_file.file, csv_file.header)
    assert (found.source, found.kind, found.variant) == (source, kind, variant)


def test_excel_text_forms_are_recognised() -> None:
    with CsvSource(SAMPLES / "salesforce/report-activities-unicode.txt") as unicode_text:
        assert unicode_text.form.label == "UTF-16, tab-separated"
        assert unicode_text.header[0] == "Activity ID"
    with CsvSource(SAMPLES / "salesforce/report-contacts-excel.csv") as excel:
        assert excel.form.label == "Windows-1252, semicolon-separated"
        names = [row.text("contact:_full_name") for row in excel if isinstance(row, Row)]
        assert "Søren Kjær" in names
    with CsvSource(SAMPLES / "salesforce/report-accounts.csv") as report:
        assert report.form.label == "UTF-8 with BOM, comma-separated"


def test_delimiter_is_what_the_header_holds_most_of_outside_quotes() -> None:
    assert sniff_delimiter('"a;b",c,d\n') == ","
    assert sniff_delimiter("a;b;c\n") == ";"
    assert sniff_delimiter("a\tb,c\td\n") == "\t"
    assert sniff_delimiter("single\n") == ","


def test_a_forced_source_that_does_not_fit_says_so() -> None:
    with pytest.raises(UnknownHeader, match="not one of a HubSpot export") as forced:
        detect_format("Account.csv", ["Id", "Name", "OwnerId"], source="hubspot")
    assert "Columns found: Id, Name, OwnerId" in str(forced.value)
    assert "reps:" not in str(forced.value) and "Salesforce" not in str(forced.value)
    with pytest.raises(UnknownHeader, match="matches no import format") as caught:
        detect_format("people.csv", ["Name", "Phone"])
    assert "Salesforce (Data Loader or report exports)" in str(caught.value)
    assert "HubSpot exports" in str(caught.value)


def test_potential_column_must_be_in_the_file() -> None:
    header = ["Record ID", "Company name", "Annual Revenue"]
    found = detect_format("c.csv", header, potential_from="annual revenue")
    assert found.fields is not None and "potential" in found.fields
    with pytest.raises(UnknownHeader, match="--potential-from 'Revenue'"):
        detect_format("c.csv", header, potential_from="Revenue")


@given(st.text(max_size=60))
def test_a_crm_cell_cleaned_is_text_the_app_accepts(text: str) -> None:
    """A CRM cell is cleaned by dropping exactly what typed text refuses (one rule), so
    what an import stores the CLI would have taken, and joined emoji survive both."""
    cleaned = crm_text(text)
    if cleaned:
        assert clean_text(cleaned, "name") == cleaned
    kept = [c for c in text if c in "\u200c\u200d"]
    assert [c for c in cleaned if c in "\u200c\u200d"] == kept
