"""hub/push.py on the real server: idempotent inserts and changes, compare-and-set,
conflicts, refusals that do not block the rest."""

import secrets
from dataclasses import dataclass
from typing import Any

import psycopg

from accountreview.hub.connect import connect
from accountreview.hub.push import push
from hubdata import (
    Team,
    account_row,
    seed_book,
    stakeholder_row,
    touch_row,
)


@dataclass(frozen=True)
class Change:
    """An outbox change, as db.sync_local.OutboxChange gives it."""

    kind: str
    table: str
    row_id: str
    field: str | None = None
    old: object = None
    new: object = None
    row: dict[str, Any] | None = None
    change_id: str = ""

    def __post_init__(self) -> None:
        if not self.change_id:
            object.__setattr__(self, "change_id", secrets.token_hex(16))


def insert(table: str, row: dict[str, Any]) -> Change:
    return Change("insert", table, row["id"], row=row)


def update(table: str, row_id: str, field: str, old: object, new: object) -> Change:
    return Change("update", table, row_id, field, old, new)


def value(url: str, table: str, row_id: str, column: str) -> object:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            f"SELECT {column} FROM {table} WHERE id = %s".encode(), (row_id,)
        ).fetchone()
    return None if row is None else row[0]


def test_inserts_pushed_twice_are_there_once(hub_team: Team) -> None:
    account = account_row(hub_team.ann.id)
    person = stakeholder_row(account["id"], email="c@acme.example")
    changes = [insert("account", account), insert("stakeholder", person)]
    with connect(hub_team.ann.url) as conn:
        first = push(conn, changes)
        second = push(conn, changes)
    assert (first.applied, first.already, first.refused) == (2, 0, [])
    assert (second.applied, second.already, second.refused) == (0, 2, [])
    with psycopg.connect(hub_team.owner_url) as conn:
        assert conn.execute("SELECT count(*) FROM stakeholder").fetchone() == (1,)


def test_first_push_of_every_row_and_values_kept_in_their_forms(hub_team: Team) -> None:
    account = account_row(hub_team.ann.id, discount_pct=12.5, signed_on="2026-01-02", is_top=1)
    rows = {"account": [account], "stakeholder": [stakeholder_row(account["id"])]}
    with connect(hub_team.ann.url) as conn:
        result = push(conn, [], rows)
    assert (result.applied, result.refused) == (2, [])
    with psycopg.connect(hub_team.owner_url) as conn:
        got = conn.execute(
            "SELECT discount_pct, signed_on, is_top, created_at FROM account WHERE id = %s",
            (account["id"],),
        ).fetchone()
    assert got == (12.5, "2026-01-02", 1, account["created_at"])


def test_an_update_applies_when_the_old_value_still_holds(hub_team: Team) -> None:
    book = seed_book(hub_team.owner_url, hub_team.ann.id)
    with connect(hub_team.ann.url) as conn:
        result = push(conn, [update("stakeholder", book.stakeholder, "title", None, "CFO")])
    assert (result.applied, result.conflicts, result.refused) == (1, [], [])
    assert value(hub_team.owner_url, "stakeholder", book.stakeholder, "title") == "CFO"


def test_an_update_whose_old_value_moved_is_one_conflict_and_the_hub_keeps_its_value(
    hub_team: Team,
) -> None:
    book = seed_book(hub_team.owner_url, hub_team.ann.id)
    elsewhere = update("account", book.account, "potential", 1000, 5000)
    mine = update("account", book.account, "potential", 1000, 7000)
    with connect(hub_team.ann.url) as conn:
        push(conn, [elsewhere])
        result = push(conn, [mine])
        again = push(conn, [mine])  # a re-push after a kill: the same conflict, not a second
    assert result.applied == 0
    [conflict] = result.conflicts
    assert (conflict.table, conflict.row_id, conflict.field) == (
        "account",
        book.account,
        "potential",
    )
    assert (conflict.mine, conflict.theirs, conflict.reason) == (7000, 5000, "changed elsewhere")
    assert again.conflicts == [conflict]
    assert value(hub_team.owner_url, "account", book.account, "potential") == 5000
    with psycopg.connect(hub_team.owner_url) as conn:
        assert conn.execute("SELECT count(*) FROM hub_conflict").fetchone() == (1,)


