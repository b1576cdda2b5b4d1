"""hub/connect.py: signing in, the two errors, and passwords kept out of every message."""

import time
from pathlib import Path

import psycopg
import pytest

from accountreview.hub.connect import (
    SCHEMA_HEAD,
    HubRefused,
    HubUnreachable,
    check_schema,
    connect,
    redact,
)
from hubdata import (
    Team,
)
from postgres import PostgresServer, free_port, url

REDACTED = [
    (
        "postgresql://ann:s3cret@hub.example:5433/hub_team",
        "postgresql://ann@hub.example:5433/hub_team",
    ),
    ("postgresql://ann@hub.example/hub_team", "postgresql://ann@hub.example/hub_team"),
    (
        "postgres://a%40b.com:p%2Fw@[::1]:5432/t?sslmode=require",
        "postgres://a%40b.com@[::1]:5432/t?sslmode=require",
    ),
    (
        "postgresql://hub.example/hub_team?user=ann&password=s3cret&x=1",
        "postgresql://hub.example/hub_team?user=ann&x=1",
    ),
    (
        "host=hub.example user=ann password=s3cret dbname=hub_team",
        "user=ann dbname=hub_team host=hub.example",
    ),
]


@pytest.mark.parametrize(("given", "shown"), REDACTED)
def test_redact_takes_the_password_out(given: str, shown: str) -> None:
    assert redact(given) == shown


def test_a_hub_nobody_listens_on_is_unreachable_exit_4() -> None:
    address = url("ann", "s3cret-pw", free_port(), "hub_team")
    started = time.monotonic()
    with pytest.raises(HubUnreachable) as error:
        connect(address)
    assert error.value.exit_code == 4
    assert "cannot be reached" in str(error.value)
    assert "s3cret-pw" not in str(error.value)
    assert time.monotonic() - started < 6  # bounded by connect_timeout


def test_a_wrong_password_is_refused_exit_3_without_showing_it(
    hub_server: PostgresServer, hub_team: Team
) -> None:
    dbname = hub_team.ann.url.rsplit("/", 1)[1]
    login = hub_team.ann.email.casefold()
    wrong = hub_server.url_for(login, "Wr0ngPassw0rd", dbname)
    with pytest.raises(HubRefused) as error:
        connect(wrong)
    assert error.value.exit_code == 3
    assert "password authentication failed" in str(error.value)
    assert "Wr0ngPassw0rd" not in str(error.value)


def test_no_such_database_is_refused(hub_server: PostgresServer) -> None:
    with pytest.raises(HubRefused, match="does not exist"):
        connect(hub_server.owner_url("no_such_hub"))


def test_an_empty_or_unreadable_address_is_refused() -> None:
    with pytest.raises(HubRefused, match="no hub address"):
        connect("  ")
    with pytest.raises(HubRefused, match="libpq"):
        connect("host=hub.example password=pw port")


def test_the_password_can_come_from_a_pgpass_file(
    hub_server: PostgresServer, hub_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"127.0.0.1:{hub_server.port}:*:hub_owner:{hub_server.owner_password}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    bare = redact(hub_url)
    assert hub_server.owner_password not in bare
    with connect(bare) as conn:
        check_schema(conn, bare, SCHEMA_HEAD)


def test_a_connection_lost_mid_sync_is_unreachable_and_the_push_left_nothing(
    hub_server: PostgresServer, hub_team: Team
) -> None:
    from accountreview.hub.push import push
    from hubdata import account_row

    with connect(hub_team.ann.url) as conn:
        pid = conn.info.backend_pid
        with psycopg.connect(hub_server.superuser_url(), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(HubUnreachable) as error:
            push(conn, [], {"account": [account_row(hub_team.ann.id)]})
    assert error.value.exit_code == 4
    with psycopg.connect(hub_team.owner_url) as owner:
        assert owner.execute("SELECT count(*) FROM account").fetchone() == (0,)


def test_push_and_pull_refuse_a_connection_inside_a_transaction(hub_team: Team) -> None:
    from accountreview.hub.pull import pull
    from accountreview.hub.push import push

    with connect(hub_team.ann.url) as conn:
        conn.execute("SELECT 1")  # a transaction is now open (not autocommit)
        with pytest.raises(RuntimeError, match="no transaction open"):
            push(conn, [])
        with pytest.raises(RuntimeError, match="no transaction open"):
            pull(conn, 0)
        conn.rollback()
        assert pull(conn, 0).cursor > 0
