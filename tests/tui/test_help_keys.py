"""`?`, the palette and the key bar offer the same keys on every screen: those that work
there in its state now. Checked on every screen and dialog the app has, each reached as
a person would (keys from the queue), and against each screen's own `check_action`."""

import string
from pathlib import Path

import pytest
from screens_at_sizes import SCREENS, WAIT, app_on, reach
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.keys import _character_to_key, key_to_character
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable

from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.help import HelpScreen
from accountreview.tui.widgets.key_bar import KeyBar, key_label

# A printable key's character by its name ("slash": "/"), as a text field takes it.
PRINTABLE = {_character_to_key(c): c for c in string.printable if c.isprintable()}

# Every screen of `screens_at_sizes`, and the states it leaves out.
STATES: dict[str, tuple[str, tuple[str, ...]]] = {
    **{name: spec for name, spec in SCREENS.items() if name != "help"},
    "closed_review": ("closed", ("enter",)),
    "history": ("midweek", ("enter", "h")),
    "queue_filter": ("midweek", ("slash",)),
    "who": ("midweek", ("w",)),
    "import": ("midweek", ("ctrl+g",)),
    "export": ("midweek", ("ctrl+e",)),
    "left": ("midweek", ("enter", "down", "l")),
    "audit_review": ("team", ("a", WAIT, "down", "enter", "enter")),
}

# What the review offers, and does not, in each of its states.
STATE_KEYS: dict[str, tuple[set[str], set[str]]] = {
    "review": ({"^d", "t", "x", "c"}, {"o", "f2", "^j/↓"}),
    "closed_review": ({"o", "h", "esc/q"}, {"^d", "t", "x", "c", "l", "↵"}),
    "picker": ({"f2", "^j/↓", "^k/↑", "esc/q"}, {"h", "^d", "o", "f"}),
}


async def help_rows(pilot: Pilot[None]) -> tuple[Screen[object], list[str]]:
    """Open `?` on the screen shown (as the palette's "App: help" does, so that a dialog's
    text field does not take the `?`): the screen, and the keys the help lists."""
    app = pilot.app
    target = app.screen
    app.action_help()  # type: ignore[attr-defined]
    await pilot.pause()
    help_screen = app.screen
    assert isinstance(help_screen, HelpScreen) and help_screen.target is target
    table = help_screen.query_one(DataTable)
    keys = [str(table.get_row_at(n)[0]) for n in range(table.row_count)]
    assert [k for k, _ in help_screen.rows] == keys
    help_screen.dismiss(None)
    await pilot.pause()
    return target, keys


def works(node: DOMNode, binding: Binding, typed_into: Widget | None) -> bool:
    """Whether `binding` of `node` works now, worked out here from the node itself (its
    `check_action`), not from the help: not a key a focused text field takes."""
    name, _, _ = binding.action.partition("(")
    keys = [k.strip() for k in binding.key.split(",")]
    taken = typed_into is not None and all(
        typed_into.check_consume_key(k, PRINTABLE.get(k, key_to_character(k))) for k in keys
    )
    return bool(binding.description) and not taken and node.check_action(name, ()) is True


def expected_keys(app: AccountReviewApp, screen: Screen[object]) -> dict[str, list[Binding]]:
    """By whose they are ("widget", "screen", "app"): the keys that work on `screen`, from
    what each node declares (a dialog lets only the app's priority keys through)."""
    focused = screen.focused
    nodes = [n for n in (focused.ancestors_with_self if focused else []) if isinstance(n, Widget)]
    widgets = [n for n in nodes if not isinstance(n, Screen)]
    app_keys = [b for b in app.BINDINGS if isinstance(b, Binding)]
    if screen.is_modal:
        app_keys = [b for b in app_keys if b.priority]
    below: dict[
        str, list[tuple[DOMNode, BindingType]]
    ] = {  # what the widget declares, and the screen and app after it
        "widget": [(n, b) for n in widgets for b in ours(n)],
        "screen": [(screen, b) for b in screen.BINDINGS],
        "app": [(app, b) for b in app_keys],
    }
    return {
        whose: [b for n, b in pairs if isinstance(b, Binding) and works(n, b, focused)]
        for whose, pairs in below.items()
    }


def ours(widget: Widget) -> list[BindingType]:
    """The keys our own classes give `widget` (`j` / `k` of a list), not Textual's."""
    found: dict[str | None, BindingType] = {}
    for cls in type(widget).__mro__:
        if cls.__module__.startswith("accountreview."):
            for b in vars(cls).get("BINDINGS", []):
                found.setdefault(b.id if isinstance(b, Binding) else None, b)
    return list(found.values())


def labels(bindings: list[Binding]) -> set[str]:
    return {key_label(b) for b in bindings}


def palette_keys(app: AccountReviewApp, screen: Screen[object]) -> set[str]:
    """The keys the palette names for the screen's own commands ("Review: close")."""
    section = getattr(screen, "PALETTE_SECTION", "App")
    return {
        c.help.removeprefix("key ").split(" · ")[0]
        for c in app.get_system_commands(screen)
        if c.title.startswith(f"{section}: ")
    }


def bar_keys(screen: Screen[object]) -> set[str]:
    """The keys the key bar shows (as a click presses them)."""
    bars = screen.query(KeyBar)
    return {key for _, _, _, key in bars.first()._spans} if bars else set()


@pytest.mark.parametrize("state", list(STATES))
async def test_help_palette_and_key_bar_offer_the_keys_that_work_now(
    tmp_path: Path, state: str
) -> None:
    kind, keys = STATES[state]
    app = app_on(tmp_path / "keys.db", kind)
    async with app.run_test(size=(100, 30)) as pilot:
        await reach(pilot, keys)
        screen, listed = await help_rows(pilot)
        await pilot.pause()
        expected = expected_keys(app, screen)
        everything = [b for bindings in expected.values() for b in bindings]
        assert set(listed) == labels(everything), state
        assert len(listed) == len(set(listed)), f"{state}: a key listed twice"
        assert palette_keys(app, screen) == labels(expected["widget"] + expected["screen"])
        shown = {b.key.split(",")[0] for b in everything if b.show} | {"ctrl+p"}
        assert bar_keys(screen) <= shown, state
        for label in {"^s", "^r"}:  # no hub: no sync key anywhere
            assert label not in listed
        assert not [c for c in app.get_system_commands(screen) if c.title.startswith("Sync")]
        offered, not_offered = STATE_KEYS.get(state, (set(), set()))
        assert offered <= set(listed) and offered - {"esc/q"} <= palette_keys(app, screen)
        assert not not_offered & (set(listed) | palette_keys(app, screen))
