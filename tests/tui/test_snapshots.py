"""How every screen looks at 60x20, 80x24 and 160x48, dark and light (SVG snapshots;
update with --snapshot-update, then look at each one: rsvg-convert -o x.png x.svg)."""

from collections.abc import Callable
from pathlib import Path

import pytest
from screens_at_sizes import SCREENS, SIZES, app_on, reach
from textual.pilot import Pilot

from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from conftest import TODAY, seed

SIZE = (80, 24)


# Every screen at the three sizes, in the dark and the light theme (issue 14).
THEMES = ("dark", "light")
CASES = [(screen, size, theme) for theme in THEMES for screen in SCREENS for size in SIZES]


@pytest.mark.parametrize(
    ("screen", "size", "theme"), CASES, ids=[f"{s}-{w}x{h}-{t}" for s, (w, h), t in CASES]
)
def test_screen(
    snap_compare: Callable[..., bool],
    tmp_path: Path,
    screen: str,
    size: tuple[int, int],
    theme: str,
) -> None:
    kind, keys = SCREENS[screen]

    async def reached(pilot: Pilot[None]) -> None:
        if theme == "light":
            pilot.app.theme = "textual-light"
        await reach(pilot, keys)

    assert snap_compare(app_on(tmp_path / "snap.db", kind), run_before=reached, terminal_size=size)


@pytest.fixture
def hostile_app(tmp_path: Path) -> AccountReviewApp:
    """The seed account renamed to markup, with stakeholders named in markup, emoji,
    right-to-left text and combining marks; two of them in slots 1 and 2."""
    from accountreview.db import accounts as account_queries
    from accountreview.domain.dates import IsoWeek
    from accountreview.services.lookup import resolve_account
    from accountreview.services.reviews import set_slot
    from accountreview.services.stakeholders import add_stakeholder

    path = tmp_path / "hostile.db"
    ws = open_workspace(path, TODAY, create=True)
    seeded = seed(ws)
    ws.actor_id = seeded.rep_id
    with ws.db.write() as conn:
        account_queries.update_account(conn, seeded.account_id, {"name": "Acme [/] EU [b]x[/b]"})
    account = resolve_account(ws, seeded.account_id)
    names = ["[link=http://x]y[/link]", "🇪🇺 [$error] שלום", "Zoë Ñandú e\u0301"]
    people = [add_stakeholder(ws, account, name=n, title="[i]CTO[/i]") for n in names]
    for position, person in enumerate(people[:2], start=1):
        set_slot(ws, account, IsoWeek.of(TODAY), position, person.id)
    ws.close()
    return AccountReviewApp(open_workspace(path, TODAY, create=True))


def test_queue_hostile(snap_compare: Callable[..., bool], hostile_app: AccountReviewApp) -> None:
    assert snap_compare(hostile_app, terminal_size=SIZE)


def test_review_hostile(snap_compare: Callable[..., bool], hostile_app: AccountReviewApp) -> None:
    assert snap_compare(hostile_app, press=["enter"], terminal_size=SIZE)


def test_review_hostile_wide(
    snap_compare: Callable[..., bool], hostile_app: AccountReviewApp
) -> None:
    assert snap_compare(hostile_app, press=["enter"], terminal_size=(140, 36))


def test_picker_hostile(snap_compare: Callable[..., bool], hostile_app: AccountReviewApp) -> None:
    assert snap_compare(hostile_app, press=["enter", "enter"], terminal_size=SIZE)


def test_refusal_hostile(snap_compare: Callable[..., bool], hostile_app: AccountReviewApp) -> None:
    assert snap_compare(hostile_app, press=["enter", "ctrl+d"], terminal_size=SIZE)
