"""An account with a long history: what is read per key (the in-person figures, the
champions who left, the timeline a page at a time) equals a recomputation from every
row, whatever the channels, dates, ties and departures."""

import random
from datetime import date, timedelta

from accountreview.db import stakeholders as stakeholder_queries
from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import Channel, Level, Role
from accountreview.services import reviews
from accountreview.services.facts import account_facts
from accountreview.services.history import TOUCH_PAGE, account_history, touch_page
from accountreview.services.lookup import resolve_account
from accountreview.services.stakeholders import log_touch
from accountreview.services.workspace import Workspace
from conftest import TODAY, Seeded

WEEK = IsoWeek.of(TODAY)


def add_history(ws: Workspace, seeded: Seeded, rng: random.Random, touches: int) -> None:
    """Random people (some gone, some champions) and touches on few days (many ties),
    some after today (not yet counted), in every channel."""
    with ws.db.write() as conn:
        people = list(seeded.people.values())
        for n in range(12):
            gone = rng.random() < 0.3
            people.append(
                stakeholder_queries.insert_stakeholder(
                    conn,
                    account_id=seeded.account_id,
                    name=f"Random Person {n}",
                    email=None,
                    title=None,
                    level=rng.choice(list(Level)),
                    role=rng.choice([Role.CHAMPION, Role.USER, Role.FINANCE]),
                    left_on=TODAY - timedelta(days=rng.randrange(-20, 60)) if gone else None,
                )
            )
        rows = [
            stakeholder_queries.touch_row(
                stakeholder_id=rng.choice(people),
                on=TODAY - timedelta(days=rng.randrange(-15, 400, 7)),
                channel=rng.choice(list(Channel)),
                note=f"note {n}",
                logged_by_id=seeded.rep_id,
                created_at=f"2026-0{rng.randrange(1, 9)}-01T10:00:00Z",
            )
            for n in range(touches)
        ]
        stakeholder_queries.insert_touches(conn, rows)


def every_touch(ws: Workspace, account_id: str) -> list[tuple[str, str, str, int, str]]:
    """(date, channel, created_at, rowid, name) of each touch, by plain Python."""
    rows = ws.db.conn.execute(
        "SELECT t.touched_on, t.channel, t.created_at, t.rowid, s.name FROM touch t, stakeholder s"
        " WHERE s.id = t.stakeholder_id AND s.account_id = ?",
        (account_id,),
    ).fetchall()
    return [tuple(r) for r in rows]


def test_in_person_figures_equal_a_recomputation(ws: Workspace, seeded: Seeded) -> None:
    for seed in range(5):
        add_history(ws, seeded, random.Random(seed), touches=150)
        account = resolve_account(ws, seeded.account_id)
        counted = [t for t in every_touch(ws, account.id) if t[0] <= TODAY.isoformat()]
        met = [t[0] for t in counted if t[1] == Channel.IN_PERSON.value]
        facts = account_facts(ws, account)
        assert facts.in_person_share == len(met) / len(counted)
        assert facts.last_in_person == date.fromisoformat(max(met))
        assert (
            stakeholder_queries.last_in_person_on(ws.db.conn, account.id, TODAY)
            == facts.last_in_person
        )


def test_a_contact_logged_shows_in_the_facts_at_once(ws: Workspace, seeded: Seeded) -> None:
    """The facts are kept while nothing is written: a touch logged is never missed."""
    add_history(ws, seeded, random.Random(7), touches=40)
    account = resolve_account(ws, seeded.account_id)
    before = account_facts(ws, account)
    person = stakeholder_queries.get_stakeholder(ws.db.conn, seeded.people["user"], TODAY)
    assert person is not None
    log_touch(ws, person, on=TODAY, channel=Channel.IN_PERSON)
    after = account_facts(ws, account)
    assert after.last_in_person == TODAY
    assert after.in_person_share is not None and before.in_person_share is not None
    assert after.in_person_share > before.in_person_share


def test_the_review_names_every_champion_who_left_and_no_one_else(
    ws: Workspace, seeded: Seeded
) -> None:
    add_history(ws, seeded, random.Random(3), touches=20)
    account = resolve_account(ws, seeded.account_id)
    gone = sorted(
        p.name
        for p in stakeholder_queries.list_stakeholders(ws.db.conn, account.id, TODAY)
        if p.role is Role.CHAMPION and p.left_on is not None and p.left_on <= TODAY
    )
    assert gone  # the seed's Gary Old at least
    view = reviews.review_view(ws, account, WEEK)
    named = [r for r in view.risks if r.endswith("has left the company")]
    assert named == [f"Champion {name} has left the company" for name in gone]


def test_the_timeline_read_a_page_at_a_time_is_every_touch_once_in_order(
    ws: Workspace, seeded: Seeded
) -> None:
    add_history(ws, seeded, random.Random(11), touches=3 * TOUCH_PAGE + 17)
    expected = sorted(every_touch(ws, seeded.account_id), key=lambda t: (t[0], t[2], t[3]))
    expected.reverse()
    history = account_history(ws, seeded.account_id)
    shown = list(history.touches)
    assert len(shown) == TOUCH_PAGE
    while True:
        page = touch_page(ws, seeded.account_id, shown[-1].key)
        if not page:
            break
        shown += page
    assert [(t.on.isoformat(), t.channel, t.name) for t in shown] == [
        (t[0], t[1], t[4]) for t in expected
    ]
    assert len({t.key for t in shown}) == len(expected)
