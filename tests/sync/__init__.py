"""The sync proofs, on a real PostgreSQL hub (the `hub_server` fixture)."""
