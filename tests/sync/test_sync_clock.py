"""A laptop whose clock is a year off changes nothing about the order: the hub orders
changes by its own sequence number, so the edit that reached it last is the one kept,
whatever time each laptop stamped."""

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
