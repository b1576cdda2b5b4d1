"""What the crash and two-writer tests share: a seeded database, its facts, the line protocol.

A child process that edits the database says what it is about to do and what
it did, one line each on stdout, flushed:

    R                       ready (the database is open)
    W [{"key": value}, ...] about to make an edit: the facts it will set, in
                            groups; each group is one transaction (most edits
                            are one group, an edit that saves twice has two)
    D [{"key": value}, ...] the edit returned, so it is committed: same facts
    X message               the edit was refused (it must change nothing)

A *fact* is one thing the database must hold, named by a readable key
("slot Crash Account 1 2026-W48 3" -> ["Ada Norland", null]). `read_facts`
reads every fact of a database, so a test compares the whole state with what
the children confirmed, not a sample of it.
"""

import csv
import json
import sqlite3
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

Facts = dict[str, Any]
Groups = list[Facts]

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
LEVELS = ("director", "executive", "vp", "manager", "vp", "manager", "individual", "manager", "vp")
CHANNELS = ("in-person", "video", "phone", "email", "event", "chat")
TRACKED_NOTE = "k:"  # touches logged by a child: their note starts with this
IMPORT_NOTE = "imp-"  # touches of a generated import file: "imp-<tag> <row>"
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
    import random

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


# --- reading the facts of a database --------------------------------------------------------


def _put(facts: Facts, key: str, value: Any) -> None:
    """Set a fact; a second row for a key that must be unique is a fact of its own."""
    if key in facts:
        previous = facts[key]
        count = previous[1] + 1 if isinstance(previous, list) and previous[:1] == ["DUP"] else 2
        facts[key] = ["DUP", count]
    else:
        facts[key] = value


def read_facts(conn: sqlite3.Connection) -> Facts:
    """Every fact the children can set, read in one snapshot."""
    facts: Facts = {}
    conn.execute("BEGIN")
    try:
        names = dict(conn.execute("SELECT id, name FROM stakeholder").fetchall())
        accounts = dict(conn.execute("SELECT id, name FROM account").fetchall())
        for name, account_id, left_on, next_on in conn.execute(
            "SELECT name, account_id, left_on, next_contact_on FROM stakeholder"
        ):
            _put(facts, f"person {name}", [accounts[account_id], left_on, next_on])
        reviews = {}
        for review_id, account_id, week, status, count in conn.execute(
            "SELECT id, account_id, week, status, close_count FROM review"
        ):
            reviews[review_id] = f"{accounts[account_id]} {week}"
            _put(facts, f"review {reviews[review_id]}", [status, count])
        for review_id, position, person_id, confirmed in conn.execute(
            "SELECT review_id, position, stakeholder_id, confirmed_in_role_on FROM review_slot"
        ):
            name = None if person_id is None else names[person_id]
            _put(facts, f"slot {reviews[review_id]} {position}", [name, confirmed])
        snapshots: dict[str, list[Any]] = {}
        for review_id, number, position, person_id, last in conn.execute(
            "SELECT review_id, close_number, position, stakeholder_id, last_contact_on"
            " FROM review_snapshot ORDER BY review_id, close_number, position"
        ):
            key = f"snap {reviews[review_id]} {number}"
            snapshots.setdefault(key, []).append([position, names[person_id], last])
        facts.update(snapshots)
        for review_id, action, number, reason in conn.execute(
            "SELECT review_id, action, close_number, reason FROM audit_log"
        ):
            _put(facts, f"audit {reviews[review_id]} {action} {number}", reason)
        for note, person_id, on, channel in conn.execute(
            "SELECT note, stakeholder_id, touched_on, channel FROM touch WHERE note LIKE ?",
            (TRACKED_NOTE + "%",),
        ):
            _put(facts, f"touch {note}", [names[person_id], on, channel])
        for tag, count in conn.execute(
            "SELECT substr(note, 1, instr(note, ' ') - 1), count(*) FROM touch"
            " WHERE note LIKE ? GROUP BY 1",
            (IMPORT_NOTE + "%",),
        ):
            facts[f"import {tag}"] = count
    finally:
        conn.execute("COMMIT")
    return facts


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """What `PRAGMA integrity_check` and `foreign_key_check` report (empty when sound)."""
    problems = []
    result = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
    if result != ["ok"]:
        problems.append(f"integrity_check: {result[:10]}")
    bad_keys = conn.execute("PRAGMA foreign_key_check").fetchall()
    if bad_keys:
        problems.append(f"foreign_key_check: {[tuple(r) for r in bad_keys[:10]]}")
    return problems


