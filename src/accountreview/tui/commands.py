"""The command palette's entries for a screen: each of its keys that works now, and
those of the list in focus, titled "Screen: action" (the app adds its own after them)."""

from collections.abc import Iterator, Mapping
from functools import partial

from textual.app import SystemCommand
from textual.screen import Screen

from accountreview.tui.widgets.key_bar import key_label, usable_keys


def screen_commands(screen: Screen[object], keymap: Mapping[str, str]) -> Iterator[SystemCommand]:
    """A command per key of `screen` and of its focused widget (`j` / `k` of a list) that
    works now (`usable_keys`: what the key bar and `?` show), each showing the key as the
    key bar writes it, remapped by `keymap`. The app's own keys are the app's commands."""
    section = getattr(screen, "PALETTE_SECTION", "App")
    for binding, owner in usable_keys(screen):
        if binding.description and owner is not screen.app:
            yield SystemCommand(
                f"{section}: {binding.description.lower()}",
                f"key {key_label(binding, keymap)}",
                partial(screen.app.run_action, binding.action, owner),
            )
