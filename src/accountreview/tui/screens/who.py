"""Who am I? Pick the rep using the app (remembered in the database)."""

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from accountreview.domain.entities import Rep
from accountreview.tui.literal import literal
from accountreview.tui.widgets.line import Line
from accountreview.tui.widgets.list_keys import KeyList


class WhoScreen(ModalScreen[str | None]):
    """Returns the chosen rep's id, or None."""

    PALETTE_SECTION = "Who am I"
    BINDINGS = [Binding("escape,q", "cancel", "Cancel", id="who.cancel")]

    def __init__(self, reps: list[Rep], *, cancellable: bool = False) -> None:
        super().__init__()
        self.reps = reps
        self.cancellable = cancellable

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):  # never empty: nobody in it opens the welcome screen
            yield Line("Who are you?", classes="dialog-title")
            yield KeyList(
                *[
                    Option(literal(f"{r.name} · {r.role.value} · {r.email}"), id=r.id)
                    for r in self.reps
                ],
                id="reps",
            )
            yield Line("enter picks (remembered) · escape cancels", classes="hint")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
