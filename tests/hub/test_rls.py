"""The hub's access rule, checked as each person with psycopg directly (not through our
code): row-level security, grants and the frozen-row and actor triggers."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import psycopg
import pytest

from hubdata import Book, Team, account_row, seed_book, stakeholder_row, touch_row

# table -> (the Book attribute holding a row id, a column to try to change, a new value)
ROWS = {
    "account": ("account", "name", "Mine now"),
    "stakeholder": ("stakeholder", "title", "CEO"),
    "touch": ("touch", "note", "rewritten"),
    "review": ("review", "status", "closed"),
    "review_slot": ("slot", "stakeholder_id", None),
    "review_snapshot": ("snapshot", "name", "Someone else"),
    "audit_log": ("audit", "reason", "rewritten"),
}


@contextmanager
def signed_in(url: str) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """A connection as that person, in autocommit: each statement stands alone."""
    with psycopg.connect(url, autocommit=True) as conn:
        yield conn


def ids_seen(conn: psycopg.Connection[tuple[object, ...]], table: str) -> set[object]:
    return {row[0] for row in conn.execute(f"SELECT id FROM {table}".encode())}


def try_update(url: str, table: str, row_id: str, column: str, value: object) -> str:
    """'changed', 'no rows' (RLS hid them) or the error's SQLSTATE."""
    with signed_in(url) as conn:
        try:
            cur = conn.execute(
                f"UPDATE {table} SET {column} = %s WHERE id = %s".encode(), (value, row_id)
            )
        except psycopg.Error as error:
            return str(error.sqlstate)
        return "changed" if cur.rowcount else "no rows"


def try_delete(url: str, table: str, row_id: str) -> str:
    with signed_in(url) as conn:
        try:
            cur = conn.execute(f"DELETE FROM {table} WHERE id = %s".encode(), (row_id,))
        except psycopg.Error as error:
            return str(error.sqlstate)
        return "deleted" if cur.rowcount else "no rows"


def try_insert(url: str, table: str, row: Mapping[str, object]) -> str:
    row = {k: v for k, v in row.items() if k != "updated_at"}
    names = ", ".join(row)
    marks = ", ".join(["%s"] * len(row))
    with signed_in(url) as conn:
        try:
            conn.execute(
                f"INSERT INTO {table} ({names}) VALUES ({marks})".encode(), list(row.values())
            )
        except psycopg.Error as error:
            return str(error.sqlstate)
        return "inserted"


@pytest.fixture
def books(hub_team: Team) -> dict[str, Book]:
    return {
        "ann": seed_book(hub_team.owner_url, hub_team.ann.id),
        "bob": seed_book(hub_team.owner_url, hub_team.bob.id),
        "mia": seed_book(hub_team.owner_url, hub_team.mia.id),
    }


def test_a_rep_reads_only_their_own_rows_in_every_table(
    hub_team: Team, books: dict[str, Book]
) -> None:
    with signed_in(hub_team.ann.url) as conn:
        for table, (attr, _col, _value) in ROWS.items():
            own = {getattr(books["ann"], attr)}
            if table in ("review", "review_slot"):
                own = {
                    getattr(books["ann"], a)
                    for a in (attr, f"closed{'_slot' if attr == 'slot' else ''}")
                }
            assert ids_seen(conn, table) == own, table
        assert ids_seen(conn, "rep") == {
            hub_team.ann.id,
            hub_team.mia.id,
            hub_team.bob.id,
            hub_team.kim.id,
        }


def test_a_rep_cannot_change_another_reps_rows_in_any_table(
    hub_team: Team, books: dict[str, Book]
) -> None:
    for table, (attr, column, value) in ROWS.items():
        row_id = getattr(books["bob"], attr)
        assert try_update(hub_team.ann.url, table, row_id, column, value) == "no rows", table
        assert try_delete(hub_team.ann.url, table, row_id) == "42501", table  # no DELETE grant
    bobs = books["bob"]
    refused = {
        "account": account_row(hub_team.bob.id),
        "stakeholder": stakeholder_row(bobs.account),
        "touch": touch_row(bobs.stakeholder, None),
    }
    for table, row in refused.items():
        assert try_insert(hub_team.ann.url, table, row) == "42501", table
    assert (
        try_update(hub_team.ann.url, "account", books["ann"].account, "rep_id", hub_team.bob.id)
        == "42501"
    )


