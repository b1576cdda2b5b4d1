"""The command line: `accountreview …`. See `cli.app` for the shared parts.

Importing a command module registers its commands on `cli.app.app`. The console script
(`main`) imports only the modules of the commands its arguments name, so a command pays
start-up for its own imports and Typer builds its one command, not all of them; with no
command named (`--help`, the TUI, a typo to suggest a name for) it imports them all.
`from accountreview.cli import app` (tests, `python -m`) always gives the app with every
command registered.
"""

import importlib
from collections.abc import Iterable
from typing import TYPE_CHECKING

import accountreview.cli.app as _shared

if TYPE_CHECKING:
    from accountreview.cli.app import app

# Importing the submodule bound its name here; `app` means the Typer app (`__getattr__`).
globals().pop("app", None)

# Each top-level command or group, by the module that registers it, in the order --help
# lists them (tests/test_cli_lazy.py checks that every registered command is here).
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "accounts": ("accounts", "account", "touch", "stakeholder", "rep"),
    "audit": ("audit",),
    "data": ("init", "db", "demo", "import"),
    "exporting": ("export",),
    "recovery": ("backup", "restore", "check"),
    "reviews": ("review", "queue"),
    "serve": ("serve",),
    "hub": ("hub",),
    "sync": ("sync",),
}
_MODULE_OF = {name: module for module, names in COMMAND_MODULES.items() for name in names}


def load_commands(args: Iterable[str] | None = None) -> None:
    """Register the commands that `args` (a command line) names; every command when
    they name none, or when `args` is None. A word that only looks like a command (an
    option's value: `--rep queue`) loads one module too many, never one too few."""
    named = [] if args is None else [_MODULE_OF[a] for a in args if a in _MODULE_OF]
    for module in dict.fromkeys(named) or COMMAND_MODULES:
        importlib.import_module(f"accountreview.cli.{module}")


def __getattr__(name: str) -> object:
    """`app`: the Typer app with every command registered."""
    if name == "app":
        load_commands()
        return _shared.app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Console-script entry point. Output still buffered is flushed here, so that a reader
    that went away (`accountreview queue | head -1`) ends the command quietly with 141."""
    import sys

    load_commands(sys.argv[1:])
    try:
        try:
            _shared.app()
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        sys.exit(_shared.output_closed().exit_code)


__all__ = ["COMMAND_MODULES", "app", "load_commands", "main"]
