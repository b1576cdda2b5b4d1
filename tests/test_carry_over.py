"""Last week's five carry over: the rule (domain), and a five-account queue walked week
after week through the real CLI on a real SQLite file."""

import json
from datetime import date
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from accountreview.cli import app
from accountreview.domain.carry_over import Candidate, Carry, carry_over
from accountreview.domain.close_rule import SlotFacts, SnapshotEntry, close_blockers, what_changed
from accountreview.domain.enums import Role
from accountreview.services.workspace import Workspace
from carry_five import ACCOUNTS, W47, W48, W49, build_queue, name
from conftest import content_hash

runner = CliRunner()
TODAY = date(2026, 11, 23)


# --- the rule -------------------------------------------------------------------------


def test_the_last_closed_five_carry_over_but_not_who_left_or_moved() -> None:
    previous = [
        Candidate(1, "a", "Ann"),
        Candidate(2, "b", "Theo Kowalski", left_on=date(2026, 11, 20)),
        Candidate(3, "c", "Cy", at_account=False),
        Candidate(4, "a", "Ann"),  # twice in the five: carried once
        Candidate(5, "e", "Eve", left_on=date(2026, 12, 24)),  # leaving later: still here
        Candidate(7, "g", "Outside the slots"),
    ]
    assert carry_over(previous, TODAY) == [
        Carry(1, "a"),
        Carry(2, None, "Theo Kowalski left the company on 2026-11-20"),
        Carry(3, None, "Cy is no longer a stakeholder of this account"),
        Carry(4, None),
        Carry(5, "e"),
    ]
    assert carry_over([], TODAY) == [Carry(n, None) for n in range(1, 6)]


def _five(**changes: object) -> list[SlotFacts]:
    base = dict(last_contact_on=TODAY, role=Role.USER, level=None)
    return [
        SlotFacts(position=n, stakeholder_id=f"s{n}", name=f"P{n}", **base)  # type: ignore[arg-type]
        for n in range(1, 6)
    ]


def test_a_carried_slot_blocks_the_close_until_confirmed() -> None:
    five = _five()
    carried = SlotFacts(
        position=3,
        stakeholder_id="ann",
        name="Ann",
        role=Role.CHAMPION,
        last_contact_on=TODAY,
        carried_from="2026-W47",
    )
    slots = [*five[:2], carried, *five[3:]]
    assert [b.text for b in close_blockers(slots, TODAY)] == [
        "Slot 3: carried over from 2026-W47; confirm (c) that Ann is still the champion"
        " or replace them"
    ]
    confirmed = SlotFacts(**{**carried.__dict__, "confirmed_in_role": True})
    assert close_blockers([*five[:2], confirmed, *five[3:]], TODAY) == []
    opened = SlotFacts(position=3, open_reason="Theo Kowalski left the company on 2026-11-20")
    assert [b.text for b in close_blockers([*five[:2], opened, *five[3:]], TODAY)] == [
        "Slot 3: no stakeholder named (Theo Kowalski left the company on 2026-11-20)"
    ]


def test_what_changed_says_replaced_or_left_the_company() -> None:
    previous = [
        SnapshotEntry(1, "s1", "P1", TODAY),
        SnapshotEntry(2, "old", "Ann Old", TODAY),
        SnapshotEntry(3, "theo", "Theo Kowalski", TODAY, left_on=date(2026, 11, 20)),
    ]
    current = [SlotFacts(position=1, stakeholder_id="s1", name="P1", last_contact_on=TODAY)]
    assert what_changed(previous, current) == [
        "Ann Old is no longer in the five",
        "Theo Kowalski left the company on 2026-11-20",
    ]


# --- the queue, week after week, through the CLI ----------------------------------------


