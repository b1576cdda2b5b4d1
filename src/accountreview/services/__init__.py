"""Use cases shared by the TUI and the CLI. Neither talks to the database directly."""
