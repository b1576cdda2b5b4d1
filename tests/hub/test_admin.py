"""hub/admin.py's add_user: a person's role and rep row, made once, updated after, and
never someone else's role."""

import re

import psycopg
import pytest

from accountreview.domain.ids import rep_id
from accountreview.hub.admin import add_user
from accountreview.hub.connect import HubError, HubRefused
from postgres import PostgresServer


def test_adding_again_updates_the_role_the_password_and_the_row(
    hub_server: PostgresServer, hub_url: str
) -> None:
    dbname = hub_url.rsplit("/", 1)[1]
    first = add_user(hub_url, "Zoe", "Zoe.Admin@Example.com", "rep", None, "first-pw")
    assert (first.created, first.login, first.rep_id) == (
        True,
        "zoe.admin@example.com",
        rep_id("zoe.admin@example.com"),
    )
    again = add_user(hub_url, "Zoe Q", "zoe.admin@example.com", "manager", None, "second-pw")
    assert (again.created, again.rep_id) == (False, first.rep_id)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(hub_server.url_for(first.login, "first-pw", dbname)).close()
    with psycopg.connect(hub_server.url_for(first.login, "second-pw", dbname)) as conn:
        row = conn.execute(
            "SELECT name, role, email FROM rep WHERE login = current_user"
        ).fetchone()
    assert row == ("Zoe Q", "manager", "Zoe.Admin@Example.com")


def test_a_role_that_is_not_a_team_sign_in_is_never_taken_over(
    hub_server: PostgresServer, hub_url: str
) -> None:
    hub_server.admin(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'payroll')"
        " THEN CREATE ROLE payroll LOGIN PASSWORD 'payroll-pw'; END IF; END $$"
    )
    for login in ("payroll", "hub_owner", "postgres"):
        with pytest.raises(HubRefused, match="not one of the team's sign-ins"):
            add_user(hub_url, "Mal", "mal@example.com", "rep", None, "x", login=login)
    with psycopg.connect(hub_server.url_for("payroll", "payroll-pw", "postgres")):
        pass  # its password is unchanged
    with psycopg.connect(hub_url) as conn:
        assert conn.execute("SELECT count(*) FROM rep").fetchone() == (0,)


@pytest.mark.parametrize(
    ("name", "email", "role", "password", "problem"),
    [
        ("", "a@x.io", "rep", "pw", "NAME: empty"),
        ("A", "not-an-email", "rep", "pw", "is not an email address"),
        ("A", "a@x.io", "boss", "pw", "--role: 'boss'"),
        ("A", "a@x.io", "rep", "", "the password is empty"),
    ],
)
def test_bad_input_is_refused_before_anything_is_made(
    hub_url: str, name: str, email: str, role: str, password: str, problem: str
) -> None:
    with pytest.raises(HubError, match=problem) as error:
        add_user(hub_url, name, email, role, None, password)
    assert error.value.exit_code == 2
    with psycopg.connect(hub_url) as conn:
        assert conn.execute("SELECT count(*) FROM rep").fetchone() == (0,)


def test_a_login_already_used_by_another_person_is_refused(hub_url: str) -> None:
    add_user(hub_url, "Ann", "ann.dup@example.com", "rep", None, "pw", login="ann_dup")
    with pytest.raises(HubRefused, match=re.escape("the login 'ann_dup' is ann.dup@example.com's")):
        add_user(hub_url, "Other Ann", "ann2.dup@example.com", "rep", None, "pw", login="ann_dup")


def test_hub_init_is_refused_to_anyone_but_the_databases_owner(
    hub_server: PostgresServer, hub_db: str
) -> None:
    from accountreview.hub.admin import init_hub

    hub_server.admin(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'intruder')"
        " THEN CREATE ROLE intruder LOGIN PASSWORD 'intruder-pw'; END IF; END $$"
    )
    dbname = hub_db.rsplit("/", 1)[1]
    with pytest.raises(HubRefused, match=r"run by the database's owner \(hub_owner\)"):
        init_hub(hub_server.url_for("intruder", "intruder-pw", dbname))
    with psycopg.connect(hub_db) as conn:
        assert conn.execute("SELECT to_regclass('rep')").fetchone() == (None,)


def test_a_refused_add_makes_no_role(hub_server: PostgresServer, hub_url: str) -> None:
    """The role and the rep row are one transaction: an unknown manager leaves neither."""
    with pytest.raises(HubError, match="--manager: no one") as error:
        add_user(hub_url, "Nia", "nia.norole@example.com", "rep", "ghost@example.com", "pw")
    assert error.value.exit_code == 4
    with psycopg.connect(hub_url) as conn:
        found = conn.execute(
            "SELECT count(*) FROM pg_roles WHERE rolname = 'nia.norole@example.com'"
        ).fetchone()
    assert found == (0,)
