"""A footer that shows every key of the screen, wrapping onto a second line at 80 columns.

Textual's own Footer shows one line, so at 80 columns a screen with a dozen keys
loses the last ones off the edge; here every key stays visible. Under 80 columns
(`NARROW`) the keys are one cell apart, and a screen may name the keys it leaves to
`?` and the palette there (its `NARROW_SPARE` binding ids), so that its lists keep
their lines; `^p Commands` is then in `?` too.
"""

import string
from collections.abc import Iterator, Mapping
from dataclasses import replace
from typing import NamedTuple

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.dom import DOMNode
from textual.keys import _character_to_key
from textual.screen import Screen
from textual.widget import Widget

from accountreview.tui.literal import styled
from accountreview.tui.widgets.line import Line

KEY_NAMES = {"escape": "esc", "enter": "↵", "question_mark": "?"}
NARROW = 78  # the width inside the bar's padding on an 80-column screen


def key_label(binding: Binding, keymap: Mapping[str, str] | None = None) -> str:
    """How a key is written on screen: esc, ↵, ^d, ?; a binding with two keys as esc/q.
    A key remapped by the user's keymap (by the binding's id) is shown as remapped."""
    remapped = keymap.get(binding.id) if keymap and binding.id else None
    if remapped is None and binding.key_display:
        return binding.key_display
    keys = (remapped or binding.key).split(",")
    return "/".join(KEY_NAMES.get(k.strip(), k.strip().replace("ctrl+", "^")) for k in keys)


class UsableKey(NamedTuple):
    """A key that works now, and the node whose action it runs."""

    binding: Binding
    owner: DOMNode


def usable_keys(screen: Screen[object]) -> list[UsableKey]:
    """Every key of ours that works on `screen` now, one per binding (`escape,q` once),
    in the order the key bar shows them: the focused widget's, its containers', the
    screen's, then the app's. The key bar, `?` and the palette all ask this. It reads
    Textual's own chain of bindings (as `Screen.active_bindings` does: a key a text field
    takes is not in it, nor are the app's behind a dialog but for its priority ones),
    and a key counts when its owner's `check_action` says True for it. (A key that a
    focused list binds too, as `enter`, still counts for the screen: the list passes it
    on as a message the screen answers.)"""
    ours = {key_id: rank for rank, key_id in reversed(list(enumerate(_declared_ids(screen))))}
    app = screen.app
    chain = screen._modal_binding_chain  # Textual is pinned: its private chain is stable
    if screen.is_modal:
        chain = [*chain, (app, app._bindings)]  # only its priority keys pass a dialog
    found: dict[str, UsableKey] = {}
    place: dict[str, tuple[int, int]] = {}  # the owner's place in the chain, then as declared
    for depth, (owner, bindings) in enumerate(chain):
        for _, binding in bindings:
            if binding.id not in ours or (
                owner is app and screen.is_modal and not binding.priority
            ):
                continue
            if app._check_action_state(binding.action, owner) is not True:
                continue
            if owner is not screen.focused and _typed_by(screen.focused, binding.key):
                continue
            known = found.get(binding.id)
            keys = f"{known.binding.key},{binding.key}" if known else binding.key
            found[binding.id] = UsableKey(replace(binding, key=keys), owner)
            place[binding.id] = (depth, ours[binding.id])
    return sorted(found.values(), key=lambda usable: place[usable.binding.id or ""])


# A printable key's character by its name: Textual's `key_to_character` knows "?" and
# "[" but not "/" (slash), so a text field's chain would keep `/` as if it were a key.
CHARACTERS = {_character_to_key(c): c for c in string.printable if c.isprintable()}


def _typed_by(focused: Widget | None, keys: str) -> bool:
    """Whether the focused widget (a text field) takes every one of `keys` as typing."""
    names = [k.strip() for k in keys.split(",")]
    return focused is not None and all(
        focused.check_consume_key(k, CHARACTERS.get(k)) for k in names
    )


