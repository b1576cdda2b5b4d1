"""The test server itself: found without PATH, started, reachable, stopped."""

import os
import shutil
import stat
import tempfile
from pathlib import Path

import psycopg
import pytest

from postgres import INSTALL_HINT, LIB_ROOT, PostgresMissing, PostgresServer, find_bindir


def _fake_bindir(root: Path, version: str) -> Path:
    bindir = root / version / "bin"
    bindir.mkdir(parents=True)
    for name in ("initdb", "pg_ctl", "postgres"):
        program = bindir / name
        program.write_text("#!/bin/sh\nexit 0\n")
        program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return bindir


def test_finder_works_when_initdb_is_not_on_path(tmp_path: Path) -> None:
    """A fresh Debian machine: the programs are in /usr/lib/postgresql/NN/bin only."""
    empty = tmp_path / "empty-path"
    empty.mkdir()
    found = find_bindir(path=str(empty))
    assert (found / "initdb").exists()
    assert found.parent.parent == LIB_ROOT


def test_finder_takes_the_newest_version_numerically(tmp_path: Path) -> None:
    for version in ("9.6", "13", "15", "2"):
        _fake_bindir(tmp_path, version)
    empty = tmp_path / "empty-path"
    empty.mkdir()
    assert find_bindir(path=str(empty), lib_root=tmp_path) == tmp_path / "15" / "bin"


def test_finder_falls_back_to_path(tmp_path: Path) -> None:
    bindir = _fake_bindir(tmp_path / "elsewhere", "16")
    assert find_bindir(path=str(bindir), lib_root=tmp_path / "none") == bindir


def test_finder_fails_naming_the_package_to_install(tmp_path: Path) -> None:
    with pytest.raises(PostgresMissing) as error:
        find_bindir(path=str(tmp_path), lib_root=tmp_path / "none")
    assert str(error.value) == INSTALL_HINT
    assert "apt-get install -y postgresql" in str(error.value)


def test_server_listens_on_loopback_with_passwords(hub_server: PostgresServer) -> None:
    with psycopg.connect(hub_server.owner_url("postgres")) as conn:
        row = conn.execute(
            "SELECT current_user, current_setting('listen_addresses'), inet_server_addr()::text"
        ).fetchone()
    assert row == ("hub_owner", "127.0.0.1", "127.0.0.1/32")
    wrong = hub_server.owner_url("postgres").replace(hub_server.owner_password, "wrong")
    with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
        psycopg.connect(wrong).close()


def test_server_folder_is_private_and_the_owner_is_not_superuser(
    hub_server: PostgresServer,
) -> None:
    assert stat.S_IMODE(os.stat(hub_server.data).st_mode) == 0o700
    with psycopg.connect(hub_server.owner_url("postgres")) as conn:
        row = conn.execute(
            "SELECT rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user"
        ).fetchone()
    assert row == (False, True)


def test_each_test_gets_its_own_database(hub_server: PostgresServer, hub_db: str) -> None:
    with psycopg.connect(hub_db) as conn:
        conn.execute("CREATE TABLE mine (x int)")
    other = hub_server.create_database()
    try:
        with psycopg.connect(hub_server.owner_url(other)) as conn:
            found = conn.execute("SELECT to_regclass('mine')").fetchone()
        assert found == (None,)
    finally:
        hub_server.drop_database(other)


def test_a_second_server_starts_and_stops_cleanly() -> None:
    folder = Path(tempfile.mkdtemp(prefix="accountreview-pg-test-"))
    server = PostgresServer(find_bindir(), folder)
    try:
        server.start()
        assert (server.data / "postmaster.pid").exists()
    finally:
        server.stop()
    assert not (server.data / "postmaster.pid").exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(server.owner_url("postgres"), connect_timeout=2).close()
    shutil.rmtree(folder)


def test_a_killed_test_run_leaves_no_server_behind(tmp_path: Path) -> None:
    """A run killed by a timeout or by `kill -9` never reaches its clean-up: the server's
    watchdog stops the server and removes its folder once the run is gone."""
    import signal
    import subprocess
    import sys
    import time

    child = (
        "import sys, time\n"
        f"sys.path.insert(0, {str(Path(__file__).parents[1])!r})\n"
        "from postgres import running_server\n"
        "with running_server() as server:\n"
        "    print(server.folder, flush=True)\n"
        "    time.sleep(120)\n"
    )
    run = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE, text=True)
    assert run.stdout is not None
    folder = Path(run.stdout.readline().strip())
    pid_file = folder / "data" / "postmaster.pid"
    assert pid_file.exists()
    postmaster = int(pid_file.read_text().split()[0])
    os.kill(run.pid, signal.SIGKILL)  # no clean-up of its own
    run.wait(timeout=10)
    for _ in range(300):  # bounded: 30 s
        if not folder.exists() and not _alive(postmaster):
            break
        time.sleep(0.1)
    assert not _alive(postmaster), "the server outlived the killed run"
    assert not folder.exists(), "its folder was left behind"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
