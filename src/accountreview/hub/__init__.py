"""The team hub on PostgreSQL (issue 15): imported only by `hub` and `sync` commands.

- `models`: the hub's tables (SQLModel), the source of `migrations/` (Alembic, its own
  version table); the migration also makes the triggers, functions and row-level security.
- `connect`: signing in (`connect`, `redact`) and the two errors a person can cause,
  `HubUnreachable` (exit 4) and `HubRefused` (exit 3).
- `admin`: `init_hub` (create or upgrade the schema) and `add_user` (a sign-in role and its
  rep row).
- `push`: a batch of local changes in one transaction (`push`, `PushResult`).
- `pull`: what changed since a cursor, in hub order (`pull`, `pull_all`, `whoami`).
"""
