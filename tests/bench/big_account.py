"""One account with years of history, added to the bench's copy of the large demo.

5,000 touches and 50 stakeholders, drawn from a fixed seed (the same rows every time),
as a few years of imported CRM activities would leave them. It belongs to the rep
the demo remembers, as a top account, so it is in the queue the bench walks.
"""

import random
from datetime import date, timedelta
from pathlib import Path

from accountreview.db import accounts as account_queries
from accountreview.db import reps as rep_queries
from accountreview.db import stakeholders as stakeholder_queries
from accountreview.domain.enums import Channel, Level, Role
from accountreview.services.reps import CURRENT_REP_KEY
from accountreview.services.workspace import open_workspace

BIG_ACCOUNT_ID = "b1" + "0" * 30
BIG_TOUCHES = 5_000
BIG_PEOPLE = 50
_ROLES = [Role.CHAMPION, Role.EXECUTIVE_SPONSOR, Role.CIO_OFFICE, Role.PROCUREMENT, None]
_CHANNELS = list(Channel)


def add_big_account(path: Path, today: date, seed: int = 14) -> str:
    """Add the big account to the database at `path` (once); returns its id."""
    rng = random.Random(seed)
    ws = open_workspace(path, today)
    try:
        with ws.db.write() as conn:
            if account_queries.get_account(conn, BIG_ACCOUNT_ID) is not None:
                return BIG_ACCOUNT_ID
            rep_id = rep_queries.get_meta(conn, CURRENT_REP_KEY)
            assert rep_id, "the bench database remembers no rep"
            values = {"name": "Bigvolume Holdings", "rep_id": rep_id, "is_top": 1}
            values |= {"potential": 4_000_000, "current": 900_000}
            account_queries.insert_account(conn, values, account_id=BIG_ACCOUNT_ID)
            people = [
                stakeholder_queries.stakeholder_row(
                    account_id=BIG_ACCOUNT_ID,
                    name=f"Person {n:02d} Bigvolume",
                    email=f"person{n:02d}@bigvolume.example",
                    title="Director",
                    level=rng.choice(list(Level)),
                    role=_ROLES[n % len(_ROLES)],
                    stakeholder_id=f"b2{n:030x}",
                    created_at="2022-01-03T09:00:00Z",
                )
                for n in range(BIG_PEOPLE)
            ]
            stakeholder_queries.insert_stakeholders(conn, people)
            touches = [
                stakeholder_queries.touch_row(
                    stakeholder_id=f"b2{rng.randrange(BIG_PEOPLE):030x}",
                    on=today - timedelta(days=rng.randrange(1, 4 * 365)),
                    channel=rng.choice(_CHANNELS),
                    note=f"call {n} about the roll-out",
                    logged_by_id=rep_id,
                    created_at="2022-01-03T09:00:00Z",
                    touch_id=f"b3{n:030x}",
                )
                for n in range(BIG_TOUCHES)
            ]
            stakeholder_queries.insert_touches(conn, touches)
    finally:
        ws.close()
    return BIG_ACCOUNT_ID
