"""The first start: a database with nobody in it offers import, the demo, or adding yourself."""

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, OptionList, Select
from textual.widgets.option_list import Option

from accountreview.domain.enums import RepRole
from accountreview.domain.errors import InvalidValue
from accountreview.services.errors import UserError
from accountreview.services.reps import add_rep, list_reps
from accountreview.services.workspace import Workspace
from accountreview.tui.literal import literal
from accountreview.tui.widgets.key_bar import KeyBar
from accountreview.tui.widgets.line import Line
from accountreview.tui.widgets.list_keys import KeyList

# What the welcome screen ends with: someone is in the database now, or open the demo.
READY = "ready"
DEMO = "demo"


class WelcomeScreen(Screen[str]):
    """Shown on a database with no reps; dismissed with READY or DEMO."""

    PALETTE_SECTION = "Welcome"
    BINDINGS = [
        Binding("ctrl+g", "import", "Import…", id="welcome.import"),
        Binding("d", "demo", "Open the demo", id="welcome.demo"),
        Binding("a", "add_me", "Add yourself", id="welcome.add"),
    ]

    class ImportAsked(Message):
        """Import was chosen: the app opens its import dialog."""

    def __init__(self, ws: Workspace) -> None:
        super().__init__()
        self.ws = ws

    def compose(self) -> ComposeResult:
        path = self.ws.db.path
        with Vertical(classes="dialog"):
            yield Line("Welcome to accountreview", classes="dialog-title")
            yield Line(f"Nobody is in {path} yet. Start with one of these:", classes="hint")
            yield KeyList(
                Option(
                    literal("Import your data: CSV, Salesforce or HubSpot exports  (^g)"),
                    id="import",
                ),
                Option(
                    literal("Open the demo: a team with its accounts, to try the app  (d)"),
                    id="demo",
                ),
                Option(literal("Add yourself: your name, email and role  (a)"), id="add_me"),
                id="offers",
            )
            yield Line("enter or the key picks · ctrl+q quits", classes="hint")
        yield KeyBar()

    async def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        await self.run_action(str(event.option.id))

    def on_screen_resume(self) -> None:
        """Back from an import or the form: anyone in the database now ends the welcome."""
        if list_reps(self.ws):
            self.dismiss(READY)

    def action_import(self) -> None:
        self.post_message(self.ImportAsked())

    def action_demo(self) -> None:
        self.dismiss(DEMO)

    def action_add_me(self) -> None:
        self.app.push_screen(
            RepForm(self.ws)
        )  # back here with a rep added, the resume ends the welcome


class RepForm(ModalScreen[object]):
    """Add yourself: name, email and role; you are then the one using the app."""

    PALETTE_SECTION = "Form"
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="rep_form.cancel")]

    def __init__(self, ws: Workspace) -> None:
        super().__init__()
        self.ws = ws

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Line("Add yourself", classes="dialog-title")
            yield Input(placeholder="your name", id="name")
            yield Input(placeholder="your email (you@company.com)", id="email")
            yield Select(
                [
                    ("rep: I review my own accounts", RepRole.REP.value),
                    ("manager: I audit my reps' reviews", RepRole.MANAGER.value),
                ],
                value=RepRole.REP.value,
                allow_blank=False,
                id="role",
            )
            yield Line("", classes="field-error")
            yield Line("enter saves · tab next field · escape cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            rep = add_rep(
                self.ws,
                name=self.query_one("#name", Input).value,
                email=self.query_one("#email", Input).value,
                role=RepRole(str(self.query_one("#role", Select).value)),
                remember=True,
            )
        except (InvalidValue, UserError) as error:
            self.query_one(".field-error", Line).update(str(error))
            return
        self.dismiss(rep.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
