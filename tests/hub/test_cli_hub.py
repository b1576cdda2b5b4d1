"""`accountreview hub init` and `hub user add`: the real CLI (a subprocess), exit codes,
and passwords that never show; and the hub left unloaded by every other command."""

import os
import pty
import secrets
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg

from conftest import TODAY
from postgres import PostgresServer, free_port, url

CLI = "from accountreview.cli import main; main()"


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """The CLI in a subprocess with no terminal on stdin."""
    done = subprocess.run(
        [sys.executable, "-c", CLI, *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
        timeout=60,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


def test_hub_init_creates_then_is_up_to_date_and_never_shows_the_password(
    hub_server: PostgresServer, hub_db: str
) -> None:
    code, out, err = run("hub", "init", "--hub", hub_db)
    assert (code, err) == (0, "")
    assert "schema created" in out
    code, out, err = run("hub", "init", env={"ACCOUNTREVIEW_HUB": hub_db})
    assert (code, err) == (0, "")
    assert "schema up to date" in out
    assert hub_server.owner_password not in out


def test_user_add_makes_a_person_who_signs_in_and_no_password_is_shown_or_kept(
    hub_server: PostgresServer, hub_url: str, tmp_path: Path
) -> None:
    secret_file = tmp_path / "pw"
    secret_file.write_text("Tr0ub4dor&3 horse\n")
    outputs = []
    for args in (
        ("hub", "user", "add", "Mia Chen", "--email", "Mia.CLI@example.com", "--role", "manager"),
        ("hub", "user", "add", "Ann Lee", "--email", "ann.cli@example.com", "--manager",
         "mia.cli@example.com"),
    ):  # fmt: skip
        code, out, err = run(*args, "--password-file", str(secret_file), "--hub", hub_url)
        assert (code, err) == (0, ""), err
        outputs.append(out)
    host_and_db = hub_url.rpartition("@")[2]
    assert (
        f"Ann Lee (rep) added: signs in as postgresql://ann.cli%40example.com@{host_and_db}"
        in (outputs[1])
    )
    dbname = hub_url.rsplit("/", 1)[1]
    with psycopg.connect(
        hub_server.url_for("ann.cli@example.com", "Tr0ub4dor&3 horse", dbname)
    ) as conn:
        row = conn.execute(
            "SELECT r.name, r.role, m.email FROM rep r JOIN rep m ON m.id = r.manager_id"
            " WHERE r.login = current_user"
        ).fetchone()
    assert row == ("Ann Lee", "rep", "Mia.CLI@example.com")
    for text in outputs:
        assert "Tr0ub4dor" not in text and hub_server.owner_password not in text
    for path in (tmp_path / "xdg-data", tmp_path / "xdg-config", tmp_path / "home"):
        for file in path.rglob("*") if path.exists() else ():
            assert b"Tr0ub4dor" not in file.read_bytes()
            assert hub_server.owner_password.encode() not in file.read_bytes()
    with psycopg.connect(hub_server.superuser_url()) as conn:  # a SCRAM verifier only
        stored = conn.execute(
            "SELECT rolpassword FROM pg_authid WHERE rolname = 'ann.cli@example.com'"
        ).fetchone()
    assert stored is not None and str(stored[0]).startswith("SCRAM-SHA-256$")


def test_user_add_with_no_password_file_and_no_terminal_is_a_usage_error(hub_url: str) -> None:
    code, out, err = run("hub", "user", "add", "Ann", "--email", "a@example.com", "--hub", hub_url)
    assert code == 2
    assert "no password: give --password-file FILE" in err
    assert out == ""


def test_usage_errors_exit_2(tmp_path: Path, hub_url: str) -> None:
    empty = tmp_path / "empty"
    empty.write_text("")
    code, _, err = run("hub", "init")
    assert (code, "no hub given: use --hub URL or set ACCOUNTREVIEW_HUB" in err) == (2, True)
    code, _, err = run(
        "hub", "user", "add", "A", "--email", "a@x.io", "--role", "boss", "--hub", hub_url
    )
    assert (code, "--role: 'boss'" in err) == (2, True)
    code, _, err = run("hub", "user", "add", "A", "--email", "a@x.io", "--password-file",
                       str(empty), "--hub", hub_url)  # fmt: skip
    assert (code, "is empty" in err) == (2, True)


def test_unreachable_is_4_and_refused_is_3_and_the_password_never_shows(
    hub_server: PostgresServer, hub_url: str, tmp_path: Path
) -> None:
    nobody = url("hub_owner", "Sekr1t-Pa55", free_port(), "team")
    code, out, err = run("hub", "init", "--hub", nobody)
    assert code == 4
    assert "cannot be reached" in err and "Sekr1t-Pa55" not in err + out
    wrong = url("hub_owner", "Sekr1t-Pa55", hub_server.port, hub_url.rsplit("/", 1)[1])
    code, out, err = run("hub", "init", "--hub", wrong)
    assert code == 3
    assert "password authentication failed" in err and "Sekr1t-Pa55" not in err + out
    assert "check the password in ~/.pgpass" in err, err
    secret_file = tmp_path / "pw"
    secret_file.write_text("Other-Secret-1")
    add = ("hub", "user", "add", "A", "--email", "a@x.io", "--manager", "nobody@x.io")
    code, out, err = run(*add, "--password-file", str(secret_file), "--hub", hub_url)
    assert code == 4
    assert "--manager: no one with the email 'nobody@x.io'" in err
    assert "Other-Secret-1" not in err + out


def test_user_add_on_a_hub_without_the_schema_says_run_hub_init(
    hub_db: str, tmp_path: Path
) -> None:
    secret_file = tmp_path / "pw"
    secret_file.write_text("pw")
    code, _, err = run("hub", "user", "add", "A", "--email", "a@x.io", "--password-file",
                       str(secret_file), "--hub", hub_db)  # fmt: skip
    assert code == 3
    assert "accountreview hub init" in err


LOADED = "print(sorted(m for m in ('psycopg', 'accountreview.hub') if m in sys.modules))"


def test_help_queue_and_the_tui_leave_the_hub_and_psycopg_unloaded(tmp_path: Path) -> None:
    db = tmp_path / "review.db"
    assert run("--db", str(db), "init")[0] == 0
    assert run("--db", str(db), "rep", "add", "Ann", "--email", "a@x.io", "--me")[0] == 0
    for args in (["--help"], ["--db", str(db), "queue"]):
        script = (
            "import sys\nfrom accountreview.cli import app\n"
            f"try:\n    app({args!r})\nexcept SystemExit as end:\n    print(end.code)\n{LOADED}"
        )
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        )
        assert done.stdout.strip().splitlines()[-2:] == ["0", "[]"], (args, done.stdout)
    tui = (
        "import asyncio, sys\nfrom datetime import date\n"
        "from accountreview.services.workspace import open_workspace\n"
        "from accountreview.tui import AccountReviewApp\n"
        "async def main():\n"
        f"    ws = open_workspace({str(db)!r}, date({TODAY.year}, {TODAY.month}, {TODAY.day}))\n"
        f"    app = AccountReviewApp(ws, demo_db={str(tmp_path / 'demo.db')!r})\n"
        "    async with app.run_test(size=(80, 24)) as pilot:\n"
        "        await pilot.pause()\n"
        "        print(type(app.screen).__name__)\n"
        "asyncio.run(main())\n" + LOADED
    )
    done = subprocess.run([sys.executable, "-c", tui], capture_output=True, text=True, check=True)
    screen, loaded = done.stdout.strip().splitlines()[-2:]
    assert screen == "QueueScreen"
    assert loaded == "[]"


def on_terminal(args: tuple[str, ...], answers: list[str]) -> tuple[int, str]:
    """The CLI on a terminal of its own (a pty): each answer typed when a prompt ending in
    ': ' shows; (exit code, all it wrote)."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the pty is its controlling terminal
        os.execv(sys.executable, [sys.executable, "-c", CLI, *args])
    written, waiting = b"", list(answers)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 1)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # the child closed the terminal: it ended
            break
        if not chunk:
            break
        written += chunk
        if waiting and written.rstrip(b" ").endswith(b":"):
            time.sleep(0.5)  # getpass flushes what was typed before it turned echo off
            os.write(fd, waiting.pop(0).encode() + b"\r")
    done, status = os.waitpid(pid, os.WNOHANG)
    if done == 0:  # still waiting for an answer: ended here, and the test fails
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), written.decode(errors="replace")


def signs_in(server: PostgresServer, login: str, password: str, dbname: str) -> bool:
    try:
        psycopg.connect(server.url_for(login, password, dbname)).close()
    except psycopg.OperationalError:
        return False
    return True


def test_user_add_again_keeps_the_password_unless_given_a_new_one(
    hub_server: PostgresServer, hub_url: str, tmp_path: Path
) -> None:
    login, dbname = f"pat.{secrets.token_hex(3)}@example.com", hub_url.rsplit("/", 1)[1]
    first, second = tmp_path / "first", tmp_path / "second"
    first.write_text("First-Pass-1\n")
    second.write_text("Second-Pass-2\n")
    add = ("hub", "user", "add", "Pat Doe", "--email", login, "--hub", hub_url)
    code, out, err = run(*add, "--password-file", str(first))
    assert (code, err, "Pat Doe (rep) added: signs in as" in out) == (0, "", True)
    code, out, err = run(*add, "--role", "manager")  # no file, no terminal: kept
    assert (code, err) == (0, ""), err
    assert "Pat Doe (manager) updated: signs in as" in out and out.endswith("; password kept\n")
    assert signs_in(hub_server, login, "First-Pass-1", dbname)
    with psycopg.connect(hub_url) as conn:
        assert conn.execute("SELECT role FROM rep WHERE login = %s", (login,)).fetchone() == (
            "manager",
        )
    code, out, err = run(*add, "--password-file", str(second))
    assert (code, err, out.endswith("; new password set\n")) == (0, "", True), out + err
    assert not signs_in(hub_server, login, "First-Pass-1", dbname)
    assert signs_in(hub_server, login, "Second-Pass-2", dbname)
    # On a terminal: enter keeps theirs; a new one is typed twice; two that differ: nothing
    code, written = on_terminal(add, [""])
    assert (code, "password kept" in written) == (0, True), written
    assert signs_in(hub_server, login, "Second-Pass-2", dbname)
    code, written = on_terminal(add, ["Third-Pass-3", "Third-Pass-3"])
    assert (code, "new password set" in written) == (0, True), written
    assert "Third-Pass-3" not in written  # never echoed
    assert signs_in(hub_server, login, "Third-Pass-3", dbname)
    code, written = on_terminal(add, ["Fourth-Pass-4", "Fourth-Pass-5"])
    assert (code, "the two passwords differ; nothing changed" in written) == (2, True), written
    assert signs_in(hub_server, login, "Third-Pass-3", dbname)
