"""Finding a rep, an account or a stakeholder from what a user typed."""

from typing import TYPE_CHECKING

from accountreview.db import accounts as account_queries
from accountreview.db import reps as rep_queries
from accountreview.db.accounts import AccountRow
from accountreview.db.reps import RepRow
from accountreview.domain.access import Access, refusal
from accountreview.domain.enums import RepRole
from accountreview.services.errors import Ambiguous, InvalidInput, NotFound, Refused
from accountreview.services.workspace import Workspace

if TYPE_CHECKING:  # the stakeholder queries load on first use: most commands need none
    from accountreview.db.stakeholders import StakeholderRow


def _clean(text: str, what: str) -> str:
    text = text.strip()
    if not text:
        raise InvalidInput(f"{what}: nothing given; expected an id, a name or an email")
    return text


def resolve_rep(ws: Workspace, text: str) -> RepRow:
    """The rep whose id, name or email is `text`."""
    text = _clean(text, "rep")
    matches = rep_queries.find_reps(ws.db.conn, text)
    if not matches:
        raise NotFound(f"No rep matches {text!r} (try an id, a name or an email)")
    if len(matches) > 1:
        raise Ambiguous("rep", text, [f"{m.id[:8]}  {m.name} <{m.email}>" for m in matches])
    return matches[0]


def resolve_account(ws: Workspace, text: str, access: Access = Access.READ) -> AccountRow:
    """The account whose id or exact name is `text`, if the acting rep may `access` it."""
    text = _clean(text, "account")
    matches = account_queries.find_accounts(ws.db.conn, text)
    if not matches:
        raise NotFound(f"No account matches {text!r} (try `accountreview accounts`)")
    if len(matches) > 1:
        raise Ambiguous("account", text, [f"{m.id[:8]}  {m.name} ({m.rep_name})" for m in matches])
    check_access(ws, matches[0], access)
    return matches[0]


def acting_rep(ws: Workspace) -> RepRow | None:
    """The rep the workspace acts as (`ws.actor_id`), or None when no one is signed in."""
    return None if ws.actor_id is None else rep_queries.get_rep(ws.db.conn, ws.actor_id)


def check_access(ws: Workspace, account: AccountRow, access: Access) -> None:
    """Refuse (exit 3, naming whose account it is) unless the acting rep may `access`
    `account` (`domain.access`). With no one signed in, reading is allowed and writing
    asks who is acting (exit 2): every write is made in someone's name."""
    viewer = acting_rep(ws)
    if viewer is None:
        if access is Access.WRITE:
            raise InvalidInput(
                f"--rep: say who you are to change {account.name}"
                f" (it is {account.rep_name}'s account)"
            )
        return
    if viewer.id == account.rep_id:
        return
    owner = rep_queries.get_rep(ws.db.conn, account.rep_id)
    assert owner is not None  # account.rep_id is a foreign key
    reason = refusal(viewer, owner, account.name, access)
    if reason is not None:
        raise Refused(reason)


def can_access(ws: Workspace, account: AccountRow, access: Access) -> bool:
    """Whether `check_access` lets the acting rep `access` `account`."""
    try:
        check_access(ws, account, access)
    except (InvalidInput, Refused):
        return False
    return True


def check_account_id(ws: Workspace, account_id: str, access: Access) -> None:
    """`check_access` for the account with id `account_id` (a stakeholder's account)."""
    account = account_queries.get_account(ws.db.conn, account_id)
    if account is None:
        raise NotFound(f"No account with id {account_id}")
    check_access(ws, account, access)


def visible_rep_ids(ws: Workspace) -> list[str] | None:
    """Whose accounts the acting rep may read: themselves, and a manager their reports
    too; None (everyone's) when no one is signed in."""
    viewer = acting_rep(ws)
    if viewer is None:
        return None
    ids = [viewer.id]
    if viewer.role is RepRole.MANAGER:
        ids += [r.id for r in rep_queries.reports_of(ws.db.conn, viewer.id)]
    return ids


def require_visible_rep(ws: Workspace, text: str) -> RepRow:
    """The rep named `text` (a `--rep` filter), refused (exit 3) if the acting rep may not
    read their accounts."""
    rep = resolve_rep(ws, text)
    visible = visible_rep_ids(ws)
    if visible is not None and rep.id not in visible:
        viewer = acting_rep(ws)
        assert viewer is not None
        reason = refusal(viewer, rep, None, Access.READ)
        raise Refused(f"--rep: {reason}")
    return rep


def resolve_stakeholder(ws: Workspace, account: AccountRow, text: str) -> "StakeholderRow":
    """The stakeholder of `account` whose id, exact name or email is `text`."""
    from accountreview.db import stakeholders as stakeholder_queries

    text = _clean(text, "stakeholder")
    matches = stakeholder_queries.find_stakeholders(ws.db.conn, account.id, text, ws.today)
    if not matches:
        raise NotFound(
            f"No stakeholder of {account.name} matches {text!r}"
            f" (try `accountreview account show {account.name!r}`)"
        )
    if len(matches) > 1:
        raise Ambiguous(
            "stakeholder",
            text,
            [f"{m.id[:8]}  {m.name} <{m.email or 'no email'}> {m.title or ''}" for m in matches],
        )
    return matches[0]
