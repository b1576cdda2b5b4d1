"""Several edits of one review in one transaction: every one of them is saved, or none.

A `review` command may reopen, fill slots, confirm people and close at once; a TUI
action may add a stakeholder and put them in a slot. Each step runs in a savepoint
of the one write transaction, so a refused step leaves the others to be tried (and
their reasons reported too), and any refusal rolls the whole command back.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from accountreview.db.accounts import AccountRow
from accountreview.domain.access import Access
from accountreview.domain.close_rule import position_problem, slot_text
from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import Level, Role
from accountreview.domain.errors import InvalidValue
from accountreview.services import reviews
from accountreview.services.errors import CommandRefused, InvalidInput, UserError
from accountreview.services.lookup import check_access, resolve_stakeholder
from accountreview.services.reviews import ReviewView
from accountreview.services.stakeholders import add_stakeholder
from accountreview.services.workspace import Workspace


@dataclass(frozen=True)
class ReviewEdits:
    """What one command asks of a review, applied in this order: reopen, slots, confirms,
    close. A slot's stakeholder is as typed (id, exact name or email), None to empty it;
    the slots are judged as they stand after all of them (so two people can swap)."""

    reopen_reason: str | None = None
    slots: Sequence[tuple[int, str | None]] = ()
    confirms: Sequence[int] = ()
    close: bool = False

    @property
    def writes(self) -> bool:
        """Whether anything is asked besides looking."""
        return bool(self.reopen_reason is not None or self.slots or self.confirms or self.close)


def _attempt(problems: list[UserError], step: Callable[[], object]) -> None:
    try:
        step()
    except UserError as error:
        problems.append(error)
    except InvalidValue as error:
        problems.append(InvalidInput(str(error)))


def _resolved_slots(
    ws: Workspace, account: AccountRow, edits: ReviewEdits, problems: list[UserError]
) -> dict[int, str | None]:
    """Each position's new stakeholder id (the last --slot of a position wins)."""
    targets: dict[int, str | None] = {}
    for position, who in edits.slots:
        if (problem := position_problem(position, ws.settings)) is not None:
            problems.append(InvalidInput(problem))
            continue
        try:
            targets[position] = resolve_stakeholder(ws, account, who).id if who else None
        except UserError as error:  # keeps its exit code: 4 for nobody of that name
            named = UserError(slot_text(position, str(error)))
            named.exit_code = error.exit_code
            problems.append(named)
    return targets


def apply_review_edits(
    ws: Workspace, account: AccountRow, week: IsoWeek, edits: ReviewEdits
) -> ReviewView:
    """Apply every edit in one transaction and return the saved review.

    Raises `CommandRefused` listing every reason (a bad value, an unknown or duplicate
    stakeholder, a closed review, the close rule) when any step is refused; then
    nothing at all is saved. The close rule is tried only when every edit applied:
    it would otherwise judge slots that the command did not get.
    """
    check_access(ws, account, Access.WRITE)  # refused whole, before any step is tried
    problems: list[UserError] = []
    with ws.db.write():
        targets = _resolved_slots(ws, account, edits, problems)
        if edits.reopen_reason is not None:
            reason = edits.reopen_reason
            _attempt(problems, lambda: reviews.reopen_review(ws, account, week, reason))
        for position in targets:  # emptied first, so people can move between slots
            _attempt(problems, partial(reviews.set_slot, ws, account, week, position, None))
        for position, who in targets.items():
            if who is not None:
                _attempt(problems, partial(reviews.set_slot, ws, account, week, position, who))
        for position in edits.confirms:
            _attempt(problems, partial(reviews.confirm_in_role, ws, account, week, position))
        if edits.close and problems:  # the close rule would judge slots that were refused
            problems.append(InvalidInput("closing was not tried: fix the above first"))
        elif edits.close:
            _attempt(problems, lambda: reviews.close_review(ws, account, week))
        if problems:
            raise CommandRefused(problems)
    return reviews.review_view(ws, account, week)


def add_to_slot(
    ws: Workspace,
    account: AccountRow,
    week: IsoWeek,
    position: int,
    *,
    name: str,
    title: str | None = None,
    level: Level | None = None,
    role: Role | None = None,
    email: str | None = None,
) -> str:
    """Add a new stakeholder and put them in slot `position`, in one transaction: if the
    slot refuses them (a closed review…), the stakeholder is not added either.
    Returns the new stakeholder's id."""
    with ws.db.write():
        person = add_stakeholder(
            ws, account, name=name, title=title, level=level, role=role, email=email
        )
        reviews.set_slot(ws, account, week, position, person.id)
    return person.id