def rule_problems(facts: Mapping[str, Any]) -> list[str]:
    """Rules every state must keep, whatever was confirmed: a review has its five slots;
    each close has a snapshot of five and an audit row; each reopen an audit row."""
    problems = []
    for key, value in facts.items():
        if isinstance(value, list) and value[:1] == ["DUP"]:
            problems.append(f"{key}: {value[1]} rows where there must be one")
        if not key.startswith("review "):
            continue
        review = key.removeprefix("review ")
        status, count = value
        for position in range(1, 6):
            if f"slot {review} {position}" not in facts:
                problems.append(f"{review}: slot {position} is missing")
        for number in range(1, count + 1):
            snapshot = facts.get(f"snap {review} {number}", [])
            if [entry[0] for entry in snapshot] != [1, 2, 3, 4, 5]:
                problems.append(f"{review}: close {number} has a snapshot of {len(snapshot)}")
            if f"audit {review} review.closed {number}" not in facts:
                problems.append(f"{review}: close {number} has no audit row")
        reopened = count if status == "open" else count - 1
        for number in range(1, reopened + 1):
            if f"audit {review} review.reopened {number}" not in facts:
                problems.append(f"{review}: reopen after close {number} has no audit row")
        if f"snap {review} {count + 1}" in facts:
            problems.append(f"{review}: a snapshot of a close that did not happen")
    return problems


def check_database(path: Path) -> tuple[Facts, list[str]]:
    """Open `path` read-only (leaving any WAL for the next process to recover) and check it."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    try:
        problems = integrity_problems(conn)
        facts = read_facts(conn)
    finally:
        conn.close()
    return facts, problems + rule_problems(facts)


def explain(actual: Facts, expected: Facts, pending: Groups | None) -> int | None:
    """How many groups of the edit in flight are in the database (0 to all), or None when
    `actual` is neither the confirmed state nor that state plus a prefix of the groups."""
    candidate = dict(expected)
    if actual == candidate:
        return 0
    for applied, group in enumerate(pending or [], start=1):
        candidate.update(group)
        if actual == candidate:
            return applied
    return None


def difference(actual: Facts, expected: Facts, limit: int = 12) -> str:
    """The facts that differ, for a failure message."""
    lines = []
    for key in sorted(set(actual) | set(expected)):
        if actual.get(key, "<absent>") != expected.get(key, "<absent>"):
            lines.append(
                f"  {key}: expected {expected.get(key, '<absent>')!r},"
                f" found {actual.get(key, '<absent>')!r}"
            )
    more = f"\n  … {len(lines) - limit} more" if len(lines) > limit else ""
    return "\n".join(lines[:limit]) + more


# --- the child side of the protocol -----------------------------------------------------------


def say(kind: str, payload: object = None) -> None:
    """Write one protocol line and flush it at once."""
    text = kind if payload is None else f"{kind} {json.dumps(payload)}"
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def parse_line(line: str) -> tuple[str, Any]:
    kind, _, rest = line.partition(" ")
    if kind in {"W", "D"}:
        return kind, json.loads(rest)
    return kind, rest


# --- the facts an edit sets (the children announce these) ---------------------------------


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def review_of(view: Any) -> str:
    """A review's name in fact keys: "<account> <week>"."""
    return f"{view.account_name} {view.week}"


def _opened(view: Any) -> Facts:
    """An edit of a review not started yet creates it with five empty slots."""
    from accountreview.domain.enums import ReviewStatus

    if view.status is not ReviewStatus.NOT_STARTED:
        return {}
    review = review_of(view)
    facts: Facts = {f"review {review}": ["open", 0]}
    facts.update({f"slot {review} {p}": [None, None] for p in range(1, 6)})
    return facts


def slot_set(view: Any, position: int, name: str | None) -> Facts:
    """`set_slot`: the slot holds `name` (or nothing), not confirmed in role."""
    return {**_opened(view), f"slot {review_of(view)} {position}": [name, None]}


def slot_confirmed(view: Any, position: int, today: date) -> Facts:
    name = view.slots[position - 1].name
    return {f"slot {review_of(view)} {position}": [name, today.isoformat()]}


def touch_logged(person: Any, on: date, channel: str, note: str) -> Facts:
    return {f"touch {note}": [person.name, on.isoformat(), channel]}


def person_state(account: str, person: Any, **changes: date | None) -> Facts:
    """A stakeholder's left / next-contact dates after an edit (`left_on=`, `next_on=`)."""
    left_on = changes.get("left_on", person.left_on)
    next_on = changes.get("next_on", person.next_contact_on)
    return {f"person {person.name}": [account, _iso(left_on), _iso(next_on)]}


def person_left(this_week: Any, person: Any, today: date) -> Facts:
    """`mark_left`: left today, and out of any slot of this week's review if it is open."""
    from accountreview.domain.enums import ReviewStatus

    facts = person_state(this_week.account_name, person, left_on=today)
    if this_week.status is ReviewStatus.OPEN:
        for slot in this_week.slots:
            if slot.stakeholder_id == person.id:
                facts[f"slot {review_of(this_week)} {slot.position}"] = [None, None]
    return facts


def person_added(account: str, name: str) -> Facts:
    return {f"person {name}": [account, None, None]}


def review_closed(view: Any) -> Facts:
    """`close_review`: closed once more, the five frozen as they stand, an audit row."""
    review, number = review_of(view), view.close_count + 1
    snapshot = [[s.position, s.name, _iso(s.last_contact_on)] for s in view.slots]
    return {
        f"review {review}": ["closed", number],
        f"snap {review} {number}": snapshot,
        f"audit {review} review.closed {number}": None,
    }


def review_reopened(view: Any, reason: str) -> Facts:
    review, number = review_of(view), view.close_count
    return {
        f"review {review}": ["open", number],
        f"audit {review} review.reopened {number}": reason,
    }
