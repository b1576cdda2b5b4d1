"""The review of one account: facts, the slots, what blocks closing, risks, close.

What the keys do to the slots and their people is `review_slots.SlotEditing`."""

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message

from accountreview.domain.dates import IsoWeek
from accountreview.domain.entities import Account
from accountreview.domain.enums import ReviewStatus
from accountreview.services import reviews
from accountreview.services.errors import CloseRefused, UserError
from accountreview.services.facts import AccountFacts, account_facts
from accountreview.services.lookup import resolve_account
from accountreview.services.reviews import ReviewView
from accountreview.services.workspace import Workspace
from accountreview.tui.screens.review_slots import SlotEditing
from accountreview.tui.screens.review_text import (
    CHANGES_HEADING,
    CLOSING_HEADINGS,
    RISKS_HEADING,
    facts_text,
    note_lines,
    slot_lines,
    title_text,
)
from accountreview.tui.widgets.key_bar import KeyBar
from accountreview.tui.widgets.line import Line
from accountreview.tui.widgets.note_lines import NoteLines
from accountreview.tui.widgets.slot_list import SlotList
from accountreview.tui.widgets.stakeholder_picker import StakeholderPicker

PANEL_KEYS = (
    ("f", "facts", "Facts", "Go to the account's facts: size, stage, renewal, gates"),
    ("s", "slots", "Slots", "Go to the five slots"),
    ("b", "closing", "To close", "Go to what blocks closing (or that it is ready)"),
    ("r", "risks", "Risks", "Go to the risks of the five"),
    ("w", "changes", "Changed", "What changed since the last closed review"),
)
PANEL_HEADINGS = {
    "closing": CLOSING_HEADINGS,
    "risks": (RISKS_HEADING,),
    "changes": (CHANGES_HEADING,),
}
PANEL_EMPTY = {
    "risks": "No risks on this review",
    "changes": "Nothing changed since the last closed review (or there is none yet)",
}


