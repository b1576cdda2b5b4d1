"""The console script imports only the command modules its arguments name
(`cli.load_commands`), and still finds every command: start-up pays for one command."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accountreview.cli import COMMAND_MODULES, app
from conftest import Seeded

# What `accounts --format json` must not load: the other commands' modules, the CSV
# writer, the stakeholder queries (services.lookup loads them on first use), the UI.
NOT_FOR_ACCOUNTS = (
    *(f"accountreview.cli.{m}" for m in COMMAND_MODULES if m != "accounts"),
    "accountreview.db.stakeholders",
    "accountreview.io.export_csv",
    "csv",
    "textual",
)


def run_main(args: list[str], probe: str = "") -> subprocess.CompletedProcess[str]:
    """`python -m accountreview ARGS` (the console script's `main`), then `probe`
    (Python run in the same process after the command, printing to stderr)."""
    code = (
        "import sys\n"
        f"sys.argv = ['accountreview', *{args!r}]\n"
        "from accountreview.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as e:\n"
        "    code = e.code\n"
        "else:\n"
        "    code = 0\n"
        f"{probe}\n"
        "sys.exit(code)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )


def test_every_registered_command_is_mapped_to_the_module_that_registers_it() -> None:
    names = [c.name for c in app.registered_commands] + [g.name for g in app.registered_groups]
    registered = [name for name in names if name is not None]
    assert len(registered) == len(names)  # each registered under a name
    mapped = [name for names in COMMAND_MODULES.values() for name in names]
    assert sorted(registered) == sorted(mapped)


@pytest.mark.parametrize("module", sorted(COMMAND_MODULES))
def test_a_command_module_alone_registers_the_commands_mapped_to_it(module: str) -> None:
    probe = (
        "from accountreview.cli import load_commands\n"
        "from accountreview.cli.app import app as shared\n"
        "import json\n"
        "names = [c.name for c in shared.registered_commands]\n"
        "names += [g.name for g in shared.registered_groups]\n"
        "print(json.dumps(names), file=sys.stderr)\n"
    )
    first = COMMAND_MODULES[module][0]
    done = run_main([first, "--help"], probe)
    assert done.returncode == 0, done.stderr
    assert sorted(json.loads(done.stderr.splitlines()[-1])) == sorted(COMMAND_MODULES[module])


def test_accounts_as_json_loads_no_other_command_nor_the_csv_writer(
    db_path: Path, seeded: Seeded
) -> None:
    probe = f"print([m for m in {NOT_FOR_ACCOUNTS!r} if m in sys.modules], file=sys.stderr)"
    done = run_main(["--db", str(db_path), "accounts", "--format", "json"], probe)
    assert done.returncode == 0, done.stderr
    assert [a["name"] for a in json.loads(done.stdout)] == ["Acme Corp"]
    assert done.stderr.strip() == "[]"


def listed_commands(help_text: str) -> list[str]:
    """The command names of a --help, in order."""
    listed = help_text.partition("\nCommands:\n")[2].splitlines()
    return [line.split()[0] for line in listed if line.startswith("  ") and line[2] != " "]


def test_help_without_a_command_lists_every_command_as_the_full_app_does() -> None:
    done = run_main(["--help"])
    assert done.returncode == 0, done.stderr
    full = CliRunner().invoke(app, ["--help"]).stdout
    assert listed_commands(done.stdout) == listed_commands(full)
    assert len(listed_commands(full)) == sum(map(len, COMMAND_MODULES.values()))


def test_an_option_value_that_is_a_command_name_loads_too_much_not_too_little(
    db_path: Path, seeded: Seeded
) -> None:
    done = run_main(["--db", str(db_path), "--rep", "ann@example.com", "queue"])
    assert done.returncode == 0, done.stderr
    assert "Acme Corp" in done.stdout
    done = run_main(["--db", str(db_path), "quue"])  # a typo: every command, to suggest one
    assert done.returncode == 2
    assert "queue" in done.stderr
