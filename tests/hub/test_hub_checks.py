"""Hub schema 0008: the hub holds every CHECK rule a laptop's file holds (same table, same
name), so a value the hub takes is one every laptop can take; a value that breaks one is
refused on the hub, even by its owner; 0008 goes down and up again exactly."""

import sqlite3
from pathlib import Path

import psycopg
import pytest
from test_schema import catalog

from accountreview.db.connection import SCHEMA_HEAD
from accountreview.db.files import create_private_file
from accountreview.db.migrate import upgrade_to_head
from accountreview.db.schema_check import check_rules
from accountreview.hub import admin
from hubdata import migrate_hub

LOCAL_ONLY = {"sync_outbox", "sync_conflict", "sync_state"}  # never on the hub


def local_checks(tmp_path: Path) -> set[tuple[str, str]]:
    """(table, name) of every CHECK constraint of a new local file at the head schema."""
    path = tmp_path / "fresh.db"
    create_private_file(path)
    upgrade_to_head(path, SCHEMA_HEAD)
    conn = sqlite3.connect(path)
    try:
        tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        found = {
            (str(table), name)
            for (table,) in tables
            if table not in LOCAL_ONLY
            for name, _rule in check_rules(conn, str(table))
        }
    finally:
        conn.close()
    return found


def hub_checks(url: str) -> set[tuple[str, str]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT c.conrelid::regclass::text, c.conname FROM pg_constraint c"
            " JOIN pg_namespace n ON n.oid = c.connamespace"
            " WHERE c.contype = 'c' AND n.nspname = 'public'"
        ).fetchall()
    return {(str(t), str(n)) for t, n in rows}


def test_the_hub_holds_every_check_rule_a_laptop_holds(hub_url: str, tmp_path: Path) -> None:
    local = local_checks(tmp_path)
    assert len(local) >= 6  # the rules 0001 wrote: the regex still finds them
    assert local <= hub_checks(hub_url)


def test_a_value_a_laptop_refuses_is_refused_on_the_hub_even_by_its_owner(
    hub_url: str,
) -> None:
    with psycopg.connect(hub_url) as conn:
        conn.execute(
            "INSERT INTO rep (id, name, email, role, created_at)"
            " VALUES (%s, 'Ann', 'ann@x.example', 'rep', '2026-12-01T00:00:00+00:00')",
            ("a" * 32,),
        )
        with pytest.raises(psycopg.errors.CheckViolation, match="rep_role"):
            conn.execute("UPDATE rep SET role = 'boss' WHERE id = %s", ("a" * 32,))


def test_0008_downgrades_and_upgrades_again(hub_db: str, hub_url: str) -> None:

    migrate_hub(hub_db, "0007")
    at_0007 = catalog(hub_db)
    assert ("rep", "rep_role") not in hub_checks(hub_db)
    assert admin.init_hub(hub_db) == "upgraded from 0007"
    assert ("rep", "rep_role") in hub_checks(hub_db)
    made = catalog(hub_db)
    assert made == catalog(hub_url)
    migrate_hub(hub_db, "0007", down=True)
    assert catalog(hub_db) == at_0007 and ("rep", "rep_role") not in hub_checks(hub_db)
    assert admin.init_hub(hub_db) == "upgraded from 0007"
    assert catalog(hub_db) == made
