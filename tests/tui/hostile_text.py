"""Hostile text for the full-screen app: the demo with markup, emoji and long names in it,
and the text a screen shows (to check that user text appears exactly as typed)."""

import shutil
from datetime import date
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import App
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Static

from accountreview.db import accounts as account_queries
from accountreview.db import stakeholders as stakeholder_queries
from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import Channel, Level, Role
from accountreview.services.demo.build import build_demo
from accountreview.services.queue import queue_for
from accountreview.services.reps import current_rep
from accountreview.services.reviews import set_slot
from accountreview.services.stakeholders import stakeholders_of
from accountreview.services.workspace import open_workspace

# Names that are markup to Rich or Textual, template variables, wide or joined
# characters, right-to-left text, combining marks, and one far too long for a column.
HOSTILE = (
    "Acme [/] EU",
    "[b]x[/b]",
    "[link=http://x]y[/link]",
    "[$error]",
    "[@click=app.quit]quit[/]",
    "$name ${x} \\[b] [",
    "[bold red on blue]loud",
    "👩‍👩‍👧‍👦 Family 🇪🇺 Co",
    "شركة الأمل للتقنية",
    "חברת אבג בע״מ",
    "Z̷̢͓a̴͎l̶g̵o̸ combining",
    "Ab[c]d " * 71 + "end",  # 500 characters
)


def build_hostile_demo(path: Path, today: date) -> None:
    """The demo database, its first rep's top accounts renamed to hostile names, each
    with hostile stakeholders and notes; the first account's slot 1 holds a new
    stakeholder with no role and no contact (two blockers on one slot)."""
    build_demo(path, today)
    ws = open_workspace(path, today)
    try:
        rep = current_rep(ws, None)
        assert rep is not None
        ws.actor_id = rep.id
        week = IsoWeek.of(today)
        items = queue_for(ws, rep.id, week).items
        with ws.db.write() as conn:
            conn.execute("UPDATE rep SET name = ? WHERE id = ?", (HOSTILE[0] + " Rep", rep.id))
            for n, item in enumerate(items[:4]):
                account_id = item.facts.account.id
                account_queries.update_account(conn, account_id, {"name": HOSTILE[n]})
                for k, name in enumerate(HOSTILE):
                    person = stakeholder_queries.insert_stakeholder(
                        conn,
                        account_id=account_id,
                        name=f"{name} {n}",
                        email=f"h{k}@x.example",
                        title=HOSTILE[-1 - k],
                        level=None if k % 2 else Level.VP,
                        role=None if k % 3 == 0 else Role.CHAMPION,
                    )
                    if k % 3 == 1:
                        stakeholder_queries.insert_touch(
                            conn,
                            stakeholder_id=person,
                            on=today,
                            channel=Channel.PHONE,
                            note=HOSTILE[-1 - k],
                            logged_by_id=rep.id,
                        )
        first = account_queries.get_account(ws.db.conn, items[0].facts.account.id)
        assert first is not None
        newcomer = next(
            p for p in stakeholders_of(ws, first) if p.role is None and p.last_contact_on is None
        )
        set_slot(ws, first, week, 1, newcomer.id)
    finally:
        ws.close()


def copy_db(template: Path, path: Path) -> Path:
    """A fresh copy of a template database (its WAL is checkpointed on close)."""
    shutil.copyfile(template, path)
    return path


def _plain(shown: object) -> str:
    if isinstance(shown, Content | Text):
        return shown.plain
    return str(shown)


def screen_text(app: App[Any]) -> str:
    """Everything the screen on top holds as text: each Static's content, each field's
    value, each option's prompt, each table cell, whether or not it fits on the terminal."""
    parts: list[str] = []
    for widget in app.screen.query("*"):
        if isinstance(widget, Static):
            parts.append(_plain(widget.render()))
        elif isinstance(widget, Input):
            parts.append(widget.value)
        elif isinstance(widget, OptionList):
            parts += [_plain(o.prompt) for o in widget.options]
        elif isinstance(widget, DataTable):
            for n in range(widget.row_count):
                parts += [_plain(c) for c in widget.get_row_at(n)]
    return "\n".join(parts)


def painted_text(app: App[Any]) -> str:
    """The terminal's lines as painted now (every widget rendered at its size)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def settle(pilot: Pilot[None]) -> None:
    """Wait until the app's workers are done and it has handled what they posted."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