def test_a_manager_reads_their_reps_but_not_another_team_and_writes_only_their_own(
    hub_team: Team, books: dict[str, Book]
) -> None:
    with signed_in(hub_team.mia.url) as conn:
        accounts = ids_seen(conn, "account")
        touches = ids_seen(conn, "touch")
        snapshots = ids_seen(conn, "review_snapshot")
    assert accounts == {books["ann"].account, books["mia"].account}
    assert touches == {books["ann"].touch, books["mia"].touch}
    assert snapshots == {books["ann"].snapshot, books["mia"].snapshot}
    for table, (attr, column, value) in ROWS.items():
        if table in ("review_snapshot", "audit_log", "touch"):
            continue  # nobody updates these (below)
        assert (
            try_update(hub_team.mia.url, table, getattr(books["ann"], attr), column, value)
            == "no rows"
        )
        assert (
            try_update(hub_team.mia.url, table, getattr(books["bob"], attr), column, value)
            == "no rows"
        )
    assert (
        try_insert(hub_team.mia.url, "stakeholder", stakeholder_row(books["ann"].account))
        == "42501"
    )
    assert (
        try_update(hub_team.mia.url, "stakeholder", books["mia"].stakeholder, "title", "VP")
        == "changed"
    )
    with signed_in(hub_team.kim.url) as conn:
        assert ids_seen(conn, "account") == {books["bob"].account}


def test_nobody_changes_snapshots_audit_entries_or_a_closed_reviews_slots(
    hub_team: Team, books: dict[str, Book]
) -> None:
    anns = books["ann"]
    for url in (hub_team.ann.url, hub_team.owner_url):
        assert try_update(url, "review_snapshot", anns.snapshot, "name", "X") in (
            "no rows",
            "42501",
        )
        assert try_update(url, "audit_log", anns.audit, "reason", "X") in ("no rows", "42501")
        assert try_update(url, "review_slot", anns.closed_slot, "stakeholder_id", None) == "42501"
        assert try_delete(url, "review_snapshot", anns.snapshot) == "42501"
        assert try_delete(url, "audit_log", anns.audit) == "42501"
        assert try_delete(url, "review_slot", anns.closed_slot) == "42501"
    with signed_in(hub_team.owner_url) as conn:
        with pytest.raises(psycopg.Error, match="frozen"):
            conn.execute("TRUNCATE review_snapshot")
        row = conn.execute(
            "SELECT s.name, a.reason, sl.stakeholder_id FROM review_snapshot s, audit_log a,"
            " review_slot sl WHERE s.id = %s AND a.id = %s AND sl.id = %s",
            (anns.snapshot, anns.audit, anns.closed_slot),
        ).fetchone()
    assert row == ("Carla", None, anns.stakeholder)
    # the open review's slot is still the rep's to change
    assert (
        try_update(hub_team.ann.url, "review_slot", anns.slot, "stakeholder_id", None) == "changed"
    )


def test_nobody_writes_a_row_whose_actor_is_someone_else_but_the_owner_can(
    hub_team: Team, books: dict[str, Book]
) -> None:
    from hubdata import audit_row, review_row

    anns = books["ann"]
    mia = hub_team.mia.id
    forged = {
        "touch": touch_row(anns.stakeholder, mia),
        "review": review_row(anns.account, mia, week="2026-W49"),
        "audit_log": audit_row(anns.account, anns.review, mia),
    }
    for table, row in forged.items():
        assert try_insert(hub_team.ann.url, table, row) == "42501", table
    assert try_update(hub_team.ann.url, "review", anns.review, "closed_by_id", mia) == "42501"
    assert (
        try_update(hub_team.ann.url, "review", anns.review, "closed_by_id", hub_team.ann.id)
        == "changed"
    )
    assert try_insert(hub_team.ann.url, "touch", touch_row(anns.stakeholder, None)) == "inserted"
    assert (
        try_insert(hub_team.ann.url, "touch", touch_row(anns.stakeholder, hub_team.ann.id))
        == "inserted"
    )
    for table, row in forged.items():
        assert try_insert(hub_team.owner_url, table, row) == "inserted", table


