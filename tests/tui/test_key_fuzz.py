"""Random keys on every screen of the app, on the demo with hostile names in it.

Each screen is reached by its own keys, then gets a seeded random sequence of keys
(moves, actions, dialogs, typed text with markup and emoji). Any exception the app
raises fails the test with the screen, the seed and the keys sent, so a failure can
be replayed: ACCOUNTREVIEW_FUZZ_SEED=N pytest tests/tui/test_key_fuzz.py -k SCREEN.

ACCOUNTREVIEW_FUZZ_EXAMPLES sets the number of random keys per screen (default 20).
"""

import os
import random
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from hostile_text import (
    HOSTILE,
    build_hostile_demo,
    copy_db,
    painted_text,
    screen_text,
    settle,
)
from textual.pilot import Pilot

from accountreview.domain.enums import ReviewStatus
from accountreview.services.queue import QueueItem
from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.queue import QueueScreen
from conftest import TODAY

KEYS_PER_SCREEN = int(os.environ.get("ACCOUNTREVIEW_FUZZ_EXAMPLES", "20"))
BASE_SEED = int(os.environ.get("ACCOUNTREVIEW_FUZZ_SEED", "20261201"))

KEYS = (
    *("up", "down", "left", "right", "home", "end", "pageup", "pagedown"),
    *("enter", "escape", "tab", "shift+tab", "backspace", "ctrl+u", "space", "f5"),
    *("ctrl+d", "ctrl+n", "ctrl+p", "ctrl+g", "ctrl+e", "question_mark"),
    *("left_square_bracket", "right_square_bracket"),
    *"achjklnotwxy",
    *("[", "]", "/", "$", "=", "é", "😀", "ש", "\u0301"),
)  # ctrl+q is left out: it ends the run (quitting is tested elsewhere)

Step = str | Callable[[Pilot[None]], Awaitable[None]]


def _on_account(chosen: Callable[[QueueItem], bool]) -> Step:
    """Put the queue's cursor on the first account `chosen` picks."""

    async def move(pilot: Pilot[None]) -> None:
        queue = pilot.app.screen
        assert isinstance(queue, QueueScreen) and queue.queue is not None
        queue.move_to(next(i for i in queue.queue.items if chosen(i)).facts.account.id)

    return move


# The account named "Acme [/] EU" (its slot 1 holds a newcomer), and a closed review.
OPEN = _on_account(lambda i: i.facts.account.name == HOSTILE[0])
CLOSED = _on_account(lambda i: i.status is ReviewStatus.CLOSED)

# Each screen (by the class that shows it) and the keys that reach it from the queue.
SCREENS: dict[str, tuple[str, list[Step]]] = {
    "queue": ("QueueScreen", []),
    "review": ("ReviewScreen", [OPEN, "enter"]),
    "picker": ("ReviewScreen", [OPEN, "enter", "enter"]),
    "new-stakeholder": ("NewStakeholderForm", [OPEN, "enter", "enter", "enter"]),
    "touch-form": ("TouchForm", [OPEN, "enter", "t"]),
    "next-contact-form": ("NextContactForm", [OPEN, "enter", "n"]),
    "left-confirm": ("ConfirmScreen", [OPEN, "enter", "l"]),
    "refusal": ("RefusalScreen", [OPEN, "enter", "ctrl+d"]),
    "reopen-dialog": ("ReasonForm", [CLOSED, "enter", "o"]),
    "history": ("HistoryScreen", [OPEN, "enter", "h"]),
    "audit": ("AuditScreen", ["a"]),
    "audit-rep": ("RepAuditScreen", ["a", "enter"]),
    "help": ("HelpScreen", ["question_mark"]),
    "who": ("WhoScreen", ["w"]),
    "import": ("ImportScreen", ["ctrl+g"]),
    "export": ("ExportScreen", ["ctrl+e"]),
    "palette": ("CommandPalette", ["ctrl+p"]),
}


@pytest.fixture(scope="module")
def hostile_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz-keys") / "template.db"
    build_hostile_demo(path, TODAY)
    return path


@pytest.mark.parametrize("screen", list(SCREENS))
async def test_random_keys_never_crash_the_app(
    screen: str, hostile_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # an export writes its file here
    seed = BASE_SEED + list(SCREENS).index(screen)
    rng = random.Random(seed)
    keys = [rng.choice(KEYS) for _ in range(KEYS_PER_SCREEN)]
    app = AccountReviewApp(
        open_workspace(copy_db(hostile_template, tmp_path / "fuzz.db"), TODAY, create=True)
    )
    sent: list[str] = []
    reached = "not reached"
    try:
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            await settle(pilot)
            expected, steps = SCREENS[screen]
            for step in steps:
                await (pilot.press(step) if isinstance(step, str) else step(pilot))
                await settle(pilot)
            reached = type(app.screen).__name__
            notes = [n.message for n in app._notifications]
            assert reached == expected, f"{screen}: the keys {steps} led to {reached}: {notes}"
            for key in keys:
                if app._exception is not None or app.return_code is not None:
                    break
                sent.append(key)
                await pilot.press(key)  # waits until the app has handled it
            await settle(pilot)
            if app.return_code is None:
                painted_text(app)  # draw every widget of the last screen in full
                # The data holds no control character, so none may be drawn as one
                # (a line break of ours turned into one once).
                assert "\N{REPLACEMENT CHARACTER}" not in screen_text(app)
    except Exception as error:
        raise AssertionError(
            f"{screen} ({reached}):"
            f" ACCOUNTREVIEW_FUZZ_SEED={BASE_SEED}, screen seed {seed}, keys {sent!r}: {error!r}"
        ) from error
    assert app._exception is None, (seed, sent)
