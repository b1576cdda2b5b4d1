"""A team on a real hub for the sync proofs: people with their own PostgreSQL logins, and
laptops (each a temp SQLite file) driven through the real CLI.

Rows are compared as each person may see them: the hub's side is read by connecting as
that person (row-level security decides), never through our code.
"""

import json
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import psycopg
from typer.testing import CliRunner

from accountreview.cli import app
from accountreview.db.sync import SYNCED_TABLES
from conftest import TODAY

# The tables a sync carries (parents first), and the columns only one side has.
SYNCED = SYNCED_TABLES
LOCAL_ONLY = {"review_slot": {"updated_at"}}
HUB_ONLY = {"hub_seq", "login", "owner_id"}

runner = CliRunner()


@dataclass(frozen=True)
class Person:
    """Someone of the team: their rep record and their sign-in."""

    key: str
    name: str
    email: str
    role: str
    manager_email: str | None
    password: str
    login: str = ""  # the PostgreSQL role: cluster-wide, so made new for each team


PEOPLE = (
    Person("mia", "Mia Chen", "mia@team.example", "manager", None, "mia-Pass-1"),
    Person("ann", "Ann Lee", "ann@team.example", "rep", "mia@team.example", "ann-Pass-1"),
    Person("ben", "Ben Ortiz", "ben@team.example", "rep", "mia@team.example", "ben-Pass-1"),
)


@dataclass
class Team:
    """A hub database with the team's people signed up, and where their laptops live."""

    port: int
    dbname: str
    owner_url: str
    folder: Path
    people: dict[str, Person] = field(default_factory=dict)

    def url(self, key: str, *, password: str | None = "", port: int | None = None) -> str:
        """The hub URL `key` signs in with: their password in it (as a test may), another
        `password`, or none (None); on the server's port or another (a proxy's)."""
        person = self.people[key]
        secret = person.password if password == "" else password
        auth = "" if secret is None else f":{secret}"
        where = f"127.0.0.1:{port or self.port}"
        return f"postgresql://{person.login}{auth}@{where}/{self.dbname}"

    def laptop(self, key: str, name: str | None = None, *, port: int | None = None) -> "Laptop":
        """A laptop of `key` (a new file, not made yet: its first sync makes it)."""
        path = self.folder / f"{name or key}.db"
        return Laptop(path=path, person=self.people[key], url=self.url(key, port=port))

    @contextmanager
    def hub_as(self, key: str | None) -> Iterator[psycopg.Connection[Any]]:
        """A psycopg connection to the hub as `key` (None: the owner), not our code."""
        url = self.owner_url if key is None else self.url(key)
        with psycopg.connect(url, autocommit=True) as conn:
            yield conn


@dataclass
class Laptop:
    """One person's local file."""

    path: Path
    person: Person
    url: str

    def cli(self, *args: str) -> tuple[int, str, str]:
        """Run `accountreview --db FILE ARGS` in this process; (exit code, stdout, stderr)."""
        result = runner.invoke(app, ["--db", str(self.path), *args])
        return result.exit_code, result.stdout, result.stderr

    def sync_cli(self, *args: str) -> tuple[int, dict[str, Any] | None, str]:
        """`accountreview sync --hub URL --format json`: exit code, the report, stderr."""
        code, out, err = self.cli("sync", "--hub", self.url, "--format", "json", *args)
        return code, (json.loads(out) if out.strip() else None), err

    def rows(self, table: str) -> list[dict[str, Any]]:
        """Every row of `table` in this file, by id, local-only columns left out."""
        conn = sqlite3.connect(self.path)
        conn.row_factory = sqlite3.Row
        try:
            found = [dict(r) for r in conn.execute(f'SELECT * FROM "{table}" ORDER BY id')]
        finally:
            conn.close()
        return [_comparable(table, row) for row in found]


def setup_team(port: int, owner_url: str, folder: Path) -> Team:
    """The team's people added (`hub user add`) to the hub at `owner_url` (made by `hub
    init`), each with a login of their own."""
    from accountreview.hub.admin import add_user

    tag = secrets.token_hex(3)
    dbname = owner_url.rsplit("/", 1)[1]
    team = Team(port=port, dbname=dbname, owner_url=owner_url, folder=folder)
    for p in PEOPLE:
        person = replace(p, login=f"{p.key}_{tag}")
        add_user(owner_url, p.name, p.email, p.role, p.manager_email, p.password,
                 login=person.login)  # fmt: skip
        team.people[p.key] = person
    return team


def hub_rows(conn: psycopg.Connection[Any], table: str) -> list[dict[str, Any]]:
    """Every row of `table` that `conn`'s role may see, by id, hub-only columns left out."""
    from psycopg import sql
    from psycopg.rows import dict_row

    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(sql.SQL("SELECT * FROM {} ORDER BY id").format(sql.Identifier(table)))
        return [_comparable(table, dict(row)) for row in cur.fetchall()]


def _comparable(table: str, row: dict[str, Any]) -> dict[str, Any]:
    skip = HUB_ONLY | LOCAL_ONLY.get(table, set())
    return {k: v for k, v in row.items() if k not in skip}


@contextmanager
def local_conn(path: Path) -> Iterator[sqlite3.Connection]:
    """A plain sqlite3 connection to a laptop's file, committed and closed at the end."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        with conn:
            yield conn
    finally:
        conn.close()


def outbox_count(path: Path) -> int:
    """How many changes wait in the outbox of the file at `path`."""
    with local_conn(path) as conn:
        return int(conn.execute("SELECT count(*) FROM sync_outbox").fetchone()[0])


ACCOUNT_HEADER = (
    "name,rep,top,potential,current,list_price,discount_pct,rebate_pct,uplift_pct,signed_on,"
    "live_on,paid_on,lost_on,churned_on,contract,contract_start,cio_signoff_on,"
    "procurement_signoff_on,penetration_target_pct"
)
ROLES = ("champion", "executive-sponsor", "cio-office", "procurement", "finance", "user", "legal")


def import_account(laptop: Laptop, account: str, *, people: int = 6) -> None:
    """`accountreview import` of one top account of the laptop's person, with `people`
    stakeholders (Person 1 … N, each with an email and a role) and a touch for each."""
    folder = laptop.path.parent / f"import-{laptop.path.stem}-{account.replace(' ', '_')}"
    folder.mkdir(exist_ok=True)
    email = laptop.person.email
    (folder / "accounts.csv").write_text(
        ACCOUNT_HEADER + f"\n{account},{email},yes,500000" + "," * 15 + "\n"
    )
    rows = [
        f"{account},Person {n} of {account},p{n}.{account.replace(' ', '')}@cust.example,"
        f",,{ROLES[n % len(ROLES)]},"
        for n in range(1, people + 1)
    ]
    (folder / "stakeholders.csv").write_text(
        "account,name,email,title,level,role,left_on\n" + "\n".join(rows) + "\n"
    )
    touches = [
        f"{account},Person {n} of {account},{TODAY.isoformat()},video,first call"
        for n in range(1, people + 1)
    ]
    (folder / "touches.csv").write_text(
        "account,stakeholder,on,channel,note\n" + "\n".join(touches) + "\n"
    )
    files = [str(folder / f"{kind}.csv") for kind in ("accounts", "stakeholders", "touches")]
    code, out, err = laptop.cli("--rep", email, "import", *files)
    assert code == 0, (out, err)


def person_name(account: str, n: int) -> str:
    """The name `import_account` gave stakeholder `n` of `account`."""
    return f"Person {n} of {account}"