def test_rep_rows_are_written_only_by_the_owner(hub_team: Team) -> None:
    me = hub_team.ann
    assert try_update(me.url, "rep", me.id, "role", "manager") == "no rows"
    assert try_update(me.url, "rep", me.id, "login", "someone") == "no rows"
    row = {"id": "f" * 32, "name": "Eve", "email": "eve@x.io", "role": "manager", "created_at": "x"}
    assert try_insert(me.url, "rep", row) == "42501"
    assert try_insert(hub_team.owner_url, "rep", row) == "inserted"
    assert try_update(hub_team.owner_url, "rep", me.id, "name", "Ann B") == "changed"


def test_the_owner_reads_and_changes_everyones_rows(hub_team: Team, books: dict[str, Book]) -> None:
    with signed_in(hub_team.owner_url) as conn:
        assert ids_seen(conn, "account") == {b.account for b in books.values()}
    assert (
        try_update(hub_team.owner_url, "account", books["bob"].account, "name", "Beta") == "changed"
    )
    assert try_delete(hub_team.owner_url, "touch", books["bob"].touch) == "deleted"


def test_conflicts_are_seen_by_who_pushed_them_and_the_accounts_owner(
    hub_team: Team, books: dict[str, Book]
) -> None:
    with signed_in(hub_team.owner_url) as conn:
        conn.execute(
            "INSERT INTO hub_conflict (id, change_id, tbl, row_id, field, reason, login,"
            " account_id) VALUES ('c1', 'x1', 'account', %s, 'name', 'changed elsewhere', %s, %s)",
            (books["ann"].account, hub_team.kim.email.casefold(), books["ann"].account),
        )
    seen = {}
    for who in (hub_team.ann, hub_team.kim, hub_team.mia, hub_team.bob):
        with signed_in(who.url) as conn:
            seen[who.name] = ids_seen(conn, "hub_conflict")
    assert seen == {"Ann": {"c1"}, "Kim": {"c1"}, "Mia": set(), "Bob": set()}
    with signed_in(hub_team.ann.url) as conn:
        conn.execute(
            "SELECT hub_apply_update('x9', 'stakeholder', %s, 'title', 'null', '\"VP\"')",
            (books["ann"].stakeholder,),
        )
        assert conn.execute("SELECT count(*) FROM hub_change").fetchone() == (1,)
    with signed_in(hub_team.bob.url) as conn:
        assert conn.execute("SELECT count(*) FROM hub_change").fetchone() == (0,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(
                "INSERT INTO hub_conflict (id, change_id, tbl, row_id, reason, login)"
                " VALUES ('c2', 'x2', 'account', 'r', 'x', %s)",
                (hub_team.ann.email.casefold(),),
            )


def test_a_member_of_another_hub_on_the_same_server_sees_nothing_here(
    hub_team: Team, books: dict[str, Book], hub_db: str
) -> None:
    """Roles are the server's, not one database's: Ann is in the members' group, but on a
    hub where she has no rep row she reads no row at all."""
    from accountreview.hub.admin import init_hub

    init_hub(hub_db)
    with psycopg.connect(hub_db) as owner:  # the other hub's team
        owner.execute(
            "INSERT INTO rep (id, name, email, role, created_at, login)"
            " VALUES ('e' || repeat('0', 31), 'Eve', 'eve@x.io', 'rep', 'x', 'eve')"
        )
        owner.execute(
            "INSERT INTO account (id, name, rep_id, is_top, potential, current, discount_pct,"
            " rebate_pct, uplift_pct, created_at) SELECT md5('a'), 'Z', id, 1, 0, 0, 0, 0, 0, 'x'"
            " FROM rep"
        )
    dbname = hub_db.rsplit("/", 1)[1]
    ann_there = hub_team.ann.url.rsplit("/", 1)[0] + "/" + dbname
    with signed_in(ann_there) as conn:
        for table in ("rep", "account"):
            assert conn.execute(f"SELECT count(*) FROM {table}".encode()).fetchone() == (0,)
