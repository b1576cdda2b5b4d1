"""The history screen builds a screenful of rows, reads touches a page at a time, and
scrolling down shows them all; the screen is built once and shows each account afresh."""

import random
from datetime import timedelta
from pathlib import Path

from textual import events
from textual.pilot import Pilot
from textual.widgets import OptionList

from accountreview.db import reviews as review_queries
from accountreview.db import stakeholders as stakeholder_queries
from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import Channel
from accountreview.services.history import TOUCH_PAGE
from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.history import TOUCH_WIDTHS, HistoryScreen, padded_line
from conftest import TODAY, seed, two_accounts

EXTRA = 2 * TOUCH_PAGE + 33


def long_history_app(path: Path) -> tuple[AccountReviewApp, list[str]]:
    """The app on the seed account with `EXTRA` more touches, and `EXTRA` past reviews
    (never closed: a row each); every touch's row, newest first, as the timeline must
    show it."""
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
        for n in range(1, EXTRA + 1):
            week = str(IsoWeek.of(TODAY).step(-n))
            review_queries.insert_review(conn, seeded.account_id, week, seeded.rep_id)
    rows = ws.db.conn.execute(
        "SELECT t.touched_on, s.name, t.channel, coalesce(t.note, '') FROM touch t"
        " JOIN stakeholder s ON s.id = t.stakeholder_id"
        " ORDER BY t.touched_on DESC, t.created_at DESC, t.rowid DESC"
    ).fetchall()
    ws.close()
    return AccountReviewApp(open_workspace(path, TODAY, create=True)), [
        padded_line(r, TOUCH_WIDTHS) for r in rows
    ]


async def open_history(pilot: Pilot[None]) -> HistoryScreen:
    """From the queue: the first account's review, then its history."""
    await pilot.pause()
    await pilot.press("enter", "h")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, HistoryScreen)
    return screen


def shown(options: OptionList) -> list[str]:
    """The rows of a list, as drawn."""
    return [str(options.get_option_at_index(n).prompt) for n in range(options.option_count)]


async def test_scrolling_the_history_down_shows_every_touch_and_review_once(
    db_path: Path,
) -> None:
    app, expected = long_history_app(db_path)
    assert len(expected) > 2 * TOUCH_PAGE
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot)
        assert screen.page_rows < TOUCH_PAGE  # 80x24: about a screenful, not a page
        touches, past = (
            screen.query_one("#touches", OptionList),
            screen.query_one("#past", OptionList),
        )
        assert touches.option_count == past.option_count == screen.page_rows
        for options, rows in ((touches, len(expected)), (past, EXTRA)):
            options.focus()
            for _ in range(rows // TOUCH_PAGE + 2):
                await pilot.press("end")  # the last row shown
                await pilot.pause()
            assert options.option_count == rows
        assert shown(touches) == expected
        weeks = [row.split()[0] for row in shown(past)]
        assert weeks == sorted(set(weeks), reverse=True)  # every week once, newest first


async def test_the_history_screen_is_reused_and_shows_each_account_afresh(
    db_path: Path,
) -> None:
    two_accounts(db_path)
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter", "h")  # Acme Corp first in the queue
        await pilot.pause()
        first = app.screen
        assert isinstance(first, HistoryScreen)
        assert str(first.query_one("#history-title").render()) == "Acme Corp · history"
        assert first.query_one("#touches", OptionList).option_count == 6
        await pilot.press("escape", "escape", "down", "enter", "h")  # Beta Ltd
        await pilot.pause()
        assert app.screen is first
        assert str(first.query_one("#history-title").render()) == "Beta Ltd · history"
        assert first.query_one("#touches", OptionList).option_count == 0
        assert shown(first.query_one("#past", OptionList)) == []


async def test_a_mouse_wheel_scroll_near_the_end_loads_the_next_page(db_path: Path) -> None:
    """The wheel scrolls the list without moving its highlight: scrolling still reads the
    next page as the list nears the last row shown, until every touch is there."""
    app, expected = long_history_app(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_history(pilot)
        touches = screen.query_one("#touches", OptionList)
        assert touches.option_count == screen.page_rows
        for _ in range(len(expected) * 2):  # a wheel notch scrolls a few lines
            if touches.option_count == len(expected) and touches.scroll_y >= touches.max_scroll_y:
                break
            touches.post_message(
                events.MouseScrollDown(touches, 1, 1, 0, 1, 0, False, False, False)
            )
            await pilot.pause()
        assert touches.highlighted == 0  # only the wheel moved
        assert touches.option_count == len(expected)
        assert shown(touches) == expected
