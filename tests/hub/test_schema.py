"""`hub init`: the schema made, made once, matching the models, upgraded step by step."""

from typing import Any

import psycopg
import pytest

from accountreview.hub import admin, models
from accountreview.hub.connect import HubRefused, check_schema, connect, open_hub

CATALOG = {
    "tables": "SELECT c.relname || ':' || c.relrowsecurity || c.relforcerowsecurity"
    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = 'public' AND c.relkind IN ('r', 'S')",
    "columns": "SELECT table_name || '.' || column_name || ':' || data_type || ':' || is_nullable"
    " FROM information_schema.columns WHERE table_schema = 'public'",
    "indexes": "SELECT indexname || ':' || indexdef FROM pg_indexes WHERE schemaname = 'public'",
    "policies": "SELECT tablename || '.' || policyname || ':' || cmd || ':' || roles::text"
    " || ':' || coalesce(qual, '') || ':' || coalesce(with_check, '') FROM pg_policies",
    "triggers": "SELECT tgrelid::regclass || '.' || tgname || ':' || pg_get_triggerdef(oid)"
    " FROM pg_trigger WHERE NOT tgisinternal",
    "functions": "SELECT p.proname || ':' || md5(pg_get_functiondef(p.oid))"
    " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'public'",
    "grants": "SELECT table_name || ':' || grantee || ':' || privilege_type"
    " FROM information_schema.role_table_grants WHERE table_schema = 'public'",
    "version": "SELECT version_num FROM accountreview_hub_version",
}


def catalog(url: str, skip: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """What the schema is made of, as sorted text: equal dumps, equal schemas."""
    with psycopg.connect(url) as conn:
        return {
            part: sorted(str(row[0]) for row in conn.execute(query.encode()).fetchall())
            for part, query in CATALOG.items()
            if part not in skip
        }


def catalog_at(server: Any, revision: str) -> dict[str, list[str]]:
    """The catalog of a new database on `server` migrated up to `revision` (dropped
    after): what a migration's downgrade must give back."""
    from hubdata import migrate_hub

    url = server.owner_url(server.create_database())
    try:
        migrate_hub(url, revision)
        return catalog(url)
    finally:
        server.drop_database(url.rsplit("/", 1)[1])


def test_init_creates_then_changes_nothing(hub_db: str) -> None:
    assert admin.init_hub(hub_db) == "created"
    first = catalog(hub_db)
    assert admin.init_hub(hub_db) == "up to date"
    assert catalog(hub_db) == first
    assert first["version"] == [admin.HEAD]
    every = {t.__tablename__ for t in models.SYNCED} | {
        "hub_change",
        "hub_conflict",
        "hub_departure",
    }
    rls = {entry.split(":")[0]: entry.split(":")[1] for entry in first["tables"]}
    assert {name for name, flags in rls.items() if flags == "truetrue"} == every
    triggers = " ".join(first["triggers"])
    for table in every - {"hub_change"}:
        assert f"{table}.hub_stamp:" in triggers


def test_head_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    config = admin._alembic_config(None)
    assert ScriptDirectory.from_config(config).get_current_head() == admin.HEAD


def test_upgrade_from_an_older_schema_reports_it(hub_db: str, hub_url: str) -> None:
    from alembic import command
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    engine = create_engine(
        "postgresql+psycopg://", creator=lambda: connect(hub_db), poolclass=NullPool
    )
    with engine.begin() as connection:
        command.upgrade(admin._alembic_config(connection), "0001")
    engine.dispose()
    with connect(hub_db) as conn, pytest.raises(HubRefused, match="schema 0001, this version"):
        check_schema(conn, hub_db, admin.HEAD)
    assert admin.init_hub(hub_db) == "upgraded from 0001"
    assert catalog(hub_db) == catalog(hub_url)  # the same as a hub made in one go


def test_the_migrations_match_the_models(hub_url: str) -> None:
    """Alembic's autogenerate finds no difference between the models and `hub init`'s schema."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    engine = create_engine(
        "postgresql+psycopg://", creator=lambda: connect(hub_url), poolclass=NullPool
    )
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "version_table": "accountreview_hub_version"}
        )
        assert compare_metadata(context, models.HubModel.metadata) == []
    engine.dispose()


def test_a_hub_without_the_schema_is_refused_naming_hub_init(hub_db: str) -> None:
    with connect(hub_db) as conn, pytest.raises(HubRefused, match="accountreview hub init"):
        check_schema(conn, hub_db, admin.HEAD)
    with pytest.raises(HubRefused, match="has no accountreview schema"):
        open_hub(hub_db)
    admin.init_hub(hub_db)
    with open_hub(hub_db) as conn:
        assert conn.execute("SELECT count(*) FROM rep").fetchone() == (0,)


def test_the_mutable_fields_agree_with_the_server(hub_url: str) -> None:
    from accountreview.hub.push import MUTABLE

    with psycopg.connect(hub_url) as conn:
        server = {(t, f) for t, f in conn.execute("SELECT t, f FROM hub_mutable_fields()")}
    assert server == {(t, f) for t, fields in MUTABLE.items() for f in fields}


def test_a_failed_init_leaves_the_hub_as_it_was(hub_db: str) -> None:
    """`hub init` is one transaction: a table in the way (made by someone else) stops it
    with a refusal, and none of the tables made before that point is kept."""
    with psycopg.connect(hub_db) as conn:
        conn.execute("CREATE TABLE touch (x int)")
    before = catalog(hub_db, skip=("version",))
    with pytest.raises(HubRefused, match="already exists"):
        admin.init_hub(hub_db)
    assert catalog(hub_db, skip=("version",)) == before
