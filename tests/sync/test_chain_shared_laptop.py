"""A replica may hold part of a device's hash chain, built for real through the hub: one
laptop file used by two reps (Ann, of Mia's team, and Dan, of no manager's; the file
follows one hub address, each signs in with their own PGUSER/PGPASSWORD), each rep's
second laptop pulling only their own rows of it, and Mia (Ann's manager, not Dan's)
seeing Ann's. Every file checks sound and says how many rows of the chain it lacks; a
row tampered with in such a file is still caught."""

import json
import sqlite3
from dataclasses import replace
from typing import Any

import pytest

from sync.team import PEOPLE, Laptop, Team, import_account, person_name

FIVE = {
    "Acme": [person_name("Acme", n) for n in range(1, 6)],
    "Dune": [person_name("Dune", n) for n in range(1, 6)],
}


def add_dan(team: Team) -> None:
    """Dan: a rep of no one's team, signed up on the hub."""
    from accountreview.hub.admin import add_user

    tag = team.people["ann"].login.rsplit("_", 1)[1]
    dan = replace(PEOPLE[1], key="dan", name="Dan Roe", email="dan@team.example",
                  manager_email=None, password="dan-Pass-1", login=f"dan_{tag}")  # fmt: skip
    add_user(team.owner_url, dan.name, dan.email, dan.role, None, dan.password, login=dan.login)
    team.people["dan"] = dan


def as_person(laptop: Laptop, team: Team, key: str) -> Laptop:
    """The shared file, used by `key`: the hub's address without a user (each person
    signs in with PGUSER and PGPASSWORD, set by `sync`)."""
    url = f"postgresql://127.0.0.1:{team.port}/{team.dbname}"
    return Laptop(path=laptop.path, person=team.people[key], url=url)


def sync_as(laptop: Laptop, monkeypatch: pytest.MonkeyPatch) -> None:
    with monkeypatch.context() as env:
        env.setenv("PGUSER", laptop.person.login)
        env.setenv("PGPASSWORD", laptop.person.password)
        sync(laptop)


def cli(laptop: Laptop, *args: str) -> str:
    code, out, err = laptop.cli("--rep", laptop.person.email, *args)
    assert code == 0, (args, out, err)
    return out


def sync(laptop: Laptop) -> None:
    code, report, err = laptop.sync_cli()
    assert code == 0 and report is not None, err
    assert report["refused"] == [], report


def close(laptop: Laptop, account: str) -> None:
    slots = (f"--slot={n}={name}" for n, name in enumerate(FIVE[account], 1))
    cli(laptop, "review", account, *slots, "--close")


def check(laptop: Laptop) -> tuple[int, dict[str, Any]]:
    code, out, _err = laptop.cli("check", "--format", "json")
    found: dict[str, Any] = json.loads(out)
    return code, found


def seqs(laptop: Laptop, table: str, origin: str) -> list[int]:
    conn = sqlite3.connect(laptop.path)
    try:
        rows = conn.execute(f"SELECT seq FROM {table} WHERE origin = ? ORDER BY seq", (origin,))
        return [int(r[0]) for r in rows]
    finally:
        conn.close()


def device(laptop: Laptop) -> str:
    conn = sqlite3.connect(laptop.path)
    try:
        return str(conn.execute("SELECT value FROM sync_state WHERE key = 'device'").fetchone()[0])
    finally:
        conn.close()


def shared_laptop(team: Team, monkeypatch: pytest.MonkeyPatch) -> Laptop:
    """One file: Ann closes Acme, Dan closes Dune, Ann reopens and closes Acme again,
    each syncing as themselves: the device's chains hold Ann's, Dan's, Ann's rows."""
    add_dan(team)
    ann = as_person(team.laptop("ann", "shared"), team, "ann")
    dan = as_person(ann, team, "dan")
    sync_as(ann, monkeypatch)
    import_account(ann, "Acme", people=6)
    close(ann, "Acme")
    sync_as(ann, monkeypatch)
    sync_as(dan, monkeypatch)
    import_account(dan, "Dune", people=6)
    close(dan, "Dune")
    sync_as(dan, monkeypatch)
    cli(ann, "review", "Acme", "--reopen", "--reason", "the champion moved on")
    close(ann, "Acme")
    sync_as(ann, monkeypatch)
    return ann


def test_replicas_holding_part_of_a_shared_devices_chain_check_sound(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = shared_laptop(team, monkeypatch)
    origin = device(shared)
    whole_audit = seqs(shared, "audit_log", origin)
    assert whole_audit == [1, 2, 3, 4]  # Ann's close, Dan's close, Ann's reopen and close
    laptops = {key: team.laptop(key, f"{key}-2") for key in ("ann", "dan", "mia")}
    for laptop in laptops.values():
        sync(laptop)
    # Ann's and Mia's: a gap in the middle; Dan's: the rows before his are not there.
    assert seqs(laptops["ann"], "audit_log", origin) == [1, 3, 4]
    assert seqs(laptops["mia"], "audit_log", origin) == [1, 3, 4]
    assert seqs(laptops["dan"], "audit_log", origin) == [2]
    assert seqs(laptops["ann"], "review_snapshot", origin) == [*range(1, 6), *range(11, 16)]
    code, found = check(shared)
    assert code == 0 and found["notes"] == [], found
    for key, laptop in laptops.items():
        code, found = check(laptop)
        assert code == 0 and found["ok"], (key, found)
        notes = " ".join(found["notes"])
        assert "of 1 device's chain are not in this file" in notes, (key, notes)
        assert "the hub holds them" in notes and "cannot be verified" not in notes
        out = laptop.cli("check")[1]
        assert "note: 1 audit entry of 1 device's chain are not in this file" in out, out
    # A row edited in such a file is still caught.
    conn = sqlite3.connect(laptops["ann"].path, isolation_level=None)
    try:
        saved = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        triggers = saved.fetchall()
        for name, _sql in triggers:
            conn.execute(f"DROP TRIGGER {name}")
        conn.execute(
            "UPDATE audit_log SET reason = 'nicer' WHERE origin = ? AND seq = 3", (origin,)
        )
        for _name, sql in triggers:
            conn.execute(sql)
    finally:
        conn.close()
    code, found = check(laptops["ann"])
    assert code == 3
    assert any(f"(device {origin[:12]}): entry 3 does not match" in p for p in found["problems"])


def test_a_first_pull_refuses_a_chained_row_that_does_not_verify(team: Team) -> None:
    ann = team.laptop("ann", "ann-1")
    sync(ann)
    import_account(ann, "Acme", people=6)
    close(ann, "Acme")
    sync(ann)
    with team.hub_as(None) as hub:  # the owner edits an entry behind every one of its triggers
        hub.execute("ALTER TABLE audit_log DISABLE TRIGGER USER")
        hub.execute("UPDATE audit_log SET reason = 'edited on the hub'")
        hub.execute("ALTER TABLE audit_log ENABLE TRIGGER USER")
    other = team.laptop("ann", "ann-2")
    code, _report, err = other.sync_cli()
    assert code == 3 and "does not match its hash" in err, (code, err)
    assert "Traceback" not in err
    if other.path.exists():
        with sqlite3.connect(other.path) as conn:
            assert conn.execute("SELECT count(*) FROM audit_log").fetchone() == (0,)
