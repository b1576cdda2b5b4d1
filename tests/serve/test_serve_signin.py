"""`accountreview serve` over HTTP: the sign-in, the Origin rule, the session cap and the
idle time, against the real server in a subprocess (aiohttp's client as the browser)."""

import asyncio
from pathlib import Path

import aiohttp
import pytest
from serving import Served, serving
from typer.testing import CliRunner

from accountreview.cli import app
from accountreview.services.workspace import open_workspace
from conftest import TODAY, seed

runner = CliRunner()
COOKIE = "accountreview-session"


@pytest.fixture
def db(db_path: Path) -> Path:
    ws = open_workspace(db_path, TODAY, create=True)
    seed(ws)
    ws.close()
    return db_path


async def signed_in(client: aiohttp.ClientSession, served: Served) -> str:
    """Sign in with the token; the cookie the server gave."""
    async with client.get(served.signin_url, allow_redirects=False) as response:
        assert response.status == 303
        assert response.headers["Location"] == "/"  # the token leaves the address bar
        return response.cookies[COOKIE].value


async def ws_status(served: Served, cookie: str | None, origin: str | None) -> int:
    headers = {"Origin": origin} if origin else {}
    cookies = {COOKIE: cookie} if cookie else {}
    async with aiohttp.ClientSession(cookies=cookies) as client:
        try:
            async with client.ws_connect(f"{served.base}/ws", headers=headers) as ws:
                await ws.close()
                return 101
        except aiohttp.WSServerHandshakeError as error:
            return error.status


async def test_the_page_and_the_websocket_need_the_token_and_the_own_origin(db: Path) -> None:
    with serving(db, rep="Ann Lee") as served:
        async with aiohttp.ClientSession() as client:
            async with client.get(served.base + "/") as response:
                assert response.status == 403
                assert "token" in await response.text()
            async with client.get(served.base + "/?token=wrong", allow_redirects=False) as r:
                assert r.status == 403 and COOKIE not in r.cookies
            cookie = await signed_in(client, served)
            async with client.get(served.base + "/", cookies={COOKIE: cookie}) as response:
                assert response.status == 200
                page = await response.text()
        assert "googleapis" not in page and "https://" not in page
        assert await ws_status(served, None, served.base) == 403
        assert await ws_status(served, "forged", served.base) == 403
        assert await ws_status(served, cookie, "http://evil.example") == 403
        assert await ws_status(served, cookie, None) == 403
        assert served.app_pids() == []  # a refused WebSocket starts nothing
        assert await ws_status(served, cookie, served.base) == 101


async def test_sessions_are_capped_and_end_when_idle(db: Path) -> None:
    with serving(db, "--max-sessions", "1", "--idle-timeout", "3s", rep="Ann Lee") as served:
        async with aiohttp.ClientSession() as client:
            cookie = await signed_in(client, served)
        async with aiohttp.ClientSession(cookies={COOKIE: cookie}) as client:
            url = f"{served.base}/ws"
            headers = {"Origin": served.base}
            async with client.ws_connect(url, headers=headers) as ws:
                first = await asyncio.wait_for(ws.receive(), 15)
                assert first.type == aiohttp.WSMsgType.BINARY  # the app draws
                pids = served.wait_for_pids(1)
                assert len(pids) == 1
                assert await ws_status(served, cookie, served.base) == 503
                while not ws.closed:  # no key for 3 s: the server ends the session
                    await asyncio.wait_for(ws.receive(), 20)
            assert served.wait_for_pids(0) == []


def test_only_localhost_without_a_password(db: Path) -> None:
    result = runner.invoke(app, ["--db", str(db), "serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "--password-file" in result.stderr


@pytest.mark.parametrize(
    ("content", "mode", "problem"),
    [
        ("", 0o600, "empty"),
        ("short\n", 0o600, "at least 8 characters"),
        ("a-long-password\n", 0o644, "chmod 600"),
        ("Ann Lee\tpassword-one\nBob\n", 0o600, "line 2: expected REP<TAB>PASSWORD"),
        ("Ann Lee\tsame-password\nBob\tsame-password\n", 0o600, "line 2: two people"),
    ],
)
def test_a_bad_password_file_is_refused_naming_the_line(
    db: Path, tmp_path: Path, content: str, mode: int, problem: str
) -> None:
    file = tmp_path / "passwords"
    file.write_text(content)
    file.chmod(mode)
    result = runner.invoke(app, ["--db", str(db), "serve", "--password-file", str(file)])
    assert result.exit_code == 2, result.output
    assert problem in result.stderr and str(file) in result.stderr


def test_a_password_for_someone_unknown_is_refused_before_listening(
    db: Path, tmp_path: Path
) -> None:
    file = tmp_path / "passwords"
    file.write_text("Nobody Here\tpassword-one\n")
    file.chmod(0o600)
    result = runner.invoke(app, ["--db", str(db), "serve", "--password-file", str(file)])
    assert result.exit_code == 4
    assert "Nobody Here" in result.stderr


@pytest.mark.parametrize("value", ["0s", "25h", "soon", "-5m"])
def test_a_bad_idle_timeout_is_a_usage_error(db: Path, value: str) -> None:
    result = runner.invoke(app, ["--db", str(db), "serve", "--idle-timeout", value])
    assert result.exit_code == 2
    assert "--idle-timeout" in result.stderr


async def test_a_password_signs_in_as_its_person(db: Path, tmp_path: Path) -> None:
    file = tmp_path / "passwords"
    file.write_text("ann@example.com\tann-password-1\n")
    file.chmod(0o600)
    with serving(db, "--password-file", str(file)) as served:
        assert served.token is None
        async with aiohttp.ClientSession() as client:
            form = {"password": "ann-password-1"}
            headers = {"Origin": served.base}
            async with client.post(
                served.base + "/signin", data=form, headers=headers, allow_redirects=False
            ) as response:
                assert response.status == 303
                cookie = response.cookies[COOKIE].value
            async with client.post(
                served.base + "/signin", data={"password": "x"}, headers=headers
            ) as response:
                assert response.status == 403
            async with client.post(
                served.base + "/signin", data=form, headers={"Origin": "http://evil.example"}
            ) as response:
                assert response.status == 403
        assert await ws_status(served, cookie, served.base) == 101


def test_a_session_app_on_a_broken_database_says_why_without_a_traceback(tmp_path: Path) -> None:
    """The database broke after `serve` checked it: the tab's app ends with a message."""
    import subprocess
    import sys

    broken = tmp_path / "broken.db"
    broken.write_text("not a database")
    done = subprocess.run(
        [sys.executable, "-m", "accountreview.serve.child", str(broken), TODAY.isoformat()],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "is not a SQLite database" in done.stderr and "Traceback" not in done.stderr
    assert broken.read_text() == "not a database"
