"""The first pull trusts no chained row the hub sends: each row's hash is tested as it
comes (`domain.chain.row_check`), the links and the `seq` numbers once all are in
(`schema_check.link_problems`). Every way of forging the record a hub's owner has (an
entry edited; its hash recomputed over a false predecessor, another number, a number
that is no number, or a first entry not chained to the start; an entry twice; rows
without their link, as a hub from before 0005 sent them, edited) keeps nothing; the
rows as the hub holds them load, with or without their links."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from accountreview.db.sync.first_pull import HubRecordRefused, load_first_pull
from accountreview.domain.chain import GENESIS, PREV, chain_hash, hashed_fields
from accountreview.services.workspace import open_workspace
from conftest import TODAY
from sync.team import SYNCED, Team, hub_rows
from sync.test_first_pull import busy_history, chunk

Rows = dict[str, list[dict[str, Any]]]


def rehash(table: str, row: dict[str, Any]) -> None:
    """Give `row` the hash of its (forged) fields and `prev_hash`: a forger's own."""
    row["hash"] = chain_hash(table, row[PREV], hashed_fields(row))


def by_seq(rows: Rows, table: str, seq: int) -> dict[str, Any]:
    [row] = [r for r in rows[table] if r["seq"] == seq]
    return row


def edited(rows: Rows) -> None:
    by_seq(rows, "audit_log", 2)["reason"] = "edited on the hub"


def false_predecessor(rows: Rows) -> None:
    row = by_seq(rows, "review_snapshot", 3)
    row[PREV] = "ab" * 32
    rehash("review_snapshot", row)


def last_at_as_a_number(rows: Rows) -> None:
    row = max(rows["audit_log"], key=lambda r: r["seq"])  # no entry after it to link
    row["at"] = "12"  # text a DATETIME column stores as a number
    rehash("audit_log", row)


def renumbered(value: Any) -> Callable[[Rows], None]:
    def forge(rows: Rows) -> None:
        row = by_seq(rows, "audit_log", 2)
        row["seq"] = value
        rehash("audit_log", row)

    return forge


def first_not_from_the_start(rows: Rows) -> None:
    row = by_seq(rows, "audit_log", 1)
    row[PREV] = "cd" * 32
    rehash("audit_log", row)


def twice(rows: Rows) -> None:
    again = dict(by_seq(rows, "review_snapshot", 2), id="e" * 32)
    rows["review_snapshot"].append(again)


def unlinked_and_edited(rows: Rows) -> None:
    for table in ("audit_log", "review_snapshot"):
        for row in rows[table]:
            row[PREV] = None
    by_seq(rows, "review_snapshot", 4)["name"] = "Someone Else"


FORGERIES = {
    "an entry edited": edited,
    "a false predecessor, rehashed": false_predecessor,
    "renumbered to 0, rehashed": renumbered(0),
    "renumbered to -1, rehashed": renumbered(-1),
    "a number that is text, rehashed": renumbered("2"),
    "the last entry's time as a number, rehashed": last_at_as_a_number,
    "no number, rehashed": renumbered(None),
    "a first entry chained to something": first_not_from_the_start,
    "an entry twice": twice,
    "rows without links, one edited": unlinked_and_edited,
}


@pytest.fixture
def hub_record(team: Team) -> Rows:
    busy_history(team)
    with team.hub_as("ann") as hub:
        rows = {t: hub_rows(hub, t) for t in SYNCED}
    assert len(rows["audit_log"]) >= 3 and len(rows["review_snapshot"]) == 10
    return rows


def load(path: Path, rows: Rows) -> None:
    ws = open_workspace(path, TODAY, create=True)
    try:
        load_first_pull(ws.db, [chunk(t, r) for t, r in rows.items() if r], lambda: 7)
    finally:
        ws.close()


def counts(path: Path) -> int:
    ws = open_workspace(path, TODAY)
    try:
        return sum(
            int(ws.db.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in SYNCED
        )
    finally:
        ws.close()


@pytest.mark.parametrize("forgery", sorted(FORGERIES))
def test_a_forged_record_is_refused_and_nothing_kept(
    hub_record: Rows, tmp_path: Path, forgery: str
) -> None:
    FORGERIES[forgery](hub_record)
    with pytest.raises(HubRecordRefused, match="cannot take"):
        load(tmp_path / "forged.db", hub_record)
    assert counts(tmp_path / "forged.db") == 0


def test_the_record_as_the_hub_holds_it_loads(hub_record: Rows, tmp_path: Path) -> None:
    load(tmp_path / "sound.db", hub_record)
    assert counts(tmp_path / "sound.db") == sum(len(r) for r in hub_record.values())


def test_rows_without_links_as_an_old_hub_sent_them_load_when_they_chain(
    hub_record: Rows, tmp_path: Path
) -> None:
    for table in ("audit_log", "review_snapshot"):
        for row in hub_record[table]:
            row[PREV] = None
    load(tmp_path / "old.db", hub_record)
    assert counts(tmp_path / "old.db") == sum(len(r) for r in hub_record.values())


def test_a_first_entry_names_the_start_of_the_chain(hub_record: Rows) -> None:
    assert by_seq(hub_record, "audit_log", 1)[PREV] == GENESIS  # what the forgery changes


def test_a_sqlite_that_binds_few_values_per_statement_loads_every_row(
    hub_record: Rows, tmp_path: Path
) -> None:
    """Rows per INSERT follow the SQLite's limit on bound values (999 in old builds)."""
    from accountreview.db.sync.first_pull import VARIABLES

    widest = max(len(rows[0]) for rows in hub_record.values() if rows)
    ws = open_workspace(tmp_path / "narrow.db", TODAY, create=True)
    try:
        ws.db.conn.setlimit(VARIABLES, widest + 1)  # one row a statement for the widest
        load_first_pull(ws.db, [chunk(t, r) for t, r in hub_record.items() if r], lambda: 7)
    finally:
        ws.close()
    assert counts(tmp_path / "narrow.db") == sum(len(r) for r in hub_record.values())