class ReviewScreen(SlotEditing):
    """Facts → slots → risks → close, for one account and week."""

    PALETTE_SECTION = "Review"
    AUTO_FOCUS = "#slots"  # the facts can take the focus too (f), but the keys are for the slots
    # Under 80 columns these keys are in `?` and the palette only, so that the key bar
    # takes 2 lines and the notes keep theirs; every panel key stays in the bar.
    NARROW_SPARE = frozenset(
        {"review.left", "review.clear", "review.next", "review.history", "review.edit", "app.quit"}
    )
    BINDINGS = [
        Binding("escape,q", "back", "Back", id="review.back", tooltip="Back to the queue"),
        Binding(
            "enter",
            "pick",
            "Pick",
            id="review.pick",
            tooltip="Pick who fills this slot (type to filter) or add someone new",
        ),
        Binding(
            "t",
            "touch",
            "Touch",
            id="review.touch",
            tooltip="Log a contact: when (today, 3d, 2w, 2026-11-20) and how",
        ),
        Binding(
            "n",
            "plan",
            "Plan next",
            id="review.plan",
            tooltip="Plan the next contact (needed when the last one is over 90 days old)",
        ),
        Binding(
            "c",
            "confirm",
            "In role",
            id="review.confirm",
            tooltip="Confirm this person is still there, in the same role",
        ),
        Binding(
            "l",
            "left",
            "Left",
            id="review.left",
            tooltip="This person left the company (frees the slot)",
        ),
        Binding("x", "clear", "Clear", id="review.clear", tooltip="Empty this slot"),
        Binding(
            "ctrl+d",
            "close_review",
            "Close",
            id="review.close",
            tooltip="Close the review (done); lists every reason if it cannot close yet",
        ),
        Binding(
            "ctrl+n",
            "next_account",
            "Next account",
            id="review.next",
            tooltip="Go to the next account of the queue that is not closed",
        ),
        Binding(
            "o",
            "reopen",
            "Reopen",
            id="review.reopen",
            tooltip="Reopen a closed review (a reason is required and logged)",
        ),
        Binding(
            "h",
            "history",
            "History",
            id="review.history",
            tooltip="Past reviews and every touch with this account",
        ),
        # last, so that the key bar stays two lines at 80 columns
        Binding(
            "e",
            "edit",
            "Edit person",
            id="review.edit",
            tooltip="Edit this slot's person: name, title, level, role, email",
        ),
        Binding(
            "f2",
            "edit_highlighted",
            "Edit highlighted",
            id="review.edit_highlighted",
            tooltip="In the picker: edit the highlighted person",
        ),
        Binding(
            "ctrl+j",
            "picker_move(1)",
            "Down",
            id="review.picker_down",
            key_display="^j/↓",
            tooltip="In the picker: down the list (letters go to the filter)",
        ),
        Binding(
            "ctrl+k",
            "picker_move(-1)",
            "Up",
            id="review.picker_up",
            key_display="^k/↑",
            tooltip="In the picker: up the list",
        ),
        # The panels, each a key away (tab still walks them): on a small screen the
        # notes scroll, and these keys say where the risks and the changes are.
        *[
            Binding(key, f"panel('{panel}')", words, id=f"review.panel_{panel}", tooltip=tip)
            for key, panel, words, tip in PANEL_KEYS
        ],
    ]

    class Closed(Message):
        """The review of `account_id` was closed: whoever owns the list it was opened
        from (the app) shows the next account not closed, or goes back to the list."""

        def __init__(self, review: "ReviewScreen", account_id: str) -> None:
            super().__init__()
            self.review = review
            self.account_id = account_id

    class Skipped(Message):
        """`ctrl+n` left the review of `account_id` for the next account not closed."""

        def __init__(self, review: "ReviewScreen", account_id: str) -> None:
            super().__init__()
            self.review = review
            self.account_id = account_id

    def __init__(self, ws: Workspace, account_id: str, week: IsoWeek) -> None:
        super().__init__()
        self.ws = ws
        self.account_id = account_id
        self.week = week
        self.view: ReviewView | None = None
        self._account: Account | None = None
        self._picking = False
        self._picked_over: str | None = None  # the slot's person when the picker opened
        self._styled_theme = ""
        self._title_lines = 1

    EDIT_ACTIONS = frozenset(
        {"pick", "touch", "plan", "confirm", "left", "clear", "close_review", "edit"}
    )
    SCREEN_ACTIONS = EDIT_ACTIONS | {"back", "next_account", "reopen", "history"}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Edit keys only while the review is open; reopen only once it is closed."""
        closed = self.view is not None and self.view.status is ReviewStatus.CLOSED
        if action in ("edit_highlighted", "picker_move"):  # the picker's own keys
            return True if self._picking else None
        if self._picking and action in (self.SCREEN_ACTIONS | {"panel"}) - {"back"}:
            return None  # the picker has the keys: escape closes it, enter picks
        if action in self.EDIT_ACTIONS:
            return None if closed else True
        if action == "reopen":
            return True if closed else None
        return True

    # --- layout -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Line(id="review-title", classes="title-line")
        facts = Line(id="facts")
        facts.can_focus = True  # `f` goes there (and tab)
        yield facts
        yield Line(id="slots-header")
        yield SlotList(self.ws.settings.slots_per_review, id="slots")
        yield NoteLines(id="notes")
        yield StakeholderPicker()
        yield KeyBar()

    def on_mount(self) -> None:
        self._styled_theme = self.app.theme
        self.refresh_view()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Restyle on return only if the theme changed meanwhile.

        Textual applies every CSS rule to every widget again each time a screen
        comes back, in case the theme changed while it was away. That is about a
        third of the time it takes to open a review, and this screen comes back
        for every account; its own classes never change while it is away.
        """
        if self.app.theme == self._styled_theme:
            event.refresh_styles = False
        self._styled_theme = self.app.theme

    def show(self, account_id: str, week: IsoWeek) -> None:
        """Point the screen at another account (the screen is reused, not rebuilt)."""
        changed = (account_id, week) != (self.account_id, self.week)
        self.account_id, self.week = account_id, week
        self._account = None
        if self.is_mounted:
            self.refresh_view()
            if changed:
                self.query_one(SlotList).move_to(1)

    # --- data ---------------------------------------------------------------------

    @property
    def account(self) -> Account:
        """The account, read once per redraw (see `refresh_view`)."""
        if self._account is None:
            self._account = resolve_account(self.ws, self.account_id)
        return self._account

    def refresh_view(self, view: ReviewView | None = None) -> None:
        """Redraw the screen. Given the `view` a slot edit returned, only the review's
        parts are redrawn (the account's facts do not change when a slot does);
        without it, everything is read again from the services."""
        if view is None:
            self.pull_unseen = False  # what a sync pulled is read here too
            self._account = None
            self.view = reviews.review_view(self.ws, self.account, self.week)
            self._draw_facts(account_facts(self.ws, self.account))
        else:
            self.view = view
        self._draw_title(self.view)
        self._draw_slots(self.view)
        self._draw_notes(self.view)
        self.refresh_bindings()

    def rows_pulled(self) -> None:
        """A sync pulled rows: read the review again, the slot highlighted and an open
        picker or form kept (a form saves through the services, which refuse what the
        pull made impossible); a close or reopen made elsewhere is said calmly."""
        was = self.view.status if self.view is not None else None
        self.refresh_view()
        now = self.view.status if self.view is not None else None
        where = f"{self.account.name} {self.week}"
        if was is not ReviewStatus.CLOSED and now is ReviewStatus.CLOSED:
            self.notify(f"{where} was closed elsewhere; it is read-only now (o reopens it)")
        elif was is ReviewStatus.CLOSED and now is not ReviewStatus.CLOSED:
            self.notify(f"{where} was reopened elsewhere; you can edit it again")

    def _draw_title(self, view: ReviewView) -> None:
        # One line, or two for a long name on a narrow screen (never cut): only a
        # change of height costs a layout pass.
        title = self.query_one("#review-title", Line)
        text = title_text(view)
        lines = 1 if cell_len(text) <= (self.size.width or 80) - 2 else 2
        title.update(text, layout=lines != self._title_lines)
        self._title_lines = lines

    def on_resize(self, event: events.Resize) -> None:
        """Lay the title and the slots' columns out again for the new width."""
        if self.view is not None:
            self._draw_title(self.view)
            self._draw_slots(self.view)
        self._fit_picker()

    def _draw_facts(self, f: AccountFacts) -> None:
        self.query_one("#facts", Line).update(facts_text(f))

    def _draw_slots(self, view: ReviewView) -> None:
        header, lines = slot_lines(view, self.ws.today, self.size.width or 80)
        self.query_one("#slots-header", Line).update(header, layout=False)
        self.query_one(SlotList).show(lines)

    def _draw_notes(self, view: ReviewView) -> None:
        self.query_one("#notes", NoteLines).set_lines(note_lines(view))

    # --- actions -------------------------------------------------------------------

    def action_back(self) -> None:
        if self._picking:
            self.query_one(StakeholderPicker).post_message(StakeholderPicker.Cancelled())
            return
        self.app.pop_screen()

    def on_key(self, event: events.Key) -> None:
        """While the picker is open, what is typed is for it (focus stays on the slots).
        On a closed review the edit keys are hidden, and pressing one says why."""
        picked = self._picking and self.query_one(StakeholderPicker).take_key(
            event.key, event.character
        )
        if picked or (self._is_edit_key(event.key) and not self.editable()):
            event.stop()
            event.prevent_default()

    def _is_edit_key(self, key: str) -> bool:
        """Whether `key` (as the keymap has it) is bound to an edit action of this screen."""
        bound = self._bindings.key_to_bindings.get(key, [])
        return any(b.action in self.EDIT_ACTIONS - {"pick"} for b in bound)

    def on_slot_list_picked(self, event: SlotList.Picked) -> None:
        event.stop()
        self.action_pick()

    def action_close_review(self) -> None:
        from accountreview.tui.screens.refusal import RefusalScreen

        if not self.editable():
            return
        try:
            reviews.close_review(self.ws, self.account, self.week)
        except CloseRefused as refused:
            self.app.push_screen(RefusalScreen(refused.blockers), self._jump)
            return
        except UserError as error:
            self.notify(str(error), severity="error")
            return
        self.notify(f"Closed: {self.account.name} {self.week}")
        self.post_message(self.Closed(self, self.account_id))

    def _jump(self, position: int | None) -> None:
        if position is not None:
            self.focus_slot(position)

    def action_next_account(self) -> None:
        self.post_message(self.Skipped(self, self.account_id))

    def action_reopen(self) -> None:
        from accountreview.tui.screens.forms import ReasonForm

        if self.view is None or self.view.status is not ReviewStatus.CLOSED:
            self.notify("Only a closed review can be reopened")
            return

        def reopened(reason: object) -> None:
            if isinstance(reason, str):
                self.notify("Reopened; the reason is in the audit log")
                self.refresh_view()

        form = ReasonForm(
            lambda reason: reviews.reopen_review(self.ws, self.account, self.week, reason)
        )
        self.app.push_screen(form, reopened)

    def action_panel(self, panel: str) -> None:
        """Focus a panel of the review and scroll it into view (f, s, b, r, w)."""
        if panel == "facts":
            self.query_one("#facts", Line).focus()
            return
        if panel == "slots":
            self.query_one(SlotList).focus()
            return
        notes = self.query_one("#notes", NoteLines)
        if notes.scroll_to_heading(PANEL_HEADINGS[panel]):
            notes.focus()
        else:
            self.notify(PANEL_EMPTY.get(panel, "Nothing to show"))

    def action_picker_move(self, step: int) -> None:
        """In the picker: move the highlight (the filter keeps the letters, j and k)."""
        self.query_one(StakeholderPicker).action_move(step)

    def action_history(self) -> None:
        from accountreview.tui.screens.history import open_history

        open_history(self.app, self.ws, self.account_id)
