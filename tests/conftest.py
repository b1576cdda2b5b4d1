"""Shared fixtures: a frozen "today", a real SQLite file per test, a small seeded account."""

import hashlib
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from accountreview.db import accounts as account_queries
from accountreview.db import reps as rep_queries
from accountreview.db import stakeholders as stakeholder_queries
from accountreview.domain.enums import Channel, Level, RepRole, Role
from accountreview.io.csv_source import RowProblem
from accountreview.services.errors import ImportRejected
from accountreview.services.workspace import Workspace, open_workspace

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

    from hubdata import Team
    from postgres import PostgresServer

TODAY = date(2026, 11, 23)  # a Monday, ISO week 2026-W48


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user config, data dir or hub leaks in, nor the terminal's width (COLUMNS); "today"
    is frozen for the CLI too."""
    for name in (
        "ACCOUNTREVIEW_DB",
        "ACCOUNTREVIEW_REP",
        "ACCOUNTREVIEW_DEBUG",
        "ACCOUNTREVIEW_HUB",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ACCOUNTREVIEW_TODAY", TODAY.isoformat())
    # Empty, not deleted: the process environment can hold a COLUMNS that os.environ
    # does not show, which subprocesses would still inherit. Empty means "not set".
    monkeypatch.setenv("COLUMNS", "")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))  # keymap, theme
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "review.db"


@pytest.fixture
def ws(db_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(db_path, TODAY, create=True)
    yield workspace
    workspace.close()


@dataclass
class Seeded:
    """One rep, one top account, seven stakeholders (ids by short name)."""

    rep_id: str
    account_id: str
    people: dict[str, str]


PEOPLE = (
    # key, name, level, role, days since last touch (None: never)
    ("ceo", "Carla Diaz", Level.EXECUTIVE, Role.EXECUTIVE_SPONSOR, 20),
    ("cio", "Ivan Petrov", Level.VP, Role.CIO_OFFICE, 40),
    ("buyer", "Paula Moss", Level.MANAGER, Role.PROCUREMENT, 10),
    ("champ", "Sam Okafor", Level.DIRECTOR, Role.CHAMPION, 5),
    ("user", "Uma Reyes", Level.INDIVIDUAL, Role.USER, 120),
    ("new", "Nina Park", Level.MANAGER, Role.FINANCE, None),
    ("gone", "Gary Old", Level.VP, Role.CHAMPION, 200),
)


def seed(ws: Workspace) -> Seeded:
    """A small account written through the database layer."""
    from datetime import timedelta

    with ws.db.write() as conn:
        rep_id = rep_queries.insert_rep(
            conn, name="Ann Lee", email="ann@example.com", role=RepRole.REP, manager_id=None
        )
        account_id = account_queries.insert_account(
            conn,
            {
                "name": "Acme Corp",
                "rep_id": rep_id,
                "is_top": 1,
                "potential": 2_000_000,
                "current": 40_000,
                "list_price": 10_000,
                "discount_pct": 20.0,
                "uplift_pct": 5.0,
                "signed_on": "2025-01-10",
                "live_on": "2025-02-01",
                "paid_on": "2025-02-15",
                "contract": "annual",
                "contract_start": "2024-02-01",
            },
        )
        people: dict[str, str] = {}
        for key, name, level, role, days in PEOPLE:
            pid = stakeholder_queries.insert_stakeholder(
                conn,
                account_id=account_id,
                name=name,
                email=f"{key}@acme.example",
                title=None,
                level=level,
                role=role,
                left_on=TODAY - timedelta(days=30) if key == "gone" else None,
            )
            people[key] = pid
            if days is not None:
                stakeholder_queries.insert_touch(
                    conn,
                    stakeholder_id=pid,
                    on=TODAY - timedelta(days=days),
                    channel=Channel.IN_PERSON if key == "champ" else Channel.VIDEO,
                    note=None,
                    logged_by_id=rep_id,
                )
    ws.actor_id = rep_id  # Ann is using the app, as the CLI's only rep would be
    return Seeded(rep_id, account_id, people)


@pytest.fixture
def seeded(ws: Workspace) -> Seeded:
    return seed(ws)


def copy_of(template: Path, folder: Path) -> Path:
    """A copy of a database built once for a module (`template`), for one test to change."""
    path = folder / "review.db"
    shutil.copyfile(template, path)
    return path


def content_hash(db: "Workspace | Path") -> str:
    """A digest of every row of every table: equal digests, equal content.

    Takes an open workspace (its own connection sees its own writes) or a file.
    """
    conn = db.db.conn if isinstance(db, Workspace) else sqlite3.connect(db)
    try:
        digest = hashlib.sha256()
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " ORDER BY name"
            )
        ]
        for table in tables:
            width = len(conn.execute(f'SELECT * FROM "{table}" LIMIT 0').description)
            order = ", ".join(str(n) for n in range(1, width + 1))
            digest.update(table.encode())
            for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}'):
                digest.update(repr(tuple(row)).encode())
        return digest.hexdigest()
    finally:
        if not isinstance(db, Workspace):
            conn.close()


def two_accounts(path: Path) -> Seeded:
    """The seeded database at `path`, with a second top account (Beta Ltd) for its rep."""
    ws = open_workspace(path, TODAY, create=True)
    seeded = seed(ws)
    with ws.db.write() as conn:
        account_queries.insert_account(
            conn, {"name": "Beta Ltd", "rep_id": seeded.rep_id, "is_top": 1, "potential": 1000}
        )
    ws.close()
    return seeded


def db_rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    """The rows `sql` reads from the database file at `path` (a connection of its own)."""
    conn = sqlite3.connect(path)
    try:
        return [tuple(r) for r in conn.execute(sql).fetchall()]
    finally:
        conn.close()


@pytest.fixture(scope="session")
def hub_server() -> Iterator["PostgresServer"]:
    """A throw-away PostgreSQL server for the whole session (tests/postgres.py): started on
    first use, stopped at the end. Fails, naming the package, when PostgreSQL is missing."""
    from postgres import running_server

    with running_server() as server:
        yield server


@pytest.fixture
def hub_db(hub_server: "PostgresServer") -> Iterator[str]:
    """The owner's URL of a new, empty database on the test server (dropped afterwards)."""
    name = hub_server.create_database()
    yield hub_server.owner_url(name)
    hub_server.drop_database(name)


