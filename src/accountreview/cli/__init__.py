"""The command line: `accountreview …`. See `cli.app` for the shared parts."""

# Importing a command module registers its commands.
from accountreview.cli import accounts, audit, data, exporting, recovery, reviews  # noqa: F401
from accountreview.cli.app import app


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
