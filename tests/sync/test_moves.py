"""Who sees what changes on the hub: the owner moves an account to another rep, or gives a
rep another manager. On a real server, through the real CLI: the new readers pull the
account's whole history (their cursor already far past it), the old ones' laptops drop
it, and a change waiting on the old owner's laptop is kept as a conflict, not lost."""

import sqlite3
from pathlib import Path
from typing import Any

import psycopg

from accountreview.hub.admin import add_user
from sync.team import SYNCED, Laptop, Person, Team, hub_rows, import_account, person_name

HISTORY = ("stakeholder", "touch", "review", "review_slot", "review_snapshot", "audit_log")


def add_zoe(team: Team) -> None:
    """Zoe, a second manager, and Ben now in her team (Ann stays in Mia's)."""
    zoe = Person("zoe", "Zoe Park", "zoe@team.example", "manager", None, "zoe-Pass-1",
                 login=team.people["mia"].login.replace("mia", "zoe"))  # fmt: skip
    add_user(team.owner_url, zoe.name, zoe.email, zoe.role, None, zoe.password, login=zoe.login)
    team.people["zoe"] = zoe
    regive(team, "ben", zoe.email)


def regive(team: Team, key: str, manager_email: str) -> None:
    """`hub user add` again for `key`, with another manager (same password)."""
    p = team.people[key]
    add_user(team.owner_url, p.name, p.email, p.role, manager_email, p.password, login=p.login)


def move(team: Team, account: str, to: str) -> None:
    """The hub's admin moves an account: its rep, set on the hub."""
    with team.hub_as(None) as hub:
        found = hub.execute(
            "UPDATE account SET rep_id = (SELECT id FROM rep WHERE email = %s) WHERE name = %s",
            (team.people[to].email, account),
        )
        assert found.rowcount == 1


def synced(laptop: Laptop, *codes: int) -> dict[str, Any]:
    code, report, err = laptop.sync_cli()
    assert code in (codes or (0,)), (code, report, err)
    assert report is not None or code != 0, err
    return report or {}


def work_on(laptop: Laptop, account: str) -> None:
    """A week on the account: five slots filled and the review closed, a touch."""
    rep = ("--rep", laptop.person.email)
    five = [f"--slot={n}={person_name(account, n)}" for n in range(1, 6)]
    assert laptop.cli(*rep, "review", account, *five, "--close")[0] == 0
    touch = ("touch", account, person_name(account, 2), "--on", "today", "--channel", "phone")
    assert laptop.cli(*rep, *touch)[0] == 0


def history_ids(laptop: Laptop, account_id: str) -> dict[str, set[str]]:
    """The ids of the account's rows in every table of the laptop's file."""
    conn = sqlite3.connect(laptop.path)
    try:

        def ids(sql: str) -> set[str]:
            return {str(r[0]) for r in conn.execute(sql, {"a": account_id})}

        reviews = "(SELECT id FROM review WHERE account_id = :a)"
        return {
            "account": ids("SELECT id FROM account WHERE id = :a"),
            "stakeholder": ids("SELECT id FROM stakeholder WHERE account_id = :a"),
            "touch": ids("SELECT id FROM touch WHERE stakeholder_id IN"
                         " (SELECT id FROM stakeholder WHERE account_id = :a)"),
            "review": ids("SELECT id FROM review WHERE account_id = :a"),
            "review_slot": ids(f"SELECT id FROM review_slot WHERE review_id IN {reviews}"),
            "review_snapshot": ids(f"SELECT id FROM review_snapshot WHERE review_id IN {reviews}"),
            "audit_log": ids(f"SELECT id FROM audit_log WHERE account_id = :a"
                             f" OR review_id IN {reviews}"),
        }  # fmt: skip
    finally:
        conn.close()


def account_id(team: Team, name: str) -> str:
    with team.hub_as(None) as hub:
        row = hub.execute("SELECT id FROM account WHERE name = %s", (name,)).fetchone()
    assert row is not None
    return str(row[0])


