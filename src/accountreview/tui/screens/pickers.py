"""Pick one of an account's stakeholders for a slot (type to filter), or add one."""

from collections.abc import Callable, Collection

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from accountreview.db.stakeholders import StakeholderRow

NEW_STAKEHOLDER = "__new__"


class StakeholderPicker(ModalScreen[str | None]):
    """Returns a stakeholder id, NEW_STAKEHOLDER, or None when cancelled."""

    PALETTE_SECTION = "Pick"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="pick.cancel"),
        Binding("down", "move(1)", "Down", id="pick.down", show=False),
        Binding("up", "move(-1)", "Up", id="pick.up", show=False),
    ]

    def __init__(
        self,
        people: list[StakeholderRow],
        position: int,
        taken: Collection[str | None],
        *,
        on_choice: Callable[[str], None] | None = None,
    ) -> None:
        super().__init__()
        self.people = people
        self.position = position
        self.taken = set(taken)
        self.on_choice = on_choice  # runs before the picker closes

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"Slot {self.position}: who?", classes="dialog-title")
            yield Input(placeholder="type to filter by name, title, role or email", id="filter")
            yield OptionList(id="people")
            yield Static(
                "enter picks · ↑↓ move · escape cancels · left or already-slotted people are"
                " greyed out",
                classes="hint",
            )

    def on_mount(self) -> None:
        self.fill("")
        self.query_one("#filter", Input).focus()

    def fill(self, text: str) -> None:
        needle = text.strip().lower()
        options = [Option("+ Add a new stakeholder…", id=NEW_STAKEHOLDER)]
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
            options.append(Option(prompt, id=p.id, disabled=disabled))
        option_list = self.query_one("#people", OptionList)
        option_list.set_options(options)
        first_person = 1 if len(options) > 1 and needle else 0
        option_list.highlighted = first_person

    def on_input_changed(self, event: Input.Changed) -> None:
        self.fill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        option_list = self.query_one("#people", OptionList)
        index = option_list.highlighted
        if index is not None:
            option = option_list.get_option_at_index(index)
            if not option.disabled and option.id is not None:
                self.choose(option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.choose(event.option.id)

    def choose(self, choice: str) -> None:
        """Hand the choice over (saved at once), then close."""
        if self.on_choice is not None:
            self.on_choice(choice)
        self.dismiss(choice)

    def action_move(self, step: int) -> None:
        option_list = self.query_one("#people", OptionList)
        if step > 0:
            option_list.action_cursor_down()
        else:
            option_list.action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)
