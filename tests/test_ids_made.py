"""Ids that are the same on every laptop: derived in `domain.ids`, used wherever a rep, a
stakeholder, a review, a slot or a CRM record is made (services, imports, both demos)."""

import os
import sqlite3
import uuid
from pathlib import Path

import pytest

from accountreview.domain import ids
from accountreview.domain.enums import RepRole
from accountreview.services import reviews
from accountreview.services.demo import LARGE_FACTOR_ENV, build_demo
from accountreview.services.importing import ImportOptions, import_file
from accountreview.services.lookup import resolve_account
from accountreview.services.reps import add_rep
from accountreview.services.workspace import Workspace, open_workspace
from conftest import TODAY, Seeded
from test_db import WEEK

SF = Path(__file__).resolve().parent.parent / "data" / "samples" / "salesforce"


def test_derived_ids_are_uuid5_of_the_project_namespace() -> None:
    """`domain.ids` hashes without building UUIDs (for the large demo's speed): the same."""
    expected = uuid.uuid5(ids.NAMESPACE, "review\x1fabc\x1f2026-W48").hex
    assert ids.review_id("abc", "2026-W48") == expected
    assert ids.slot_id(expected, 3) == uuid.uuid5(ids.NAMESPACE, f"slot\x1f{expected}\x1f3").hex
    assert len(ids.random_id()) == 32 and ids.random_id() != ids.random_id()


def wrong_ids(path: Path) -> list[str]:
    """Every rep, review and slot whose id is not the derived one, and every stakeholder
    whose id is neither derived from its CRM link nor from its account and email/name."""
    conn = sqlite3.connect(path)
    try:
        wrong = [
            f"rep {e}" for i, e in conn.execute("SELECT id, email FROM rep") if i != ids.rep_id(e)
        ]
        wrong += [
            f"review {a} {w}"
            for i, a, w in conn.execute("SELECT id, account_id, week FROM review")
            if i != ids.review_id(a, w)
        ]
        wrong += [
            f"slot {r} {p}"
            for i, r, p in conn.execute("SELECT id, review_id, position FROM review_slot")
            if i != ids.slot_id(r, p)
        ]
        for sid, account, email, name, source, crm in conn.execute(
            "SELECT id, account_id, email, name, crm_source, crm_id FROM stakeholder"
        ):
            first = ids.stakeholder_id(account, email, name)
            ok = sid in (first, ids.stakeholder_id(account, email, name, {first}.__contains__))
            if source is not None:  # else from the account: a contact that moved account
                ok = ok or sid == ids.crm_id_for("stakeholder", source, crm)
            if not ok:
                wrong.append(f"stakeholder {name}")
        return wrong
    finally:
        conn.close()


def test_the_services_make_derived_ids(db_path: Path, ws: Workspace, seeded: Seeded) -> None:
    account = resolve_account(ws, seeded.account_id)
    reviews.set_slot(ws, account, WEEK, 1, seeded.people["ceo"])
    assert seeded.rep_id == ids.rep_id("ann@example.com")
    assert seeded.people["ceo"] == ids.stakeholder_id(seeded.account_id, "ceo@acme.example", "")
    assert wrong_ids(db_path) == []
    review = ws.db.conn.execute("SELECT id FROM review").fetchone()[0]
    assert review == ids.review_id(seeded.account_id, str(WEEK))


def test_a_crm_import_makes_the_same_ids_in_two_files(tmp_path: Path) -> None:
    made: list[list[tuple[object, ...]]] = []
    for name in ("a.db", "b.db"):
        ws = open_workspace(tmp_path / name, TODAY, create=True)
        try:
            add_rep(ws, name="Rita Home", email="Rita@Example.com", role=RepRole.REP)
            for kind in ("User", "Account", "Contact", "Task"):
                import_file(ws, SF / f"{kind}.csv", options=ImportOptions(rep="Rita Home"))
            rows = ws.db.conn.execute(
                "SELECT 'account', id, crm_id FROM account UNION ALL"
                " SELECT 'stakeholder', id, crm_id FROM stakeholder UNION ALL"
                " SELECT 'touch', id, crm_id FROM touch ORDER BY 1, 2"
            ).fetchall()
            made.append([tuple(r) for r in rows])
            for table, row_id, crm in made[-1]:
                assert row_id == ids.crm_id_for(str(table), "salesforce", str(crm))
        finally:
            ws.close()
        assert wrong_ids(tmp_path / name) == []
    assert made[0] == made[1] and made[0]


@pytest.mark.parametrize("scale", ["demo", "large"])
def test_both_demos_make_derived_ids(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scale: str
) -> None:
    monkeypatch.setenv(LARGE_FACTOR_ENV, "0.002")
    path = tmp_path / f"{scale}.db"
    build_demo(path, TODAY, scale=scale, seed=3, progress=lambda *_: None)
    assert os.path.exists(path)
    assert wrong_ids(path) == []
