"""Schema 0004 on a file made by the previous version: derived ids everywhere (frozen rows
included), the record re-sealed as this device's chains, nothing lost, a second upgrade
changes nothing, and a broken chain stops the upgrade with nothing changed."""

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from accountreview.cli import app
from accountreview.db.chain import seal
from accountreview.db.migrate import upgrade_to_head
from accountreview.db.rekey import rekey
from accountreview.domain import ids
from conftest import content_hash
from test_ids_made import wrong_ids

runner = CliRunner()
FIXTURES = Path(__file__).resolve().parent / "fixtures"

# Every column holding an id, by the kind of row it names (the test's own list).
ID_COLUMNS: dict[str, dict[str, str]] = {
    "rep": {"id": "rep", "manager_id": "rep"},
    "account": {"id": "account", "rep_id": "rep"},
    "stakeholder": {"id": "stakeholder", "account_id": "account"},
    "touch": {"id": "touch", "stakeholder_id": "stakeholder", "logged_by_id": "rep"},
    "review": {
        "id": "review",
        "account_id": "account",
        "opened_by_id": "rep",
        "closed_by_id": "rep",
    },
    "review_slot": {"id": "review_slot", "review_id": "review", "stakeholder_id": "stakeholder"},
    "review_snapshot": {"id": "snapshot", "review_id": "review", "stakeholder_id": "stakeholder"},
    "audit_log": {"id": "audit", "actor_id": "rep", "account_id": "account", "review_id": "review"},
}
CHAINED_ONLY = {"origin", "hash"}  # re-sealed: the record's own columns, checked by `check`


def run(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), *args])
    return result.exit_code, result.stdout, result.stderr


def _behind_triggers(conn: sqlite3.Connection, sql: str) -> None:
    """Run `sql` with every trigger set aside, then put them back as they were."""
    saved = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _sql in saved:
        conn.execute(f"DROP TRIGGER {name}")
    conn.executescript(sql)
    for _name, statement in saved:
        conn.execute(statement)


def _extra_rows() -> str:
    """A second account with an open review, two people sharing one email (a deliberate
    duplicate), one with no email, and a CRM-linked contact and account."""
    people = [
        ("p1", "Dana Twin", "'twin@b.example'"),
        ("p2", "Dana Twin Jr", "'TWIN@b.example'"),
        ("p3", "No Mail", "NULL"),
        ("p4", "Linked Person", "'linked@b.example'"),
        ("p5", "Fifth Person", "'five@b.example'"),
    ]
    sql = (
        "INSERT INTO rep (id, name, email, role, manager_id, created_at) SELECT"
        " 'm1', 'Mo Manager', 'MO@example.com', 'manager', NULL, '2026-01-01';"
        "UPDATE rep SET manager_id = 'm1' WHERE id != 'm1';"
        "INSERT INTO account (id, name, rep_id, is_top, potential, current, discount_pct,"
        " rebate_pct, uplift_pct, created_at, crm_source, crm_id) SELECT 'b1', 'Beta Ltd',"
        " id, 1, 100, 10, 0, 0, 0, '2026-01-02', 'salesforce', '001B' FROM rep"
        " WHERE id != 'm1' LIMIT 1;"
        "INSERT INTO review (id, account_id, week, status, close_count, opened_at)"
        " VALUES ('v2', 'b1', '2026-W48', 'open', 0, '2026-11-23');"
    )
    for n, (key, name, email) in enumerate(people, start=1):
        crm = "'salesforce', '003X'" if key == "p4" else "NULL, NULL"
        sql += (
            "INSERT INTO stakeholder (id, account_id, name, email, created_at, crm_source, crm_id)"
            f" VALUES ('{key}', 'b1', '{name}', {email}, '2026-01-0{n}', {crm});"
            "INSERT INTO touch (id, stakeholder_id, touched_on, channel, created_at)"
            f" VALUES ('t{key}', '{key}', '2026-11-1{n}', 'video', '2026-11-1{n}');"
            "INSERT INTO review_slot (id, review_id, position, stakeholder_id, updated_at)"
            f" VALUES ('s{key}', 'v2', {n}, '{key}', '2026-11-23');"
        )
    return sql


