"""The review of one account: facts, the five slots, what blocks closing, risks, close."""

from collections.abc import Callable
from typing import TypeVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from accountreview.db.accounts import AccountRow
from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import ReviewStatus, Staleness
from accountreview.services import reviews
from accountreview.services.errors import CloseRefused, UserError
from accountreview.services.facts import AccountFacts, account_facts
from accountreview.services.lookup import resolve_account
from accountreview.services.reviews import ReviewView, SlotView
from accountreview.tui.context import AccountList, app_of
from accountreview.tui.literal import literal
from accountreview.tui.screens.review_text import (
    SLOTS_HEADER,
    facts_text,
    note_lines,
    slot_lines,
    title_text,
)
from accountreview.tui.widgets.key_bar import KeyBar
from accountreview.tui.widgets.line import Line
from accountreview.tui.widgets.note_lines import NoteLines
from accountreview.tui.widgets.stakeholder_picker import NEW_STAKEHOLDER, StakeholderPicker

T = TypeVar("T")


class ReviewScreen(Screen[None]):
    """Facts → five slots → risks → close, for one account and week."""

    PALETTE_SECTION = "Review"
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
    ]

    def __init__(self, account_id: str, week: IsoWeek) -> None:
        super().__init__()
        self.account_id = account_id
        self.week = week
        self.view: ReviewView | None = None
        self._account: AccountRow | None = None
        self._picking = False
        self._styled_theme = ""

    EDIT_ACTIONS = frozenset(
        {"pick", "touch", "plan", "confirm", "left", "clear", "close_review", "edit"}
    )
    SCREEN_ACTIONS = EDIT_ACTIONS | {"back", "next_account", "reopen", "history"}

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Edit keys only while the review is open; reopen only once it is closed."""
        closed = self.view is not None and self.view.status is ReviewStatus.CLOSED
        if action == "edit_highlighted":  # the picker's own key
            return True if self._picking else None
        if self._picking and action in self.SCREEN_ACTIONS - {"back"}:
            return None  # the picker has the keys: escape closes it, enter picks
        if action in self.EDIT_ACTIONS:
            return None if closed else True
        if action == "reopen":
            return True if closed else None
        return True

    # --- layout -----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Line(id="review-title", classes="title-line")
        yield Line(id="facts")
        yield Line(SLOTS_HEADER, id="slots-header")
        yield OptionList(*[Option(literal(""), id=str(n)) for n in range(1, 6)], id="slots")
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
                self.query_one("#slots", OptionList).highlighted = 0

    # --- data ---------------------------------------------------------------------

    @property
    def account(self) -> AccountRow:
        """The account, read once per redraw (see `refresh_view`)."""
        if self._account is None:
            self._account = resolve_account(app_of(self).ws, self.account_id)
        return self._account

    def refresh_view(self, view: ReviewView | None = None) -> None:
        """Redraw the screen. Given the `view` a slot edit returned, only the review's
        parts are redrawn (the account's facts do not change when a slot does);
        without it, everything is read again from the services."""
        ws = app_of(self).ws
        if view is None:
            self._account = None
            self.view = reviews.review_view(ws, self.account, self.week)
            self._draw_facts(account_facts(ws, self.account))
        else:
            self.view = view
        self._draw_title(self.view)
        self._draw_slots(self.view)
        self._draw_notes(self.view)
        self.refresh_bindings()

    def _draw_title(self, view: ReviewView) -> None:
        self.query_one("#review-title", Line).update(
            title_text(view),
            layout=False,  # one line, always
        )

    def _draw_facts(self, f: AccountFacts) -> None:
        self.query_one("#facts", Line).update(facts_text(f))

    def _draw_slots(self, view: ReviewView) -> None:
        # A list of five plain lines: far cheaper to draw than a table of 35 cells.
        slots = self.query_one("#slots", OptionList)
        row = slots.highlighted or 0
        lines = slot_lines(view, app_of(self).ws.today)
        slots.set_options(
            [Option(literal(line), id=str(n)) for n, line in enumerate(lines, start=1)]
        )
        slots.highlighted = max(0, min(row, 4))

    def _draw_notes(self, view: ReviewView) -> None:
        self.query_one("#notes", NoteLines).set_lines(note_lines(view))

    # --- helpers -------------------------------------------------------------------

    def current_slot(self) -> SlotView:
        assert self.view is not None
        position = (self.query_one("#slots", OptionList).highlighted or 0) + 1
        return self.view.slots[position - 1]

    def attempt(self, action: Callable[[], T]) -> T | None:
        """Run a service call; a user error becomes a notification, not a crash."""
        try:
            return action()
        except UserError as error:
            self.notify(str(error), severity="error", timeout=6)
            return None

    def editable(self) -> bool:
        if self.view is not None and self.view.status is ReviewStatus.CLOSED:
            self.notify("This review is closed and read-only. Press o to reopen it.")
            return False
        return True

    def focus_slot(self, position: int) -> None:
        slots = self.query_one("#slots", OptionList)
        slots.highlighted = position - 1
        slots.focus()

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

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_pick()

    def action_pick(self) -> None:
        from accountreview.services.stakeholders import stakeholders_of

        if not self.editable():
            return
        slot = self.current_slot()
        people = stakeholders_of(app_of(self).ws, self.account)
        slots = self.view.slots if self.view else []
        taken = {s.stakeholder_id for s in slots if s.stakeholder_id} - {slot.stakeholder_id}
        self.query_one(StakeholderPicker).open(people, slot.position, taken)
        self._picking = True
        self.refresh_bindings()

    def on_stakeholder_picker_chosen(self, event: StakeholderPicker.Chosen) -> None:
        """Close the picker and save in the same step: one redraw shows the filled slot."""
        event.stop()
        self._close_picker()
        self._save_pick(event.position, event.choice)
        self.focus_slot(event.position)
        self._after_pick(event.position, event.choice, event.text)

    def on_stakeholder_picker_cancelled(self, event: StakeholderPicker.Cancelled) -> None:
        event.stop()
        self._close_picker()
        self.query_one("#slots", OptionList).focus()

    def _close_picker(self) -> None:
        self.query_one(StakeholderPicker).close()
        self._picking = False
        self.refresh_bindings()

    def _save_pick(self, position: int, choice: str) -> None:
        """Put the chosen stakeholder in the slot and redraw the review."""
        if choice == NEW_STAKEHOLDER:
            return
        ws = app_of(self).ws
        view = self.attempt(lambda: reviews.set_slot(ws, self.account, self.week, position, choice))
        if view is not None:
            self.refresh_view(view)
            self.query_one("#slots", OptionList).highlighted = position - 1

    def _after_pick(self, position: int, choice: str | None, typed: str = "") -> None:
        """What follows a pick: the new-stakeholder form, or the contact the slot lacks."""
        from accountreview.tui.screens.forms import NewStakeholderForm

        if choice is None or self.view is None:
            return
        if choice == NEW_STAKEHOLDER:

            def added(new_id: object) -> None:
                if isinstance(new_id, str):  # added and put in the slot, in one save
                    self.refresh_view()
                    self.query_one("#slots", OptionList).highlighted = position - 1
                    self._after_pick(position, new_id)

            form = NewStakeholderForm(self.account, (self.week, position), name=typed)
            self.app.push_screen(form, added)
            return
        slot = self.view.slots[position - 1]
        if slot.stakeholder_id != choice:
            return  # the save was refused (the reason was shown)
        if slot.last_contact_on is None:
            self.action_touch()  # a new name needs a last contact: ask at once
        elif slot.staleness is Staleness.STALE and slot.next_contact_on is None:
            self.action_plan()  # a stale contact needs a planned next one to close

    def _person(self) -> object | None:
        from accountreview.services.lookup import resolve_stakeholder

        slot = self.current_slot()
        if slot.stakeholder_id is None:
            self.notify(f"Slot {slot.position} is empty: press enter to pick someone")
            return None
        return resolve_stakeholder(app_of(self).ws, self.account, slot.stakeholder_id)

    def action_touch(self) -> None:
        from accountreview.tui.screens.forms import TouchForm

        if not self.editable():
            return
        person = self._person()
        if person is not None:
            self.app.push_screen(TouchForm(person), lambda _: self.refresh_view())  # type: ignore[arg-type]

    def action_plan(self) -> None:
        from accountreview.tui.screens.forms import NextContactForm

        if not self.editable():
            return
        person = self._person()
        if person is not None:
            self.app.push_screen(NextContactForm(person), lambda _: self.refresh_view())  # type: ignore[arg-type]

    def action_confirm(self) -> None:
        if not self.editable():
            return
        slot = self.current_slot()
        ws = app_of(self).ws
        view = self.attempt(
            lambda: reviews.confirm_in_role(ws, self.account, self.week, slot.position)
        )
        if view is not None:
            self.refresh_view(view)
            waiting = [s.position for s in view.slots if s.awaits_confirmation]
            if waiting:  # on to the next carried-over slot: c, c, c confirms the five
                self.focus_slot(next((p for p in waiting if p > slot.position), waiting[0]))

    def action_edit(self) -> None:
        """Edit the person of the highlighted slot (the form saves through the services)."""
        from accountreview.tui.screens.forms import EditStakeholderForm

        if not self.editable():
            return
        person = self._person()
        if person is not None:
            form = EditStakeholderForm(self.account, person)  # type: ignore[arg-type]
            self.app.push_screen(form, lambda _: self.refresh_view())

    def action_edit_highlighted(self) -> None:
        """In the picker: edit the highlighted person; the list shows the change."""
        from accountreview.services.stakeholders import stakeholders_of
        from accountreview.tui.screens.forms import EditStakeholderForm

        picker = self.query_one(StakeholderPicker)
        person = picker.highlighted_person()
        if person is None:
            self.notify("Highlight a person to edit (↑↓)")
            return

        def edited(_: object) -> None:
            picker.reload(stakeholders_of(app_of(self).ws, self.account))
            self.refresh_view()

        self.app.push_screen(EditStakeholderForm(self.account, person), edited)

    def action_left(self) -> None:
        from accountreview.services.stakeholders import mark_left
        from accountreview.tui.screens.forms import ConfirmScreen

        if not self.editable():
            return
        person = self._person()
        if person is None:
            return
        name = self.current_slot().name

        def answered(yes: bool | None) -> None:
            if yes:
                self.attempt(lambda: mark_left(app_of(self).ws, person))  # type: ignore[arg-type]
                self.refresh_view()
                self.notify(f"{name} marked as left; slot freed")

        self.app.push_screen(ConfirmScreen(f"{name} has left the company?"), answered)

    def action_clear(self) -> None:
        if not self.editable():
            return
        slot = self.current_slot()
        ws = app_of(self).ws
        view = self.attempt(
            lambda: reviews.set_slot(ws, self.account, self.week, slot.position, None)
        )
        if view is not None:
            self.refresh_view(view)

    def action_close_review(self) -> None:
        from accountreview.tui.screens.refusal import RefusalScreen

        if not self.editable():
            return
        ws = app_of(self).ws
        try:
            reviews.close_review(ws, self.account, self.week)
        except CloseRefused as refused:
            self.app.push_screen(RefusalScreen(refused.blockers), self._jump)
            return
        except UserError as error:
            self.notify(str(error), severity="error")
            return
        self.notify(f"Closed: {self.account.name} {self.week}")
        self.open_next(after_close=True)

    def _jump(self, position: int | None) -> None:
        if position is not None:
            self.focus_slot(position)

    def action_next_account(self) -> None:
        self.open_next(after_close=False)

    def open_next(self, *, after_close: bool) -> None:
        """Open the next account not closed yet of the list this review was opened from
        (the queue, or a rep's accounts in the audit)."""
        below = reversed(self.app.screen_stack[:-1])
        source = next((s for s in below if isinstance(s, AccountList)), None)
        next_id = source.next_after(self.account_id) if source is not None else None
        if next_id is None or next_id == self.account_id:
            if after_close:
                self.notify("Every review of this list is closed. Well done.")
            self.app.pop_screen()
            return
        if source is not None:
            source.move_to(next_id)
        self.show(next_id, self.week)

    def action_reopen(self) -> None:
        from accountreview.tui.screens.forms import ReasonForm

        if self.view is None or self.view.status is not ReviewStatus.CLOSED:
            self.notify("Only a closed review can be reopened")
            return
        ws = app_of(self).ws

        def reopened(reason: object) -> None:
            if isinstance(reason, str):
                self.notify("Reopened; the reason is in the audit log")
                self.refresh_view()

        form = ReasonForm(lambda reason: reviews.reopen_review(ws, self.account, self.week, reason))
        self.app.push_screen(form, reopened)

    def action_history(self) -> None:
        from accountreview.tui.screens.history import open_history

        open_history(self.app, self.account_id)