def test_the_same_change_id_twice_is_a_no_op(hub_team: Team) -> None:
    book = seed_book(hub_team.owner_url, hub_team.ann.id)
    change = update("stakeholder", book.stakeholder, "title", None, "CFO")
    back = update("stakeholder", book.stakeholder, "title", "CFO", None)
    with connect(hub_team.ann.url) as conn:
        assert push(conn, [change]).applied == 1
        assert push(conn, [back]).applied == 1
        replay = push(conn, [change])  # seen before: does not set CFO again
    assert (replay.applied, replay.already, replay.conflicts) == (0, 1, [])
    assert value(hub_team.owner_url, "stakeholder", book.stakeholder, "title") is None


def test_an_update_to_the_value_already_there_does_nothing(hub_team: Team) -> None:
    book = seed_book(hub_team.owner_url, hub_team.ann.id)
    with connect(hub_team.ann.url) as conn:
        result = push(conn, [update("stakeholder", book.stakeholder, "role", "user", "champion")])
    assert (result.applied, result.already, result.conflicts) == (0, 1, [])


def test_a_slot_change_of_a_closed_review_is_a_conflict_not_an_error(hub_team: Team) -> None:
    book = seed_book(hub_team.owner_url, hub_team.ann.id)
    change = update("review_slot", book.closed_slot, "stakeholder_id", book.stakeholder, None)
    ok = update("stakeholder", book.stakeholder, "title", None, "CTO")
    with connect(hub_team.ann.url) as conn:
        result = push(conn, [change, ok])
    [conflict] = result.conflicts
    assert conflict.reason == "the review was closed elsewhere"
    assert (conflict.mine, conflict.theirs) == (None, book.stakeholder)
    assert result.applied == 1
    assert (
        value(hub_team.owner_url, "review_slot", book.closed_slot, "stakeholder_id")
        == book.stakeholder
    )


def test_refused_changes_are_listed_and_the_others_applied(hub_team: Team) -> None:
    """Ann pushes a change to Bob's account, an account of Bob's, a touch in Bob's name:
    all refused by row-level security; her own change lands."""
    bobs = seed_book(hub_team.owner_url, hub_team.bob.id)
    anns = seed_book(hub_team.owner_url, hub_team.ann.id)
    foreign = account_row(hub_team.bob.id)
    changes = [
        update("account", bobs.account, "potential", 1000, 1),
        insert("account", foreign),
        insert("touch", touch_row(anns.stakeholder, hub_team.bob.id)),
        update("account", anns.account, "potential", 1000, 2000),
        update("account", anns.account, "id", anns.account, "x"),
    ]
    with connect(hub_team.ann.url) as conn:
        result = push(conn, changes)
    assert result.applied == 1
    assert [(r.table, r.row_id) for r in result.refused] == [
        ("account", bobs.account),
        ("account", foreign["id"]),
        ("touch", changes[2].row_id),
        ("account", anns.account),
    ]
    assert "not a field a change may set" in result.refused[3].reason
    assert "must be empty or you" in result.refused[2].reason
    assert value(hub_team.owner_url, "account", anns.account, "potential") == 2000
    assert value(hub_team.owner_url, "account", bobs.account, "potential") == 1000
    assert value(hub_team.owner_url, "account", foreign["id"], "id") is None


