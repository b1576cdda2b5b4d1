"""Every date the app takes, through every door, against the one accepted range.

A date typed or imported is either accepted, and then every command that reads
(queue, accounts, account show, review, audit, every export in every format,
the .ics included) still runs with exit 0, or it is refused: exit 2 (3 for an
import, which is rejected as a whole), a message naming the field and, for a
real date outside the range, the range, and the database exactly as it was.

The oracle is exact for real dates: 1970-01-01 to 2100-12-31 (a touch: not
after today; a planned contact: at most 5 years after today) is accepted, the
rest refused. Junk text must be refused or accepted, never crash.

ACCOUNTREVIEW_FUZZ_EXAMPLES sets the number of cases per test (default 8: each
accepted case runs some twenty commands).
"""

import csv
import os
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from accountreview.cli import app
from accountreview.domain.dates import EARLIEST, LATEST, IsoWeek, latest_planned
from accountreview.io.native_csv import COLUMNS
from accountreview.services.importing import ImportOptions, import_file
from accountreview.services.workspace import open_workspace
from conftest import TODAY, content_hash, copy_of
from test_dates_stored import ACCOUNT_DATES

runner = CliRunner()
EXAMPLES = int(os.environ.get("ACCOUNTREVIEW_FUZZ_EXAMPLES", "8"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
DATA = Path(__file__).resolve().parent.parent / "data"
SF = DATA / "samples" / "salesforce"
HUB = DATA / "samples" / "hubspot"
ACCOUNT = "Acme Logistics"  # in data/accounts.csv, with Grace Hopper among its people
SF_CONTACT = "0035g00000HpSaMAAV"  # a contact of data/samples/salesforce/Contact.csv
SF_ACCOUNT = "0015g00000QkAcMAAV"
PLANNED_END = latest_planned(TODAY)

EDGE_DAYS = [
    date(1969, 12, 31),
    EARLIEST,
    LATEST,
    date(2101, 1, 1),
    date.min,
    date.max,
    TODAY,
    TODAY + timedelta(days=1),
    PLANNED_END - timedelta(days=1),
    PLANNED_END,
    PLANNED_END + timedelta(days=1),
]
DAYS = st.one_of(st.sampled_from(EDGE_DAYS), st.dates(EARLIEST, LATEST), st.dates())
JUNK = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "+99999d", "99999w", "0000-00-00", "2026-02-30", "10000-01-01",
                     "-2026-01-01", "2026-11-20T", "２０２６-11-20", "1e9d", "\x00", "+5000w"]),
)  # fmt: skip


def in_range(day: date, latest: date = LATEST) -> bool:
    return EARLIEST <= day <= latest


