"""A first pull refuses a row that breaks one of the file's CHECK rules, as the batched
pull does (test_pull_refused.py): the bulk load sets the per-row CHECKs aside for speed
(`db.bulk`), so the load checks them once at the end. A hub row from before hub 0008
(whose rules are NOT VALID: old rows stay as they are) that breaks one, pulled into a new
laptop, stops that sync with exit 3 naming the table, leaves nothing behind, and the
sync completes once the row is corrected on the hub. Before, the row was loaded as it
was, and the laptop then failed on its own file ("unexpected error") at the next edit.

Every CHECK rule the hub holds is broken in turn (the rules of a laptop's file: see
tests/hub/test_hub_checks.py), into a file the sync makes and into one the app has open.
"""

import re
import sqlite3
from pathlib import Path
from typing import Any

import psycopg
import pytest

from accountreview.db.schema_check import check_rules
from accountreview.db.sync import SYNCED_TABLES
from accountreview.services.sync import sync_once
from accountreview.services.workspace import open_workspace
from conftest import TODAY
from sync.team import Laptop, Team, import_account, person_name

# rule -> (the statement that breaks it on the hub, the one that mends it)
BREAKS: dict[str, tuple[str, str]] = {
    "rep_role": (
        "UPDATE rep SET role = 'boss' WHERE email = 'ann@team.example'",
        "UPDATE rep SET role = 'rep' WHERE email = 'ann@team.example'",
    ),
    "contract": (
        "UPDATE account SET contract = 'weekly'",
        "UPDATE account SET contract = NULL",
    ),
    "account_sizes": (
        "UPDATE account SET potential = -5",
        "UPDATE account SET potential = 5",
    ),
    "review_status": (
        "UPDATE review SET status = 'paused'",
        "UPDATE review SET status = 'open'",
    ),
    "slot_position": (
        "UPDATE review_slot SET position = 9 WHERE position = 1",
        "UPDATE review_slot SET position = 1 WHERE position = 9",
    ),
    "touch_channel": (
        "UPDATE touch SET channel = 'telepathy'",
        "UPDATE touch SET channel = 'video'",
    ),
}


def hub_rules(conn: psycopg.Connection[Any]) -> dict[str, tuple[str, str]]:
    """rule -> (table, its CHECK text) of every CHECK constraint on the hub's tables."""
    rows = conn.execute(
        "SELECT c.conname, c.conrelid::regclass::text, pg_get_constraintdef(c.oid)"
        " FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"
        " WHERE c.contype = 'c' AND n.nspname = 'public'"
    ).fetchall()
    return {str(name): (str(table), str(rule)) for name, table, rule in rows}


def break_on_hub(team: Team, rule: str) -> str:
    """Make a row break `rule` on the hub as an old row would (the rule dropped, the row
    changed, the rule put back NOT VALID); returns the rule's table."""
    with team.hub_as(None) as hub:
        rules = hub_rules(hub)
        assert set(BREAKS) == set(rules), "every CHECK rule needs a row that breaks it here"
        table, text = rules[rule]
        hub.execute(f"ALTER TABLE {table} DROP CONSTRAINT {rule}")
        found = hub.execute(BREAKS[rule][0])
        assert found.rowcount > 0, BREAKS[rule][0]
        hub.execute(f"ALTER TABLE {table} ADD CONSTRAINT {rule} {text.replace(' NOT VALID', '')}"
                    " NOT VALID")  # fmt: skip
    return table


def mend_on_hub(team: Team, rule: str) -> None:
    with team.hub_as(None) as hub:
        hub.execute(BREAKS[rule][1])


def ann_with_an_open_review(team: Team) -> None:
    """Ann's account on the hub with a touch per person and this week's review open (its
    five slots filled, not closed)."""
    ann = team.laptop("ann", "ann-1")
    assert ann.sync_cli()[0] == 0
    import_account(ann, "Acme")
    slots = [f"--slot={n}={person_name('Acme', n)}" for n in range(1, 6)]
    code, out, err = ann.cli("review", "Acme", *slots)
    assert code == 0, out + err
    assert ann.sync_cli()[0] == 0


def synced_rows(laptop: Laptop) -> int:
    conn = sqlite3.connect(laptop.path)
    try:
        return sum(
            int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0])
            for t in ("account", "stakeholder", "touch", "review", "review_slot")
        )
    finally:
        conn.close()


@pytest.mark.parametrize("rule", sorted(BREAKS))
def test_a_first_pull_into_a_new_file_refuses_a_row_breaking_a_check_rule(
    team: Team, rule: str
) -> None:
    ann_with_an_open_review(team)
    table = break_on_hub(team, rule)
    fresh = team.laptop("ann", "ann-new")
    code, _report, err = fresh.sync_cli()
    assert code == 3, err
    assert "cannot take" in err and table in err and rule in err, err
    assert "nothing of this pull was kept: ask the hub's owner" in err, err  # what to do
    assert "Traceback" not in err and "unexpected" not in err, err
    assert not fresh.path.exists()  # the sync made it, and removes it again
    mend_on_hub(team, rule)
    code, report, err = fresh.sync_cli()
    assert code == 0 and report is not None and report["first_pull"], err
    assert synced_rows(fresh) > 10


@pytest.mark.parametrize("rule", ["slot_position", "touch_channel"])
def test_a_first_pull_into_an_open_file_refuses_it_and_keeps_the_file_as_it_was(
    team: Team, rule: str
) -> None:
    ann_with_an_open_review(team)
    table = break_on_hub(team, rule)
    laptop = team.laptop("ann", "ann-open")
    ws = open_workspace(laptop.path, TODAY, create=True)
    try:
        with pytest.raises(ValueError, match=f"cannot take.*{table}.*{rule}"):
            sync_once(ws, laptop.url)
        assert synced_rows(laptop) == 0
        mend_on_hub(team, rule)
        report = sync_once(ws, laptop.url)
        assert report.first_pull and report.pulled > 10
    finally:
        ws.close()
    assert synced_rows(laptop) > 10


def test_every_check_rule_of_a_new_file_is_read_whole_and_runs(tmp_path: Path) -> None:
    ws = open_workspace(tmp_path / "new.db", TODAY, create=True)
    try:
        conn, names = ws.db.conn, set()
        for table in SYNCED_TABLES:
            text = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,))
            rules = check_rules(conn, table)
            assert len(rules) == len(re.findall(r"\bCHECK\b", text.fetchone()[0], re.I))
            for name, rule in rules:
                assert rule.count("(") == rule.count(")"), rule
                conn.execute(f"SELECT count(*) FROM {table} WHERE NOT ({rule})").fetchone()
                names.add(name)
    finally:
        ws.close()
    assert names == set(BREAKS)  # the load checks the rules this test breaks on the hub
