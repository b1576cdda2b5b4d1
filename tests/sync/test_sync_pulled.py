"""What `sync` says it pulled: the rows of this file the pull added, changed or removed.

A laptop's own pushes come back in its next pull (the hub numbers them anew, and a pull
reads everything past the cursor), but they change nothing here: "pulled 12" after
pushing 12 would tell the person something came from the team when nothing did."""

from collections.abc import Callable
from typing import Any

import pytest

from sync.team import SYNCED, Laptop, Team, import_account, person_name
from sync.test_sync_close import close, reopen, sync

FIVE = [person_name("Acme", n) for n in range(1, 6)]


def _run(*args: str) -> Callable[[Laptop], None]:
    """A step that runs `accountreview ARGS` on a laptop, which must succeed."""

    def step(laptop: Laptop) -> None:
        code, out, err = laptop.cli(*args)
        assert code == 0, (args, out, err)

    return step


# One of each kind of change a person makes, each run on one laptop then synced.
STEPS: list[tuple[str, Callable[[Laptop], None]]] = [
    ("an import", lambda laptop: import_account(laptop, "Acme")),
    ("a field edit", _run("stakeholder", "edit", "Acme", FIVE[0], "--title", "CFO")),
    ("a touch", _run("touch", "Acme", FIVE[1], "--on", "today", "-c", "phone")),
    ("a close", lambda laptop: close(laptop, FIVE)),
    ("a reopen", reopen),
    ("a stakeholder gone", _run("stakeholder", "left", "Acme", FIVE[4])),
]


def _file_rows(laptop: Laptop) -> dict[tuple[str, str], dict[str, Any]]:
    return {(t, str(r["id"])): r for t in SYNCED for r in laptop.rows(t)}


def _rows_changed(before: dict[Any, Any], after: dict[Any, Any]) -> int:
    """Rows added, removed or changed between two readings of a file."""
    return sum(before.get(key) != after.get(key) for key in before.keys() | after.keys())


@pytest.mark.parametrize("label, step", STEPS, ids=[label for label, _ in STEPS])
def test_a_sync_counts_what_it_changed_here_never_its_own_push_coming_back(
    team: Team, label: str, step: Callable[[Laptop], None]
) -> None:
    one, two, mia = team.laptop("ann", "ann-1"), team.laptop("ann", "ann-2"), team.laptop("mia")
    for laptop in (one, two, mia):
        sync(laptop)
    for _, earlier in STEPS[: [s[0] for s in STEPS].index(label)]:
        earlier(one)  # what this step needs (the account, a closed review) first
        sync(one)
    for laptop in (two, mia):
        sync(laptop)
    step(one)
    before = _file_rows(one)
    report = sync(one)
    assert report["pushed"] > 0, label
    assert (report["pulled"], _rows_changed(before, _file_rows(one))) == (0, 0), label
    for laptop in (two, mia):  # Ann's other laptop, and her manager's
        before = _file_rows(laptop)
        report = sync(laptop)
        changed = _rows_changed(before, _file_rows(laptop))
        assert changed > 0, (label, laptop.path.name)
        # each row counted at least once; a review inserted open then closed by the replay
        # of its close counts twice (SQLite counts statements' rows, not distinct rows)
        assert changed <= report["pulled"] <= changed + 2, (label, laptop.path.name, report)
        report = sync(laptop)
        assert (report["pushed"], report["pulled"]) == (0, 0), (label, laptop.path.name)
