"""A refused close: every unmet reason at once; enter jumps to its slot."""

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from accountreview.domain.close_rule import Blocker


class RefusalScreen(ModalScreen[int | None]):
    """Returns the slot position to jump to, or None."""

    PALETTE_SECTION = "Refused"
    BINDINGS = [Binding("escape", "cancel", "Back", id="refusal.back")]

    def __init__(self, blockers: list[Blocker]) -> None:
        super().__init__()
        self.blockers = blockers

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                f"Not yet: {len(self.blockers)} thing(s) to fix before closing",
                classes="dialog-title",
            )
            yield OptionList(
                *[Option(b.text, id=str(b.position or "")) for b in self.blockers], id="reasons"
            )
            yield Static("enter jumps to the slot · escape goes back", classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        position = event.option.id
        self.dismiss(int(position) if position else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
