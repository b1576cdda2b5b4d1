"""A pulled row this file cannot take (a row older than the hub's own copy of the file's
rules, hub 0008, that those rules refuse) stops the sync with exit 3 and a message naming it, keeps
the file as it was with its cursor (nothing skipped), and the sync completes once the
row is corrected on the hub. Before, it reached the person as 'unexpected error'."""

import sqlite3

from sync.team import Team, import_account


def potential(path: object) -> tuple[int, str]:
    conn = sqlite3.connect(str(path))
    try:
        row = conn.execute("SELECT potential FROM account WHERE name = 'Acme'").fetchone()
        cursor = conn.execute("SELECT value FROM sync_state WHERE key = 'cursor'").fetchone()
        return int(row[0]), str(cursor[0])
    finally:
        conn.close()


def test_a_row_the_file_refuses_stops_the_sync_clearly_and_skips_nothing(team: Team) -> None:
    ann = team.laptop("ann", "ann-1")
    assert ann.sync_cli()[0] == 0
    import_account(ann, "Acme")
    assert ann.sync_cli()[0] == 0
    before = potential(ann.path)
    with team.hub_as(None) as hub:  # a row from before hub 0008 (its rules are NOT VALID:
        # old rows stay as they are), made here by its owner without the rule
        hub.execute("ALTER TABLE account DROP CONSTRAINT account_sizes")
        hub.execute("UPDATE account SET potential = -5 WHERE name = 'Acme'")
        hub.execute(
            "ALTER TABLE account ADD CONSTRAINT account_sizes"
            " CHECK (potential >= 0 AND current >= 0) NOT VALID"
        )
    code, _report, err = ann.sync_cli()
    assert code == 3, err
    assert "the hub sent a row this file cannot take" in err and "account" in err, err
    assert "Traceback" not in err and "unexpected" not in err, err
    assert potential(ann.path) == before  # nothing applied, the cursor where it was
    code, out, err = ann.cli("sync", "status", "--format", "json")
    assert code == 0 and "cannot take" in out, out + err  # the status says why
    with team.hub_as(None) as hub:
        hub.execute("UPDATE account SET potential = 7 WHERE name = 'Acme'")
    code, _report, err = ann.sync_cli()
    assert code == 0, err
    assert potential(ann.path)[0] == 7