def cli(db: Path, today: date, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--db", str(db), "--today", today.isoformat(), *args])
    return result.exit_code, result.stdout + result.stderr


def review_json(db: Path, today: date, account: str) -> dict[str, Any]:
    code, output = cli(db, today, "review", account, "--status", "--format", "json")
    assert code == 0, output
    data: dict[str, Any] = json.loads(output)  # JSON: any value
    return data


CONFIRM_ALL = [a for n in range(1, 6) for a in ("--confirm", str(n))]


def _first_week(db: Path) -> None:
    """2026-W47: every account's five picked by hand (nothing to carry yet) and closed."""
    for account in ACCOUNTS:
        view = review_json(db, W47, account)
        assert view["blockers"] == [f"Slot {n}: no stakeholder named" for n in range(1, 6)]
        roles = ("Exec", "Cio", "Buyer", "Champ", "User")
        slots = [a for n, r in enumerate(roles, 1) for a in ("-s", f"{n}={name(r, account)}")]
        code, output = cli(db, W47, "review", account, *slots, "--close")
        assert code == 0, output


def test_a_five_account_queue_walked_week_after_week(db_path: Path, ws: Workspace) -> None:
    build_queue(ws)
    _first_week(db_path)
    # Between the weeks, Alder's buyer leaves the company.
    code, output = cli(db_path, date(2026, 11, 21), "stakeholder", "left", "Alder", "Buyer Alder")
    assert code == 0, output
    # 2026-W48: each review shows last week's five, carried over, before it is started.
    for account in ACCOUNTS:
        view = review_json(db_path, W48, account)
        slots = view["slots"]
        assert isinstance(slots, list)
        gone = account == "Alder"
        assert [s["stakeholder"] for s in slots] == [
            name("Exec", account),
            name("Cio", account),
            None if gone else name("Buyer", account),
            name("Champ", account),
            name("User", account),
        ]
        assert [s["carried_over"] for s in slots] == [True, True, not gone, True, True]
        assert slots[2]["open_reason"] == (
            "Buyer Alder left the company on 2026-11-21" if gone else None
        )
        assert (
            f"Slot 4: carried over from 2026-W47; confirm (c) that {name('Champ', account)}"
            " is still the champion or replace them"
        ) in view["blockers"]
        # The close is refused, and saves nothing, until each carried slot is confirmed.
        before = content_hash(db_path)
        code, output = cli(db_path, W48, "review", account, "--close")
        assert code == 3 and "Nothing was saved" in output, output
        assert output.count("carried over from 2026-W47") == (4 if gone else 5)
        assert content_hash(db_path) == before
    for account in ACCOUNTS[1:]:
        code, output = cli(db_path, W48, "review", account, *CONFIRM_ALL, "--close")
        assert code == 0, output
    # Alder: confirming four is not enough while slot 3 is open; the spare fills it.
    code, output = cli(db_path, W48, "review", "Alder", "--status")
    assert output.count("carried over") == 4 + 4, output  # 4 slots marked, 4 blockers
    before = content_hash(db_path)
    code, output = cli(db_path, W48, "review", "Alder", *CONFIRM_ALL)
    assert code == 2 and "slot 3: no stakeholder to confirm" in output, output
    assert content_hash(db_path) == before
    four = [a for n in (1, 2, 4, 5) for a in ("--confirm", str(n))]
    code, output = cli(db_path, W48, "review", "Alder", *four, "--close")
    assert code == 3 and "Slot 3: no stakeholder named (Buyer Alder left" in output, output
    code, output = cli(db_path, W48, "review", "Alder", *four, "-s", "3=Spare Alder", "--close")
    assert code == 0, output
    alder = review_json(db_path, W48, "Alder")
    assert alder["status"] == "closed"
    assert "Buyer Alder left the company on 2026-11-21" in alder["changes"]
    assert "Spare Alder joined the five" in alder["changes"]
    # 2026-W49: this week's five carry over again; a replaced person is "no longer in the five".
    code, output = cli(db_path, W49, "review", "Birch", "-s", "5=Spare Birch", *CONFIRM_ALL[:8])
    assert code == 0, output
    birch = review_json(db_path, W49, "Birch")
    assert birch["blockers"] == []
    assert "User Birch is no longer in the five" in birch["changes"]
    assert not any("left" in c for c in birch["changes"])
    assert [s["carried_over"] for s in birch["slots"]] == [True, True, True, True, False]
    alder = review_json(db_path, W49, "Alder")
    assert alder["slots"][2]["stakeholder"] == "Spare Alder"


def test_the_review_and_its_carried_slots_are_written_together(
    db_path: Path, ws: Workspace
) -> None:
    build_queue(ws)
    _first_week(db_path)
    code, output = cli(db_path, W48, "review", "Cedar", "--confirm", "2")  # starts the review
    assert code == 0, output
    rows = ws.db.conn.execute(
        "SELECT s.position, p.name, s.confirmed_in_role_on FROM review_slot s"
        " JOIN review r ON r.id = s.review_id JOIN stakeholder p ON p.id = s.stakeholder_id"
        " WHERE r.week = '2026-W48' ORDER BY s.position"
    ).fetchall()
    assert [(r[0], r[1]) for r in rows] == [
        (n, name(role, "Cedar"))
        for n, role in enumerate(("Exec", "Cio", "Buyer", "Champ", "User"), 1)
    ]
    assert [r[2] for r in rows] == [None, "2026-11-23", None, None, None]
    code, output = cli(db_path, W48, "check")
    assert code == 0, output
