"""The local side of sync (`db.sync`) on real files: the outbox the 0004 triggers fill
(only with a hub set, never while applying, nothing for a rolled-back command), its
batches, pulled rows applied idempotently in one transaction with the cursor, frozen
rows inserted but never changed, and conflicts settled."""

import re
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from accountreview.db import sync
from accountreview.db.migrate import upgrade_to_head
from accountreview.db.sync.tables import MUTABLE
from accountreview.domain.enums import Channel
from accountreview.services import reviews
from accountreview.services.errors import InvalidInput
from accountreview.services.importing import import_file
from accountreview.services.lookup import resolve_account, resolve_stakeholder
from accountreview.services.stakeholders import PersonEdit, edit_stakeholder, log_touch
from accountreview.services.workspace import Workspace, open_workspace
from conftest import TODAY, Seeded, content_hash, seed
from test_db import FIVE, WEEK, closed_review

DATA = Path(__file__).resolve().parent.parent / "data"
Change = tuple[str, str, str | None, Any, Any]  # kind, table, field, old, new


def set_hub(ws: Workspace) -> None:
    with ws.db.write() as conn:
        sync.set_state(conn, "hub", "postgresql://hub.example/team")


def changes(ws: Workspace) -> list[Change]:
    """The outbox, in order, without its ids and times; emptied for the next step."""
    batch = sync.outbox_batch(ws.db.conn, 0, 10_000)
    with ws.db.write() as conn:
        if batch:
            sync.forget_pushed(conn, batch[-1].seq)
    return [(c.kind, c.table, c.field, c.old, c.new) for c in batch]


def test_every_service_edit_puts_exactly_its_changes_in_the_outbox(
    ws: Workspace, seeded: Seeded
) -> None:
    set_hub(ws)
    account = resolve_account(ws, seeded.account_id)
    reviews.set_slot(ws, account, WEEK, 1, seeded.people["ceo"])
    assert changes(ws) == [
        ("insert", "review", None, None, None),
        *[("insert", "review_slot", None, None, None)] * 5,
        ("update", "review_slot", "stakeholder_id", None, seeded.people["ceo"]),
    ]
    reviews.confirm_in_role(ws, account, WEEK, 1)
    assert changes(ws) == [
        ("update", "review_slot", "confirmed_in_role_on", None, TODAY.isoformat())
    ]
    person = resolve_stakeholder(ws, account, "Uma Reyes")
    log_touch(ws, person, on=TODAY - timedelta(days=1), channel=Channel.PHONE)
    assert changes(ws) == [("insert", "touch", None, None, None)]
    edit_stakeholder(ws, account, person, PersonEdit(title="Head of Ops"))
    assert changes(ws) == [("update", "stakeholder", "title", None, "Head of Ops")]


def test_a_close_and_a_reopen_carry_their_record_and_status(ws: Workspace, seeded: Seeded) -> None:
    account = resolve_account(ws, seeded.account_id)
    for position, key in enumerate(FIVE[:4], start=1):
        reviews.set_slot(ws, account, WEEK, position, seeded.people[key])
    set_hub(ws)
    closed_review(ws, seeded)  # sets slot 5 and Uma's next contact, then closes
    made = changes(ws)
    assert [c for c in made if c[0] == "insert"] == [
        *[("insert", "review_snapshot", None, None, None)] * 5,
        ("insert", "audit_log", None, None, None),
    ]
    updates = {(c[1], c[2]): (c[3], c[4]) for c in made if c[0] == "update"}
    assert updates[("review", "status")] == ("open", "closed")
    assert updates[("review", "close_count")] == (0, 1)
    assert updates[("review", "closed_by_id")] == (None, seeded.rep_id)
    assert updates[("review_slot", "stakeholder_id")] == (None, seeded.people["user"])
    assert updates[("stakeholder", "next_contact_on")] == (None, TODAY.isoformat())
    reviews.reopen_review(ws, account, WEEK, "wrong champion")
    made = changes(ws)
    assert made[0] == ("insert", "audit_log", None, None, None)
    assert ("update", "review", "status", "closed", "open") in made
    assert ("update", "review", "closed_by_id", seeded.rep_id, None) in made


