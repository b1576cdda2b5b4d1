"""The hub verifies every chained row it takes (hub migration 0005): the hash over its
`prev_hash` (the same bytes `domain.chain.canonical` hashes), and the link to the row
before when the hub holds it. Rows are inserted as a member through psycopg, not our
code. The migration fills `prev_hash` from the hub's chains (stamping the rows again in
their old order) and goes back down."""

from typing import Any

import psycopg
import pytest
from psycopg.types.json import Jsonb
from test_rls import try_insert

from accountreview.domain.chain import GENESIS, Value, canonical, chain_hash
from hubdata import (
    Book,
    Team,
    audit_row,
    migrate_hub,
    new_id,
    review_row,
    sealed,
    seed_book,
    snapshot_row,
)

TRICKY = [
    'a "quote" and a \\ backslash',
    "line\nbreak\ttab\r\x08\x0c and \x01 \x1f \x7f",
    "Zoë, 東京, emoji 🎉, \u2028 separator",
    "",
]


@pytest.fixture
def anns(hub_team: Team) -> Book:
    """Ann's account with a closed review (its audit entry: entry 1 of her device)."""
    return seed_book(hub_team.owner_url, hub_team.ann.id)


def entry(book: Book, team: Team, seq: int, **values: Any) -> dict[str, Any]:
    return audit_row(
        book.account, book.closed, team.ann.id, seq=seq, **{"origin": book.origin, **values}
    )


@pytest.mark.parametrize("text", TRICKY)
def test_the_hub_hashes_the_same_bytes_as_a_laptop(hub_url: str, text: str) -> None:
    fields: dict[str, Value] = {
        "seq": 3,
        "origin": "b" * 32,
        "id": new_id(),
        "reason": text,
        "close_number": None,
    }
    with psycopg.connect(hub_url) as conn:
        row = conn.execute(
            "SELECT hub_canonical(%s, %s, %s), hub_chain_hash(%s, %s, %s)",
            ("audit_log", GENESIS, Jsonb(fields)) * 2,
        ).fetchone()
    assert row is not None
    assert row[0] == canonical("audit_log", GENESIS, fields).decode("utf-8")
    assert row[1] == chain_hash("audit_log", GENESIS, fields)


def test_a_member_s_row_that_verifies_is_taken(hub_team: Team, anns: Book) -> None:
    with psycopg.connect(hub_team.owner_url) as conn:
        first = conn.execute("SELECT hash FROM audit_log WHERE id = %s", (anns.audit,)).fetchone()
    assert first is not None
    second = entry(anns, hub_team, 2, prev_hash=first[0], reason="ok 東京")
    assert try_insert(hub_team.ann.url, "audit_log", sealed("audit_log", second)) == "inserted"


def test_a_row_whose_hash_is_wrong_is_refused(hub_team: Team, anns: Book) -> None:
    for table, row in (
        ("audit_log", entry(anns, hub_team, 2, origin="c" * 32)),
        ("audit_log", entry(anns, hub_team, 1, origin="c" * 32, hash="0" * 64)),
    ):
        edited = {**sealed(table, row), "reason": "edited after sealing"}
        assert try_insert(hub_team.ann.url, table, edited) == "23514", row["seq"]
    moved = {**sealed("audit_log", entry(anns, hub_team, 1, origin="d" * 32)), "seq": 2}
    assert try_insert(hub_team.ann.url, "audit_log", moved) == "23514"
    with psycopg.connect(hub_team.owner_url) as conn:
        rows = conn.execute("SELECT count(*) FROM audit_log").fetchone()
    assert rows == (1,)  # only the seeded entry: nothing refused was kept


def test_a_forged_predecessor_is_refused_where_the_hub_holds_the_row_before(
    hub_team: Team, anns: Book
) -> None:
    forged = sealed("audit_log", entry(anns, hub_team, 2, prev_hash="f" * 64))
    assert try_insert(hub_team.ann.url, "audit_log", forged) == "23514"
    # Where the hub lacks the row before (another person's, say), the row verifies alone.
    alone = sealed("audit_log", entry(anns, hub_team, 5, prev_hash="f" * 64))
    assert try_insert(hub_team.ann.url, "audit_log", alone) == "inserted"
    # Without prev_hash: the hub links it to the row before, or refuses it without one.
    with psycopg.connect(hub_team.owner_url) as conn:
        before = conn.execute("SELECT hash FROM audit_log WHERE seq = 5").fetchone()
    assert before is not None
    linked = sealed("audit_log", entry(anns, hub_team, 6, prev_hash=before[0]))
    assert try_insert(hub_team.ann.url, "audit_log", {**linked, "prev_hash": None}) == "inserted"
    orphan = sealed("audit_log", entry(anns, hub_team, 9, prev_hash="e" * 64))
    assert try_insert(hub_team.ann.url, "audit_log", {**orphan, "prev_hash": None}) == "23514"
    with psycopg.connect(hub_team.owner_url) as conn:
        stored = conn.execute("SELECT prev_hash FROM audit_log WHERE seq = 6").fetchone()
    assert stored == (before[0],)


