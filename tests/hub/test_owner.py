"""Hub 0007: `owner_id` kept by the hub, the flat policies it allows, and what a move
(an account to another rep, a rep to another manager) re-stamps and tells, checked as
each person with psycopg directly (not through our code)."""

from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from test_rls import ROWS, ids_seen, signed_in, try_delete, try_insert, try_update
from test_schema import catalog, catalog_at

from hubdata import Book, Team, account_row, migrate_hub, seed_book, stakeholder_row, touch_row
from postgres import PostgresServer

OWNED = (*ROWS, "rep", "hub_conflict")


@pytest.fixture
def books(hub_team: Team) -> dict[str, Book]:
    return {
        "ann": seed_book(hub_team.owner_url, hub_team.ann.id),
        "bob": seed_book(hub_team.owner_url, hub_team.bob.id),
    }


def owner_and_seq(url: str, table: str, row_id: str) -> tuple[Any, int]:
    with signed_in(url) as conn:
        row = conn.execute(
            f"SELECT owner_id, hub_seq FROM {table} WHERE id = %s".encode(), (row_id,)
        ).fetchone()
    assert row is not None, (table, row_id)
    return row[0], int(str(row[1]))


def book_rows(book: Book) -> list[tuple[str, str]]:
    """(table, id) of every row of a seeded book."""
    return [(t, getattr(book, attr)) for t, (attr, _c, _v) in ROWS.items()] + [
        ("review", book.closed),
        ("review_slot", book.closed_slot),
    ]


def move(owner_url: str, account: str, to: str) -> None:
    """What the hub's admin does to move an account: set its rep on the hub."""
    with psycopg.connect(owner_url) as conn:
        conn.execute("UPDATE account SET rep_id = %s WHERE id = %s", (to, account))


def departures(url: str) -> list[tuple[Any, ...]]:
    with signed_in(url) as conn:
        return conn.execute(
            "SELECT account_id, reader_id, to_rep_id FROM hub_departure ORDER BY hub_seq"
        ).fetchall()


def test_every_row_carries_the_owner_of_its_account_set_by_the_hub(
    hub_team: Team, books: dict[str, Book]
) -> None:
    for who in ("ann", "bob"):
        person = getattr(hub_team, who)
        for table, row_id in book_rows(books[who]):
            assert owner_and_seq(hub_team.owner_url, table, row_id)[0] == person.id, table
    assert owner_and_seq(hub_team.owner_url, "rep", hub_team.ann.id)[0] == hub_team.ann.id


def test_a_member_cannot_set_owner_id_themselves(hub_team: Team, books: dict[str, Book]) -> None:
    ann, bob = books["ann"], books["bob"]
    # On their own row: the hub derives it again from the parent, whatever was sent.
    changed = try_update(hub_team.ann.url, "stakeholder", ann.stakeholder, "owner_id", "x")
    assert changed == "changed"
    assert owner_and_seq(hub_team.owner_url, "stakeholder", ann.stakeholder)[0] == hub_team.ann.id
    # A row under Bob's account, claiming to be Ann's: refused (the derived owner is Bob).
    claimed = {**touch_row(bob.stakeholder, None), "owner_id": hub_team.ann.id}
    assert try_insert(hub_team.ann.url, "touch", claimed) == "42501"
    sneaky = {**stakeholder_row(bob.account), "owner_id": hub_team.ann.id}
    assert try_insert(hub_team.ann.url, "stakeholder", sneaky) == "42501"
    own = {**account_row(hub_team.ann.id), "owner_id": hub_team.bob.id}
    assert try_insert(hub_team.ann.url, "account", own) == "inserted"
    assert owner_and_seq(hub_team.owner_url, "account", own["id"])[0] == hub_team.ann.id
    # Frozen rows and a closed review's slots: not even their owner column.
    for table, row_id in (("review_snapshot", ann.snapshot), ("audit_log", ann.audit)):
        assert try_update(hub_team.ann.url, table, row_id, "owner_id", hub_team.bob.id) in (
            "no rows",
            "42501",
        )
    assert try_update(hub_team.ann.url, "review_slot", ann.closed_slot, "owner_id", None) == "42501"


def test_the_owner_may_restamp_frozen_rows_but_never_change_them(
    hub_team: Team, books: dict[str, Book]
) -> None:
    ann = books["ann"]
    for table, row_id, column in (
        ("review_snapshot", ann.snapshot, "name"),
        ("audit_log", ann.audit, "reason"),
        ("review_slot", ann.closed_slot, "confirmed_in_role_on"),
    ):
        changed = try_update(hub_team.owner_url, table, row_id, column, "2026-01-01 rewritten")
        assert changed == "42501", table
        _, before = owner_and_seq(hub_team.owner_url, table, row_id)
        assert try_update(hub_team.owner_url, table, row_id, "hub_seq", 0) == "changed", table
        assert owner_and_seq(hub_team.owner_url, table, row_id)[1] > before, table