def _declared_ids(screen: Screen[object]) -> Iterator[str]:
    """The ids of the keys our own classes declare, for the focused widget and its
    containers, the screen and the app (not Textual's own keys: tab, ^c)."""
    focused = screen.focused
    nodes: list[DOMNode] = [*(focused.ancestors_with_self if focused else [screen]), screen.app]
    for node in nodes:
        declared = [node.BINDINGS] + [
            vars(cls).get("BINDINGS", [])
            for cls in type(node).__mro__
            if cls.__module__.startswith("accountreview.")
        ]
        for bindings in declared:
            yield from (b.id for b in bindings if isinstance(b, Binding) and b.id)


class KeyBar(Line):
    """The keys of the focused widget's panel, the screen and the app, with what each does.
    A click on a key presses it."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: auto;
        max-height: 5;  /* the review's keys take 3 lines at 80 columns, 2 at 60 */
        padding: 0 1;
        background: $footer-background;
        color: $footer-foreground;
    }
    """

    _shown = ""
    _spans: list[tuple[int, int, int, str]] = []  # (line, first column, end column, key)
    _lines = 0  # the most lines shown at this width: the bar never shrinks below it
    _width = 0

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, lambda _screen: self.update_keys())
        self.update_keys()

    def on_resize(self, event: events.Resize) -> None:
        self.update_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def update_keys(self) -> None:
        """Redraw from the screen's bindings, leaving out those the screen hides now."""
        screen = self.screen
        parts: list[tuple[str, str, str]] = []
        seen: set[str] = set()
        keymap = getattr(self.app, "keymap", {})
        width = self.size.width or 78  # the width inside the padding
        spare: frozenset[str] = getattr(screen, "NARROW_SPARE", frozenset())
        hidden = spare if width < NARROW else frozenset()
        for binding, _ in usable_keys(screen):
            action = binding.action.removeprefix("app.")
            if not binding.show or action in seen or binding.id in hidden:
                continue
            seen.add(action)  # the queue's `q` (app.quit) stands for the app's ^q
            key = (keymap.get(binding.id or "") or binding.key).split(",")[0].strip()
            parts.append((key_label(binding, keymap), binding.description, key))
        if width >= NARROW:
            parts.append(("^p", "Commands", "ctrl+p"))
        lines, self._spans = self._pack(parts, max(20, width), 2 if width >= NARROW else 1)
        if width != self._width:
            self._width, self._lines = width, 0
        # A bar that would shrink (a picker open, fewer keys) keeps its height with
        # blank lines: a change of height costs the whole screen a layout pass.
        lines += [Content(" ")] * max(0, self._lines - len(lines))
        text = Content("\n").join(lines)
        if text.plain != self._shown:  # an unchanged bar costs no redraw at all
            grew = len(lines) > self._lines
            self._lines = max(self._lines, len(lines))
            self._shown = text.plain
            self.update(text, layout=grew)

    def on_click(self, event: events.Click) -> None:
        """A click on a key (or its words) presses that key."""
        offset = event.get_content_offset(self)
        if offset is None:
            return
        for line, start, end, key in self._spans:
            if offset.y == line and start <= offset.x < end:
                event.stop()
                self.app.simulate_key(key)
                return

    @staticmethod
    def _pack(
        parts: list[tuple[str, str, str]], width: int, gap: int
    ) -> tuple[list[Content], list[tuple[int, int, int, str]]]:
        """Lay the keys out in lines no wider than `width`, `gap` cells apart, never
        splitting a key from its words; and where each key is drawn (line, first
        column, end column, key)."""
        lines: list[Content] = []
        spans: list[tuple[int, int, int, str]] = []
        line, used = Content(), 0
        for label, words, key in parts:
            size = len(label) + 1 + len(words)
            if used and used + gap + size > width:
                lines.append(line)
                line, used = Content(), 0
            shown = styled("[b $footer-key-foreground]$key[/] $label", key=label, label=words)
            start = used + gap if used else 0
            spans.append((len(lines), start, start + size, key))
            line, used = (line + " " * gap + shown, start + size) if used else (shown, size)
        lines.append(line)
        return lines, spans