@pytest.fixture(scope="session")
def _hub_template(hub_server: "PostgresServer") -> str:
    """One database made by `hub init`, copied for every test that needs a hub."""
    from accountreview.hub.admin import init_hub

    name = hub_server.create_database()
    init_hub(hub_server.owner_url(name))
    return name


@pytest.fixture
def hub_url(hub_server: "PostgresServer", _hub_template: str) -> Iterator[str]:
    """The owner's URL of a fresh hub (schema made by `hub init`), dropped afterwards."""
    name = hub_server.create_database(template=_hub_template)
    yield hub_server.owner_url(name)
    hub_server.drop_database(name)


@pytest.fixture
def hub_team(hub_server: "PostgresServer", hub_url: str) -> "Team":
    """A fresh hub with four people signed up (tests/hubdata.py): Mia (manager) and Ann (her
    rep), Kim (manager) and Bob (his rep); each `Person.url` signs in as them."""
    from hubdata import make_team

    return make_team(hub_server, hub_url)


def row_problems(error: ImportRejected) -> list[RowProblem]:
    """The problems of a refused import, each one a file row's (none a file-wide one)."""
    problems = [p for p in error.problems if isinstance(p, RowProblem)]
    assert problems == error.problems, error.problems
    return problems


def on_top(app: "App[Any]", screen: "Screen[Any]") -> bool:
    """Whether `screen` is the app's screen now: a call, not `app.screen is screen`,
    so that mypy keeps what it knows of each (our screens are `Screen[None]`, Textual's
    `app.screen` a `Screen[object]`: an identity check would narrow one to the other)."""
    return app.screen is screen
