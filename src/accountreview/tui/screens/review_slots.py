"""What the review's keys do to its slots and the people in them: pick someone (with
the picker), confirm them in role, clear a slot, log a touch, plan the next contact,
edit a person, mark them as left. `ReviewScreen` is built on this; the facts, the
close, reopen and next account are its own.

Every change goes through the services and redraws with the view they return."""

from collections.abc import Callable
from typing import TypeVar

from textual.screen import ModalScreen

from accountreview.domain.dates import IsoWeek
from accountreview.domain.entities import Account, Stakeholder
from accountreview.domain.enums import ReviewStatus, Staleness
from accountreview.services import reviews
from accountreview.services.errors import UserError
from accountreview.services.reviews import ReviewView, SlotView
from accountreview.services.workspace import Workspace
from accountreview.tui.context import FollowsPulls
from accountreview.tui.widgets.key_bar import KeyBar
from accountreview.tui.widgets.slot_list import SlotList
from accountreview.tui.widgets.stakeholder_picker import NEW_STAKEHOLDER, StakeholderPicker

T = TypeVar("T")


class SlotEditing(FollowsPulls):
    """The slot and person actions of a review of `account` for `week` in `ws`."""

    ws: Workspace
    week: IsoWeek
    view: ReviewView | None
    _picking: bool  # the picker is open: it has the keys

    @property
    def account(self) -> Account:
        raise NotImplementedError

    def refresh_view(self, view: ReviewView | None = None) -> None:
        raise NotImplementedError

    def current_slot(self) -> SlotView:
        assert self.view is not None
        return self.view.slots[self.query_one(SlotList).position - 1]

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
        slots = self.query_one(SlotList)
        slots.move_to(position)
        slots.focus()

    def _fit_picker(self) -> None:
        """The picker ends above the key bar (its top margin is 1 line)."""
        bar = self.query_one(KeyBar).outer_size.height or 3
        self.query_one(StakeholderPicker).fit((self.size.height or 24) - bar - 1)

    def action_pick(self) -> None:
        from accountreview.services.stakeholders import stakeholders_of

        if not self.editable():
            return
        slot = self.current_slot()
        people = stakeholders_of(self.ws, self.account)
        slots = self.view.slots if self.view else []
        taken = {s.stakeholder_id for s in slots if s.stakeholder_id} - {slot.stakeholder_id}
        self._fit_picker()
        self.query_one(StakeholderPicker).open(people, slot.position, taken)
        self._picking = True
        self._picked_over = slot.stakeholder_id  # what the slot held when the picker opened
        self.refresh_bindings()

    def on_stakeholder_picker_chosen(self, event: StakeholderPicker.Chosen) -> None:
        """Close the picker and save in the same step: one redraw shows the filled slot.
        A slot a sync filled while the picker was open keeps what the sync brought, and
        says so: picking again replaces it."""
        event.stop()
        self._close_picker()
        if self._filled_meanwhile(event.position, event.choice):
            self.focus_slot(event.position)
            return
        self._save_pick(event.position, event.choice)
        self.focus_slot(event.position)
        self._after_pick(event.position, event.choice, event.text)

    def on_stakeholder_picker_cancelled(self, event: StakeholderPicker.Cancelled) -> None:
        event.stop()
        self._close_picker()
        self.query_one(SlotList).focus()

    def _filled_meanwhile(self, position: int, choice: str) -> bool:
        """Whether a sync put someone else in slot `position` since the picker opened
        (said, then the picker's next pick saves)."""
        slots = self.view.slots if self.view else []
        now = next((s for s in slots if s.position == position), None)
        if now is None or now.stakeholder_id in (self._picked_over, choice):
            return False
        held = (
            f"now holds {now.name}. Pick again to replace them"
            if now.name
            else ("is empty now. Pick again to fill it")
        )
        self.notify(f"Changed meanwhile by a sync: slot {position} {held}.", timeout=8)
        return True

    def _close_picker(self) -> None:
        self.query_one(StakeholderPicker).close()
        self._picking = False
        self.refresh_bindings()

    def _save_pick(self, position: int, choice: str) -> None:
        """Put the chosen stakeholder in the slot and redraw the review."""
        if choice == NEW_STAKEHOLDER:
            return
        view = self.attempt(
            lambda: reviews.set_slot(self.ws, self.account, self.week, position, choice)
        )
        if view is not None:
            self.refresh_view(view)
            self.query_one(SlotList).move_to(position)

    def _after_pick(self, position: int, choice: str | None, typed: str = "") -> None:
        """What follows a pick: the new-stakeholder form, or the contact the slot lacks."""
        from accountreview.tui.screens.forms import NewStakeholderForm

        if choice is None or self.view is None:
            return
        if choice == NEW_STAKEHOLDER:

            def added(new_id: object) -> None:
                if isinstance(new_id, str):  # added and put in the slot, in one save
                    self.refresh_view()
                    self.query_one(SlotList).move_to(position)
                    self._after_pick(position, new_id)

            form = NewStakeholderForm(self.ws, self.account, (self.week, position), name=typed)
            self.app.push_screen(form, added)
            return
        slot = self.view.slots[position - 1]
        if slot.stakeholder_id != choice:
            return  # the save was refused (the reason was shown)
        if slot.last_contact_on is None:
            self.action_touch()  # a new name needs a last contact: ask at once
        elif slot.staleness is Staleness.STALE and slot.next_contact_on is None:
            self.action_plan()  # a stale contact needs a planned next one to close

    def _person(self) -> Stakeholder | None:
        from accountreview.services.lookup import resolve_stakeholder

        slot = self.current_slot()
        if slot.stakeholder_id is None:
            self.notify(f"Slot {slot.position} is empty: press enter to pick someone")
            return None
        return resolve_stakeholder(self.ws, self.account, slot.stakeholder_id)

    def _person_form(self, form: Callable[[Stakeholder], ModalScreen[object]]) -> None:
        """Open the `form` about the highlighted slot's person; redraw when it closes."""
        if not self.editable():
            return
        person = self._person()
        if person is not None:
            self.app.push_screen(form(person), lambda _: self.refresh_view())

    def action_touch(self) -> None:
        from accountreview.tui.screens.forms import TouchForm

        self._person_form(lambda person: TouchForm(self.ws, person))

    def action_plan(self) -> None:
        from accountreview.tui.screens.forms import NextContactForm

        self._person_form(lambda person: NextContactForm(self.ws, person))

    def action_confirm(self) -> None:
        if not self.editable():
            return
        slot = self.current_slot()
        view = self.attempt(
            lambda: reviews.confirm_in_role(self.ws, self.account, self.week, slot.position)
        )
        if view is not None:
            self.refresh_view(view)
            waiting = [s.position for s in view.slots if s.awaits_confirmation]
            if waiting:  # on to the next carried-over slot: c, c, c confirms the five
                self.focus_slot(next((p for p in waiting if p > slot.position), waiting[0]))

    def action_edit(self) -> None:
        """Edit the person of the highlighted slot (the form saves through the services)."""
        from accountreview.tui.screens.forms import EditStakeholderForm

        self._person_form(lambda person: EditStakeholderForm(self.ws, self.account, person))

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
            picker.reload(stakeholders_of(self.ws, self.account))
            self.refresh_view()

        self.app.push_screen(EditStakeholderForm(self.ws, self.account, person), edited)

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
                self.attempt(lambda: mark_left(self.ws, person))
                self.refresh_view()
                self.notify(f"{name} marked as left; slot freed")

        self.app.push_screen(ConfirmScreen(f"{name} has left the company?"), answered)

    def action_clear(self) -> None:
        if not self.editable():
            return
        slot = self.current_slot()
        view = self.attempt(
            lambda: reviews.set_slot(self.ws, self.account, self.week, slot.position, None)
        )
        if view is not None:
            self.refresh_view(view)
