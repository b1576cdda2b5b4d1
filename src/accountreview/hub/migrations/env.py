"""Alembic environment of the hub: runs on a connection handed over by `hub.admin`, and
keeps its version in a table of its own (`accountreview_hub_version`), so it never mixes
with another tool's migrations in the same database."""

from alembic import context

from accountreview.hub.models import HubModel

VERSION_TABLE = "accountreview_hub_version"

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=HubModel.metadata,
    version_table=VERSION_TABLE,
    compare_type=True,
    transaction_per_migration=False,
)
with context.begin_transaction():
    context.run_migrations()
