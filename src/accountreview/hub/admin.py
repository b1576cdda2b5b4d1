"""What the hub's owner does: create or upgrade its schema, and add the team's people.

`init_hub` runs the hub's own Alembic migrations (`hub/migrations`, version table
`accountreview_hub_version`) in one transaction: run twice, the second changes nothing.
`add_user` makes a person's sign-in role, puts it in the members' group role (whose
grants and row-level security decide what it reads and writes) and writes their `rep`
row. The password reaches PostgreSQL only as a SCRAM verifier computed here (as psql's
`\\password` does): the clear text is never sent, logged or stored. `move_account`
gives an account to another rep (the hub re-stamps what hangs off it and tells who lost
sight of it: hub migration 0007).
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from accountreview.domain.ids import rep_id
from accountreview.hub.connect import (
    SCHEMA_HEAD,
    HubError,
    HubRefused,
    check_schema,
    classify,
    connect,
    redact,
)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
MEMBERS = "accountreview_member"
HEAD = SCHEMA_HEAD
ROLES = ("rep", "manager")


@dataclass(frozen=True)
class AddedUser:
    """The person `add_user` added or updated."""

    rep_id: str
    login: str
    created: bool  # False: the role and rep row existed and were updated
    password_set: bool = True  # False: an existing sign-in kept its password


def _alembic_config(connection: Any) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def init_hub(url: str) -> str:
    """Create the hub's schema, or bring it up to this version: "created", "upgraded from N"
    or "up to date". All in one transaction: a failure leaves the hub as it was."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    _check_owner(url)  # sign-in errors first, as the CLI reports them
    engine = create_engine(
        "postgresql+psycopg://", creator=lambda: connect(url), poolclass=NullPool
    )
    try:
        with engine.begin() as connection:
            before = MigrationContext.configure(
                connection, opts={"version_table": "accountreview_hub_version"}
            ).get_current_revision()
            if before == HEAD:
                return "up to date"
            command.upgrade(_alembic_config(connection), "head")
    except psycopg.Error as error:
        raise classify(error, url) from error
    except Exception as error:  # SQLAlchemy wraps the driver's error
        cause = getattr(error, "orig", None)
        if isinstance(cause, psycopg.Error):
            raise classify(cause, url) from error
        raise
    finally:
        engine.dispose()
    return "created" if before is None else f"upgraded from {before}"


def _check_owner(url: str) -> None:
    """Only the database's owner may run `hub init`: the owner is the hub's admin (its
    policies let it through), anyone else would make a hub they cannot administer."""
    with connect(url) as conn:
        row = conn.execute(
            "SELECT pg_has_role(current_user, d.datdba, 'USAGE'), pg_get_userbyid(d.datdba)"
            " FROM pg_database d WHERE d.datname = current_database()"
        ).fetchone()
    if row is not None and not row[0]:
        raise HubRefused(
            f"hub init is run by the database's owner ({row[1]}), who becomes the hub's admin"
        )


def default_login(email: str) -> str:
    """The sign-in role of a person: their email, trimmed and case-folded."""
    return email.strip().casefold()


def add_user(
    url: str,
    name: str,
    email: str,
    role: str,
    manager_email: str | None,
    password: str | None,
    login: str | None = None,
) -> AddedUser:
    """Create (or update) the person's sign-in role and `rep` row, in one transaction.
    `password` None: a sign-in the team has keeps its password (a new one needs one)."""
    login = login or default_login(email)
    _check_user(name, email, role, password, login)
    with connect(url) as conn:
        try:
            check_schema(conn, url, HEAD)  # a member may not read it: refused, below
            _check_login_free(conn, login, rep_id(email))
            created = _ensure_role(conn, login, password)
            person = _upsert_rep(conn, name, email, role, manager_email, login)
            conn.commit()
        except psycopg.Error as error:
            conn.rollback()
            raise classify(error, url) from error
    return AddedUser(person, login, created, password is not None)


def team_sign_in(url: str, login: str) -> bool:
    """Whether `login` is already one of the team's sign-ins on the hub at `url` (run
    again, `hub user add` keeps its password unless given a new one)."""
    with connect(url) as conn:
        try:
            return _role(conn, login) == "team"
        except psycopg.Error as error:
            raise classify(error, url) from error


def _now() -> str:
    """Now, in the form a local file stores a timestamp (UTC, microseconds)."""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _check_user(name: str, email: str, role: str, password: str | None, login: str) -> None:
    if not name.strip():
        raise HubError("NAME: empty; expected the person's name")
    if "@" not in email.strip():
        raise HubError(f"--email: {email!r} is not an email address")
    if role not in ROLES:
        raise HubError(f"--role: {role!r}; expected rep or manager")
    if password is not None and not password:
        raise HubError("the password is empty; expected at least one character")
    if len(login) > 63:
        raise HubError(f"the login {login!r} is longer than PostgreSQL's 63 characters")


