"""Small forms in a dialog: log a touch, plan a next contact, add or edit a stakeholder,
give a reason, confirm. Invalid input is shown at the field and never lost."""

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Select

from accountreview.domain.dates import IsoWeek, parse_quick_date
from accountreview.domain.entities import Account, Stakeholder
from accountreview.domain.enums import Channel, Level, Role
from accountreview.domain.errors import InvalidValue
from accountreview.services.errors import InvalidInput, UserError
from accountreview.services.review_edits import add_to_slot
from accountreview.services.stakeholders import (
    PersonEdit,
    add_stakeholder,
    edit_stakeholder,
    log_touch,
    set_next_contact,
    stakeholder_now,
)
from accountreview.services.workspace import Workspace
from accountreview.tui.widgets.choice import Choice
from accountreview.tui.widgets.line import Line

CANCEL = Binding("escape", "cancel", "Cancel", id="form.cancel")


class _Form(ModalScreen[object]):
    """A dialog whose fields submit with enter; errors stay on screen with the input."""

    PALETTE_SECTION = "Form"
    BINDINGS = [CANCEL]

    def show_error(self, message: str) -> None:
        error = self.query_one(".field-error", Line)
        error.update(message)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TouchForm(_Form):
    """When did you last speak to them, and how?"""

    def __init__(self, ws: Workspace, person: Stakeholder) -> None:
        super().__init__()
        self.ws = ws
        self.person = person

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog choices"):
            yield Line(f"Log a contact with {self.person.name}", classes="dialog-title")
            yield Input(
                value="today",
                placeholder="2026-11-20, today, yesterday, 3d, 2w",
                id="when",
                compact=True,
            )
            yield Choice(
                [(c.label, c.value) for c in Channel],
                value=Channel.VIDEO.value,
                allow_blank=False,
                id="channel",
                compact=True,
            )
            yield Input(placeholder="note (optional)", id="note", compact=True)
            yield Line("", classes="field-error")
            yield Line("enter saves · tab next field · escape cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#when", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        ws = self.ws
        try:
            when = parse_quick_date(self.query_one("#when", Input).value, ws.today, what="date")
            channel = Channel(str(self.query_one("#channel", Select).value))
            note = self.query_one("#note", Input).value or None
            log_touch(ws, self.person, on=when, channel=channel, note=note)
        except (InvalidValue, UserError) as error:
            self.show_error(str(error))
            return
        self.dismiss(when)


class NextContactForm(_Form):
    """Plan the next contact (needed when the last one is stale). As the person form: a
    date a sync changed while the dialog was open shows at once if it was not typed
    over; one typed over is not saved over a sync's change until enter is pressed again,
    once the dialog has said what the person now holds."""

    def __init__(self, ws: Workspace, person: Stakeholder) -> None:
        super().__init__()
        self.ws = ws
        self.person = person  # as the dialog last knew them
        self.prefilled = _date_text(person)  # what the field held when opened or refreshed

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Line(f"Next contact with {self.person.name}", classes="dialog-title")
            yield Input(
                value=self.prefilled,
                placeholder="2026-12-01, tomorrow, +3d, +2w",
                id="when",
                compact=True,
            )
            yield Line("", classes="field-error")
            yield Line("enter saves (empty clears) · escape cancels", classes="hint")

    def on_mount(self) -> None:
        self.watch(self.app, "pulls", self._pulled, init=False)  # see context.FollowsPulls

    def _now(self) -> Stakeholder | None:
        try:
            return stakeholder_now(self.ws, self.person)
        except UserError:
            return None  # not theirs to read any more: saving says so

    def _pulled(self, _pulls: int) -> None:
        """A sync pulled rows: the date shows what the person holds now, unless typed over."""
        now = self._now()
        field = self.query_one("#when", Input)
        if now is None or field.value != self.prefilled or _date_text(now) == self.prefilled:
            return
        self.person, self.prefilled = now, _date_text(now)
        field.value = self.prefilled

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        ws = self.ws
        text = event.value.strip()
        try:
            when = (
                parse_quick_date(text, ws.today, what="next contact", allow_future=True)
                if text
                else None
            )
            now = self._now() or self.person
            if now.next_contact_on != self.person.next_contact_on:
                self.person = now  # said once: the next enter saves over it
                raise InvalidInput(
                    "Changed meanwhile by a sync: the next contact is now"
                    f" {_shown(now.next_contact_on)}. Press enter again to save yours."
                )
            set_next_contact(ws, now, when)
        except (InvalidValue, UserError) as error:
            self.show_error(str(error))
            return
        self.dismiss(when)


def _date_text(person: Stakeholder) -> str:
    return person.next_contact_on.isoformat() if person.next_contact_on else ""


class _PersonForm(_Form):
    """Name, title, level, role and email of a stakeholder, in one dialog."""

    def __init__(
        self, ws: Workspace, account: Account, person: Stakeholder | None, name: str
    ) -> None:
        super().__init__()
        self.ws = ws
        self.account = account
        self.person = person
        self.start_name = name

    def title_text(self) -> str:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        p = self.person
        with Vertical(classes="dialog choices"):
            yield Line(self.title_text(), classes="dialog-title")
            yield Input(
                value=self.start_name, placeholder="name (required)", id="name", compact=True
            )
            yield Input(value=(p and p.title) or "", placeholder="title", id="title", compact=True)
            yield Choice(
                [(lvl.label, lvl.value) for lvl in Level],
                prompt="level",
                value=p.level.value if p and p.level else Select.NULL,
                id="level",
                compact=True,
            )
            yield Choice(
                [(r.label, r.value) for r in Role],
                prompt="role",
                value=p.role.value if p and p.role else Select.NULL,
                id="role",
                compact=True,
            )
            yield Input(value=(p and p.email) or "", placeholder="email", id="email", compact=True)
            yield Line("", classes="field-error")
            yield Line("enter saves · tab next field · escape cancels", classes="hint")

    def fields(self) -> dict[str, Any]:
        """What the dialog holds: empty text and a blank choice are None."""
        level = self.query_one("#level", Select).value
        role = self.query_one("#role", Select).value
        return {
            "name": self.query_one("#name", Input).value,
            "title": self.query_one("#title", Input).value or None,
            "email": self.query_one("#email", Input).value or None,
            "level": Level(str(level)) if isinstance(level, str) else None,
            "role": Role(str(role)) if isinstance(role, str) else None,
        }

    def save(self, fields: dict[str, Any]) -> str:
        """Save the fields; returns the stakeholder's id."""
        raise NotImplementedError

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            saved_id = self.save(self.fields())
        except (InvalidValue, UserError) as error:
            self.show_error(str(error))
            return
        self.dismiss(saved_id)


class NewStakeholderForm(_PersonForm):
    """Add a stakeholder in place: name (`name`: what was typed in the picker), title,
    level, role, email. Given a review's slot, the new person goes into it in the same
    save: both are saved, or neither."""

    def __init__(
        self,
        ws: Workspace,
        account: Account,
        slot: tuple[IsoWeek, int] | None = None,
        name: str = "",
    ) -> None:
        super().__init__(ws, account, None, name)
        self.slot = slot

    def title_text(self) -> str:
        return f"New stakeholder at {self.account.name}"

    def save(self, fields: dict[str, Any]) -> str:
        ws = self.ws
        if self.slot is None:
            return add_stakeholder(ws, self.account, **fields).id
        week, position = self.slot
        return add_to_slot(ws, self.account, week, position, **fields)


class EditStakeholderForm(_PersonForm):
    """Edit a stakeholder's name, title, level, role and email (as `stakeholder edit`:
    all saved, or nothing; a closed review keeps them as frozen). Only the fields typed
    over are saved, so a field a sync changed while the dialog was open keeps the
    change; one typed over that a sync changed too is not saved until enter is pressed
    again, once the dialog has said what it now holds."""

    def __init__(self, ws: Workspace, account: Account, person: Stakeholder) -> None:
        super().__init__(ws, account, person, person.name)
        self.prefilled = person  # what the fields held when the dialog opened

    def title_text(self) -> str:
        return f"Edit {self.prefilled.name} ({self.account.name})"

    def on_mount(self) -> None:
        self.watch(self.app, "pulls", self._pulled, init=False)  # see context.FollowsPulls

    def _pulled(self, _pulls: int) -> None:
        """A sync pulled rows: the fields not typed over show what the person holds now
        (what is typed stays, and is checked when saved)."""
        from accountreview.services.lookup import resolve_stakeholder

        try:
            now = resolve_stakeholder(self.ws, self.account, self.prefilled.id)
        except UserError:
            return  # gone: saving says so
        held = self.fields()
        for k in held:
            if held[k] == getattr(self.prefilled, k) != getattr(now, k):
                self._show_field(k, getattr(now, k))
                self.prefilled = self.prefilled._replace(**{k: getattr(now, k)})

    def _show_field(self, name: str, value: Any) -> None:
        if name in ("level", "role"):
            self.query_one(f"#{name}", Select).value = value.value if value else Select.NULL
        else:
            self.query_one(f"#{name}", Input).value = value or ""

    def save(self, fields: dict[str, Any]) -> str:
        from accountreview.services.lookup import resolve_stakeholder

        seen = self.person  # as the dialog last knew them
        assert seen is not None
        typed = {k: v for k, v in fields.items() if v != getattr(self.prefilled, k)}
        if not typed:
            return seen.id  # nothing typed over: nothing to save
        now = resolve_stakeholder(self.ws, self.account, seen.id)
        clashes = [k for k in typed if getattr(now, k) != getattr(seen, k)]
        self.person = now  # said once: the next enter saves over it
        if clashes:
            raise InvalidInput(changed_meanwhile(now, clashes))
        return edit_stakeholder(self.ws, self.account, now, PersonEdit(**typed)).id


def changed_meanwhile(person: Stakeholder, fields: list[str]) -> str:
    """What to say when fields typed over in a dialog were changed meanwhile (a sync
    brought someone else's edit): what they hold now, and how to save anyway."""
    held = ", ".join(f"{k} is now {_shown(getattr(person, k))}" for k in fields)
    return f"Changed meanwhile by a sync: {held}. Press enter again to save yours."


def _shown(value: object) -> str:
    if value is None:
        return "empty"
    label = getattr(value, "label", None)
    return repr(label if isinstance(label, str) else str(value))


class ReasonForm(_Form):
    """Why is this closed review reopened? (kept in the audit log). The dialog reopens
    the review itself, so a refused reason (empty, too long) stays on screen with the
    text and the rule, instead of closing the dialog and losing what was typed."""

    def __init__(self, reopen: Callable[[str], object]) -> None:
        super().__init__()
        self.reopen = reopen

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Line("Reopen the review: why?", classes="dialog-title")
            yield Input(
                placeholder="reason (required, kept in the audit log)", id="reason", compact=True
            )
            yield Line("", classes="field-error")
            yield Line("enter reopens · escape cancels", classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            self.show_error("A reason is required to reopen a closed review")
            return
        try:
            self.reopen(event.value)
        except (InvalidValue, UserError) as error:
            self.show_error(str(error))
            return
        self.dismiss(event.value.strip())


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question: y confirms, n or escape does not."""

    PALETTE_SECTION = "Confirm"
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        Binding("escape", "answer(False)", "Cancel", id="confirm.cancel"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Line(self.question, classes="dialog-title")
            yield Line("y yes · n no", classes="hint")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
