"""Closed reviews say what happened: confirmations frozen as they were, every close and
reopen in the history (service, CLI and TUI), and one timestamp form everywhere."""

import json
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from textual.widgets import OptionList
from typer.testing import CliRunner

from accountreview.cli import app as cli_app
from accountreview.domain.enums import Channel
from accountreview.domain.timestamps import utc_timestamp
from accountreview.services import reviews
from accountreview.services.history import account_history
from accountreview.services.lookup import resolve_account, resolve_stakeholder
from accountreview.services.stakeholders import log_touch, set_next_contact
from accountreview.services.workspace import Workspace, open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.history import HistoryScreen
from conftest import TODAY, Seeded
from test_db import FIVE, WEEK

runner = CliRunner()
ISO_UTC = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli_app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def close_with(ws: Workspace, seeded: Seeded, keys: tuple[str, ...], confirm: int = 0) -> None:
    account = resolve_account(ws, seeded.account_id)
    for position, key in enumerate(keys, start=1):
        reviews.set_slot(ws, account, WEEK, position, seeded.people[key])
    if confirm:
        reviews.confirm_in_role(ws, account, WEEK, confirm)
    set_next_contact(ws, resolve_stakeholder(ws, account, "Uma Reyes"), TODAY)
    reviews.close_review(ws, account, WEEK)


def closed_reopened_closed(ws: Workspace, seeded: Seeded) -> None:
    ws.actor_id = seeded.rep_id
    close_with(ws, seeded, FIVE, confirm=2)
    account = resolve_account(ws, seeded.account_id)
    reviews.reopen_review(ws, account, WEEK, "Paula moved to [b]finance[/b]")
    nina = resolve_stakeholder(ws, account, "Nina Park")
    log_touch(ws, nina, on=TODAY, channel=Channel.PHONE)
    close_with(ws, seeded, ("ceo", "cio", "new", "champ", "user"))


def test_closing_freezes_who_was_confirmed_in_role(
    db_path: Path, ws: Workspace, seeded: Seeded
) -> None:
    close_with(ws, seeded, FIVE, confirm=2)
    account = resolve_account(ws, seeded.account_id)
    view = reviews.review_view(ws, account, WEEK)
    assert [s.confirmed_in_role for s in view.slots] == [False, True, False, False, False]
    ws.close()
    code, out, err = run(db_path, "review", "Acme Corp", "--format", "json")
    assert code == 0, err
    slots = json.loads(out)["slots"]
    assert [s["confirmed_in_role"] for s in slots] == [False, True, False, False, False]


def test_history_has_every_close_and_reopen_in_order_with_each_five(
    db_path: Path, ws: Workspace, seeded: Seeded
) -> None:
    closed_reopened_closed(ws, seeded)
    history = account_history(ws, seeded.account_id)
    (review,) = history.reviews
    assert [(e.label, e.close_number) for e in review.events] == [
        ("closed", 1),
        ("reopened", 1),
        ("closed", 2),
    ]
    assert review.names == ["Carla Diaz", "Ivan Petrov", "Nina Park", "Sam Okafor", "Uma Reyes"]
    assert [e.name for e in review.events[0].five][2] == "Paula Moss"
    ws.close()

    code, out, err = run(db_path, "review", "Acme Corp", "--history", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    events = data["reviews"][0]["events"]
    assert [(e["action"], e["by"]) for e in events] == [
        ("closed", "Ann Lee"),
        ("reopened", "Ann Lee"),
        ("closed", "Ann Lee"),
    ]
    assert events[1]["reason"] == "Paula moved to [b]finance[/b]"
    assert events[1]["five"] is None
    assert [s["stakeholder"] for s in events[0]["five"]][2] == "Paula Moss"
    assert [s["confirmed_in_role"] for s in events[0]["five"]] == [False, True, False, False, False]
    assert [s["stakeholder"] for s in events[2]["five"]][2] == "Nina Park"
    assert all(ISO_UTC.fullmatch(e["at"]) for e in events)

    code, out, err = run(db_path, "review", "Acme Corp", "--history", "--week", str(WEEK))
    assert code == 0, err
    lines = out.splitlines()
    assert [x.split()[0] for x in lines if x.startswith("  ") and x[2] != " "] == [
        "closed",
        "reopened",
        "closed",
    ]
    assert "by Ann Lee: Paula moved to [b]finance[/b]" in out
    assert "3. Paula Moss (procurement)" in out and "in role: confirmed" in out

    code, _out, err = run(db_path, "review", "Acme Corp", "--history", "--close")
    assert code == 2 and "only reads" in err


async def test_the_history_screen_shows_every_close_and_reopen(
    db_path: Path, ws: Workspace, seeded: Seeded
) -> None:
    closed_reopened_closed(ws, seeded)
    ws.close()
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(HistoryScreen(app.ws, seeded.account_id))
        await pilot.pause()
        past = app.screen.query_one("#past", OptionList)
        shown = [str(past.get_option_at_index(n).prompt) for n in range(past.option_count)]
        assert [row.split()[1] for row in shown] == ["closed", "reopened", "closed"]
        assert shown[1].endswith("  Paula moved to [b]finance[/b]")  # drawn as typed
        assert "Paula Moss" in shown[0] and "Nina Park" in shown[2]


def test_every_timestamp_printed_or_exported_is_iso_8601_utc(
    db_path: Path, ws: Workspace, seeded: Seeded
) -> None:
    closed_reopened_closed(ws, seeded)
    ws.close()
    code, out, err = run(db_path, "audit", "--rep", "Ann Lee", "--format", "json")
    assert code == 0, err
    reopened = [json.dumps(x) for x in _find(json.loads(out), "reason")]
    assert reopened, out
    stamps = re.findall(r'"at": "([^"]*)"', "".join(reopened))
    assert stamps and all(ISO_UTC.fullmatch(s) for s in stamps), stamps
    code, out, err = run(db_path, "export", "reviews", "--format", "json")
    assert code == 0, err
    exported = json.loads(out)
    assert exported and all(ISO_UTC.fullmatch(r["closed_at"]) for r in exported)


def _find(data: object, key: str) -> list[dict[str, object]]:
    """Every object in `data` that has `key`."""
    if isinstance(data, dict):
        found = [data] if key in data else []
        return found + [x for v in data.values() for x in _find(v, key)]
    if isinstance(data, list):
        return [x for v in data for x in _find(v, key)]
    return []


def test_one_timestamp_form() -> None:
    assert utc_timestamp("2026-12-01 07:53:00") == "2026-12-01T07:53:00Z"
    assert utc_timestamp("2026-12-01 07:53:00.999999") == "2026-12-01T07:53:00Z"
    assert utc_timestamp("2026-12-01T07:53:00Z") == "2026-12-01T07:53:00Z"
    plus_two = datetime(2026, 12, 1, 9, 53, tzinfo=timezone(timedelta(hours=2)))
    assert utc_timestamp(plus_two.isoformat()) == "2026-12-01T07:53:00Z"
    assert utc_timestamp(datetime(2026, 12, 1, tzinfo=UTC).isoformat()) == "2026-12-01T00:00:00Z"
    assert utc_timestamp(None) is None
