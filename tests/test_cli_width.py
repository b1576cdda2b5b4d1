"""CLI tables fit the terminal: every table command at 60, 80, 120 and 200 columns, on the
demo data plus a rep, an account and stakeholders with hostile long and wide names."""

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from accountreview.cli import app
from accountreview.cli.accounts import ACCOUNT_COLUMNS, REP_COLUMNS
from accountreview.cli.audit import ACCOUNT_COLUMNS as AUDIT_ACCOUNT_COLUMNS
from accountreview.cli.audit import REP_COLUMNS as AUDIT_REP_COLUMNS
from accountreview.cli.render import Col, table
from accountreview.cli.views import ACCOUNT_PEOPLE_COLUMNS, QUEUE_COLUMNS, REVIEW_COLUMNS
from accountreview.cli.width import cell_len, cut, output_width
from accountreview.db import accounts as account_queries
from accountreview.services.demo import build_demo
from accountreview.services.reps import list_reps
from accountreview.services.workspace import open_workspace
from conftest import TODAY, content_hash

runner = CliRunner()
WIDTHS = (60, 80, 120, 200)
REP = "王小明 🚀 Bartholomew-Alexandra Featherstonehaugh-Cholmondeley of Sales"
ACCOUNT = "株式会社 東京 🏯 International Consolidated Holdings and Ventures Worldwide Ltd"
PEOPLE = (
    "林美玲林美玲林美玲林美玲林美玲 Chen-Montgomery-Worthington",
    "Zoë 🎉🎉🎉 Ω-Wolfeschlegelsteinhausenbergerdorff Senior",
    "x" * 120,
)


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo, plus a hostile rep whose top account and five have long, wide names."""
    path = tmp_path_factory.mktemp("width") / "demo.db"
    build_demo(path, TODAY)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ACCOUNTREVIEW_TODAY", TODAY.isoformat())
        mp.setenv("COLUMNS", "")
        cli(path, None, "rep", "add", REP, "--email", "wide@demo.example", "--manager", "Leo Baker")
        ws = open_workspace(path, TODAY)
        rep_id = next(r.id for r in list_reps(ws) if r.name == REP)
        with ws.db.write() as conn:
            values = {"name": ACCOUNT, "rep_id": rep_id, "is_top": 1, "potential": 9_000_000}
            account_queries.insert_account(conn, {**values, "current": 12_345})
        ws.close()
        for n, name in enumerate(PEOPLE, 1):
            cli(path, None, "--rep", REP, "stakeholder", "add", ACCOUNT, name, "--role", "champion",
                "--title", "Chief " + "Very Long Title " * 6, "--level", "executive")  # fmt: skip
            cli(path, None, "--rep", REP, "touch", ACCOUNT, name, "--on", f"{n * 20}d",
                "--channel", "video", "--note", "hi")  # fmt: skip
            cli(path, None, "--rep", REP, "review", ACCOUNT, "--slot", f"{n}={name}")
    return path


def cli(db: Path, columns: int | None, *args: str) -> str:
    env = {"COLUMNS": "" if columns is None else str(columns)}
    result = runner.invoke(app, ["--db", str(db), *args], env=env)
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result.stdout


COMMANDS: list[tuple[str, tuple[str, ...], tuple[tuple[Col, ...], ...]]] = [
    ("queue", ("--rep", REP, "queue"), (QUEUE_COLUMNS,)),
    ("demo queue", ("--rep", "Andre Brooks", "queue"), (QUEUE_COLUMNS,)),
    ("accounts", ("accounts",), (ACCOUNT_COLUMNS,)),
    ("accounts --top", ("accounts", "--top"), (ACCOUNT_COLUMNS,)),
    ("account show", ("--rep", REP, "account", "show", ACCOUNT), (ACCOUNT_PEOPLE_COLUMNS,)),
    ("audit", ("--rep", "Leo Baker", "audit"), (AUDIT_REP_COLUMNS,)),
    (
        "audit --rep",
        ("--rep", "Leo Baker", "audit", "--rep", REP),
        (AUDIT_REP_COLUMNS, AUDIT_ACCOUNT_COLUMNS),
    ),
    ("rep list", ("rep", "list"), (REP_COLUMNS,)),
    ("review --status", ("--rep", REP, "review", ACCOUNT, "--status"), (REVIEW_COLUMNS,)),
]


def tables_in(stdout: str) -> list[tuple[list[str], str]]:
    """Each table's headings (read from its header line, split at the dashes' gaps)
    and the footer line after it, if any."""
    lines = stdout.split("\n")
    found = []
    for i, line in enumerate(lines):
        if i and line and re.fullmatch(r"-+(  -+)*", line):
            spans = [m.span() for m in re.finditer(r"-+", line)]
            header = lines[i - 1]
            headings = [header[a:b].strip() if b < len(header) else header[a:].strip()
                        for a, b in spans]  # fmt: skip
            rest = [x for x in lines[i + 1 :] if x.startswith("(")]
            found.append((headings, rest[0] if rest else ""))
    return found


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("name", "args", "specs"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_every_table_command_fits_the_width(
    demo_db: Path, name: str, args: tuple[str, ...], specs: tuple[tuple[Col, ...], ...], width: int
) -> None:
    before = content_hash(demo_db)
    stdout = cli(demo_db, width, *args)
    too_long = [line for line in stdout.splitlines() if cell_len(line) > width]
    assert not too_long, (name, width, too_long)
    tables = tables_in(stdout)
    assert len(tables) >= len(specs), (name, stdout)
    for (headings, footer), columns in zip(tables, specs, strict=False):
        known = [c.header for c in columns]
        assert headings == [h for h in known if h in headings], (name, headings)
        assert all(c.header in headings for c in columns if c.rank == 1), (name, headings)
        hidden = [h for h in known if h not in headings]
        if hidden:  # what is not shown is said, by name
            assert footer.startswith(f"({len(hidden)} column"), footer
            assert all(h in stdout.split(footer.split(":")[0])[-1] for h in hidden)
    assert content_hash(demo_db) == before


def test_the_hostile_names_are_shown_cut_not_wrapped(demo_db: Path) -> None:
    stdout = cli(demo_db, 80, "--rep", REP, "review", ACCOUNT, "--status")
    rows = [line for line in stdout.splitlines() if re.match(r"^[1-5]  ", line)]
    assert len(rows) == 5  # five slots, one line each; two empty
    assert all("…" in row for row in rows[:3])  # the long names are cut, one line each
    assert any(row.startswith("1  林美玲") for row in rows)


def test_without_a_terminal_or_columns_rows_are_whole(demo_db: Path) -> None:
    """A script piping the table gets every column: no limit unless COLUMNS is set."""
    stdout = cli(demo_db, None, "accounts", "--top")
    assert "hidden" not in stdout
    assert tables_in(stdout)[0][0] == [c.header for c in ACCOUNT_COLUMNS]
    assert max(cell_len(line) for line in stdout.splitlines()) > 120


def test_output_width_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "")
    assert output_width() is None  # not a terminal (pytest captures stdout), no COLUMNS
    monkeypatch.setenv("COLUMNS", "73")
    assert output_width() == 73
    for junk in ("0", "-5", "wide", "1e3"):
        monkeypatch.setenv("COLUMNS", junk)
        assert output_width() is None


def test_wide_characters_count_two_cells() -> None:
    assert cell_len("abc") == 3
    assert cell_len("林美玲") == 6
    assert cell_len("🚀🎉") == 4
    assert cell_len("e\u0301") == 1  # a combining accent takes no cell
    assert cut("林美玲林美玲", 5) == "林美…"
    assert cell_len(cut("🚀" * 10, 7)) <= 7


TEXT = st.text(
    alphabet=st.sampled_from("ab Zé林美🚀🎉-x\u0301\t\n"), min_size=0, max_size=90
) | st.sampled_from(PEOPLE)


@settings(max_examples=300, deadline=None)
@given(
    width=st.integers(40, 240),
    ranks=st.lists(st.integers(1, 6), min_size=2, max_size=9),
    data=st.data(),
)
def test_any_table_fits_any_width_keeping_the_important_columns(
    width: int, ranks: list[int], data: st.DataObject
) -> None:
    ranks[0] = 1  # a table has at least one column that must stay (a name)
    columns = [Col(f"col{i}", r, 4 + i % 8) for i, r in enumerate(ranks)]
    rows = data.draw(st.lists(st.tuples(*[TEXT for _ in columns]), max_size=6))
    text = table(columns, rows, width=width)
    lines = text.split("\n")
    assert all(cell_len(line) <= width for line in lines), text
    headings = lines[0].split()
    assert all(c.header in headings for c in columns if c.rank == 1)
    hidden = [c.header for c in columns if c.header not in headings]
    footer = lines[2 + len(rows) :]  # one line per row: a row never wraps
    assert bool(footer) == bool(hidden)
    if hidden:
        assert "".join(lines[2 + len(rows) :]).startswith(f"({len(hidden)} column")
        dropped_ranks = [c.rank for c in columns if c.header in hidden]
        kept_ranks = [c.rank for c in columns if c.header in headings and c.rank > 1]
        assert not kept_ranks or min(dropped_ranks) >= max(kept_ranks)  # least important go
