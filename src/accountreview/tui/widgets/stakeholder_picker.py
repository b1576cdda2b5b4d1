"""Pick one of an account's stakeholders for a slot (type to filter), or add one.

An overlay inside the review screen rather than a screen of its own, and it never
takes the focus: the review screen hands it the keys typed while it is open
(`take_key`). Closing it after a pick then costs a single redraw with no focus
change, so the filled slot shows at once.
"""

from collections.abc import Collection

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from accountreview.domain.entities import Stakeholder
from accountreview.tui.literal import literal, styled
from accountreview.tui.widgets.line import Line

NEW_STAKEHOLDER = "__new__"


class StakeholderPicker(Vertical):
    """Posts `Chosen` with a stakeholder id or NEW_STAKEHOLDER, or `Cancelled`."""

    class Chosen(Message):
        """A stakeholder (or "add a new one") was picked for slot `position`; `text` is
        what was typed to filter (the new person's name, for "add a new one")."""

        def __init__(self, position: int, choice: str, text: str = "") -> None:
            super().__init__()
            self.position = position
            self.choice = choice
            self.text = text

    class Cancelled(Message):
        """The picker was closed without a choice."""

    def __init__(self) -> None:
        super().__init__(id="picker", classes="dialog")
        self.people: list[Stakeholder] = []
        self.position = 0
        self.taken: set[str | None] = set()
        self.text = ""

    def compose(self) -> ComposeResult:
        yield Line(id="picker-title", classes="dialog-title")
        yield Line(id="filter")
        people = OptionList(id="people")
        people.can_focus = False  # the keys come through `take_key`
        yield people
        yield Line(
            "type to filter · enter picks · ↑↓ move · f2 edits · escape cancels ·"
            " left or already-slotted people are greyed out",
            classes="hint",
        )

    def open(self, people: list[Stakeholder], position: int, taken: Collection[str | None]) -> None:
        """Show the picker for slot `position`, the filter empty and focused."""
        self.people, self.position, self.taken = people, position, set(taken)
        self.query_one("#picker-title", Line).update(f"Slot {position}: who?")
        self.set_text("")
        self.display = True

    def close(self) -> None:
        self.display = False

    def fill(self, text: str) -> None:
        needle = text.strip().lower()
        options = [Option(literal("+ Add a new stakeholder…"), id=NEW_STAKEHOLDER)]
        for p in self.people:
            hay = " ".join(
                filter(None, [p.name, p.title, p.email, p.role.label if p.role else None])
            ).lower()
            if needle and needle not in hay:
                continue
            last = p.last_contact_on.isoformat() if p.last_contact_on else "never contacted"
            role = p.role.label if p.role else "no role"
            note = ""
            if p.left_on is not None:
                note = f" · left {p.left_on}"
            elif p.id in self.taken:
                note = " · already in a slot"
            prompt = f"{p.name} · {p.title or '—'} · {role} · {last}{note}"
            disabled = p.left_on is not None or p.id in self.taken
            options.append(Option(literal(prompt), id=p.id, disabled=disabled))
        option_list = self.query_one("#people", OptionList)
        option_list.set_options(options)
        option_list.highlighted = 1 if len(options) > 1 and needle else 0

    def set_text(self, text: str) -> None:
        """Filter by `text` and show it with a cursor."""
        self.text = text
        shown = (
            styled("› $text[reverse] [/]", text=text)
            if text
            else styled("› [dim]type to filter by name, title, role or email[/][reverse] [/]")
        )
        self.query_one("#filter", Line).update(shown)
        self.fill(text)

    def take_key(self, key: str, character: str | None) -> bool:
        """Act on a key typed while the picker is open; False if it is not the picker's."""
        if key == "escape":
            self.post_message(self.Cancelled())
        elif key == "enter":
            self.choose()
        elif key in ("down", "up"):
            self.action_move(1 if key == "down" else -1)
        elif key == "backspace":
            self.set_text(self.text[:-1])
        elif key == "ctrl+u":
            self.set_text("")
        elif character is not None and character.isprintable() and len(self.text) < 100:
            self.set_text(self.text + character)
        else:
            return False
        return True

    def choose(self) -> None:
        option_list = self.query_one("#people", OptionList)
        index = option_list.highlighted
        if index is not None:
            option = option_list.get_option_at_index(index)
            if not option.disabled and option.id is not None:
                self.post_message(self.Chosen(self.position, option.id, self.text.strip()))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Chosen(self.position, event.option.id, self.text.strip()))

    def highlighted_person(self) -> Stakeholder | None:
        """The person highlighted in the list (None on "+ Add a new stakeholder…")."""
        index = self.query_one("#people", OptionList).highlighted
        if index is None:
            return None
        option_id = self.query_one("#people", OptionList).get_option_at_index(index).id
        return next((p for p in self.people if p.id == option_id), None)

    def reload(self, people: list[Stakeholder]) -> None:
        """Show `people` again (after an edit), keeping what was typed and the highlight."""
        option_list = self.query_one("#people", OptionList)
        index = option_list.highlighted
        self.people = people
        self.fill(self.text)
        if index is not None and index < option_list.option_count:
            option_list.highlighted = index

    def action_move(self, step: int) -> None:
        option_list = self.query_one("#people", OptionList)
        if step > 0:
            option_list.action_cursor_down()
        else:
            option_list.action_cursor_up()
