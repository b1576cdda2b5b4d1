"""Hypothesis throws junk at every value a user types into the CLI.

Each case must end in one of two ways: the value was valid and the command did
its work, or it was refused with a one-line reason naming the value, exit code
2, 3 or 4, no traceback, and the database exactly as it was (content hash).
CSV cells are fuzzed in test_import.py; the rules' parsers in tests/domain/.

ACCOUNTREVIEW_FUZZ_EXAMPLES sets the number of cases per test (default 40).
"""

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from accountreview.cli import app
from accountreview.services.workspace import open_workspace
from conftest import TODAY, content_hash, copy_of, seed

runner = CliRunner()
EXAMPLES = int(os.environ.get("ACCOUNTREVIEW_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

NEAR_DATES = st.sampled_from(
    ["", " ", "today", "yesterday", "tomorrow", "3d", "2w", "-1d", "+3d", "0d", "99999999d",
     "2026-02-30", "2026-13-01", "2026-11-20", "2030-01-01", "11/20/2026", "20.11.2026",
     "１d", "3 d", "3D", "2026-11-20T10:00", "NaN", "\x00", "0x10d"]
)  # fmt: skip
NEAR_WEEKS = st.sampled_from(
    ["2026-W48", "2026-W53", "2020-W53", "2026-W00", "2026-W54", "2026W48", "W48", "2026-w48",
     "9999-W01", "0000-W01", "2026-W4", "2026-W048", "", "last", "2026-11-23"]
)  # fmt: skip
JUNK_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300),
    st.builds(lambda c, n: c * n, st.sampled_from(["a", "é", "\t", "\n", "\x1b[2J", "\u202e"]),
              st.integers(0, 12_000)),
    st.sampled_from(["\x00", "a\x00b", "x" * 10_001, "Robert'); DROP TABLE touch;--",
                     "=HYPERLINK(\"http://x\")", "$(rm -rf ~)", "  ", "\r\n"]),
)  # fmt: skip


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "template.db"
    ws = open_workspace(path, TODAY, create=True)
    seed(ws)
    ws.close()
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    return copy_of(template, tmp_path)


def attempt(db: Path, *args: str) -> int:
    """Run the CLI; if it refused, check the refusal was clean and changed nothing."""
    before = content_hash(db)
    result = runner.invoke(app, ["--db", str(db), "--rep", "Ann Lee", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    if result.exit_code == 0:
        return 0
    assert result.exit_code in (2, 3, 4), (args, result.exit_code, result.stderr)
    message = result.stderr.strip()
    assert message, args
    assert "Traceback" not in message
    assert len(message) < 2_000, "a refusal must not echo a huge value back"
    assert content_hash(db) == before, f"refused {args!r} but the database changed"
    return result.exit_code


@FUZZ
@given(on=st.one_of(NEAR_DATES, JUNK_TEXT), channel=st.sampled_from(["phone", "fax", ""]))
def test_touch_date_and_channel(db: Path, on: str, channel: str) -> None:
    code = attempt(db, "touch", "Acme Corp", "Sam Okafor", "--on", on, "--channel", channel)
    if channel == "fax" or channel == "":
        assert code == 2


@FUZZ
@given(note=JUNK_TEXT)
def test_touch_note(db: Path, note: str) -> None:
    code = attempt(db, "touch", "Acme Corp", "Sam Okafor", "--on", "today", "-c", "phone",
                   "--note", note)  # fmt: skip
    if len(note.strip()) > 2000 or "\x00" in note:
        assert code == 2


@FUZZ
@given(name=JUNK_TEXT, title=st.one_of(st.none(), JUNK_TEXT), email=st.one_of(st.none(), JUNK_TEXT))
def test_stakeholder_add(db: Path, name: str, title: str | None, email: str | None) -> None:
    args = ["stakeholder", "add", "Acme Corp", name]
    if title is not None:
        args += ["--title", title]
    if email is not None:
        args += ["--email", email]
    code = attempt(db, *args)
    if len(name.strip()) > 200 or not name.strip() or any(ord(c) < 32 for c in name.strip()):
        assert code == 2


@FUZZ
@given(level=JUNK_TEXT, role=JUNK_TEXT)
def test_stakeholder_level_and_role(db: Path, level: str, role: str) -> None:
    attempt(db, "stakeholder", "add", "Acme Corp", "Dana Fuzz", "--level", level, "--role", role)


@FUZZ
@given(on=st.one_of(NEAR_DATES, JUNK_TEXT))
def test_next_contact_date(db: Path, on: str) -> None:
    attempt(db, "stakeholder", "next", "Acme Corp", "Sam Okafor", "--on", on)


@FUZZ
@given(
    week=st.one_of(NEAR_WEEKS, JUNK_TEXT),
    slot=st.sampled_from(["1=Sam Okafor", "0=x", "6=y", "1", "=", "1=", "x=Sam"]),
)
def test_review_week_and_slot(db: Path, week: str, slot: str) -> None:
    attempt(db, "review", "Acme Corp", "--week", week, "--slot", slot)


@FUZZ
@given(reason=JUNK_TEXT)
def test_reopen_reason(db: Path, reason: str) -> None:
    attempt(db, "review", "Acme Corp", "--reopen", "--reason", reason)


@FUZZ
@given(name=JUNK_TEXT, email=JUNK_TEXT)
def test_rep_add(db: Path, name: str, email: str) -> None:
    attempt(db, "rep", "add", name, "--email", email)


@FUZZ
@given(today=st.one_of(NEAR_DATES, JUNK_TEXT))
def test_today_option(db: Path, today: str) -> None:
    attempt(db, "--today", today, "queue")


DB_TARGETS = st.one_of(
    st.sampled_from(["", " ", "/", ".", "..", "sqlite://", "sqlite:///", "sqlite:///:memory:",
                     "postgresql://u:p@localhost/x", "mysql://h/db", "sqlite:///no/such/dir/x.db",
                     "file:x.db?mode=ro", "~nobody_here/x.db", "a\x00b.db", "$(touch pwned)",
                     "`touch pwned`", "x.db; touch pwned", "/dev/null", "/proc/self/mem",
                     "C:\\Users\\x.db", "sqlite:////etc/passwd", "/etc/passwd"]),
    JUNK_TEXT,
)  # fmt: skip


@FUZZ
@given(target=DB_TARGETS)
def test_db_paths_and_urls(tmp_path: Path, target: str) -> None:
    """A read command never creates, changes or runs anything, whatever --db says."""
    work = tmp_path / "cwd"
    work.mkdir(exist_ok=True)
    before = sorted(p.name for p in work.iterdir())
    cwd = os.getcwd()
    os.chdir(work)
    try:
        result = runner.invoke(app, ["--db", target, "accounts"])
    finally:
        os.chdir(cwd)
    assert result.exit_code in (2, 4), (target, result.exit_code, result.stdout, result.stderr)
    assert result.stderr.strip() and "Traceback" not in result.stderr
    assert sorted(p.name for p in work.iterdir()) == before
    assert not (tmp_path / "pwned").exists() and not (work / "pwned").exists()
