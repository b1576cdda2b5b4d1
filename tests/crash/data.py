"""The data the crash and two-writer tests write: a seeded database and big import files.

One rep owns a few top accounts (the ones the children review) and, if asked,
more accounts that are not top (big imports put most of their touches there:
a review reads every touch of its account). Names are unique in the database
and none is part of another, so a name is a fact key and the TUI can pick a
person by typing the start of their name.
"""

import csv
import random
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from pathlib import Path

from crash.facts import IMPORT_NOTE

REP_NAME = "Rita Crash"
REP_EMAIL = "rita@crash.example"
FIRST_NAMES = ("Ada", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hal", "Ivy")
LAST_NAMES = ("Norland", "Ostrom", "Pryce", "Quade", "Rusk", "Stroud", "Tolle", "Umber")
ROLES = (
    "champion",
    "executive-sponsor",
    "cio-office",
    "procurement",
    "economic-buyer",
    "finance",
    "user",
    "security",
    "legal",
)
LEVELS = (
    "director", "executive", "vp", "manager", "vp", "manager", "individual", "manager", "vp",
)  # fmt: skip
CHANNELS = ("in-person", "video", "phone", "email", "event", "chat")
REP_COLUMNS = ("name", "email", "role", "manager")
ACCOUNT_COLUMNS = (
    "name", "rep", "top", "potential", "current", "list_price", "discount_pct", "rebate_pct",
    "uplift_pct", "signed_on", "live_on", "paid_on", "lost_on", "churned_on", "contract",
    "contract_start", "cio_signoff_on", "procurement_signoff_on", "penetration_target_pct",
)  # fmt: skip
STAKEHOLDER_COLUMNS = ("account", "name", "email", "title", "level", "role", "left_on")
TOUCH_COLUMNS = ("account", "stakeholder", "on", "channel", "note")


def account_name(n: int) -> str:
    return f"Crash Account {n}"


def person_name(account: int, n: int) -> str:
    """Unique in the database, and no name is part of another (the TUI filters by text)."""
    last = LAST_NAMES[(account - 1) % len(LAST_NAMES)]
    if account > len(LAST_NAMES):
        last += f"-{account}"
    return f"{FIRST_NAMES[n]} {last}"


# --- the seeded database ------------------------------------------------------------------


def _write_csv(path: Path, header: Iterable[str], rows: Iterable[Iterable[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def seed_files(
    folder: Path, today: date, *, accounts: int, people: int, bulk_accounts: int = 0
) -> list[Path]:
    """The app's own CSV files for one rep, `accounts` top accounts, `people` stakeholders each.

    Every stakeholder has one touch, 3 to 115 days old, so some are stale (a
    close then needs a planned next contact). `bulk_accounts` more accounts,
    not top, hold most of the touches that big imports add.
    """
    folder.mkdir(parents=True, exist_ok=True)
    reps = _write_csv(folder / "reps.csv", REP_COLUMNS, [[REP_NAME, REP_EMAIL, "rep", ""]])
    account_rows = []
    for a in range(1, accounts + bulk_accounts + 1):
        top = "yes" if a <= accounts else "no"
        values = {"name": account_name(a), "rep": REP_NAME, "top": top, "potential": 2_000_000}
        values.update(current=40_000 * a, signed_on="2025-01-10", live_on="2025-02-01")
        account_rows.append([values.get(column, "") for column in ACCOUNT_COLUMNS])
    accounts_csv = _write_csv(folder / "accounts.csv", ACCOUNT_COLUMNS, account_rows)
    people_rows, touch_rows = [], []
    for a in range(1, accounts + bulk_accounts + 1):
        for n in range(people):
            name = person_name(a, n)
            email = name.lower().replace(" ", ".") + "@crash.example"
            people_rows.append([account_name(a), name, email, "", LEVELS[n], ROLES[n], ""])
            on = today - timedelta(days=3 + (13 * n + 7 * a) % 113)
            touch_rows.append([account_name(a), name, on.isoformat(), CHANNELS[n % 6], "seed"])
    stakeholders = _write_csv(folder / "stakeholders.csv", STAKEHOLDER_COLUMNS, people_rows)
    touches = _write_csv(folder / "touches.csv", TOUCH_COLUMNS, touch_rows)
    return [reps, accounts_csv, stakeholders, touches]


def seed_database(
    db: Path, today: date, *, accounts: int = 6, people: int = 9, bulk_accounts: int = 0
) -> None:
    """Create `db` and fill it through the real import (see `seed_files`)."""
    from accountreview.services.importing import import_file
    from accountreview.services.workspace import open_workspace

    ws = open_workspace(db, today, create=True)
    try:
        folder = db.parent / "seed"
        for path in seed_files(
            folder, today, accounts=accounts, people=people, bulk_accounts=bulk_accounts
        ):
            import_file(ws, path)
    finally:
        ws.close()


def write_touch_import(
    path: Path, tag: str, rows: int, today: date, *, accounts: Sequence[int], people: int, seed: int
) -> Path:
    """A large touches file in the native format: `rows` new touches, notes "imp-<tag> <n>",
    for people of `accounts` (account numbers, drawn at random)."""
    rng = random.Random(seed)
    lines = []
    for n in range(rows):
        a = rng.choice(accounts)
        on = today - timedelta(days=rng.randrange(0, 400))
        lines.append(
            [
                account_name(a),
                person_name(a, rng.randrange(people)),
                on.isoformat(),
                rng.choice(CHANNELS),
                f"{IMPORT_NOTE}{tag} {n}",
            ]
        )
    return _write_csv(path, TOUCH_COLUMNS, lines)


def seed_closed_reviews(db: Path, today: date, *, accounts: Sequence[int], weeks_back: int) -> None:
    """Close a review `weeks_back` weeks ago for each of `accounts`, its five the account's
    first five people, then mark the first of them as left: every review the children start
    on those accounts carries four of them over, and the fifth slot starts open (issue 14's
    carry-over), so every run checks what a new review starts with."""
    from accountreview.domain.dates import IsoWeek
    from accountreview.domain.enums import Channel
    from accountreview.services import reviews, stakeholders
    from accountreview.services.lookup import resolve_account
    from accountreview.services.reps import current_rep
    from accountreview.services.workspace import open_workspace

    week = IsoWeek.of(today).shift(-weeks_back)
    ws = open_workspace(db, today)
    try:
        current_rep(ws)  # the one rep acts, as in the children
        for a in accounts:
            account = resolve_account(ws, account_name(a))
            people = {p.name: p for p in stakeholders.stakeholders_of(ws, account)}
            five = [people[person_name(a, n)] for n in range(5)]
            for position, person in enumerate(five, start=1):
                reviews.set_slot(ws, account, week, position, person.id)
                stakeholders.log_touch(ws, person, on=today, channel=Channel.IN_PERSON, note="seed")
                stakeholders.set_next_contact(ws, person, today + timedelta(days=7))
                reviews.confirm_in_role(ws, account, week, position)
            reviews.close_review(ws, account, week)
            stakeholders.mark_left(ws, five[0])
    finally:
        ws.close()
