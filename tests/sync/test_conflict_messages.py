"""`sync resolve` and the conflicts screen say clearly what is wrong, and change nothing:
an unknown id, a conflict resolved already, "mine" on a conflict whose row this file no
longer holds."""

import json
from typing import Any

from sync.team import Laptop, Team, local_conn, outbox_count
from sync.test_conflict_shared import PERSON, one_conflict


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
    with local_conn(two.path) as conn:  # a file that no longer holds the person
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("DELETE FROM touch WHERE stakeholder_id = ?", (conflict["row_id"],))
        conn.execute("DELETE FROM stakeholder WHERE name = ?", (PERSON,))
    before = state(two)
    code, text = resolve(two, conflict["id"], "mine")
    assert code == 4
    assert "the stakeholder it is about no longer exists here" in text
    assert "choose theirs" in text
    assert state(two) == before  # nothing marked, nothing waiting
    assert resolve(two, conflict["id"], "theirs")[0] == 0
    listed, waiting = state(two)
    assert [c["resolution"] for c in listed] == ["theirs"] and waiting == 1
