"""A rep with five top accounts, each with five people and a spare, written through the
database layer: the queue a rep walks week after week (tests/test_carry_over.py)."""

from dataclasses import dataclass
from datetime import date

from accountreview.db import accounts as account_queries
from accountreview.db import reps as rep_queries
from accountreview.db import stakeholders as stakeholder_queries
from accountreview.domain.enums import Channel, Level, RepRole, Role
from accountreview.services.workspace import Workspace

ACCOUNTS = ("Alder", "Birch", "Cedar", "Dogwood", "Elm")
PEOPLE = (
    ("Exec", Level.EXECUTIVE, Role.EXECUTIVE_SPONSOR),
    ("Cio", Level.VP, Role.CIO_OFFICE),
    ("Buyer", Level.MANAGER, Role.PROCUREMENT),
    ("Champ", Level.DIRECTOR, Role.CHAMPION),
    ("User", Level.INDIVIDUAL, Role.USER),
    ("Spare", Level.MANAGER, Role.FINANCE),
)
TOUCHED_ON = date(2026, 11, 13)  # fresh from 2026-W47 to 2026-W50
W47, W48, W49 = date(2026, 11, 20), date(2026, 11, 23), date(2026, 11, 30)  # "today" each week


@dataclass(frozen=True)
class Queue:
    rep_id: str
    people: dict[str, str]  # "Exec Alder" -> id


def name(role: str, account: str) -> str:
    """A person's name: "Champ Cedar"."""
    return f"{role} {account}"


def build_queue(ws: Workspace) -> Queue:
    """Write the rep, the five accounts and their people (each touched on TOUCHED_ON)."""
    people: dict[str, str] = {}
    with ws.db.write() as conn:
        rep_id = rep_queries.insert_rep(
            conn, name="Rae Walker", email="rae@example.com", role=RepRole.REP, manager_id=None
        )
        for account in ACCOUNTS:
            account_id = account_queries.insert_account(
                conn, {"name": account, "rep_id": rep_id, "is_top": 1, "potential": 1_000_000}
            )
            for role_name, level, role in PEOPLE:
                full = name(role_name, account)
                pid = stakeholder_queries.insert_stakeholder(
                    conn,
                    account_id=account_id,
                    name=full,
                    email=f"{role_name.lower()}@{account.lower()}.example",
                    title=None,
                    level=level,
                    role=role,
                )
                stakeholder_queries.insert_touch(
                    conn,
                    stakeholder_id=pid,
                    on=TOUCHED_ON,
                    channel=Channel.IN_PERSON,
                    note=None,
                    logged_by_id=rep_id,
                )
                people[full] = pid
    ws.actor_id = rep_id
    return Queue(rep_id, people)