def crm_forms(day: date) -> list[str]:
    """The forms a CRM export writes a date in (US order: month first)."""
    y, m, d = f"{day.year:04d}", f"{day.month:02d}", f"{day.day:02d}"
    return [f"{y}-{m}-{d}", f"{y}-{m}-{d}T14:00:00.000Z", f"{m}/{d}/{y}", f"{d}.{m}.{y}"]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The native samples, the Salesforce users, accounts and contacts, HubSpot companies."""
    path = tmp_path_factory.mktemp("dates") / "template.db"
    ws = open_workspace(path, TODAY, create=True)
    for kind in ("reps", "accounts", "stakeholders", "touches"):
        import_file(ws, DATA / f"{kind}.csv")
    options = ImportOptions(potential_from="Potential_ARR__c", rep="Ann Lee")
    for name in ("User.csv", "Account.csv", "Contact.csv"):
        import_file(ws, SF / name, options=options)
    import_file(ws, HUB / "hubspot-companies.csv", options=ImportOptions(rep="Ann Lee"))
    ws.close()
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    return copy_of(template, tmp_path)


def cli(db: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", str(db), "--rep", "Ann Lee", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.stderr
    return result.exit_code, result.stderr


WEEKLY = ("touches", "reviews", "next-contacts")  # the exports that take --week


def reads(week: str | None = None) -> list[list[str]]:
    """Every command that reads, with `--week` where it takes one."""
    on_week = [] if week is None else ["--week", week]
    exports = [
        ["export", kind, "--format", fmt, *(on_week if kind in WEEKLY else [])]
        for kind in ("accounts", "stakeholders", "touches", "reviews", "next-contacts")
        for fmt in ("csv", "json")
    ]
    return [
        ["queue", *on_week],
        ["accounts", "--format", "json"],
        ["account", "show", ACCOUNT],
        ["review", ACCOUNT, "--status", *on_week],
        ["audit", *on_week],
        ["audit", "--format", "json", "--weeks", "52", *on_week],
        *exports,
        ["export", "follow-ups", "--format", "csv"],
        ["export", "follow-ups", "--format", "json"],
        ["export", "next-contacts", "--format", "ics", *on_week],
        ["export", "touches", "--as", "salesforce-tasks", *on_week],
    ]


def every_read_runs(db: Path, *before: str, week: str | None = None) -> None:
    for args in reads(week):
        code, err = cli(db, *before, *args)
        assert code == 0, (before, args, err)


TALLY: Counter[str] = Counter()  # printed at the end of the module with `pytest -s`


@pytest.fixture(scope="module", autouse=True)
def _figures() -> Iterator[None]:
    yield
    print(f"\ndate inputs: {dict(TALLY)}")


def tally(code: int) -> None:
    TALLY["tried"] += 1
    TALLY["accepted, then every read ran" if code == 0 else "refused, database unchanged"] += 1


def attempt(
    db: Path, field: str, accepted: bool | None, *args: str, ends: date | None = LATEST
) -> None:
    """Run a command that takes a date for `field`; `accepted` says whether it must be
    accepted (None: junk, either way), and a refusal names the range `ends` closes
    (None: a refusal for another reason)."""
    before = content_hash(db)
    code, err = cli(db, *args)
    tally(code)
    if accepted is None:
        accepted = code == 0
    elif not accepted and ends is not None:
        assert f"expected a date from 1970-01-01 to {ends.isoformat()}" in err, (args, err)
    if accepted:
        assert code == 0, (args, err)
        every_read_runs(db)
        return
    assert code in (2, 3), (args, code, err)
    assert field in err, (field, err)
    assert content_hash(db) == before, f"refused {args!r} but the database changed"


# -- typed on the command line ----------------------------------------------------------


@FUZZ
@given(day=DAYS)
def test_touch_on_a_real_date(db: Path, day: date) -> None:
    args = ("touch", ACCOUNT, "Grace Hopper", "--on", day.isoformat(), "-c", "phone")
    if not in_range(day) or day <= TODAY:  # else in range but after today: "the future"
        attempt(db, "--on", in_range(day, TODAY), *args)
    else:
        code, err = cli(db, *args)
        assert code == 2 and "--on" in err and "a date not in the future" in err, err


@FUZZ
@given(day=DAYS)
def test_left_on_a_real_date(db: Path, day: date) -> None:
    args = ("stakeholder", "left", ACCOUNT, "Grace Hopper", "--on", day.isoformat())
    if not in_range(day) or day <= TODAY:
        attempt(db, "--on", in_range(day, TODAY), *args)
    else:
        code, err = cli(db, *args)
        assert code == 2 and "--on" in err and "a date not in the future" in err, err


@FUZZ
@given(day=DAYS)
def test_next_contact_on_a_real_date(db: Path, day: date) -> None:
    args = ("stakeholder", "next", ACCOUNT, "Grace Hopper", "--on", day.isoformat())
    if not in_range(day, PLANNED_END) or day >= TODAY:
        attempt(db, "--on", in_range(day, PLANNED_END), *args, ends=PLANNED_END)
    else:  # in range but before today: the service plans from today on
        code, err = cli(db, *args)
        assert code == 2 and "is in the past" in err, err


@FUZZ
@given(text=JUNK)
def test_typed_dates_of_any_text(db: Path, text: str) -> None:
    attempt(db, "--on", None, "touch", ACCOUNT, "Grace Hopper", "--on", text, "-c", "phone")
    attempt(db, "--on", None, "stakeholder", "next", ACCOUNT, "Grace Hopper", "--on", text)


@FUZZ
@given(day=DAYS)
def test_today_option_and_its_environment_variable(
    db: Path, day: date, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = day.isoformat()
    if in_range(day):
        every_read_runs(db, "--today", text)
        tally(0)
        return
    runs: list[tuple[Callable[[], tuple[int, str]], str]] = [
        (lambda: cli(db, "--today", text, "queue"), "--today"),
        (_with_env(monkeypatch, text, db), "ACCOUNTREVIEW_TODAY"),
    ]
    for run, named in runs:
        code, err = run()
        tally(code)
        assert code == 2, err
        assert f"Invalid value for {named}: " in err, err
        assert "is out of range; expected a date from 1970-01-01 to 2100-12-31" in err, err


def _with_env(
    monkeypatch: pytest.MonkeyPatch, text: str, db: Path
) -> Callable[[], tuple[int, str]]:
    def run() -> tuple[int, str]:
        monkeypatch.setenv("ACCOUNTREVIEW_TODAY", text)
        try:
            return cli(db, "queue")
        finally:
            monkeypatch.setenv("ACCOUNTREVIEW_TODAY", TODAY.isoformat())

    return run


WEEKS = st.one_of(
    st.sampled_from(["1970-W01", "1969-W52", "2100-W52", "2101-W01", "0001-W01", "9999-W52",
                     "2020-W53", "2026-W53", "0000-W01", "2100-W53"]),
    st.builds(lambda y, w: f"{y:04d}-W{w:02d}", st.integers(0, 9999), st.integers(1, 53)),
)  # fmt: skip


@FUZZ
@given(week=WEEKS)
def test_week_option_of_every_command(db: Path, week: str) -> None:
    year, number = int(week[:4]), int(week[6:])
    real = 1 <= year <= 9999 and number <= date(year, 12, 28).isocalendar().week
    if real and 1970 <= year <= 2100:
        every_read_runs(db, week=week)
        tally(0)
        return
    for args in reads(week):
        if "--week" in args:
            before = content_hash(db)
            code, err = cli(db, *args)
            tally(code)
            assert code == 2 and "week" in err, (args, err)
            assert content_hash(db) == before
            if real:
                assert "is out of range; expected a week from 1970-W01 to 2100-W52" in err


# -- import cells ------------------------------------------------------------------------


def write_csv(path: Path, header: list[str], row: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerow(row)
    return path


def native_file(tmp: Path, kind: str, column: str, text: str) -> Path:
    cells = {
        "accounts": {"name": ACCOUNT, "rep": "Ann Lee", "top": "yes", "potential": "2500000"},
        "stakeholders": {"account": ACCOUNT, "name": "Dee Date", "email": "dee@x.example"},
        "touches": {"account": ACCOUNT, "stakeholder": "Grace Hopper", "channel": "video"},
    }[kind]
    cells[column] = text
    header = list(COLUMNS[kind])
    return write_csv(tmp / f"{kind}.csv", header, [cells.get(c, "") for c in header])


NATIVE_COLUMNS = [("accounts", c) for c in ACCOUNT_DATES] + [
    ("stakeholders", "left_on"),
    ("touches", "on"),
]


def cell_named(column: str, junk: str | None) -> str:
    """How a refusal of the cell names it: by its column, or (for a NUL, which the reader
    refuses for the whole row before any cell is read) by its row."""
    return "row 2:" if junk is not None and "\x00" in junk else f"column '{column}'"


@FUZZ
@given(where=st.sampled_from(NATIVE_COLUMNS), day=DAYS, junk=st.one_of(st.none(), JUNK))
def test_native_import_date_cells(
    db: Path, tmp_path: Path, where: tuple[str, str], day: date, junk: str | None
) -> None:
    kind, column = where
    text = day.isoformat() if junk is None else junk
    accepted = None if junk is not None else in_range(day, TODAY if column == "on" else LATEST)
    path = native_file(tmp_path, kind, column, text)
    ends = LATEST if junk is None and not in_range(day) else None  # else "not in the future"
    attempt(db, cell_named(column, junk), accepted, "import", str(path), ends=ends)


def crm_file(tmp: Path, source: str, text: str) -> Path:
    if source == "salesforce":
        header = ["Id", "WhoId", "WhatId", "Subject", "ActivityDate", "Status", "TaskSubtype"]
        row = ["00T5g00000Tk999", SF_CONTACT, SF_ACCOUNT, "Call", text, "Completed", "Call"]
        return write_csv(tmp / "Task.csv", header, row)
    header = ["Record ID", "First Name", "Last Name", "Email", "Associated Company",
              "Last Activity Date"]  # fmt: skip
    row = ["501", "Bill", "Lumbergh", "bill.lumbergh@initech.example", "Initech", text]
    return write_csv(tmp / "hubspot-contacts.csv", header, row)


CRM_COLUMNS = {"salesforce": "ActivityDate", "hubspot": "Last Activity Date"}


@FUZZ
@given(
    source=st.sampled_from(sorted(CRM_COLUMNS)),
    day=DAYS,
    form=st.integers(0, 3),
    junk=st.one_of(st.none(), JUNK),
)
def test_crm_import_date_cells(
    db: Path, tmp_path: Path, source: str, day: date, form: int, junk: str | None
) -> None:
    text = crm_forms(day)[form] if junk is None else junk
    accepted = None if junk is not None else in_range(day)
    path = crm_file(tmp_path, source, text)
    attempt(db, cell_named(CRM_COLUMNS[source], junk), accepted, "import", str(path),
            "--from", source, "--rep", "Ann Lee")  # fmt: skip


@pytest.mark.parametrize("day", EDGE_DAYS, ids=str)
def test_every_edge_date_in_every_native_date_column(db: Path, tmp_path: Path, day: date) -> None:
    """The edges, in every column at once: all accepted together, or the file rejected."""
    header = list(COLUMNS["accounts"])
    cells = {"name": ACCOUNT, "rep": "Ann Lee", "top": "yes", "potential": "2500000"}
    cells.update(dict.fromkeys(ACCOUNT_DATES, day.isoformat()))
    path = write_csv(tmp_path / "accounts.csv", header, [cells.get(c, "") for c in header])
    before = content_hash(db)
    code, err = cli(db, "import", str(path))
    if in_range(day):
        assert code == 0, err
        every_read_runs(db)
        return
    assert code == 3 and content_hash(db) == before, err
    for column in ACCOUNT_DATES:  # every bad cell is listed, each naming its column
        assert f"column '{column}': '{day.isoformat()}' is not valid; expected a date from" in err


def test_an_out_of_range_today_is_named_in_the_usage_error(db: Path) -> None:
    code, err = cli(db, "--today", "0001-01-01", "queue")
    assert code == 2
    assert "'0001-01-01' is out of range; expected a date from 1970-01-01 to 2100-12-31" in err


def test_week_label_of_today_at_the_edges_works(db: Path) -> None:
    for today in (EARLIEST, LATEST):
        assert str(IsoWeek.of(today)) in ("1970-W01", "2100-W52")
        every_read_runs(db, "--today", today.isoformat())