def equal_to_hub(team: Team, laptop: Laptop) -> None:
    with team.hub_as(laptop.person.key) as hub:
        for table in SYNCED:
            assert laptop.rows(table) == hub_rows(hub, table), (laptop.path.name, table)


def test_an_account_moved_from_ann_to_ben_arrives_whole_and_leaves_ann(team: Team) -> None:
    add_zoe(team)
    ann, ben, mia, zoe = (team.laptop(k) for k in ("ann", "ben", "mia", "zoe"))
    for laptop in (ann, ben, mia, zoe):
        synced(laptop)
    import_account(ann, "Acme")
    work_on(ann, "Acme")
    synced(ann)
    import_account(ben, "Beta")
    work_on(ben, "Beta")
    for laptop in (ben, ben, mia, zoe):  # Ben's cursor is far past Acme's rows
        synced(laptop)
    acme = account_id(team, "Acme")
    before = history_ids(ann, acme)
    assert all(before.values()) and history_ids(mia, acme) == before
    # Ann changes a title on Acme and logs a touch, offline; then the account moves.
    rep = ("--rep", ann.person.email)
    edit = ("stakeholder", "edit", "Acme", person_name("Acme", 3), "--title", "CFO")
    assert ann.cli(*rep, *edit)[0] == 0
    touch = ("touch", "Acme", person_name("Acme", 1), "--on", "today", "--channel", "email")
    assert ann.cli(*rep, *touch)[0] == 0
    move(team, "Acme", "ben")

    synced(ben)
    assert history_ids(ben, acme) == before  # the whole history, cursor notwithstanding
    equal_to_hub(team, ben)
    synced(zoe)  # Ben's manager now reads it
    assert history_ids(zoe, acme) == before
    equal_to_hub(team, zoe)

    report = synced(ann, 3)  # the hub refused Ann's two changes: not hers any more
    assert {r["table"] for r in report["refused"]} == {"stakeholder", "touch"}
    assert not any(history_ids(ann, acme).values())  # gone from her file, frozen rows too
    equal_to_hub(team, ann)
    code, out, _ = ann.cli("sync", "conflicts", "--format", "json")
    assert code == 0 and out.count("the account moved to Ben Ortiz") == 2, out
    assert '"CFO"' in out  # her value, kept
    assert synced(ann) == {**synced(ann), "pulled": 0}  # and the next syncs are quiet
    for laptop in (ann, ben):  # her file lost part of its own chain, his holds part of hers:
        code, out, err = laptop.cli("check")  # both are sound (a gap is no break when synced)
        assert code == 0 and "broken" not in out + err, out + err
    synced(mia)  # Ann's manager: Ben is Zoe's, so Acme left Mia's sight too
    assert not any(history_ids(mia, acme).values())
    equal_to_hub(team, mia)
    beta = account_id(team, "Beta")
    assert not history_ids(mia, beta)["account"] and history_ids(zoe, beta)["account"]


def test_a_rep_given_another_manager_is_pulled_whole_by_the_new_one(team: Team) -> None:
    add_zoe(team)
    ann, mia, zoe = (team.laptop(k) for k in ("ann", "mia", "zoe"))
    for laptop in (ann, mia, zoe):
        synced(laptop)
    import_account(ann, "Acme")
    work_on(ann, "Acme")
    for laptop in (ann, mia, zoe):
        synced(laptop)
    acme = account_id(team, "Acme")
    whole = history_ids(ann, acme)
    assert history_ids(mia, acme) == whole and not history_ids(zoe, acme)["account"]
    regive(team, "ann", "zoe@team.example")
    synced(zoe)
    assert history_ids(zoe, acme) == whole
    synced(mia)
    assert not any(history_ids(mia, acme).values())
    synced(ann)  # Ann keeps her account; her rep row names her new manager
    assert history_ids(ann, acme) == whole
    for laptop in (ann, mia, zoe):
        equal_to_hub(team, laptop)


