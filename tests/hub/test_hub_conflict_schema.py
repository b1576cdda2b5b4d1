"""Hub schema 0006 (shared conflicts): upgrade and downgrade, each leaving the schema
exactly as the other side of the step has it."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, create_engine
from sqlalchemy.pool import NullPool
from test_schema import catalog

from accountreview.hub import admin
from accountreview.hub.connect import connect


@contextmanager
def alembic_on(url: str) -> Iterator[Connection]:
    engine = create_engine(
        "postgresql+psycopg://", creator=lambda: connect(url), poolclass=NullPool
    )
    try:
        with engine.begin() as connection:
            yield connection
    finally:
        engine.dispose()


def test_0006_upgrades_and_downgrades_to_what_0005_has(hub_db: str, hub_url: str) -> None:
    from alembic import command

    with alembic_on(hub_db) as connection:
        command.upgrade(admin._alembic_config(connection), "0005")
    at_0005 = catalog(hub_db)
    assert not any("resolution" in c for c in at_0005["columns"])
    assert admin.init_hub(hub_db) == "upgraded from 0005"
    made = catalog(hub_db)
    assert made == catalog(hub_url)  # the same as a hub made in one go
    assert "hub_conflict.resolution:text:YES" in made["columns"]
    assert "hub_conflict.resolved_by:text:YES" in made["columns"]
    assert any(f.startswith("hub_resolve_conflict:") for f in made["functions"])
    with alembic_on(hub_db) as connection:
        command.downgrade(admin._alembic_config(connection), "0005")
    assert catalog(hub_db) == at_0005
    assert admin.init_hub(hub_db) == "upgraded from 0005"
    assert catalog(hub_db) == made
