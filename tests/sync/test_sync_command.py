"""`accountreview sync` on a real hub: first pulls into new files, what each person gets,
offline and refused syncs (exit 4 and 3, nothing lost), the remembered hub."""

import json
from pathlib import Path

import pytest

from postgres import free_port
from sync.proxy import Proxy
from sync.team import (
    ACCOUNT_HEADER,
    SYNCED,
    Team,
    hub_rows,
    import_account,
    local_conn,
    outbox_count,
)


def names(laptop_cli_out: str) -> list[str]:
    return sorted(a["name"] for a in json.loads(laptop_cli_out))


def test_new_files_get_what_each_person_may_see_and_that_person_is_signed_in(
    team: Team,
) -> None:
    ann, ben = team.laptop("ann"), team.laptop("ben")
    for laptop, account in ((ann, "Acme"), (ben, "Beta")):
        code, report, err = laptop.sync_cli()  # a new file: made, and given its person
        assert code == 0, err
        assert report is not None and report["first_pull"] is True
        import_account(laptop, account)
        code, report, err = laptop.sync_cli()
        assert code == 0, err
        assert report is not None and report["pushed"] > 0
    ann2, mia = team.laptop("ann", "ann-second"), team.laptop("mia")
    for laptop in (ann2, mia):
        code, report, err = laptop.sync_cli()
        assert code == 0, err
        assert report is not None and report["first_pull"] and report["pulled"] > 0
    # No --rep: the person signed in to the hub is this file's rep.
    assert names(ann2.cli("accounts", "--format", "json")[1]) == ["Acme"]
    assert names(mia.cli("accounts", "--format", "json")[1]) == ["Acme", "Beta"]
    code, out, _ = ann2.cli("queue", "--format", "json")
    assert code == 0 and json.loads(out)["rep"] == "Ann Lee"
    for laptop, key in ((ann, "ann"), (ann2, "ann"), (ben, "ben"), (mia, "mia")):
        with team.hub_as(key) as hub:
            for table in SYNCED:
                assert laptop.rows(table) == hub_rows(hub, table), (laptop.path.name, table)


def test_a_second_sync_does_nothing(team: Team) -> None:
    ann = team.laptop("ann")
    ann.sync_cli()
    import_account(ann, "Acme")
    assert ann.sync_cli()[0] == 0
    before = _rows_but_state(ann.path)
    code, report, _ = ann.sync_cli()
    assert code == 0 and report is not None
    assert (report["pushed"], report["pulled"], report["conflicts"]) == (0, 0, [])
    assert _rows_but_state(ann.path) == before
    code, _, err = ann.cli("sync")  # the remembered hub, which has no password in it
    assert code == 3 and "no password supplied" in err, err  # and libpq finds none here
    assert "give it in ~/.pgpass (or the file PGPASSFILE names, or PGPASSWORD)" in err, err
    code, text, err = ann.cli("sync", "--hub", ann.url)
    hub = team.url("ann", password=None)
    assert (code, text) == (0, f"synced with {hub} as Ann Lee <ann@team.example>:"
                               " pushed 0, pulled 0, 0 conflicts\n")  # fmt: skip
    assert ann.person.password not in text + err


def test_offline_exit_4_nothing_lost_and_the_changes_go_next_time(team: Team) -> None:
    proxy = Proxy(team.port)
    ann = team.laptop("ann", port=proxy.port)
    assert ann.sync_cli()[0] == 0
    import_account(ann, "Acme")
    assert ann.sync_cli()[0] == 0
    code, _, err = ann.cli("touch", "Acme", "Person 1 of Acme", "--on", "today",
                           "--channel", "phone", "--note", "offline call")  # fmt: skip
    assert code == 0, err
    waiting = outbox_count(ann.path)
    assert waiting > 0
    proxy.stop()  # the laptop goes offline
    code, report, err = ann.sync_cli()
    assert code == 4, err
    assert "cannot be reached" in err and ann.person.password not in err
    assert outbox_count(ann.path) == waiting  # nothing lost: the changes wait
    status = json.loads(ann.cli("sync", "status", "--format", "json")[1])
    assert status["waiting"] == waiting
    assert status["last_error"].startswith("offline")
    with Proxy(team.port, port=proxy.port):  # back online, at the same address
        code, report, err = ann.sync_cli()
    assert code == 0, err
    assert report is not None and report["pushed"] >= 1
    assert outbox_count(ann.path) == 0
    status = json.loads(ann.cli("sync", "status", "--format", "json")[1])
    assert (status["waiting"], status["last_error"]) == (0, None)
    with team.hub_as("ann") as hub:
        assert "offline call" in [t["note"] for t in hub_rows(hub, "touch")]


