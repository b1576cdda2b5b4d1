"""The history screen reads touches a page at a time, and scrolling down shows them all."""

import random
from datetime import timedelta
from pathlib import Path

from textual.widgets import DataTable

from accountreview.db import stakeholders as stakeholder_queries
from accountreview.domain.enums import Channel
from accountreview.services.history import TOUCH_PAGE
from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.history import HistoryScreen
from conftest import TODAY, seed

EXTRA = 2 * TOUCH_PAGE + 33


def long_history_app(path: Path) -> tuple[AccountReviewApp, list[tuple[str, str]]]:
    """The app on the seed account with `EXTRA` more touches; every touch's (date, note),
    newest first, as the timeline must show them."""
    ws = open_workspace(path, TODAY, create=True)
    seeded = seed(ws)
    rng = random.Random(5)
    with ws.db.write() as conn:
        stakeholder_queries.insert_touches(
            conn,
            [
                stakeholder_queries.touch_row(
                    stakeholder_id=rng.choice(list(seeded.people.values())),
                    on=TODAY - timedelta(days=rng.randrange(0, 900, 3)),
                    channel=rng.choice(list(Channel)),
                    note=f"touch {n}",
                    logged_by_id=seeded.rep_id,
                )
                for n in range(EXTRA)
            ],
        )
    rows = ws.db.conn.execute(
        "SELECT touched_on, coalesce(note, '') FROM touch"
        " ORDER BY touched_on DESC, created_at DESC, rowid DESC"
    ).fetchall()
    ws.close()
    return AccountReviewApp(open_workspace(path, TODAY, create=True)), [tuple(r) for r in rows]


async def test_scrolling_the_history_down_shows_every_touch_once(db_path: Path) -> None:
    app, expected = long_history_app(db_path)
    assert len(expected) > 2 * TOUCH_PAGE
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        table = app.screen.query_one("#touches", DataTable)
        assert table.row_count == TOUCH_PAGE  # one page read when it opens
        table.focus()
        for _ in range(len(expected) // TOUCH_PAGE + 2):
            await pilot.press("ctrl+end")  # the last row shown
            await pilot.pause()
        shown = [
            (str(r[0]), str(r[3])) for r in (table.get_row_at(n) for n in range(table.row_count))
        ]
        assert shown == expected
