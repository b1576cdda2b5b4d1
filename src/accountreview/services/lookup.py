"""Finding a rep, an account or a stakeholder from what a user typed."""

from accountreview.db import accounts as account_queries
from accountreview.db import reps as rep_queries
from accountreview.db import stakeholders as stakeholder_queries
from accountreview.db.accounts import AccountRow
from accountreview.db.reps import RepRow
from accountreview.db.stakeholders import StakeholderRow
from accountreview.services.errors import Ambiguous, InvalidInput, NotFound
from accountreview.services.workspace import Workspace


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


def resolve_account(ws: Workspace, text: str) -> AccountRow:
    """The account whose id or exact name is `text`."""
    text = _clean(text, "account")
    matches = account_queries.find_accounts(ws.db.conn, text)
    if not matches:
        raise NotFound(f"No account matches {text!r} (try `accountreview accounts`)")
    if len(matches) > 1:
        raise Ambiguous("account", text, [f"{m.id[:8]}  {m.name} ({m.rep_name})" for m in matches])
    return matches[0]


def resolve_stakeholder(ws: Workspace, account: AccountRow, text: str) -> StakeholderRow:
    """The stakeholder of `account` whose id, exact name or email is `text`."""
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
