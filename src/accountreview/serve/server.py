"""textual-serve's Server, signed in, capped, offline and without a shell.

Routes: `/` the page (a token in the address or a cookie; else the sign-in page),
`/signin` the password form, `/ws` the app (cookie and own Origin required),
`/download/{key}` files the app delivers (cookie required), `/static` the page's
own script, style sheet and fonts (nothing is loaded from another host).
"""

import asyncio
import contextlib
import html
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from textual_serve.server import Server, to_int

from accountreview.serve.session import AppCommand, AppSession
from accountreview.serve.signin import COOKIE, SignIn, allowed_origins

log = logging.getLogger("accountreview.serve")
TEMPLATES = Path(__file__).parent / "templates"
PAGE = Path(__file__).parent / "static"
# The page may load and connect to its own origin only (CSP 'self' covers ws: and wss:).
POLICY = (
    "default-src 'self'; connect-src 'self'; img-src 'self' data: blob:; font-src 'self';"
    " style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none';"
    " form-action 'self'; base-uri 'none'"
)
FAILED_SIGNIN_DELAY = 1.0


@dataclass(frozen=True)
class Limits:
    """How many tabs may run an app at once, and how long one may sit unused."""

    max_sessions: int = 8
    idle_timeout: float = 30 * 60


class ReviewServer(Server):
    """The server of `accountreview serve`."""

    def __init__(
        self,
        command: AppCommand,
        signin: SignIn,
        *,
        host: str,
        port: int,
        public_url: str | None,
        limits: Limits,
    ) -> None:
        super().__init__(
            "accountreview",
            host=host,
            port=port,
            title="accountreview",
            public_url=public_url,
            templates_path=TEMPLATES,
        )
        self.app_command = command
        self.signin = signin
        self.limits = limits
        self.origins = allowed_origins(self.public_url, host, port)
        self.secure = self.public_url.startswith("https:")
        self.sessions: set[AppSession] = set()
        self.starting = 0
        self.start_message = ""

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.router.add_post("/signin", self.handle_signin, name="signin")
        app.router.add_static("/page", PAGE, name="page")
        app.on_response_prepare.append(self._headers)
        return app

    async def _headers(self, request: web.Request, response: web.StreamResponse) -> None:
        response.headers["Content-Security-Policy"] = POLICY
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        if request.path in ("/", "/signin"):
            response.headers["Cache-Control"] = "no-store"

    async def on_startup(self, app: web.Application) -> None:
        """Print where to open the app (with the token, if one was made)."""
        print(self.start_message, flush=True)

    def _signed_in(self, request: web.Request) -> tuple[bool, str | None]:
        return self.signin.session(request.cookies.get(COOKIE))

    def _welcome(self, rep: str | None) -> web.Response:
        """Signed in: a cookie, and back to `/` so the secret leaves the address bar."""
        response = web.HTTPSeeOther("/")
        response.set_cookie(
            COOKIE,
            self.signin.open_session(rep),
            httponly=True,
            samesite="Strict",
            secure=self.secure,
            path="/",
        )
        return response

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The page, for a signed-in browser; the token in the address signs one in."""
        token = request.query.get("token")
        if token is not None:
            ok, rep = self.signin.check(token)
            if ok:
                return self._welcome(rep)
            await asyncio.sleep(FAILED_SIGNIN_DELAY)
            return self._refusal("That token is not this server's: open the address it printed.")
        if not self._signed_in(request)[0]:
            return self._refusal(None)
        return aiohttp_jinja2.render_template("app_index.html", request, self._page(request))

    def _page(self, request: web.Request) -> dict[str, Any]:
        base = self.public_url.rstrip("/")
        scheme = "wss:" if self.secure else "ws:"
        return {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": scheme + base.split(":", 1)[1] + "/ws",
            "static_url": base + "/static/",
            "page_url": base + "/page/",
        }

    async def handle_signin(self, request: web.Request) -> web.StreamResponse:
        """The password form."""
        if request.headers.get("Origin", "").lower() not in self.origins:
            return self._refusal("Sign in from this server's own page.")
        form = await request.post()
        password = form.get("password")
        ok, rep = self.signin.check(password if isinstance(password, str) else "")
        if ok:
            return self._welcome(rep)
        await asyncio.sleep(FAILED_SIGNIN_DELAY)
        return self._refusal("Wrong password.")

    def _refusal(self, problem: str | None) -> web.Response:
        """403: the sign-in page (a password form, or where to find the token)."""
        if self.signin.token_printed:
            ask = (
                "<p>Open the address <code>accountreview serve</code> printed (with its token).</p>"
            )
        else:
            ask = (
                '<form method="post" action="/signin"><label>Password '
                '<input type="password" name="password" autofocus></label>'
                ' <button type="submit">Sign in</button></form>'
            )
        said = f"<p><strong>{html.escape(problem)}</strong></p>" if problem else ""
        body = (
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>accountreview: sign in"
            f"</title></head><body><h1>accountreview</h1>{said}{ask}</body></html>"
        )
        return web.Response(status=403, text=body, content_type="text/html")

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        """A file the app delivers, to a signed-in browser only."""
        if not self._signed_in(request)[0]:
            raise web.HTTPForbidden(text="sign in first")
        return await super().handle_download(request)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """The app: for a signed-in browser, from this server's own page, within the cap."""
        origin = request.headers.get("Origin", "").lower()
        if origin not in self.origins:
            log.warning("refused a WebSocket from origin %r", origin)
            raise web.HTTPForbidden(text="this page may not open the app")
        signed_in, rep = self._signed_in(request)
        if not signed_in:
            raise web.HTTPForbidden(text="sign in first")
        if self.starting + len(self.sessions) >= self.limits.max_sessions:
            raise web.HTTPServiceUnavailable(text="too many sessions: close another tab")
        websocket = web.WebSocketResponse(heartbeat=15)
        self.starting += 1  # counted before the first await, so two tabs cannot both pass
        try:
            await websocket.prepare(request)
        finally:
            self.starting -= 1

        async def close() -> None:
            await websocket.close()

        session = AppSession(
            self.app_command.argv(rep),
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=close,
            download_manager=self.download_manager,
        )
        self.sessions.add(session)
        try:
            await self._run_session(request, websocket, session)
        finally:
            self.sessions.discard(session)
            await session.stop()
        return websocket

    async def _run_session(
        self, request: web.Request, websocket: web.WebSocketResponse, session: AppSession
    ) -> None:
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        await session.start(width, height)
        idle = asyncio.create_task(self._end_when_idle(websocket, session))
        try:
            await self._process_messages(websocket, session)
        except (asyncio.CancelledError, ConnectionError, ValueError) as error:
            log.info("session ended: %s", type(error).__name__)
        finally:
            idle.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await idle

    async def _end_when_idle(self, websocket: web.WebSocketResponse, session: AppSession) -> None:
        """Close the tab's connection (and so its app) after the idle time without a key."""
        limit = self.limits.idle_timeout
        while True:
            left = session.last_input + limit - time.monotonic()
            if left <= 0:
                log.info("session idle for %.0f s: ended", limit)
                await websocket.close(message=b"idle")
                return
            await asyncio.sleep(min(left, 60.0))

    async def on_shutdown(self, app: web.Application) -> None:
        """End every session's app before the server goes."""
        await asyncio.gather(*(s.stop() for s in list(self.sessions)), return_exceptions=True)
