"""With no hub, the app is exactly as before: no status, no sync keys, and nothing of
psycopg, `accountreview.hub` or the conflicts screen is imported (checked in a fresh
process)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from accountreview.services.workspace import open_workspace
from conftest import TODAY, seed

CHILD = """
import json, sys
from datetime import date
from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.widgets.key_bar import KeyBar
from accountreview.tui.widgets.sync_status import SyncStatusLine

async def main():
    app = AccountReviewApp(open_workspace(sys.argv[1], date.fromisoformat(sys.argv[2])))
    seen = {"status": 0, "bar": [], "help": ""}
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("enter", "escape", "ctrl+r", "ctrl+s", "question_mark"):
            await pilot.pause()
            seen["status"] += len(app.screen.query(SyncStatusLine))
            seen["bar"] += [str(b.content) for b in app.screen.query(KeyBar)]
            await pilot.press(key)
        await pilot.pause()
        table = app.screen.query("DataTable").first()
        seen["help"] = " ".join(str(c) for c in table.get_column_at(1))
        seen["screen"] = type(app.screen).__name__
    seen["modules"] = sorted(
        m for m in sys.modules
        if m.split(".")[0] == "psycopg" or m.startswith("accountreview.hub")
        or m == "accountreview.tui.screens.conflicts"  # asked for by a key, not loaded
    )
    print(json.dumps(seen))

import asyncio
asyncio.run(main())
"""


@pytest.mark.parametrize("hub_env", [None, ""])
def test_no_hub_no_status_no_keys_no_hub_modules(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hub_env: str | None
) -> None:
    path = tmp_path / "nohub.db"
    ws = open_workspace(path, TODAY, create=True)
    seed(ws)
    ws.close()
    if hub_env is None:
        monkeypatch.delenv("ACCOUNTREVIEW_HUB", raising=False)
    else:
        monkeypatch.setenv("ACCOUNTREVIEW_HUB", hub_env)  # set but empty: no hub
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), TODAY.isoformat()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["status"] == 0
    assert seen["screen"] == "HelpScreen"  # the keys reached the app, ^r/^s did nothing
    assert not any("Conflicts" in bar or "Sync" in bar for bar in seen["bar"]), seen["bar"]
    assert "Sync" not in seen["help"] and "conflicts" not in seen["help"]
    assert seen["modules"] == []
