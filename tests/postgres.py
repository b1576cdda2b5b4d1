"""A throw-away PostgreSQL server for the tests of the team hub.

The server programs are found by `pg_config --bindir`, else in the newest
`/usr/lib/postgresql/*/bin` (Debian keeps them there, off PATH), else on PATH. When
none is found the tests fail naming the package to install: a hub test is never
skipped. The cluster lives in a temp folder, listens on 127.0.0.1 only, on a free
port, with its socket in that folder, and is stopped (`pg_ctl stop -m fast`) at the
end, also when a test failed. A watchdog process stops it (`-m immediate`) and removes
the folder when the test process ends without doing so itself (killed by a timeout, or
by `kill -9`): a killed run leaves no server behind. PostgreSQL refuses to run as root,
so as root the programs run as `nobody` (`setpriv`), the folder chowned to it.

Roles: `postgres` is the bootstrap superuser (creates and drops databases);
`hub_owner` is the person who runs `accountreview hub init`: a plain role with
CREATEROLE (it creates the team's sign-in roles), owning every test database. Every
role signs in with a password over TCP (scram-sha-256), as a real team's would.
"""

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

INSTALL_HINT = (
    "the hub tests need PostgreSQL's server programs (initdb, pg_ctl, postgres): "
    "run `apt-get install -y postgresql` (or `make test`, which installs it as root)"
)
NOBODY = 65534
OWNER = "hub_owner"
SUPERUSER = "postgres"
LIB_ROOT = Path("/usr/lib/postgresql")


class PostgresMissing(RuntimeError):
    """No PostgreSQL server programs on this machine."""


def _has_server(folder: Path) -> bool:
    return all(os.access(folder / name, os.X_OK) for name in ("initdb", "pg_ctl", "postgres"))