def _chain_rows(conn: psycopg.Connection[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return conn.execute(
        "SELECT 'audit_log', id, seq, hub_seq FROM audit_log UNION ALL"
        " SELECT 'review_snapshot', id, seq, hub_seq FROM review_snapshot ORDER BY 4"
    ).fetchall()


def _insert(conn: psycopg.Connection[tuple[Any, ...]], table: str, row: dict[str, Any]) -> None:
    names = ", ".join(row)
    marks = ", ".join(["%s"] * len(row))
    conn.execute(f"INSERT INTO {table} ({names}) VALUES ({marks})".encode(), list(row.values()))


def test_the_migration_fills_the_links_in_order_and_goes_back_down(hub_db: str) -> None:
    migrate_hub(hub_db, "0004")
    account = new_id()
    review = review_row(account, None, status="closed", close_count=1)
    rows: list[dict[str, Any]] = []
    for origin, seqs in (("b" * 32, (1, 2, 4)), ("c" * 32, (1,))):  # b's seq 3 is not there
        previous = GENESIS
        for seq in seqs:
            action = "review.closed" if seq == 1 else "note"
            row = sealed("audit_log", audit_row(account, review["id"], None, origin=origin,
                         seq=seq, prev_hash=previous, action=action))  # fmt: skip
            previous = row.pop("prev_hash")  # 0004 has no such column
            rows.append(row)
    with psycopg.connect(hub_db) as conn:
        _insert(conn, "review", review)
        for row in rows:
            _insert(conn, "audit_log", row)
        before = _chain_rows(conn)
    migrate_hub(hub_db, "0005")
    with psycopg.connect(hub_db) as conn:
        after = _chain_rows(conn)
        found = conn.execute("SELECT origin || seq, prev_hash FROM audit_log").fetchall()
        links: dict[str, str | None] = {str(k): v for k, v in found}
        kept = conn.execute("SELECT kept_origins FROM review").fetchone()
    assert kept == ('["' + "b" * 32 + '"]',)  # close 1: the entry the hub numbered first
    # Stamped again, in the same order, after every number they had.
    assert [r[:3] for r in after] == [r[:3] for r in before]
    assert min(r[3] for r in after) > max(r[3] for r in before)
    assert links["b" * 32 + "1"] == GENESIS == links["c" * 32 + "1"]
    assert links["b" * 32 + "2"] == rows[0]["hash"]
    assert links["b" * 32 + "4"] is None  # the hub lacks seq 3: the laptop holds the link
    migrate_hub(hub_db, "0004", down=True)
    with psycopg.connect(hub_db) as conn:
        columns = {
            r[0]
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_name IN ('audit_log', 'review_snapshot', 'review')"
            )
        }
        source = conn.execute(
            "SELECT prosrc FROM pg_proc WHERE proname = 'hub_apply_close'"
        ).fetchone()
    assert "prev_hash" not in columns and "kept_origins" not in columns
    assert source is not None and "kept_origins" not in source[0]
    migrate_hub(hub_db, "head")  # and up again


@pytest.mark.parametrize("table", ["audit_log", "review_snapshot"])
def test_the_row_before_a_chained_row_is_found_by_an_index_not_a_scan(
    hub_url: str, table: str
) -> None:
    """The lookup every chained insert makes (`hub_chain_before`): before hub 0009 it read
    the whole table (20 ms a row at 38,000 frozen slots; a first push grew with the square
    of its rows, a weekly sync with the hub)."""
    with psycopg.connect(hub_url) as conn:
        conn.execute("SET enable_seqscan = off")  # a tiny hub: ask what the plan can use
        plan = "\n".join(
            str(r[0])
            for r in conn.execute(
                f"EXPLAIN SELECT hash FROM {table} WHERE origin = 'o' AND seq = 7".encode()
            )
        )
    assert f"Index Scan using ix_{table}_origin_seq" in plan, plan
    assert "Seq Scan" not in plan, plan


@pytest.mark.parametrize("before", ["0008", "0009"], ids=["down-0009", "down-0010"])
def test_the_chain_revisions_go_down_and_up_again(
    hub_server: Any, hub_url: str, before: str
) -> None:
    """Down past 0009 (the (origin, seq) index) and 0010 (each number and five's place
    once), then up to the head again."""
    from test_schema import catalog, catalog_at

    at_before = catalog_at(hub_server, before)
    head = catalog(hub_url)
    migrate_hub(hub_url, before, down=True)
    assert catalog(hub_url, skip=("version",)) == {
        k: v for k, v in at_before.items() if k != "version"
    }
    migrate_hub(hub_url, "head")
    assert catalog(hub_url) == head


def test_a_device_s_number_or_place_another_row_holds_is_refused(
    hub_team: Team, anns: Book
) -> None:
    """Hub 0010: a copied laptop file writes the next numbers of its device's chain a
    second time, with other rows; the hub takes each number once (as a member through
    psycopg: the trigger, not our code, refuses)."""
    twin = entry(anns, hub_team, 1, reason="the copy's close")  # her device's entry 1 again
    assert try_insert(hub_team.ann.url, "audit_log", twin) == "23505"
    with psycopg.connect(hub_team.owner_url) as conn:
        first = conn.execute(
            "SELECT hash FROM review_snapshot WHERE id = %s", (anns.snapshot,)
        ).fetchone()
    assert first is not None
    # a five's place (review, close, device, position) under another id and number, linked
    place = snapshot_row(
        anns.closed, anns.stakeholder, seq=2, prev_hash=first[0], name="C2", origin=anns.origin
    )
    assert try_insert(hub_team.ann.url, "review_snapshot", place) == "23505"
    # another device's entry 1, or this device's next number: taken as before
    other = entry(anns, hub_team, 1, origin="b" * 32)
    assert try_insert(hub_team.ann.url, "audit_log", other) == "inserted"
    with psycopg.connect(hub_team.owner_url) as conn:
        counts = conn.execute(
            "SELECT (SELECT count(*) FROM audit_log), (SELECT count(*) FROM review_snapshot)"
        ).fetchone()
    assert counts == (2, 1)  # the seeded rows and device b…b's entry: nothing refused kept
