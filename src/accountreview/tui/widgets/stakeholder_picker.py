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
from accountreview.tui.widgets.columns import Column, fit_columns, fitted_line
from accountreview.tui.widgets.line import Line

NEW_STAKEHOLDER = "__new__"
# One line at 80 columns; under 80 the short one (the other keys are in the key bar).
HINT = "type to filter · ↵ picks · ^j/^k or ↑↓ move · f2 edits · esc cancels"
SHORT_HINT = "type to filter · ↵ picks · esc cancels"


# The name and the role first; the title, then the last contact, go on a narrow screen.
# The list has no headings: they take no room (`headed=False`).
PEOPLE_COLUMNS = (
    Column("Name", least=8, keep=14),
    Column("Title", rank=3, least=8, most=48),
    Column("Role", least=6, keep=10),
    Column("Last", rank=2),
    Column("Note", least=4),
)


def _cells(p: Stakeholder, taken: Collection[str | None]) -> tuple[str, ...]:
    """A person's row in the picker: name, title, role, last contact, why greyed out."""
    last = p.last_contact_on.isoformat() if p.last_contact_on else "never"
    note = f"left {p.left_on}" if p.left_on is not None else "in a slot" if p.id in taken else ""
    return (p.name, p.title or "—", p.role.label if p.role else "no role", last, note)


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
        yield Line(HINT, classes="hint")

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
        rows: list[tuple[Stakeholder, tuple[str, ...]]] = []
        for p in self.people:
            hay = " ".join(
                filter(None, [p.name, p.title, p.email, p.role.label if p.role else None])
            ).lower()
            if not needle or needle in hay:
                rows.append((p, _cells(p, self.taken)))
        table = [cells for _, cells in rows]
        widths = fit_columns(PEOPLE_COLUMNS, table, self._row_width(), headed=False)
        for p, cells in rows:
            disabled = p.left_on is not None or p.id in self.taken
            options.append(Option(literal(fitted_line(cells, widths)), id=p.id, disabled=disabled))
        option_list = self.query_one("#people", OptionList)
        option_list.set_options(options)
        option_list.highlighted = 1 if len(options) > 1 and needle else 0

    def _row_width(self) -> int:
        """The cells a row of the list has: measured once shown, else what the screen's
        width leaves inside the picker (2 cells of margin each side, its frame and the
        list's, and a scrollbar)."""
        inside = self.query_one("#people", OptionList).scrollable_content_region.width
        return inside or self.app.size.width - 4 - 12

    def fit(self, room: int) -> None:
        """Keep the picker within `room` lines (the screen above the key bar): the list
        shrinks and scrolls, the filter and the hint (one line) stay."""
        self.query_one(".hint", Line).update(HINT if self.app.size.width >= 80 else SHORT_HINT)
        hint = 1
        people = self.query_one("#people", OptionList)
        people.styles.max_height = max(3, min(14, room - 2 - 2 - hint))  # frame, title+filter
        self.styles.max_height = max(6, room)

    def on_resize(self) -> None:
        """Lay the rows out again for the new width, what was typed kept."""
        if self.display:
            self.reload(self.people)

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