def _version_key(folder: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", folder.parent.name)) or (0,)


def find_bindir(path: str | None = None, lib_root: Path = LIB_ROOT) -> Path:
    """The folder holding initdb/pg_ctl/postgres; `path` replaces $PATH (for tests)."""
    pg_config = shutil.which("pg_config", path=path)
    if pg_config:
        run = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        if run.returncode == 0 and _has_server(Path(run.stdout.strip())):
            return Path(run.stdout.strip())
    versions = sorted(
        (bindir for bindir in lib_root.glob("*/bin") if _has_server(bindir)), key=_version_key
    )
    if versions:
        return versions[-1]
    initdb = shutil.which("initdb", path=path)
    if initdb and _has_server(Path(initdb).parent):
        return Path(initdb).parent
    raise PostgresMissing(INSTALL_HINT)


# Waits for the end of its stdin (the test process holds the other end: it closes when
# that process ends, however it ends). Told "stopped" first, it leaves; else it stops the
# server if it still runs and removes its folder. argv: the pg_ctl command (as the
# server's user), data, folder.
WATCHDOG = """
import os, shutil, subprocess, sys
if sys.stdin.buffer.read() == b"stopped":
    sys.exit(0)
*pg_ctl, data, folder = sys.argv[1:]
if os.path.exists(os.path.join(data, "postmaster.pid")):
    subprocess.run([*pg_ctl, "-D", data, "-m", "immediate", "-w", "stop"], capture_output=True)
shutil.rmtree(folder, ignore_errors=True)
"""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def url(login: str, password: str | None, port: int, dbname: str) -> str:
    """A libpq URL for `login` on the test server (the login and password quoted)."""
    secret = f":{quote(password, safe='')}" if password is not None else ""
    return f"postgresql://{quote(login, safe='')}{secret}@127.0.0.1:{port}/{dbname}"


class PostgresServer:
    """One running cluster: its folder, port and the passwords of its two roles."""

    def __init__(self, bindir: Path, folder: Path) -> None:
        self.bindir = bindir
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.superuser_password = secrets.token_urlsafe(12)
        self.owner_password = secrets.token_urlsafe(12)
        self._as_root = os.geteuid() == 0
        self._databases = 0
        self.watchdog: subprocess.Popen[bytes] | None = None

    def _command(self, name: str, *args: str) -> list[str]:
        command = [str(self.bindir / name), *args]
        if self._as_root:  # PostgreSQL refuses to run as root
            ids = [f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
            command = ["setpriv", *ids, *command]
        return command

    def _program(self, name: str, *args: str) -> subprocess.CompletedProcess[str]:
        command = self._command(name, *args)
        run = subprocess.run(command, capture_output=True, text=True, check=False, cwd=self.folder)
        if run.returncode != 0:
            raise RuntimeError(f"{name} failed ({run.returncode}): {run.stderr or run.stdout}")
        return run

    def start(self) -> None:
        """initdb, then `pg_ctl -w start` on 127.0.0.1:port with the socket in the folder."""
        pwfile = self.folder / "pwfile"
        pwfile.write_text(self.superuser_password + "\n")
        if self._as_root:
            os.chown(self.folder, NOBODY, NOBODY)
            os.chown(pwfile, NOBODY, NOBODY)
        self._program(
            "initdb", "-D", str(self.data), "-U", SUPERUSER, "--pwfile", str(pwfile),
            "--auth-local=scram-sha-256", "--auth-host=scram-sha-256",
            "-E", "UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        pwfile.unlink()
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port}"
            f" -c unix_socket_directories={self.folder} -c fsync=off -c full_page_writes=off"
            " -c synchronous_commit=off -c max_connections=60 -c shared_buffers=32MB"
        )
        log = str(self.folder / "server.log")
        self.watchdog = subprocess.Popen(  # its own session: a kill of our group spares it
            [sys.executable, "-c", WATCHDOG, *self._command("pg_ctl"), str(self.data),
             str(self.folder)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True,
        )  # fmt: skip
        self._program("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")
        self.admin(f"CREATE ROLE {OWNER} LOGIN CREATEROLE PASSWORD '{self.owner_password}'")

    def stop(self) -> None:
        """`pg_ctl stop -m fast`; a server that is not running is left as it is. Then the
        watchdog is told and let go."""
        if (self.data / "postmaster.pid").exists():
            self._program("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        if self.watchdog is not None and self.watchdog.stdin is not None:
            self.watchdog.stdin.write(b"stopped")
            self.watchdog.stdin.close()
            self.watchdog.wait(timeout=30)
            self.watchdog = None

    def superuser_url(self, dbname: str = "postgres") -> str:
        """The bootstrap superuser's URL (creates databases; not the hub's owner)."""
        return url(SUPERUSER, self.superuser_password, self.port, dbname)

    def owner_url(self, dbname: str) -> str:
        """The URL of the hub's owner (the person who runs `hub init`) for `dbname`."""
        return url(OWNER, self.owner_password, self.port, dbname)

    def url_for(self, login: str, password: str, dbname: str) -> str:
        """The URL a team member signs in with."""
        return url(login, password, self.port, dbname)

    def admin(self, statement: str) -> None:
        """Run one statement (our own fixed text) as the superuser, in autocommit."""
        import psycopg

        with psycopg.connect(self.superuser_url(), autocommit=True) as conn:
            conn.execute(statement.encode())

    def create_database(self, template: str | None = None) -> str:
        """A new empty database (or a copy of `template`) owned by the hub's owner."""
        self._databases += 1
        name = f"hub_{self._databases}"
        copy = f" TEMPLATE {template}" if template else ""
        self.admin(f"CREATE DATABASE {name} OWNER {OWNER}{copy}")
        return name

    def drop_database(self, name: str) -> None:
        """Drop `name`, ending any session still connected to it."""
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def running_server() -> Iterator[PostgresServer]:
    """A started server, stopped (and its folder removed) however the block ends."""
    bindir = find_bindir()
    folder = Path(tempfile.mkdtemp(prefix="accountreview-pg-"))
    server = PostgresServer(bindir, folder)
    try:
        server.start()
        yield server
    finally:
        try:
            server.stop()
        finally:
            shutil.rmtree(folder, ignore_errors=True)