def test_a_moved_account_is_restamped_for_its_new_owner_and_its_old_owner_is_told(
    hub_team: Team, books: dict[str, Book]
) -> None:
    ann = books["ann"]
    cursor = max(owner_and_seq(hub_team.bob.url, "touch", books["bob"].touch)[1], 0)
    move(hub_team.owner_url, ann.account, hub_team.bob.id)
    for table, row_id in book_rows(ann):
        owner, seq = owner_and_seq(hub_team.owner_url, table, row_id)
        assert owner == hub_team.bob.id, table
        assert seq > cursor, table  # every new reader pulls the whole history
    with signed_in(hub_team.bob.url) as conn:
        assert ann.account in ids_seen(conn, "account")
        assert ann.snapshot in ids_seen(conn, "review_snapshot")
    with signed_in(hub_team.kim.url) as conn:  # Bob's manager now reads it too
        assert ann.audit in ids_seen(conn, "audit_log")
    with signed_in(hub_team.ann.url) as conn:
        for table in ROWS:
            assert ids_seen(conn, table).isdisjoint({i for _t, i in book_rows(ann)}), table
    # Ann and her manager Mia lost sight of it; Bob and Kim were not told anything.
    assert departures(hub_team.ann.url) == [(ann.account, hub_team.ann.id, hub_team.bob.id)]
    assert departures(hub_team.mia.url) == [(ann.account, hub_team.mia.id, hub_team.bob.id)]
    assert departures(hub_team.bob.url) == departures(hub_team.kim.url) == []


def test_a_rep_given_another_manager_is_restamped_for_them(
    hub_team: Team, books: dict[str, Book]
) -> None:
    from accountreview.hub.admin import add_user

    ann = books["ann"]
    _, before = owner_and_seq(hub_team.owner_url, "touch", ann.touch)
    password = urlsplit(hub_team.ann.url).password or ""
    add_user(hub_team.owner_url, "Ann", hub_team.ann.email, "rep", hub_team.kim.email, password)
    for table, row_id in book_rows(ann):
        owner, seq = owner_and_seq(hub_team.owner_url, table, row_id)
        assert (owner, seq > before) == (hub_team.ann.id, True), table
    with signed_in(hub_team.kim.url) as conn:
        assert ann.snapshot in ids_seen(conn, "review_snapshot")
    with signed_in(hub_team.mia.url) as conn:
        assert ann.account not in ids_seen(conn, "account")
    assert departures(hub_team.mia.url) == [(ann.account, hub_team.mia.id, hub_team.ann.id)]
    assert departures(hub_team.ann.url) == departures(hub_team.kim.url) == []


def test_departures_are_read_only_for_members(hub_team: Team, books: dict[str, Book]) -> None:
    move(hub_team.owner_url, books["ann"].account, hub_team.bob.id)
    row = {"id": "x" * 32, "account_id": books["bob"].account, "reader_id": hub_team.bob.id}
    assert try_insert(hub_team.bob.url, "hub_departure", {**row, "hub_seq": 1}) == "42501"
    assert try_delete(hub_team.ann.url, "hub_departure", departures(hub_team.ann.url)[0][0]) in (
        "42501",
        "no rows",
    )
    assert len(departures(hub_team.ann.url)) == 1


@pytest.mark.parametrize("table", ["touch", "review_snapshot", "audit_log"])
def test_a_members_pull_is_an_index_range_not_a_subplan_over_the_hub(
    hub_team: Team, books: dict[str, Book], table: str
) -> None:
    """The plan of the pull's statement as a member: an index range (by hub_seq, or by
    owner and hub_seq, as the planner judges), the row's own owner_id against one array
    computed once, and no subplan through the parents (the cost that grew with the hub)."""
    with signed_in(hub_team.mia.url) as conn:
        conn.execute("SET enable_seqscan = off")  # a tiny hub: ask what the plan can use
        plan = "\n".join(
            str(r[0])
            for r in conn.execute(
                f"EXPLAIN SELECT id FROM {table} WHERE hub_seq > 5 AND hub_seq <= 10".encode()
            )
        )
    assert "Index" in plan and "owner_id = ANY ($0)" in plan, plan
    assert "SubPlan" not in plan and "Seq Scan" not in plan, plan
    assert not any(f"on {parent}" in plan for parent in ("account", "stakeholder", "review ")), plan


def test_0007_downgrades_to_0006_and_upgrades_again(
    hub_server: PostgresServer, hub_db: str, hub_url: str
) -> None:
    at_0006 = catalog_at(hub_server, "0006")
    team_book = seed_book(hub_url, account_row("r" * 32)["rep_id"])
    migrate_hub(hub_url, "0006", down=True)
    assert catalog(hub_url, skip=("version",)) == {
        k: v for k, v in at_0006.items() if k != "version"
    }
    migrate_hub(hub_url, "head")
    assert owner_and_seq(hub_url, "audit_log", team_book.audit)[0] == "r" * 32
    migrate_hub(hub_db, "head")
    assert catalog(hub_url) == catalog(hub_db)


def test_the_owner_column_is_never_pulled_and_a_departure_is(
    hub_team: Team, books: dict[str, Book]
) -> None:
    from accountreview.hub.connect import connect
    from accountreview.hub.pull import DEPARTED, Snapshot, pull

    with connect(hub_team.ann.url) as conn:
        first = pull(conn, 0)
        assert first.rows and all(
            "owner_id" not in row for rows in first.rows.values() for row in rows
        )
        chunks = list(Snapshot(conn, 100).chunks())
        assert chunks and all("owner_id" not in c.columns for c in chunks)
        move(hub_team.owner_url, books["ann"].account, hub_team.bob.id)
        after = pull(conn, first.cursor)
    assert [(d["account_id"], d["to_rep_name"]) for d in after.rows[DEPARTED]] == [
        (books["ann"].account, "Bob")
    ]
    assert set(after.rows) == {DEPARTED}  # nothing of the account itself: not hers now
