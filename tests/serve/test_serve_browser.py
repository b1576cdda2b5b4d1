"""`accountreview serve` in a real browser: Debian's chromium, driven by Playwright.

One browser for the module; each test a fresh context (no cookie carried over). What
the app drew is read from the WebSocket frames the page received (the terminal draws
on a canvas), and what it saved from the SQLite file."""

import re
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, WebSocket, sync_playwright
from serving import Served, serving

from conftest import db_rows, two_accounts

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ESCAPE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-B]|\x1b[=>]|\x1b\][^\x07]*\x07")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "install Debian's chromium: apt-get install -y chromium"
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=FLAGS
        )
        assert context.browser is not None
        yield context.browser
        context.close()


class Screen:
    """What the page received from the app, as text, and every request it made."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.frames: list[tuple[float, bytes]] = []
        self.requests: list[str] = []
        self.sockets: list[WebSocket] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("websocket", self._socket)

    def _socket(self, socket: WebSocket) -> None:
        self.sockets.append(socket)
        socket.on("framereceived", self._frame)

    def _frame(self, payload: bytes | str) -> None:
        data = payload if isinstance(payload, bytes) else payload.encode()
        self.frames.append((time.monotonic(), data))

    def text(self, since: int = 0) -> str:
        raw = b"".join(data for _, data in self.frames[since:]).decode(errors="replace")
        return ESCAPE.sub(" ", raw)

    def wait_for(self, text: str, since: int = 0, timeout: float = 20.0) -> float:
        """Wait until the app has drawn `text` (spaces ignored); when it arrived."""
        deadline = time.monotonic() + timeout
        wanted = text.replace(" ", "")
        while time.monotonic() < deadline:
            if wanted in self.text(since).replace(" ", ""):
                return self.frames[-1][0]
            self.page.wait_for_timeout(20)
        raise AssertionError(f"{text!r} never drawn; drawn: {self.text(since)[-2000:]!r}")

    def settle(self, quiet: float = 0.25) -> None:
        """Wait until the app has drawn nothing for `quiet` seconds."""
        while True:
            last = self.frames[-1][0] if self.frames else 0.0
            self.page.wait_for_timeout(quiet * 1000)
            if (self.frames[-1][0] if self.frames else 0.0) == last:
                return

    def press(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)
            self.settle(0.15)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text, delay=20)
        self.settle(0.15)


def open_app(browser: Browser, served: Served) -> tuple[Page, Screen]:
    page = browser.new_page(viewport={"width": 1100, "height": 700})
    screen = Screen(page)
    page.goto(served.signin_url)
    assert "token" not in page.url  # the token left the address bar for a cookie
    page.locator(".xterm-helper-textarea").focus()  # keys go to the terminal
    return page, screen


def pick(screen: Screen, name: str) -> None:
    screen.press("Enter")
    screen.type(name)
    screen.press("Enter")


def test_walk_a_review_to_a_close_in_the_browser(browser: Browser, db_path: Path) -> None:
    two_accounts(db_path)
    with serving(db_path, rep="Ann Lee") as served:
        page, screen = open_app(browser, served)
        screen.wait_for("0 of 2 closed")
        screen.wait_for("Acme Corp")
        screen.settle()
        assert len(served.app_pids()) == 1

        start = len(screen.frames)
        screen.press("Enter")  # open Acme Corp's review
        screen.wait_for("Slot 5: no stakeholder named", since=start)
        pick(screen, "carla")
        screen.press("ArrowDown")
        pick(screen, "nina")
        screen.press("Enter")  # Nina was never contacted: log "today"
        screen.press("ArrowDown")
        pick(screen, "paula")
        screen.press("ArrowDown")
        pick(screen, "sam")
        screen.press("ArrowDown")
        pick(screen, "uma")  # stale: the app asks for the next contact at once
        screen.type("+1w")
        screen.press("Enter")
        start = len(screen.frames)
        screen.press("Control+d")
        screen.wait_for("Beta Ltd", since=start)  # closed: the next account opens

        assert db_rows(db_path, "SELECT status, close_count FROM review") == [("closed", 1)]
        assert db_rows(db_path, "SELECT count(*) FROM review_snapshot") == [(5,)]
        page.close()
        assert served.wait_for_pids(0) == []  # the tab closed: its app is gone

    hosts = {urlsplit(url).hostname for url in screen.requests}
    assert hosts == {"127.0.0.1"}, screen.requests  # nothing left this machine


def test_without_the_token_the_page_is_refused_and_no_app_starts(
    browser: Browser, db_path: Path
) -> None:
    two_accounts(db_path)
    with serving(db_path, rep="Ann Lee") as served:
        context = browser.new_context()
        page = context.new_page()
        screen = Screen(page)
        response = page.goto(served.base + "/")
        assert response is not None and response.status == 403
        assert "token" in page.content()
        page.wait_for_timeout(300)
        assert screen.sockets == [] and served.app_pids() == []
        context.close()


def test_a_foreign_page_cannot_open_the_app(browser: Browser, db_path: Path) -> None:
    """A page from another origin, in a browser signed in to the app, opens the
    WebSocket: refused, and no app process starts."""
    two_accounts(db_path)
    with serving(db_path, rep="Ann Lee") as served:
        context = browser.new_context()
        page = context.new_page()
        page.goto(served.signin_url)  # this browser is signed in
        evil = served.base.replace("http://127.0.0.1", "http://evil.localhost")
        page.route(evil + "/", lambda route: route.fulfill(body="<html>evil</html>"))
        page.goto(evil + "/")  # leaving the app's page ends its app
        assert served.wait_for_pids(0) == []
        outcome = page.evaluate(
            """url => new Promise(done => {
                const ws = new WebSocket(url);
                ws.onopen = () => done("open");
                ws.onerror = () => done("refused");
            })""",
            served.base.replace("http", "ws") + "/ws",
        )
        assert outcome == "refused"
        page.wait_for_timeout(300)
        assert served.app_pids() == []
        context.close()
