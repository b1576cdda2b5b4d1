"""The command line: `accountreview …`. See `cli.app` for the shared parts."""

from accountreview.cli import accounts, audit, data, recovery, reviews  # noqa: F401  (registers)
from accountreview.cli.app import app


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