def test_an_account_that_comes_back_is_pulled_again(team: Team) -> None:
    ann, ben = team.laptop("ann"), team.laptop("ben")
    for laptop in (ann, ben):
        synced(laptop)
    import_account(ann, "Acme")
    work_on(ann, "Acme")
    synced(ann)
    acme = account_id(team, "Acme")
    whole = history_ids(ann, acme)
    move(team, "Acme", "ben")
    synced(ann)
    assert not history_ids(ann, acme)["account"]
    move(team, "Acme", "ann")
    synced(ann)
    synced(ben)
    assert history_ids(ann, acme) == whole and not history_ids(ben, acme)["account"]
    for laptop in (ann, ben):
        equal_to_hub(team, laptop)


def test_a_file_removes_only_the_departed_account_and_only_while_applying(
    team: Team, tmp_path: Path
) -> None:
    """Local 0007's exception is narrow: outside a pull's apply, the frozen rows of a
    departed account still cannot be deleted."""
    ann = team.laptop("ann")
    synced(ann)
    import_account(ann, "Acme")
    work_on(ann, "Acme")
    synced(ann)
    acme = account_id(team, "Acme")
    conn = sqlite3.connect(ann.path)
    try:
        for sql in ("DELETE FROM audit_log", "DELETE FROM review_snapshot",
                    "DELETE FROM review WHERE status = 'closed'"):  # fmt: skip
            for state in ((), (("removing", acme),), (("applying", "1"), ("removing", "x"))):
                conn.executemany("INSERT INTO sync_state (key, value) VALUES (?, ?)", state)
                try:
                    conn.execute(sql)
                except sqlite3.IntegrityError:
                    pass
                else:
                    raise AssertionError(f"{sql} went through with {state}")
                finally:
                    conn.rollback()
    finally:
        conn.close()
    with psycopg.connect(team.owner_url) as hub:
        assert hub.execute("SELECT count(*) FROM hub_departure").fetchone() == (0,)


def ann_works_on(team: Team, accounts: tuple[str, ...], other: str) -> tuple[Laptop, Laptop]:
    """Ann's laptop and `other`'s, synced; Ann imports and works on `accounts` in that
    order (her chain's entries in that order) and syncs."""
    ann, them = team.laptop("ann"), team.laptop(other)
    for laptop in (ann, them):
        synced(laptop)
    for name in accounts:
        import_account(ann, name)
        work_on(ann, name)
    synced(ann)
    return ann, them


def test_the_second_of_two_accounts_moved_to_ben_arrives_though_its_entries_are_older(
    team: Team,
) -> None:
    """Ann's laptop wrote Acme's audit entries, then Apex's (one chain, her device's). Apex
    moves to Ben first: his file holds the later part of her chain; then Acme, whose
    entries come earlier in that chain, must arrive as well."""
    _ann, ben = ann_works_on(team, ("Acme", "Apex"), "ben")
    move(team, "Apex", "ben")
    synced(ben)
    move(team, "Acme", "ben")
    synced(ben)
    for name in ("Acme", "Apex"):
        assert all(history_ids(ben, account_id(team, name)).values()), name
    equal_to_hub(team, ben)


def test_after_a_removal_the_laptops_own_chain_goes_on_after_its_last_row(team: Team) -> None:
    """Ann's laptop wrote Apex's entries, then Acme's; Acme moves away and leaves her
    file with the end of her chain. Her next entries (on Apex) continue after it: no
    (origin, seq) twice on the hub, and her manager pulls them all."""
    ann, mia = ann_works_on(team, ("Apex", "Acme"), "mia")
    synced(mia)
    move(team, "Acme", "ben")
    synced(ann)
    reopen = ("review", "Apex", "--reopen", "--reason", "one more look")
    assert ann.cli("--rep", ann.person.email, *reopen)[0] == 0
    synced(ann)
    with team.hub_as(None) as hub:
        for table in ("audit_log", "review_snapshot"):
            twice = hub.execute(
                f"SELECT origin, seq FROM {table} GROUP BY 1, 2 HAVING count(*) > 1".encode()
            ).fetchall()
            assert twice == [], table
    synced(mia)
    equal_to_hub(team, mia)
    equal_to_hub(team, ann)
