"""Ids are bound 500 at a time (`db.batches`), and every query over a list of ids goes
through it: run on a connection that refuses more bound values than a batch needs,
each one still answers as it does for the few real ids alone."""

import sqlite3
from datetime import UTC, datetime

import pytest

from accountreview.db import accounts as account_queries
from accountreview.db import audit as audit_queries
from accountreview.db import reviews as review_queries
from accountreview.db import stakeholders as stakeholder_queries
from accountreview.db.batches import BATCH_SIZE, id_batches, named_id_batches
from accountreview.domain.audit import gap_cutoffs
from accountreview.services.workspace import Workspace
from conftest import TODAY, Seeded

COUNTS = [0, 1, BATCH_SIZE, BATCH_SIZE + 1, 2 * BATCH_SIZE + 1]


def ids_of(count: int) -> list[str]:
    return [f"id-{n:05d}" for n in range(count)]


@pytest.mark.parametrize("count", COUNTS)
def test_id_batches_cover_every_id_once_in_order_and_no_batch_is_too_big(count: int) -> None:
    ids = ids_of(count)
    batches = list(id_batches(iter(ids)))  # any iterable, read once
    assert [n for _marks, batch in batches for n in batch] == ids
    assert len(batches) == -(-count // BATCH_SIZE)  # none at all for no ids
    for marks, batch in batches:
        assert 1 <= len(batch) <= BATCH_SIZE
        assert marks == ", ".join("?" * len(batch))


@pytest.mark.parametrize("count", COUNTS)
def test_named_id_batches_name_each_id_once_per_batch(count: int) -> None:
    ids = ids_of(count)
    batches = list(named_id_batches(ids, "rep"))
    assert [v for _marks, params in batches for v in params.values()] == ids
    for marks, params in batches:
        assert 1 <= len(params) <= BATCH_SIZE
        names = [f":rep{n}" for n in range(len(params))]
        assert marks == ", ".join(names)
        assert [f":{name}" for name in params] == names


@pytest.mark.parametrize("count", COUNTS)
def test_a_batch_binds_in_a_real_query(ws: Workspace, count: int) -> None:
    conn = ws.db.conn
    conn.execute("CREATE TEMP TABLE t (id TEXT PRIMARY KEY)")
    conn.executemany("INSERT INTO t VALUES (?)", [(i,) for i in ids_of(count)[::2]])
    found = [
        row[0]
        for marks, ids in id_batches(ids_of(count))
        for row in conn.execute(f"SELECT id FROM t WHERE id IN ({marks}) ORDER BY id", ids)
    ]
    assert found == ids_of(count)[::2]


def padded(real: list[str]) -> list[str]:
    """The real ids after 1,000 that match nothing: the real ones fall in the third batch."""
    return ids_of(2 * BATCH_SIZE) + real


def test_every_query_over_ids_answers_1001_ids_under_a_tight_binding_limit(
    ws: Workspace, seeded: Seeded
) -> None:
    conn = ws.db.conn
    accounts, reps = [seeded.account_id], [seeded.rep_id]
    people = list(seeded.people.values())
    week, last_week = "2026-W48", "2026-W47"
    cut = datetime(2100, 1, 1, tzinfo=UTC)  # after every row written (their real time)
    cutoffs = gap_cutoffs(TODAY)

    def answers(accounts: list[str], reps: list[str], people: list[str]) -> list[object]:
        return [
            review_queries.statuses_for_week(conn, accounts, week),
            review_queries.last_closed_week(conn, accounts),
            account_queries.aggregates(conn, TODAY, account_ids=accounts),
            stakeholder_queries.stakeholders_by_ids(conn, people, TODAY),
            audit_queries.top_accounts(conn, reps, week, last_week, cut),
            audit_queries.closed_per_week(conn, reps, {week: cut, last_week: None}),
            audit_queries.contact_counts(conn, reps, TODAY, cutoffs, 90, cut),
            audit_queries.reopened(conn, reps, week),
        ]

    expected = answers(accounts, reps, people)
    assert expected[2] and expected[3] and expected[4] and expected[6]  # something to compare
    # Room for one batch and a query's own few parameters, not for 1,001 ids.
    conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, BATCH_SIZE + 40)
    with pytest.raises(sqlite3.OperationalError, match="too many SQL variables"):
        conn.execute(f"SELECT 1 WHERE 1 IN ({', '.join('?' * 1001)})", [1] * 1001)
    assert answers(padded(accounts), padded(reps), padded(people)) == expected
