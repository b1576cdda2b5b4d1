"""Two laptops close the same review offline with different fives: both fives stay facts,
and every laptop and the hub show the same one, the five of the close that reached the
hub first, whichever laptop synced first: in `review --status`, `review --history` and
the TUI's history (where the other close is shown with its own five, marked as not the
review's), the manager's `audit`, and the TUI's review screen. It holds for every close
number: after both laptops reopen and close again offline, the second close shows the
five that reached the hub first that time."""

import json
from typing import Any

import pytest

from accountreview.services.history import account_history
from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.history import past_rows
from accountreview.tui.screens.review import ReviewScreen
from conftest import TODAY
from sync.team import Laptop, Team, hub_rows, local_conn, person_name
from sync.test_sync_close import assert_settled, close, reopen, status, sync
from sync.test_sync_conflicts import two_laptops

FIVES = {
    "one": [person_name("Acme", n) for n in (1, 2, 3, 4, 5)],
    "two": [person_name("Acme", n) for n in (6, 5, 4, 3, 2)],
}


def history(laptop: Laptop) -> list[dict[str, Any]]:
    """This week's review's events, as `review --history --format json` gives them."""
    code, out, err = laptop.cli("review", "Acme", "--history", "--format", "json")
    assert code == 0, out + err
    [review] = [r for r in json.loads(out)["reviews"]]
    events: list[dict[str, Any]] = review["events"]
    return events


def names(five: list[dict[str, Any]]) -> list[str]:
    return [s["stakeholder"] for s in five]


def device(laptop: Laptop) -> str:
    with local_conn(laptop.path) as conn:
        return str(conn.execute("SELECT value FROM sync_state WHERE key = 'device'").fetchone()[0])


def hub_review(team: Team) -> dict[str, Any]:
    with team.hub_as("ann") as hub:
        [review] = hub_rows(hub, "review")
        slots = sorted(hub_rows(hub, "review_slot"), key=lambda r: r["position"])
        people = {r["id"]: r["name"] for r in hub_rows(hub, "stakeholder")}
    return {**review, "five": [people.get(s["stakeholder_id"]) for s in slots]}


def audit_of(laptop: Laptop) -> Any:
    code, out, err = laptop.cli("--rep", laptop.person.email, "audit", "--format", "json")
    assert code == 0, out + err
    return json.loads(out)


def tui_history(laptop: Laptop) -> list[tuple[str, str, str]]:
    """The rows the TUI's history screen lists for Acme's reviews."""
    ws = open_workspace(laptop.path, TODAY)
    try:
        return past_rows(account_history(ws, "Acme").reviews)
    finally:
        ws.close()


async def tui_five(laptop: Laptop) -> list[str]:
    """The five the TUI's review screen shows for this week's review (from the queue)."""
    app = AccountReviewApp(open_workspace(laptop.path, TODAY), rep=laptop.person.email)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.view is not None
        return [s.name or "" for s in screen.view.slots]


def assert_close_shows(
    team: Team, laptops: dict[str, Laptop], number: int, first: str, other: str
) -> None:
    """Close `number` shows `first`'s five everywhere; `other`'s is a fact beside it."""
    for key, laptop in laptops.items():
        assert names(status(laptop)["slots"]) == FIVES[first], key
        closes = [e for e in history(laptop) if e["action"] == "closed"]
        these = {e["kept"]: names(e["five"]) for e in closes if e["close_number"] == number}
        assert these == {True: FIVES[first], False: FIVES[other]}, (key, closes)
        text = laptop.cli("review", "Acme", "--history")[1]
        assert f"another laptop's close #{number} reached the hub first" in text
        marked = [r[2] for r in tui_history(laptop) if "another laptop's close came" in r[2]]
        assert len(marked) == number and ", ".join(FIVES[other]) in marked[-1], marked
    hub = hub_review(team)
    assert hub["five"] == FIVES[first]
    assert json.loads(hub["kept_origins"])[number - 1] == device(laptops[first])


@pytest.mark.parametrize("first", ["one", "two"])
async def test_every_laptop_shows_the_five_that_reached_the_hub_first(
    team: Team, first: str
) -> None:
    one, two = two_laptops(team)
    laptops = {"one": one, "two": two}
    second = "two" if first == "one" else "one"
    for key, laptop in laptops.items():
        close(laptop, FIVES[key])  # both offline: neither knows of the other's close
    assert names(status(laptops[second])["slots"]) == FIVES[second]  # its own, until it syncs
    sync(laptops[first])
    sync(laptops[second])  # its close is a no-op on the hub; it takes the first's five
    assert_settled(team, one, two)
    assert_close_shows(team, laptops, 1, first, second)
    assert audit_of(one) == audit_of(two)
    for laptop in laptops.values():
        assert await tui_five(laptop) == FIVES[first]
    # Both reopen and close again offline; this time the other laptop reaches the hub first.
    for key, laptop in laptops.items():
        reopen(laptop)
        close(laptop, FIVES[key])
    sync(laptops[second])
    sync(laptops[first])
    assert_settled(team, one, two)
    assert_close_shows(team, laptops, 2, second, first)
    for laptop in laptops.values():  # and close 1 still shows the first's five
        [kept] = [
            e
            for e in history(laptop)
            if e["action"] == "closed" and e["close_number"] == 1 and e["kept"]
        ]
        assert names(kept["five"]) == FIVES[first]
        assert await tui_five(laptop) == FIVES[second]
    assert audit_of(one) == audit_of(two)
