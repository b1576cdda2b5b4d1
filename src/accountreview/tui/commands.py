"""The command palette's entries for a screen: each of its keys, and those of the
list in focus, titled "Screen: action" (the app adds its own after them)."""

from collections.abc import Iterator, Mapping
from functools import partial

from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from accountreview.tui.widgets.key_bar import key_label


def screen_commands(screen: Screen[object], keymap: Mapping[str, str]) -> Iterator[SystemCommand]:
    """A command per key of `screen` and of its focused widget (`j` / `k` of a list),
    each showing the key as the key bar writes it, remapped by `keymap`."""
    section = getattr(screen, "PALETTE_SECTION", "App")
    focused = screen.focused
    for binding in getattr(focused, "BINDINGS", []):
        if isinstance(binding, Binding) and binding.id and focused is not None:
            yield SystemCommand(
                f"{section}: {binding.description.lower()}",
                f"key {key_label(binding, keymap)}",
                partial(focused.run_action, binding.action),
            )
    for binding in getattr(screen, "BINDINGS", []):
        if isinstance(binding, Binding) and binding.description:
            yield SystemCommand(
                f"{section}: {binding.description.lower()}",
                f"key {key_label(binding, keymap)}",
                partial(screen.run_action, binding.action),
            )
