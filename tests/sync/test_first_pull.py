"""The first pull into an empty file (services/sync/pull.py, db/sync/first_pull.py): one
hub snapshot bulk-loaded ends exactly as the batched pull would leave the file, with the
schema intact, nothing in the outbox, `check` passing; and a pull that cannot be whole
keeps nothing."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from accountreview.db import bulk
from accountreview.db.sync import apply_pulled, get_state
from accountreview.db.sync.first_pull import load_first_pull
from accountreview.hub.connect import connect
from accountreview.hub.pull import Chunk, Snapshot, pull_all
from accountreview.services.workspace import open_workspace
from conftest import TODAY
from sync.team import SYNCED, Laptop, Team, hub_rows, import_account, outbox_count, person_name


def busy_history(team: Team) -> Laptop:
    """Ann's laptop with two accounts, a review closed, reopened and closed again, synced."""
    ann = team.laptop("ann", "ann-history")
    assert ann.sync_cli()[0] == 0
    import_account(ann, "Acme")
    import_account(ann, "Globex", people=7)
    five = [f"--slot={n}={person_name('Acme', n)}" for n in range(1, 6)]
    for args in (
        [*five, "--close"],
        ["--reopen", "--reason", "one more call"],
        [f"--slot=5={person_name('Acme', 6)}", "--close"],
    ):
        code, out, err = ann.cli("review", "Acme", *args)
        assert code == 0, out + err
    assert ann.sync_cli()[0] == 0
    return ann


def hub_reads(
    monkeypatch: pytest.MonkeyPatch, change: Callable[[Iterator[Chunk]], Iterator[Chunk]]
) -> None:
    """The first pull's hub reader (`Snapshot.chunks`) gives `change` of what the hub
    sends (a row dropped, a chunk twice, the hub lost mid-read)."""
    real = Snapshot.chunks
    monkeypatch.setattr(Snapshot, "chunks", lambda self: change(real(self)))


def batched_pull(team: Team, path: Path) -> None:
    """The batched path (`engine._pull` for a file that has rows), 3 numbers a batch so
    children come before their parents' newest numbers."""
    ws = open_workspace(path, TODAY, create=True)
    try:
        with connect(team.url("ann")) as hub:
            for batch in pull_all(hub, 0, 3):
                with ws.db.write() as conn:
                    apply_pulled(conn, batch.rows, batch.cursor)
    finally:
        ws.close()


def test_a_bulk_first_pull_ends_as_the_batched_pull_and_as_the_hub(team: Team) -> None:
    busy_history(team)
    batched = team.laptop("ann", "ann-batched")
    batched_pull(team, batched.path)
    schema = bulk.schema_objects(open_workspace(batched.path, TODAY).db.conn)
    fresh = team.laptop("ann", "ann-bulk")
    code, report, err = fresh.sync_cli()
    assert code == 0, err
    assert report is not None and report["first_pull"] and report["pulled"] > 40
    with team.hub_as("ann") as hub:
        for table in SYNCED:
            assert fresh.rows(table) == batched.rows(table) == hub_rows(hub, table), table
    ws = open_workspace(fresh.path, TODAY)
    try:
        assert bulk.schema_objects(ws.db.conn) == schema  # indexes and triggers back
        cursor = get_state(ws.db.conn, "cursor")
    finally:
        ws.close()
    ws = open_workspace(batched.path, TODAY)
    try:
        assert cursor == get_state(ws.db.conn, "cursor") and cursor not in (None, "0")
    finally:
        ws.close()
    assert outbox_count(fresh.path) == 0  # the outbox triggers did not fire
    code, out, err = fresh.cli("check")
    assert code == 0, out + err
    code, report, err = fresh.sync_cli()
    assert (code, report and report["pushed"], report and report["pulled"]) == (0, 0, 0), err


def chunk(table: str, rows: list[dict[str, Any]]) -> tuple[str, list[str], list[list[Any]]]:
    """`rows` (dicts of one table, all with the same columns) as the hub's reader gives
    them: the columns, and each row's values in their order."""
    columns = list(rows[0])
    return table, columns, [[row[c] for c in columns] for row in rows]


def test_a_first_pull_whose_rows_point_at_rows_it_lacks_keeps_nothing(
    team: Team, tmp_path: Path
) -> None:
    ann = busy_history(team)
    ws = open_workspace(tmp_path / "dangling.db", TODAY, create=True)
    try:
        touches = [dict(r, id=f"{n:032x}") for n, r in enumerate(ann.rows("touch")[:2])]
        chunks = [chunk("touch", [dict(t, stakeholder_id="f" * 32) for t in touches])]
        with pytest.raises(ValueError, match="parents it did not send: touch row"):
            load_first_pull(ws.db, chunks, lambda: 7)
        assert ws.db.conn.execute("SELECT count(*) FROM touch").fetchone()[0] == 0
        assert get_state(ws.db.conn, "cursor") is None
        assert ws.db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    finally:
        ws.close()


def test_a_first_pull_with_a_close_missing_a_frozen_slot_keeps_nothing(
    team: Team, tmp_path: Path
) -> None:
    busy_history(team)
    with team.hub_as("ann") as hub:
        rows = {t: hub_rows(hub, t) for t in SYNCED}
    rows["review_snapshot"].pop()  # a close with four frozen slots
    ws = open_workspace(tmp_path / "forged.db", TODAY, create=True)
    try:
        with pytest.raises(ValueError, match="a record this file cannot take"):
            load_first_pull(ws.db, [chunk(t, r) for t, r in rows.items()], lambda: 7)
        assert ws.db.conn.execute("SELECT count(*) FROM account").fetchone()[0] == 0
        assert get_state(ws.db.conn, "cursor") is None
    finally:
        ws.close()
