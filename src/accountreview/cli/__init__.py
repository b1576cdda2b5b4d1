"""The command line: `accountreview …`. See `cli.app` for the shared parts."""

# Importing a command module registers its commands.
from accountreview.cli import (  # noqa: F401
    accounts,
    audit,
    data,
    exporting,
    hub,
    recovery,
    reviews,
    serve,
    sync,
)
from accountreview.cli.app import app


def main() -> None:
    """Console-script entry point. Output still buffered is flushed here, so that a reader
    that went away (`accountreview queue | head -1`) ends the command quietly with 141."""
    import sys

    from accountreview.cli.app import output_closed

    try:
        try:
            app()
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        sys.exit(output_closed().exit_code)


__all__ = ["app", "main"]
