"""The database layer: schema (SQLModel), migrations (Alembic), connections, queries."""
