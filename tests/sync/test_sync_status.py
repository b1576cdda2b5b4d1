"""What the TUI reads at start-up: the sync status and conflicts, locally, without the
hub's driver (psycopg stays unloaded until a sync runs)."""

import subprocess
import sys
from pathlib import Path

CHILD = """
import sys
from datetime import date
from accountreview.services.sync import list_conflicts, sync_status
from accountreview.services.workspace import open_workspace
ws = open_workspace(sys.argv[1], date(2026, 11, 23), create=True)
status = sync_status(ws)
print(status.hub, status.last_sync_at, status.waiting, status.conflicts, status.last_error)
print(list_conflicts(ws))
print(sorted(m for m in sys.modules if m.startswith(("psycopg", "accountreview.hub"))))
"""


def test_status_and_conflicts_are_read_without_loading_the_hub_driver(tmp_path: Path) -> None:
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "new.db")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert run.stdout.splitlines() == ["None None 0 0 None", "[]", "[]"], run.stderr
