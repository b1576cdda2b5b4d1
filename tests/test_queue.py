"""A rep's queue: top accounts plus lost accounts whose follow-up is due, by attention."""

from datetime import timedelta
from pathlib import Path

from typer.testing import CliRunner

from accountreview.cli import app
from accountreview.db import accounts as account_queries
from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import ReviewStatus
from accountreview.services import reviews
from accountreview.services.lookup import resolve_account
from accountreview.services.queue import queue_for
from accountreview.services.workspace import Workspace
from conftest import TODAY, Seeded

WEEK = IsoWeek.of(TODAY)


def add(ws: Workspace, seeded: Seeded, name: str, **values: object) -> str:
    with ws.db.write() as conn:
        return account_queries.insert_account(
            conn, {"name": name, "rep_id": seeded.rep_id, **values}
        )


def close_for_real(ws: Workspace, account_id: str, week: IsoWeek) -> None:
    """Close the account's review of `week` the way the app does (five people, each
    contacted), since the database refuses a review written as closed by SQL."""
    from accountreview.domain.enums import Channel, Level, Role
    from accountreview.services import stakeholders as people

    account = resolve_account(ws, account_id)
    roles = (Role.CHAMPION, Role.EXECUTIVE_SPONSOR, Role.CIO_OFFICE, Role.PROCUREMENT, Role.USER)
    for position, role in enumerate(roles, start=1):
        person = people.add_stakeholder(
            ws, account, name=f"Person {position}", level=Level.MANAGER, role=role
        )
        people.log_touch(ws, person, on=TODAY - timedelta(days=3), channel=Channel.PHONE)
        reviews.set_slot(ws, account, week, position, person.id)
    reviews.close_review(ws, account, week)


def test_queue_has_top_accounts_and_due_follow_ups(ws: Workspace, seeded: Seeded) -> None:
    add(ws, seeded, "Beta Top", is_top=1, potential=50_000, current=40_000)
    add(ws, seeded, "Not Top", potential=50_000)
    add(ws, seeded, "Lost 90", lost_on=(TODAY - timedelta(days=90)).isoformat())
    add(ws, seeded, "Lost 100", lost_on=(TODAY - timedelta(days=150)).isoformat())
    add(ws, seeded, "Lost 180", lost_on=(TODAY - timedelta(days=182)).isoformat())
    queue = queue_for(ws, seeded.rep_id, WEEK)
    names = [i.facts.account.name for i in queue.items]
    assert set(names) == {"Acme Corp", "Beta Top", "Lost 90", "Lost 180"}
    reasons = {i.facts.account.name: i.reason for i in queue.items}
    assert reasons["Lost 90"] == f"lost: follow-up due {TODAY.isoformat()}"
    assert reasons["Acme Corp"] == "top account"
    # Counted as the audit counts: the two top accounts; the follow-ups are listed.
    assert queue.headline == "0 of 2 closed · +2 lost follow-ups"
    # Acme has more flags than Beta: it needs attention first.
    assert names.index("Acme Corp") < names.index("Beta Top")


def test_closed_reviews_sink_to_the_bottom(ws: Workspace, seeded: Seeded) -> None:
    beta = add(ws, seeded, "Beta Top", is_top=1, potential=50_000, current=40_000)
    reviews.open_review(ws, resolve_account(ws, beta), WEEK)
    queue = queue_for(ws, seeded.rep_id, WEEK)
    assert [i.status for i in queue.items] == [ReviewStatus.NOT_STARTED, ReviewStatus.OPEN]


def test_follow_up_reviewed_already_leaves_the_queue(ws: Workspace, seeded: Seeded) -> None:
    lost = add(ws, seeded, "Lost 90", lost_on=(TODAY - timedelta(days=90)).isoformat())
    assert "Lost 90" in [i.facts.account.name for i in queue_for(ws, seeded.rep_id, WEEK).items]
    close_for_real(ws, lost, WEEK.next())
    assert "Lost 90" not in [i.facts.account.name for i in queue_for(ws, seeded.rep_id, WEEK).items]


def test_follow_up_closed_this_week_stays_in_the_queue_as_closed(
    ws: Workspace, seeded: Seeded
) -> None:
    """Closing it must not make it vanish: it stays, shown closed. It is not one of the
    reviews the week counts (top accounts, as in the audit), and the headline says so."""
    lost = add(ws, seeded, "Lost 90", lost_on=(TODAY - timedelta(days=90)).isoformat())
    before = queue_for(ws, seeded.rep_id, WEEK)
    assert before.headline == "0 of 1 closed · +1 lost follow-up"
    close_for_real(ws, lost, WEEK)
    after = queue_for(ws, seeded.rep_id, WEEK)
    assert after.headline == "0 of 1 closed · +1 lost follow-up"
    statuses = {i.facts.account.name: i.status for i in after.items}
    assert statuses["Lost 90"] is ReviewStatus.CLOSED


def test_queue_command(db_path: Path, seeded: Seeded) -> None:
    result = CliRunner().invoke(app, ["--db", str(db_path), "queue"])
    assert result.exit_code == 0, result.stderr
    assert f"Ann Lee — week {WEEK}: 0 of 1 closed" in result.stdout
    assert "Acme Corp" in result.stdout


def test_queue_command_honours_rep_over_the_remembered_one(db_path: Path, seeded: Seeded) -> None:
    runner = CliRunner()
    code = runner.invoke(
        app, ["--db", str(db_path), "rep", "add", "Bo Ray", "--email", "bo@example.com", "--me"]
    ).exit_code
    assert code == 0
    result = runner.invoke(app, ["--db", str(db_path), "--rep", "Ann Lee", "queue"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("Ann Lee")
    result = runner.invoke(app, ["--db", str(db_path), "queue"])
    assert result.stdout.startswith("Bo Ray")
