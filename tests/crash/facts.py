"""Facts: what the database must hold, read whole from a database or announced by an edit.

A fact is one thing, named by a readable key, with a JSON value:

    review <account> <week>                 [status, close count]
    slot <account> <week> <position>        [stakeholder name or null, confirmed-in-role date]
    snap <account> <week> <close number>    [[position, name, last contact], ... five]
    audit <account> <week> <action> <n>     the reason (null for a close)
    person <name>                           [account, left on, next contact on]
    touch <note>                            [name, on, channel] (notes starting "k:")
    import imp-<tag>                        rows of that import file in the database
    sync hub / sync outbox rows / sync conflicts   schema 0004's sync tables (no hub: None, 0, 0)

`read_facts` reads every fact of a database in one snapshot, so a test compares
the whole state with what was confirmed, not a sample of it; a row that must be
unique but is not shows as ["DUP", count]. The functions at the end give the
facts that one edit sets, computed from what the rep saw before making it; the
first edit of a review also creates it, with the slots `started` gives by the
app's own carry-over rule.
"""

import sqlite3
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from accountreview.domain.carry_over import Candidate, Carry, carry_over
from accountreview.domain.enums import ReviewStatus
from accountreview.domain.settings import DEFAULT_SETTINGS, Settings

if TYPE_CHECKING:
    from accountreview.db.stakeholders import StakeholderRow
    from accountreview.services.reviews import ReviewView

Facts = dict[str, Any]
Groups = list[Facts]  # an edit's facts, one group per transaction

TRACKED_NOTE = "k:"  # touches logged by a child: their note starts with this
IMPORT_NOTE = "imp-"  # touches of a generated import file: "imp-<tag> <row>"


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
        facts.update(_sync_facts(conn))
    finally:
        conn.execute("COMMIT")
    return facts


def _sync_facts(conn: sqlite3.Connection) -> Facts:
    """Schema 0004's sync tables: with no hub set (as here) the outbox triggers add
    nothing, so a state holds no outbox row and no conflict, and no edit changes that."""
    hub = conn.execute("SELECT value FROM sync_state WHERE key = 'hub'").fetchone()
    return {
        "sync hub": None if hub is None else hub[0],
        "sync outbox rows": conn.execute("SELECT count(*) FROM sync_outbox").fetchone()[0],
        "sync conflicts": conn.execute("SELECT count(*) FROM sync_conflict").fetchone()[0],
    }


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
    """Read every fact of `path`, and what is wrong with it: integrity, foreign keys, rules.

    The connection is read-only, so it leaves a crashed process's WAL in place for
    the next process to recover (a read-write one would checkpoint it on close)."""
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


# --- the facts an edit sets ------------------------------------------------------------------


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def review_of(view: "ReviewView") -> str:
    """A review's name in fact keys: "<account> <week>"."""
    return f"{view.account_name} {view.week}"


def read_state(path: Path) -> Facts:
    """Every fact of `path` (read-only, like `check_database`, without its checks)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    try:
        return read_facts(conn)
    finally:
        conn.close()


def last_closed_five(state: Facts, account: str, week: str) -> list[Candidate]:
    """The five of `account`'s last closed review before `week`, as the state knows them
    today; a person's name stands for their id (names are unique in these databases)."""
    prefix = f"review {account} "
    closed = [
        key.removeprefix(prefix)
        for key, value in state.items()
        if key.startswith(prefix) and value[:1] == ["closed"]
    ]
    earlier = sorted(w for w in closed if " " not in w and w < week)
    if not earlier:
        return []
    last = earlier[-1]
    count = state[f"review {account} {last}"][1]
    candidates = []
    for position, name, _ in state.get(f"snap {account} {last} {count}", []):
        person = state.get(f"person {name}")
        left_on = None if person is None or person[1] is None else date.fromisoformat(person[1])
        at_account = person is not None and person[0] == account
        candidates.append(Candidate(position, name, name, left_on, at_account))
    return candidates


def started(
    view: "ReviewView", path: Path, today: date, settings: Settings = DEFAULT_SETTINGS
) -> Facts:
    """What the first edit of a review not started yet creates (nothing for one started):
    the review, and its slots as the app's carry-over rule (`domain.carry_over`) gives
    them from the last closed five in the database at `path`, each not confirmed."""
    if view.status is not ReviewStatus.NOT_STARTED:
        return {}
    review = review_of(view)
    facts: Facts = {f"review {review}": ["open", 0]}
    for carry in carried(read_state(path), review, today, settings):
        facts[f"slot {review} {carry.position}"] = [carry.stakeholder_id, None]
    return facts


def carried(
    state: Facts, review: str, today: date, settings: Settings = DEFAULT_SETTINGS
) -> list[Carry]:
    """What each slot of `review` ("<account> <week>") starts with in `state`, by the
    app's rule; a carried person is named by their name."""
    account, week = review.rsplit(" ", 1)
    return carry_over(last_closed_five(state, account, week), today, settings)


def slot_set(view: "ReviewView", position: int, name: str | None, *, start: Facts) -> Facts:
    """`set_slot`: the slot holds `name` (or nothing), not confirmed in role; `start` is
    what the edit creates first when the review is not started yet (see `started`)."""
    return {**start, f"slot {review_of(view)} {position}": [name, None]}


def slot_confirmed(view: "ReviewView", position: int, today: date, *, start: Facts) -> Facts:
    """`confirm_in_role`: the person in the slot (carried over, say) is confirmed today."""
    name = view.slots[position - 1].name
    return {**start, f"slot {review_of(view)} {position}": [name, today.isoformat()]}


def touch_logged(person: "StakeholderRow", on: date, channel: str, note: str) -> Facts:
    return {f"touch {note}": [person.name, on.isoformat(), channel]}


def person_state(account: str, person: "StakeholderRow", **changes: date | None) -> Facts:
    """A stakeholder's left / next-contact dates after an edit (`left_on=`, `next_on=`)."""
    left_on = changes.get("left_on", person.left_on)
    next_on = changes.get("next_on", person.next_contact_on)
    return {f"person {person.name}": [account, _iso(left_on), _iso(next_on)]}


def person_left(this_week: "ReviewView", person: "StakeholderRow", today: date) -> Facts:
    """`mark_left`: left today, and out of any slot of this week's review if it is open."""
    facts = person_state(this_week.account_name, person, left_on=today)
    if this_week.status is ReviewStatus.OPEN:
        for slot in this_week.slots:
            if slot.stakeholder_id == person.id:
                facts[f"slot {review_of(this_week)} {slot.position}"] = [None, None]
    return facts


def person_added(account: str, name: str) -> Facts:
    return {f"person {name}": [account, None, None]}


def review_closed(view: "ReviewView") -> Facts:
    """`close_review`: closed once more, the five frozen as they stand, an audit row."""
    review, number = review_of(view), view.close_count + 1
    snapshot = [[s.position, s.name, _iso(s.last_contact_on)] for s in view.slots]
    return {
        f"review {review}": ["closed", number],
        f"snap {review} {number}": snapshot,
        f"audit {review} review.closed {number}": None,
    }


def review_reopened(view: "ReviewView", reason: str) -> Facts:
    review, number = review_of(view), view.close_count
    return {
        f"review {review}": ["open", number],
        f"audit {review} review.reopened {number}": reason,
    }