def _check_login_free(
    conn: psycopg.Connection[tuple[object, ...]], login: str, person: str
) -> None:
    other = conn.execute(
        "SELECT email FROM rep WHERE login = %s AND id <> %s", (login, person)
    ).fetchone()
    if other is not None:
        raise HubRefused(f"the login {login!r} is {other[0]}'s: choose another --login")


def _role(conn: psycopg.Connection[tuple[object, ...]], login: str) -> str | None:
    """What the role `login` is on this server: "team" (one of the team's sign-ins, in
    the members' group), "other" (another program's, a superuser, the signed-in role
    itself), or None when there is no such role."""
    found = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid"
        " WHERE m.member = r.oid AND g.rolname = %s), r.rolname = current_user OR r.rolsuper"
        " FROM pg_roles r WHERE r.rolname = %s",
        (MEMBERS, login),
    ).fetchone()
    if found is None:
        return None
    return "team" if found[0] and not found[1] else "other"


def _ensure_role(
    conn: psycopg.Connection[tuple[object, ...]], login: str, password: str | None
) -> bool:
    kind = _role(conn, login)
    exists = kind is not None
    if kind == "other":  # someone else's role on this server: never re-passworded here
        raise HubRefused(
            f"the PostgreSQL role {login!r} exists and is not one of the team's sign-ins:"
            " choose another --login"
        )
    if password is None and not exists:
        raise HubError(
            f"{login} is new on the hub and needs a password: give --password-file FILE", 2
        )
    if password is not None:
        verifier = conn.pgconn.encrypt_password(password.encode(), login.encode(), b"scram-sha-256")
        statement = (
            "ALTER ROLE {} LOGIN PASSWORD {}" if exists else "CREATE ROLE {} LOGIN PASSWORD {}"
        )
        conn.execute(
            sql.SQL(statement).format(sql.Identifier(login), sql.Literal(verifier.decode("ascii")))
        )
    conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(MEMBERS), sql.Identifier(login)))
    return not exists


def _upsert_rep(
    conn: psycopg.Connection[tuple[object, ...]],
    name: str,
    email: str,
    role: str,
    manager_email: str | None,
    login: str,
) -> str:
    manager_id = None
    if manager_email:
        found = conn.execute(
            "SELECT id FROM rep WHERE lower(email) = %s", (manager_email.strip().casefold(),)
        ).fetchone()
        if found is None:
            raise HubError(f"--manager: no one with the email {manager_email!r} on the hub", 4)
        manager_id = found[0]
    person = rep_id(email)
    conn.execute(
        "INSERT INTO rep (id, name, email, role, manager_id, created_at, login)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role,"
        " manager_id = EXCLUDED.manager_id, login = EXCLUDED.login",
        (person, name.strip(), email.strip(), role, manager_id, _now(), login),
    )
    return person


@dataclass(frozen=True)
class MovedAccount:
    """The account `move_account` moved, and between whom (names)."""

    account: str
    from_rep: str
    to_rep: str


def move_account(url: str, account: str, to_email: str) -> MovedAccount:
    """Give the account (its name, or its id) to the rep with `to_email`, in one
    transaction. Not found: exit 4; a name two accounts share: exit 2 (give the id)."""
    with connect(url) as conn:
        try:
            check_schema(conn, url, HEAD)  # a member may not read it: refused, below
            to = conn.execute(
                "SELECT id, name FROM rep WHERE lower(email) = %s", (to_email.strip().casefold(),)
            ).fetchone()
            if to is None:
                raise HubError(f"--to: no one with the email {to_email!r} on the hub", 4)
            found = conn.execute(
                "SELECT a.id, a.name, r.name FROM account a LEFT JOIN rep r ON r.id = a.rep_id"
                " WHERE a.id = %s OR lower(a.name) = lower(%s)",
                (account.strip(), account.strip()),
            ).fetchall()
            if not found:
                raise HubError(f"ACCOUNT: no account {account!r} on the hub", 4)
            if len(found) > 1:
                raise HubError(f"ACCOUNT: {len(found)} accounts are named {account!r}: give its id")
            conn.execute("UPDATE account SET rep_id = %s WHERE id = %s", (to[0], found[0][0]))
            conn.commit()
        except psycopg.Error as error:
            conn.rollback()
            raise classify(error, url) from error
    return MovedAccount(str(found[0][1]), str(found[0][2]), str(to[1]))


__all__ = [
    "AddedUser",
    "HubRefused",
    "MovedAccount",
    "add_user",
    "default_login",
    "init_hub",
    "move_account",
    "redact",
    "team_sign_in",
]