@pytest.fixture
def old_file(tmp_path: Path) -> Path:
    """A file of the previous version (0003): the 0001 fixture's closed, reopened and
    closed-again review (its snapshots and audit entries), plus `_extra_rows`."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript((FIXTURES / "schema-0001.sql").read_text())
    conn.close()
    upgrade_to_head(path, "0003")
    conn = sqlite3.connect(path, isolation_level=None)
    _behind_triggers(conn, _extra_rows())
    assert seal(conn, "0003") == 0  # the record was chained by 0003 already
    conn.close()
    return path


def _rows(path: Path) -> dict[str, dict[int, dict[str, object]]]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return {
            table: {r["rowid"]: dict(r) for r in conn.execute(f"SELECT rowid, * FROM {table}")}
            for table in ID_COLUMNS
        }
    finally:
        conn.close()


def _renaming(
    before: dict[str, dict[int, dict[str, object]]], after: dict[str, dict[int, dict[str, object]]]
) -> Iterator[str]:
    """Every difference between two files that is not one consistent renaming of ids."""
    names: dict[str, dict[object, object]] = {}
    for table, kinds in ID_COLUMNS.items():
        old_rows = sorted(before[table].values(), key=lambda r: str(r.get("seq") or r["id"]))
        new_rows = sorted(after[table].values(), key=lambda r: str(r.get("seq") or ""))
        if table != "review_snapshot":  # rebuilt by 0004: its rows are matched by seq
            old_rows = [before[table][k] for k in sorted(before[table])]
            new_rows = [after[table][k] for k in sorted(after[table])]
        if len(old_rows) != len(new_rows):
            yield f"{table}: {len(old_rows)} rows before, {len(new_rows)} after"
            continue
        for old, new in zip(old_rows, new_rows, strict=True):
            for column, value in old.items():
                if column == "rowid" or column in CHAINED_ONLY:
                    continue
                if column not in kinds:
                    if new[column] != value:
                        yield f"{table}.{column}: {value!r} became {new[column]!r}"
                    continue
                seen = names.setdefault(kinds[column], {})
                if value is not None and seen.setdefault(value, new[column]) != new[column]:
                    yield f"{table}.{column}: {value!r} renamed two ways"
                if (value is None) != (new[column] is None):
                    yield f"{table}.{column}: {value!r} became {new[column]!r}"
    for kind, renamed in names.items():
        if len(set(renamed.values())) != len(renamed):
            yield f"two {kind} ids became one"


def test_an_0003_file_upgrades_to_derived_ids_with_nothing_lost(old_file: Path) -> None:
    before = _rows(old_file)
    code, out, err = run(old_file, "db", "upgrade")
    assert code == 0, err
    assert "from schema 0003 to 0007" in out  # 0004 to 0007
    assert list(_renaming(before, _rows(old_file))) == []
    assert wrong_ids(old_file) == []
    conn = sqlite3.connect(old_file)
    for rid, account, week in conn.execute("SELECT id, account_id, week FROM review"):
        assert rid == ids.review_id(account, week)
    beta = ids.crm_id_for("account", "salesforce", "001B")
    twins = conn.execute(
        "SELECT id FROM stakeholder WHERE account_id = ? AND email LIKE 'twin@%'"
        " ORDER BY created_at",
        (beta,),
    ).fetchall()
    first = ids.stakeholder_id(beta, "twin@b.example", "")
    assert [r[0] for r in twins] == [
        first,
        ids.stakeholder_id(beta, "twin@b.example", "", {first}.__contains__),
    ]
    linked = conn.execute("SELECT id FROM stakeholder WHERE crm_id = '003X'").fetchone()[0]
    assert linked == ids.crm_id_for("stakeholder", "salesforce", "003X")
    assert conn.execute("SELECT id FROM account WHERE crm_id = '001B'").fetchone()[0] == beta
    device = conn.execute("SELECT value FROM sync_state WHERE key = 'device'").fetchone()[0]
    for table in ("review_snapshot", "audit_log"):
        assert conn.execute(f"SELECT DISTINCT origin FROM {table}").fetchall() == [(device,)]
    remembered = conn.execute("SELECT value FROM app_meta WHERE key = 'current_rep_id'")
    assert remembered.fetchall() in ([], [(r,) for (r,) in conn.execute("SELECT id FROM rep")][:1])
    conn.close()
    code, out, err = run(old_file, "check")
    assert code == 0, err + out


def test_a_second_upgrade_and_a_second_rekey_change_nothing(old_file: Path) -> None:
    assert run(old_file, "db", "upgrade")[0] == 0
    once = content_hash(old_file)
    code, out, _err = run(old_file, "db", "upgrade")
    assert code == 0 and "up to date" in out
    assert content_hash(old_file) == once
    conn = sqlite3.connect(old_file, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    assert set(rekey(conn).values()) == {0}
    conn.execute("COMMIT")
    conn.close()
    assert content_hash(old_file) == once


def test_a_broken_chain_stops_the_upgrade_with_nothing_changed(old_file: Path) -> None:
    conn = sqlite3.connect(old_file, isolation_level=None)
    _behind_triggers(conn, "UPDATE audit_log SET reason = 'nicer' WHERE seq = 2;")
    conn.close()
    before = content_hash(old_file)
    code, _out, err = run(old_file, "db", "upgrade")
    assert code == 3, err
    assert "hash chains are broken" in err and "audit_log: entry 2 does not match" in err
    assert "Nothing was changed" in err and "Traceback" not in err
    assert content_hash(old_file) == before
    conn = sqlite3.connect(old_file)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0003"
    conn.close()


def test_reps_whose_emails_differ_only_in_case_stop_the_upgrade(old_file: Path) -> None:
    conn = sqlite3.connect(old_file, isolation_level=None)
    conn.execute(
        "INSERT INTO rep (id, name, email, role, created_at)"
        " VALUES ('dup', 'Mo Again', 'mo@EXAMPLE.com', 'rep', '2026-01-03')"
    )
    conn.close()
    before = content_hash(old_file)
    code, _out, err = run(old_file, "db", "upgrade")
    assert code != 0 and "the same email in another case" in err and "Traceback" not in err
    assert content_hash(old_file) == before
