"""A refused close: every unmet reason at once; enter jumps to its slot."""

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from accountreview.domain.close_rule import Blocker
from accountreview.text import plural
from accountreview.tui.literal import literal
from accountreview.tui.widgets.line import Line


class RefusalScreen(ModalScreen[int | None]):
    """Returns the slot position to jump to, or None."""

    PALETTE_SECTION = "Refused"
    BINDINGS = [Binding("escape", "cancel", "Back", id="refusal.back")]

    def __init__(self, blockers: list[Blocker]) -> None:
        super().__init__()
        self.blockers = blockers

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Line(
                f"Not yet: {plural(len(self.blockers), 'thing')} to fix before closing",
                classes="dialog-title",
            )
            # Ids by place in the list: one slot often has several reasons.
            yield OptionList(
                *[Option(literal(b.text), id=f"reason-{n}") for n, b in enumerate(self.blockers)],
                id="reasons",
            )
            yield Line("enter jumps to the slot · escape goes back", classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.blockers[event.option_index].position)

    def action_cancel(self) -> None:
        self.dismiss(None)