def test_a_member_pushing_their_own_rep_row_is_a_no_op(hub_team: Team) -> None:
    with psycopg.connect(hub_team.owner_url) as conn:
        row = conn.execute(
            "SELECT id, name, email, role, manager_id, created_at, crm_source, crm_id"
            " FROM rep WHERE id = %s",
            (hub_team.ann.id,),
        ).fetchone()
    assert row is not None
    names = ("id", "name", "email", "role", "manager_id", "created_at", "crm_source", "crm_id")
    mine = dict(zip(names, row, strict=True))
    with connect(hub_team.ann.url) as conn:
        result = push(conn, [insert("rep", mine | {"name": "Ann Renamed"})])
    assert (result.applied, result.already, result.refused) == (0, 1, [])
    assert value(hub_team.owner_url, "rep", hub_team.ann.id, "name") == "Ann"


def test_reopening_a_review_frees_its_slots_again(hub_team: Team) -> None:
    book = seed_book(hub_team.owner_url, hub_team.ann.id)
    changes = [
        update("review", book.closed, "status", "closed", "open"),
        update("review_slot", book.closed_slot, "stakeholder_id", book.stakeholder, None),
    ]
    with connect(hub_team.ann.url) as conn:
        result = push(conn, changes)
    assert (result.applied, result.conflicts, result.refused) == (2, [], [])
    assert value(hub_team.owner_url, "review_slot", book.closed_slot, "stakeholder_id") is None


def test_a_manager_cannot_push_changes_to_a_reps_account(hub_team: Team) -> None:
    book = seed_book(hub_team.owner_url, hub_team.ann.id)
    with connect(hub_team.mia.url) as conn:
        result = push(conn, [update("stakeholder", book.stakeholder, "title", None, "CFO")])
    assert [(r.table, r.row_id) for r in result.refused] == [("stakeholder", book.stakeholder)]
    assert value(hub_team.owner_url, "stakeholder", book.stakeholder, "title") is None
    with psycopg.connect(hub_team.owner_url) as conn:  # a refused change leaves no trace
        assert conn.execute("SELECT count(*) FROM hub_change").fetchone() == (0,)


def test_two_people_pushing_the_same_rows_in_opposite_orders_never_deadlock(
    hub_team: Team,
) -> None:
    """Each push takes the hub's write lock first: pushers take turns, so one holding a
    row another wants can never be waiting for that other (a deadlock would abort a push)."""
    import threading

    from accountreview.hub.connect import HubError

    book = seed_book(hub_team.owner_url, hub_team.ann.id)
    with psycopg.connect(hub_team.owner_url) as conn:
        other = conn.execute(
            "INSERT INTO stakeholder (id, account_id, name, created_at)"
            " VALUES (md5('other'), %s, 'Other', 'x') RETURNING id",
            (book.account,),
        ).fetchone()
    assert other is not None
    pair = [book.stakeholder, str(other[0])]
    failures: list[str] = []

    def pusher(order: list[str], rounds: int) -> None:
        with connect(hub_team.ann.url) as conn:
            for n in range(rounds):
                changes = [update("stakeholder", rid, "title", None, f"T{n}") for rid in order]
                try:
                    push(conn, changes)
                except HubError as error:
                    failures.append(str(error))

    threads = [
        threading.Thread(target=pusher, args=(pair, 30)),
        threading.Thread(target=pusher, args=(pair[::-1], 30)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []


def test_rows_of_the_wrong_kind_are_refused_one_by_one_and_the_rest_kept(hub_team: Team) -> None:
    good = account_row(hub_team.ann.id, name="Good")
    wrong_kind = account_row(hub_team.ann.id, potential="a lot")
    missing = account_row(hub_team.ann.id, name=None)
    with connect(hub_team.ann.url) as conn:
        result = push(conn, [], {"account": [wrong_kind, good, missing]})
    assert result.applied == 1
    assert [r.row_id for r in result.refused] == [wrong_kind["id"], missing["id"]]
    assert "invalid input syntax" in result.refused[0].reason
    assert "null value" in result.refused[1].reason
    assert value(hub_team.owner_url, "account", good["id"], "name") == "Good"