def test_an_import_puts_its_inserts_and_updates_in_the_outbox(
    ws: Workspace, tmp_path: Path
) -> None:
    set_hub(ws)
    import_file(ws, DATA / "reps.csv")
    import_file(ws, DATA / "accounts.csv")
    made = changes(ws)
    assert (
        made
        == [("insert", "rep", None, None, None)] * 3 + [("insert", "account", None, None, None)] * 8
    )
    text = (DATA / "accounts.csv").read_text(encoding="utf-8")
    changed = tmp_path / "accounts.csv"
    changed.write_text(
        text.replace("Acme Logistics,Ann Lee,yes,2500000", "Acme Logistics,Ann Lee,yes,2600000")
    )
    import_file(ws, changed)
    assert changes(ws) == [("update", "account", "potential", 2500000, 2600000)]
    assert import_file(ws, changed).unchanged == 8 and changes(ws) == []


def test_no_hub_no_outbox_and_nothing_while_applying(ws: Workspace, seeded: Seeded) -> None:
    account = resolve_account(ws, seeded.account_id)
    reviews.set_slot(ws, account, WEEK, 1, seeded.people["ceo"])
    assert sync.waiting_count(ws.db.conn) == 0  # a laptop that never syncs pays nothing
    set_hub(ws)
    with ws.db.write() as conn:
        sync.set_state(conn, "applying", "1")
        conn.execute(
            "UPDATE stakeholder SET title = 'Pulled' WHERE id = ?", (seeded.people["ceo"],)
        )
        sync.set_state(conn, "applying", None)
    assert sync.waiting_count(ws.db.conn) == 0


def test_a_refused_command_leaves_no_outbox_rows(ws: Workspace, seeded: Seeded) -> None:
    set_hub(ws)
    account = resolve_account(ws, seeded.account_id)
    person = resolve_stakeholder(ws, account, "Uma Reyes")
    with pytest.raises(InvalidInput):  # the email of another of the account's people
        edit_stakeholder(ws, account, person, PersonEdit(title="T", email="ceo@acme.example"))
    with pytest.raises(RuntimeError), ws.db.write() as conn:
        conn.execute("UPDATE stakeholder SET title = 'Half' WHERE id = ?", (person.id,))
        assert sync.waiting_count(conn) == 1
        raise RuntimeError("the command fails after its first write")
    assert sync.waiting_count(ws.db.conn) == 0


def test_the_triggers_carry_exactly_the_mutable_columns(ws: Workspace) -> None:
    """The 0004 triggers were made from a list of their own: it is `db.sync.MUTABLE`."""
    for table, columns in MUTABLE.items():
        row = ws.db.conn.execute(
            "SELECT sql FROM sqlite_master WHERE name = ?", (f"sync_outbox_{table}_update",)
        ).fetchone()
        carried = [] if row is None else re.findall(r"NEW\.id, '(\w+)'", row[0])
        assert carried == list(columns), table
        inserts = ws.db.conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = ?", (f"sync_outbox_{table}_insert",)
        ).fetchone()[0]
        assert inserts == 1, table


def test_batches_come_in_order_and_forget_drops_up_to_a_seq(ws: Workspace, seeded: Seeded) -> None:
    set_hub(ws)
    account = resolve_account(ws, seeded.account_id)
    for position, key in enumerate(FIVE, start=1):
        reviews.set_slot(ws, account, WEEK, position, seeded.people[key])
    first = sync.outbox_batch(ws.db.conn, 0, 4)
    rest = sync.outbox_batch(ws.db.conn, first[-1].seq, 100)
    seqs = [c.seq for c in first + rest]
    assert (
        seqs == sorted(seqs) and len(first) == 4 and len(rest) == sync.waiting_count(ws.db.conn) - 4
    )
    assert first[0].kind == "insert" and first[0].row is not None
    assert first[0].row["week"] == str(WEEK) and first[0].row["status"] == "open"
    assert len({c.change_id for c in first + rest}) == len(seqs)
    with ws.db.write() as conn:
        assert sync.forget_pushed(conn, first[-1].seq) == 4
    assert [c.seq for c in sync.outbox_batch(ws.db.conn, 0, 100)] == seqs[4:]


def test_all_rows_streams_every_row_parents_first(ws: Workspace, seeded: Seeded) -> None:
    closed_review(ws, seeded)
    seen: dict[str, int] = {}
    for table in sync.SYNCED_TABLES:
        batches = list(sync.all_rows(ws.db.conn, table, 3))
        assert all(len(b) <= 3 for b in batches)
        seen[table] = sum(len(b) for b in batches)
        if table == "audit_log" or table == "review_snapshot":
            order = [r["seq"] for b in batches for r in b]
            assert order == sorted(order)
    assert seen == {
        t: ws.db.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in sync.SYNCED_TABLES
    }


# --- applying pulled rows ---------------------------------------------------------


