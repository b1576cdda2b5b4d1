"""The loudest risk is loud (a champion who left leads every list of flags and badges)
and the rebate flags are right (only with a rebate offered, by DESIGN.md's rule)."""

import json
import os
from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from accountreview.cli import app
from accountreview.db.accounts import AccountAggregates, AccountRow
from accountreview.domain.settings import DEFAULT_SETTINGS
from accountreview.services.badges import badges, loud_badge
from accountreview.services.facts import derive_facts
from accountreview.services.workspace import Workspace
from conftest import TODAY, Seeded

runner = CliRunner()
EXAMPLES = int(os.environ.get("ACCOUNTREVIEW_FUZZ_EXAMPLES", "200"))


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


# --- the loudest risk --------------------------------------------------------------


def test_a_champion_who_left_is_the_first_flag_of_accounts_and_queue(
    db_path: Path, ws: Workspace, seeded: Seeded
) -> None:
    # The seed's champion Gary Old left 30 days ago; the account has many other flags.
    code, stdout, _ = run(db_path, "accounts", "-f", "json")
    assert code == 0
    flags = json.loads(stdout)[0]["flags"]
    assert flags[0] == "champion left: Gary Old"
    assert len(flags) > 1  # and it leads the others (small deal, renewal shock, ...)
    assert json.loads(stdout)[0]["champions_left"] == ["Gary Old"]
    code, stdout, _ = run(db_path, "accounts")
    assert code == 0
    row = next(line for line in stdout.splitlines() if line.startswith("Acme Corp"))
    assert "champion left: Gary Old;" in row
    code, stdout, _ = run(db_path, "queue", "-f", "json")
    assert code == 0
    assert json.loads(stdout)["items"][0]["flags"][0] == "champion left: Gary Old"
    code, stdout, _ = run(db_path, "queue")
    assert code == 0
    assert "champion left: Gary Old" in stdout
    code, stdout, _ = run(db_path, "account", "show", "Acme Corp")
    assert "champion left: Gary Old" in stdout


def test_the_champion_left_badge_leads_and_goes_when_they_come_back(
    db_path: Path, ws: Workspace, seeded: Seeded
) -> None:
    from accountreview.services.facts import account_facts
    from accountreview.services.lookup import resolve_account

    facts = account_facts(ws, resolve_account(ws, "Acme Corp"))
    assert badges(facts)[0] == "champion left"
    assert loud_badge(facts) == "champion left"
    assert run(db_path, "stakeholder", "back", "Acme Corp", "Gary Old")[0] == 0
    facts = account_facts(ws, resolve_account(ws, "Acme Corp"))
    assert "champion left" not in badges(facts)
    assert loud_badge(facts) is None
    assert not any(f.startswith("champion left") for f in facts.flags)
    # A stakeholder who left who was not a champion is not the loudest risk.
    assert run(db_path, "stakeholder", "left", "Acme Corp", "Uma Reyes")[0] == 0
    assert loud_badge(account_facts(ws, resolve_account(ws, "Acme Corp"))) is None


# --- the rebate flags -----------------------------------------------------------------

DAYS = st.one_of(st.none(), st.integers(-200, 200).map(lambda n: TODAY + timedelta(days=n)))
REBATES = st.one_of(st.none(), st.just(0.0), st.floats(0.01, 100, allow_nan=False))


def _account(
    rebate: float | None, signed: date | None, live: date | None, paid: date | None
) -> AccountRow:
    return AccountRow(
        id="a1",
        name="Acme",
        rep_id="r1",
        rep_name="Ann Lee",
        is_top=False,
        potential=0,
        current=0,
        list_price=None,
        discount_pct=0.0,
        rebate_pct=rebate,  # type: ignore[arg-type]  # an empty cell may be stored as NULL
        uplift_pct=0.0,
        signed_on=signed,
        live_on=live,
        paid_on=paid,
        lost_on=None,
        churned_on=None,
        contract=None,
        contract_start=None,
        cio_signoff_on=None,
        procurement_signoff_on=None,
        penetration_target_pct=None,
    )


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rebate=REBATES, signed=DAYS, live=DAYS, paid=DAYS, shift=st.integers(-100, 100))
def test_rebate_flags_follow_the_rule_and_need_a_rebate(
    rebate: float | None, signed: date | None, live: date | None, paid: date | None, shift: int
) -> None:
    today = TODAY + timedelta(days=shift)
    facts = derive_facts(
        _account(rebate, signed, live, paid), AccountAggregates(), today, DEFAULT_SETTINGS
    )
    flags = [f for f in facts.flags if "rebate" in f]
    marks = [b for b in badges(facts) if "rebate" in b]
    offered = rebate is not None and rebate > 0
    running = offered and signed is not None and signed <= today
    if not running:  # no rebate, or not signed yet: nothing about a rebate, anywhere
        assert (flags, marks) == ([], [])
        assert (facts.rebate_deadline, facts.rebate_earned, facts.rebate_days_left) == (None,) * 3
        return
    assert signed is not None
    deadline = signed + timedelta(days=60)
    assert facts.rebate_deadline == deadline
    assert facts.rebate_earned is (live is not None and live <= deadline)
    if live is not None and live <= today:  # live: the countdown is over
        assert (flags, marks, facts.rebate_days_left) == ([], [], None)
        return
    left = (deadline - today).days
    assert facts.rebate_days_left == left
    if left >= 0:
        assert flags == [f"rebate: {left} days left to go live"]
        assert marks == [f"rebate {left}d"]
    else:
        assert flags == ["rebate deadline missed"]
        assert marks == ["rebate missed"]


def test_paid_but_not_live_without_a_rebate_is_not_flagged(
    db_path: Path, ws: Workspace, seeded: Seeded
) -> None:
    for rebate in (0, None):
        ws.db.conn.execute(
            "UPDATE account SET rebate_pct = coalesce(?, 0), signed_on = '2026-01-05',"
            " live_on = NULL, paid_on = '2026-02-01' WHERE id = ?",
            (rebate, seeded.account_id),
        )
        code, stdout, _ = run(db_path, "accounts", "-f", "json")
        assert code == 0
        data = json.loads(stdout)[0]
        assert not [f for f in data["flags"] if "rebate" in f], data["flags"]
        assert (data["rebate_deadline"], data["rebate_days_left"]) == (None, None)
    ws.db.conn.execute("UPDATE account SET rebate_pct = 5 WHERE id = ?", (seeded.account_id,))
    data = json.loads(run(db_path, "accounts", "-f", "json")[1])[0]
    assert "rebate deadline missed" in data["flags"]  # offered, signed in January, not live
    assert data["rebate_deadline"] == "2026-03-06"
