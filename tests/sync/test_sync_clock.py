"""A laptop whose clock is a year off changes nothing about the order: the hub orders
changes by its own sequence number, so the edit that reached it last is the one kept,
whatever time each laptop stamped."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from accountreview.db.records import clock_at
from conftest import TODAY
from sync.team import Laptop, Team, hub_rows, import_account, local_conn, person_name

PERSON = person_name("Acme", 2)


def edit_title_at(laptop: Laptop, title: str, offset: timedelta) -> None:
    """Edit the title on a laptop whose clock (stamps, today, the outbox's times) is
    `offset` away from the real time."""
    moment = datetime.now(UTC).replace(tzinfo=None) + offset
    with clock_at(moment):
        code, out, err = laptop.cli(
            "--today", (TODAY + offset).isoformat(), "stakeholder", "edit", "Acme", PERSON,
            "--title", title,
        )  # fmt: skip
    assert code == 0, out + err
    with local_conn(laptop.path) as conn:  # SQLite's own clock stamped the outbox rows
        conn.execute("UPDATE sync_outbox SET made_at = ?", (moment.isoformat(" "),))


def hub_title(team: Team) -> str:
    with team.hub_as("ann") as hub:
        [row] = [r for r in hub_rows(hub, "stakeholder") if r["name"] == PERSON]
    return str(row["title"])


@pytest.mark.parametrize("offset_days", [365, -365])
def test_the_later_sync_wins_whatever_the_clocks_say(team: Team, offset_days: int) -> None:
    skewed, right = team.laptop("ann", "ann-skewed"), team.laptop("ann", "ann-right")
    assert skewed.sync_cli()[0] == 0
    import_account(skewed, "Acme")
    assert skewed.sync_cli()[0] == 0
    assert right.sync_cli()[0] == 0
    offset = timedelta(days=offset_days)
    edit_title_at(skewed, "first, stamped a year away", offset)
    assert skewed.sync_cli()[0] == 0
    assert right.sync_cli()[0] == 0  # pulls the skewed laptop's edit
    edit_title_at(right, "second, stamped now", timedelta(0))
    code, report, err = right.sync_cli()
    assert code == 0 and report is not None and report["conflicts"] == [], err
    code, report, err = skewed.sync_cli()
    assert code == 0 and report is not None and report["conflicts"] == [], err
    assert hub_title(team) == "second, stamped now"
    for laptop in (skewed, right):
        with local_conn(laptop.path) as conn:
            [title] = conn.execute("SELECT title FROM stakeholder WHERE name = ?", (PERSON,))
        assert title[0] == "second, stamped now"


def test_a_close_stamped_a_year_ahead_and_a_reopen_stamped_now_keep_the_hubs_order(
    team: Team,
) -> None:
    skewed, right = team.laptop("ann", "ann-ahead"), team.laptop("ann", "ann-now")
    assert skewed.sync_cli()[0] == 0
    import_account(skewed, "Acme")
    five = [f"--slot={n}={person_name('Acme', n)}" for n in range(1, 6)]
    with clock_at(datetime.now(UTC).replace(tzinfo=None) + timedelta(days=365)):
        code, out, err = skewed.cli("review", "Acme", *five, "--close")  # stamped next year
    assert code == 0, out + err
    assert skewed.sync_cli()[0] == 0
    assert right.sync_cli()[0] == 0
    code, out, err = right.cli("review", "Acme", "--reopen", "--reason", "one more call")
    assert code == 0, out + err  # stamped now: before the close, by the clocks
    assert right.sync_cli()[0] == 0
    fresh = team.laptop("ann", "ann-fresh")  # pulls the close and the reopen together
    assert fresh.sync_cli()[0] == 0
    assert skewed.sync_cli()[0] == 0
    for laptop in (skewed, right, fresh):
        status = json.loads(laptop.cli("review", "Acme", "--status", "--format", "json")[1])
        assert status["status"] == "open", laptop.path.name
        code, out, err = laptop.cli("check")
        assert code == 0, out + err