def rows_of(path: Path, *tables: str) -> dict[str, list[dict[str, Any]]]:
    """Rows of another file, as the hub would hand them over (a dict per row)."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return {
            t: [dict(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY rowid")] for t in tables
        }
    finally:
        conn.close()


def closed_twice(path: Path) -> str:
    """A new file whose rep closed, reopened and closed again this week's review;
    returns its device."""
    ws = open_workspace(path, TODAY, create=True)
    seeded = seed(ws)
    closed_review(ws, seeded)
    account = resolve_account(ws, seeded.account_id)
    reviews.reopen_review(ws, account, WEEK, "wrong champion")
    reviews.close_review(ws, account, WEEK)
    device = sync.get_state(ws.db.conn, "device")
    ws.close()
    assert device is not None
    return device


@pytest.fixture
def laptop_a(tmp_path: Path) -> Path:
    closed_twice(tmp_path / "a.db")
    return tmp_path / "a.db"


def laptop_with(rows: dict[str, list[dict[str, Any]]], path: Path, cursor: int = 1) -> Workspace:
    """A new file with a hub set that pulled `rows` (left open for the test)."""
    ws = open_workspace(path, TODAY, create=True)
    set_hub(ws)
    with ws.db.write() as conn:
        sync.apply_pulled(conn, rows, cursor)
    return ws


def test_pulled_rows_rebuild_another_laptops_record_and_check_passes(
    laptop_a: Path, tmp_path: Path
) -> None:
    from accountreview.db.maintenance import check_file

    pulled = rows_of(laptop_a, *sync.SYNCED_TABLES)
    ws = laptop_with({}, tmp_path / "b.db")
    with ws.db.write() as conn:
        report = sync.apply_pulled(conn, pulled, cursor=41)
    assert report.inserted["review_snapshot"] == 10 and report.inserted["audit_log"] == 3
    assert sync.get_state(ws.db.conn, "cursor") == "41"
    assert sync.get_state(ws.db.conn, "applying") is None
    assert sync.waiting_count(ws.db.conn) == 0  # pulled rows are not pushed back
    for table in sync.SYNCED_TABLES:
        mine = rows_of(tmp_path / "b.db", table)[table]
        key = "id"
        assert sorted(mine, key=lambda r: r[key]) == sorted(pulled[table], key=lambda r: r[key]), (
            table
        )
    ws.close()
    assert check_file(tmp_path / "b.db").problems == []


def test_applying_a_batch_twice_gives_the_same_file(laptop_a: Path, tmp_path: Path) -> None:
    pulled = rows_of(laptop_a, *sync.SYNCED_TABLES)
    ws = laptop_with(pulled, tmp_path / "b.db", 7)
    once = content_hash(ws)
    with ws.db.write() as conn:
        again = sync.apply_pulled(conn, pulled, cursor=7)
    assert content_hash(ws) == once
    assert sum(again.inserted.values()) == 0 and sum(again.updated.values()) == 0
    ws.close()


def test_a_field_waiting_in_the_outbox_keeps_the_local_value(
    laptop_a: Path, tmp_path: Path
) -> None:
    pulled = rows_of(laptop_a, *sync.SYNCED_TABLES)
    ws = laptop_with(pulled, tmp_path / "b.db", 1)
    person = pulled["stakeholder"][0]
    with ws.db.write() as conn:
        conn.execute("UPDATE stakeholder SET title = 'Mine' WHERE id = ?", (person["id"],))
    theirs = [{**person, "title": "Theirs", "name": "New Name"}]
    with ws.db.write() as conn:
        report = sync.apply_pulled(conn, {"stakeholder": theirs}, cursor=2)
    assert report.kept_waiting == [("stakeholder", person["id"], "title")]
    row = ws.db.conn.execute("SELECT title, name FROM stakeholder WHERE id = ?", (person["id"],))
    assert tuple(row.fetchone()) == ("Mine", "New Name")
    ws.close()


def test_pulled_frozen_rows_are_inserted_but_never_changed(laptop_a: Path, tmp_path: Path) -> None:
    pulled = rows_of(laptop_a, *sync.SYNCED_TABLES)
    ws = laptop_with(pulled, tmp_path / "b.db", 1)
    before = content_hash(ws)
    edited = {
        "review_snapshot": [{**r, "name": "Forged"} for r in pulled["review_snapshot"]],
        "audit_log": [{**r, "reason": "forged"} for r in pulled["audit_log"]],
        "review_slot": [{**r, "stakeholder_id": None} for r in pulled["review_slot"]],
    }
    with ws.db.write() as conn:
        report = sync.apply_pulled(conn, edited, cursor=1)
    assert len(report.refused) == 5  # the closed review's five slots stay as frozen
    assert content_hash(ws) == before
    with pytest.raises(sqlite3.IntegrityError, match="frozen"), ws.db.write() as conn:
        sync.set_state(conn, "applying", "1")
        conn.execute("UPDATE review_snapshot SET name = 'Forged'")
    ws.close()


def test_a_failure_inside_apply_leaves_neither_rows_nor_cursor(
    laptop_a: Path, tmp_path: Path
) -> None:
    pulled = rows_of(laptop_a, *sync.SYNCED_TABLES)
    ws = laptop_with({}, tmp_path / "b.db")
    before = content_hash(ws)
    broken = {
        **pulled,
        "touch": [*pulled["touch"], {**pulled["touch"][0], "id": "t2", "channel": "fax"}],
    }
    with pytest.raises(sqlite3.IntegrityError), ws.db.write() as conn:
        sync.apply_pulled(conn, broken, cursor=99)
    assert content_hash(ws) == before
    assert sync.get_state(ws.db.conn, "cursor") == "1"  # as the batch before set it
    ws.close()


def test_two_laptops_that_closed_one_review_offline_keep_both_fives(
    laptop_a: Path, tmp_path: Path
) -> None:
    """B pulls A's people, closes the same review itself, then pulls A's closes."""
    from accountreview.db.maintenance import check_file

    pulled = rows_of(laptop_a, *sync.SYNCED_TABLES)
    people = {t: pulled[t] for t in ("rep", "account", "stakeholder", "touch")}
    ws = laptop_with(people, tmp_path / "b.db")
    seeded = Seeded(pulled["rep"][0]["id"], pulled["account"][0]["id"], {})
    for row in pulled["stakeholder"]:
        seeded.people[row["email"].split("@")[0]] = row["id"]
    ws.actor_id = seeded.rep_id
    closed_review(ws, seeded)
    with ws.db.write() as conn:
        sync.apply_pulled(conn, pulled, cursor=2)
    counts = ws.db.conn.execute(
        "SELECT origin, close_number, count(*) FROM review_snapshot GROUP BY 1, 2 ORDER BY 1, 2"
    ).fetchall()
    assert len(counts) == 3 and sum(r[2] for r in counts) == 15
    ws.close()
    assert check_file(tmp_path / "b.db").problems == []


def test_conflicts_are_kept_listed_and_resolved(ws: Workspace, seeded: Seeded) -> None:
    set_hub(ws)
    person = seeded.people["ceo"]
    with ws.db.write() as conn:
        conn.execute("UPDATE stakeholder SET title = 'Theirs' WHERE id = ?", (person,))
    changes(ws)
    found = sync.Conflict(
        "c1", "stakeholder", person, "title", "Mine", "Theirs", "changed elsewhere", "2026-11-23"
    )
    with ws.db.write() as conn:
        assert sync.record_conflicts(conn, [found, found]) == 1
    assert [c.id for c in sync.list_conflicts(ws.db.conn)] == ["c1"]
    with ws.db.write() as conn:
        sync.resolve_conflict(ws.db.conn, "c1", "mine")
    # the resolution waits in the outbox (the hub writes mine back: hub_resolve_conflict);
    # the field holds mine here at once, with no field change of its own
    assert changes(ws) == [("update", "sync_conflict", "resolution", None, "mine")]
    title = ws.db.conn.execute("SELECT title FROM stakeholder WHERE id = ?", (person,))
    assert title.fetchone()[0] == "Mine"
    assert sync.list_conflicts(ws.db.conn) == []
    assert sync.list_conflicts(ws.db.conn, open_only=False)[0].resolution == "mine"
    from accountreview.db.errors import DatabaseProblem

    with pytest.raises(DatabaseProblem, match="was resolved"), ws.db.write() as conn:
        sync.resolve_conflict(conn, "c1", "theirs")
    with pytest.raises(DatabaseProblem, match="No conflict"), ws.db.write() as conn:
        sync.resolve_conflict(conn, "nope", "theirs")


def test_a_new_file_has_a_device_and_an_upgraded_one_keeps_its_own(tmp_path: Path) -> None:
    devices = set()
    for name in ("x.db", "y.db"):
        path = tmp_path / name
        path.touch(mode=0o600)
        upgrade_to_head(path)
        conn = sqlite3.connect(path)
        devices.add(conn.execute("SELECT value FROM sync_state WHERE key = 'device'").fetchone()[0])
        conn.close()
    assert len(devices) == 2 and all(len(d) == 32 for d in devices)