def test_a_failed_first_sync_leaves_no_file_behind(team: Team) -> None:
    ann = team.laptop("ann", port=free_port())  # a closed port
    code, report, err = ann.sync_cli()
    assert code == 4, err
    assert report is None and "cannot be reached" in err
    wrong = team.url("ann", password="Wrong-Secret-9")
    assert ann.cli("sync", "--hub", wrong)[0] == 3
    code, _, err = ann.cli("sync")  # no hub at all: refused before anything is made
    assert code == 2 and "no hub to sync with" in err
    assert ann.cli("sync", "--hub", "mysql://x@h/db")[0] == 2
    assert list(ann.path.parent.glob(ann.path.name + "*")) == []


def test_a_bad_password_is_exit_3_with_the_reason_and_never_printed(team: Team) -> None:
    ann = team.laptop("ann")
    assert ann.sync_cli()[0] == 0
    import_account(ann, "Acme")
    before = _rows_but_state(ann.path)
    wrong = team.url("ann", password="Wrong-Secret-9")
    code, out, err = ann.cli("sync", "--hub", wrong)
    assert code == 3
    assert "refused" in err and "Wrong-Secret-9" not in out + err
    assert _rows_but_state(ann.path) == before
    assert b"Wrong-Secret-9" not in ann.path.read_bytes()


def test_the_hub_is_remembered_without_its_password(
    team: Team, monkeypatch: pytest.MonkeyPatch
) -> None:
    ann = team.laptop("ann")
    assert ann.sync_cli()[0] == 0
    with local_conn(ann.path) as conn:
        hub = conn.execute("SELECT value FROM sync_state WHERE key = 'hub'").fetchone()[0]
    assert hub == team.url("ann", password=None)
    for file in ann.path.parent.glob(ann.path.name + "*"):
        assert ann.person.password.encode() not in file.read_bytes()
    # No --hub: the remembered URL, and libpq's own place for the password.
    monkeypatch.setenv("PGPASSWORD", ann.person.password)
    code, out, err = ann.cli("sync", "--format", "json")
    assert code == 0, err
    assert json.loads(out)["hub"] == hub


def test_a_rep_writing_another_reps_account_is_refused_exit_3(team: Team) -> None:
    ann = team.laptop("ann")
    assert ann.sync_cli()[0] == 0
    folder = ann.path.parent
    (folder / "reps.csv").write_text("name,email,role,manager\nBen Ortiz,ben@team.example,rep,\n")
    (folder / "bens.csv").write_text(ACCOUNT_HEADER + "\nNot Ann's,ben@team.example,yes" + "," * 16)
    code, out, err = ann.cli(
        "--rep", "ann@team.example", "import", str(folder / "reps.csv"), str(folder / "bens.csv")
    )
    assert code == 0, (out, err)
    code, out, err = ann.cli("sync", "--hub", ann.url)
    assert code == 3, (out, err)
    assert "refused" in err and "account" in err
    with team.hub_as(None) as hub:
        assert [r["name"] for r in hub_rows(hub, "account")] == []


def _rows_but_state(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with local_conn(path) as conn:
        return {
            t: [tuple(r) for r in conn.execute(f'SELECT * FROM "{t}" ORDER BY 1')]
            for t in (*SYNCED, "sync_outbox", "sync_conflict")
        }


def test_a_file_used_before_it_ever_synced_pushes_every_row(team: Team) -> None:
    ann = team.laptop("ann")
    assert ann.cli("init")[0] == 0
    code, out, err = ann.cli("rep", "add", "Ann Lee", "--email", "ann@team.example", "--me")
    assert code == 0, out + err  # weeks of work before the team had a hub
    import_account(ann, "Acme")
    slots = [f"--slot={n}=Person {n} of Acme" for n in range(1, 6)]
    code, out, err = ann.cli("review", "Acme", *slots, "--close")
    assert code == 0, out + err
    assert outbox_count(ann.path) == 0  # no hub yet: the outbox costs nothing
    code, report, err = ann.sync_cli()
    assert code == 0 and report is not None, err
    assert (report["pushed"], report["refused"]) == (25, [])  # account, 6 people, 6 touches,
    # the review, 5 slots, 5 frozen, 1 audit entry (Ann's rep row was there: already)
    second = team.laptop("ann", "ann-second")
    assert second.sync_cli()[0] == 0
    for laptop in (ann, second):
        with team.hub_as("ann") as hub:
            for table in SYNCED:
                assert laptop.rows(table) == hub_rows(hub, table), (laptop.path.name, table)
        code, out, err = laptop.cli("check")
        assert code == 0, out + err
