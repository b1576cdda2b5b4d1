"""`sync resolve` and the conflicts screen say clearly what is wrong, and change nothing:
an unknown id, a conflict resolved already, "mine" on a conflict whose row this file no
longer holds."""

import json
from typing import Any

import pytest

from sync.team import Laptop, Team, local_conn, outbox_count, person_name
from sync.test_conflict_shared import one_conflict
from sync.test_conflict_twice import run, sync


def resolve(laptop: Laptop, conflict_id: str, choice: str) -> tuple[int, str]:
    code, out, err = laptop.cli("sync", "resolve", conflict_id, choice)
    return code, out + err


def state(laptop: Laptop) -> tuple[list[dict[str, Any]], int]:
    listed = json.loads(laptop.cli("sync", "conflicts", "--all", "--format", "json")[1])
    return listed, outbox_count(laptop.path)


def test_an_unknown_id_is_not_found_and_changes_nothing(team: Team) -> None:
    _one, two, _conflict = one_conflict(team)
    before = state(two)
    code, text = resolve(two, "0123456789abcdef", "mine")
    assert code == 4
    assert "conflict '0123456789abcdef': none has that id (`sync conflicts` lists them)" in text
    assert "Traceback" not in text
    code, text = resolve(two, "xyz", "maybe")
    assert code == 2 and "choice: 'maybe' is not one of mine, theirs" in text
    assert state(two) == before


def test_a_conflict_resolved_already_is_refused_naming_its_resolution(team: Team) -> None:
    _one, two, conflict = one_conflict(team)
    assert resolve(two, conflict["id"][:8], "theirs")[0] == 0
    before = state(two)
    code, text = resolve(two, conflict["id"][:8], "mine")
    assert code == 3
    assert f"conflict {conflict['id'][:8]} is resolved already (theirs, at " in text
    assert "`sync conflicts --all` lists it" in text
    assert state(two) == before


def test_mine_on_a_conflict_whose_row_is_gone_says_so_and_theirs_still_settles_it(
    team: Team,
) -> None:
    _one, two, conflict = one_conflict(team)
    gone_row(two, conflict["row_id"])  # a file that no longer holds the person
    before = state(two)
    code, text = resolve(two, conflict["id"], "mine")
    assert code == 4
    assert "the stakeholder it is about no longer exists here" in text
    assert "choose theirs" in text
    assert state(two) == before  # nothing marked, nothing waiting
    assert resolve(two, conflict["id"], "theirs")[0] == 0
    listed, waiting = state(two)
    assert [c["resolution"] for c in listed] == ["theirs"] and waiting == 1


async def test_the_conflicts_screen_says_so_too_and_changes_nothing(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On the screen: mine for a person this file no longer holds, then a conflict that was
    resolved (here from the command line) while the screen showed it."""
    from accountreview.services.workspace import open_workspace
    from accountreview.tui import AccountReviewApp
    from accountreview.tui.screens.conflicts import ConflictsScreen
    from conftest import TODAY

    one, two, conflict = one_conflict(team)
    run(one, "stakeholder", "edit", "Acme", person_name("Acme", 2), "--title", "CFO")
    run(two, "stakeholder", "edit", "Acme", person_name("Acme", 2), "--title", "COO")
    sync(one)
    second = sync(two)["conflicts"]
    assert len(second) == 1
    gone_row(two, conflict["row_id"])
    monkeypatch.delenv("ACCOUNTREVIEW_HUB", raising=False)
    ws = open_workspace(two.path, TODAY)
    app = AccountReviewApp(ws, rep=two.person.email)
    told: list[str] = []
    async with app.run_test(size=(120, 30)) as pilot:
        monkeypatch.setattr(app, "notify", lambda message, **_kw: told.append(str(message)))
        screen = ConflictsScreen(ws)
        await app.push_screen(screen)
        await pilot.pause()
        assert [line.id for line in screen.lines] == [conflict["id"], second[0]["id"]]
        await pilot.press("m")
        await pilot.pause()
        assert "no longer exists here" in told[-1] and "choose theirs" in told[-1]
        assert len(screen.lines) == 2  # nothing changed
        assert resolve(two, second[0]["id"], "theirs")[0] == 0  # meanwhile, elsewhere
        await pilot.press("down", "m")
        await pilot.pause()
        assert f"conflict {second[0]['id'][:8]} is resolved already (theirs" in told[-1]
        assert [line.id for line in screen.lines] == [conflict["id"]]  # redrawn
        await pilot.press("t")
        await pilot.pause()
        assert screen.lines == []
    listed, waiting = state(two)
    assert sorted(str(c["resolution"]) for c in listed) == ["theirs", "theirs"]
    assert waiting == 2


def gone_row(laptop: Laptop, stakeholder_id: str) -> None:
    """Take a person out of the file, as a file that never held them would be."""
    with local_conn(laptop.path) as conn:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DELETE FROM touch WHERE stakeholder_id = ?", (stakeholder_id,))
        conn.execute("DELETE FROM stakeholder WHERE id = ?", (stakeholder_id,))
