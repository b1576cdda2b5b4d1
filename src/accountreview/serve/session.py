"""One browser tab's app: its own process, started from an argv list (never a shell),
ended when the tab closes or after an idle time, and never waited on without a limit."""

import asyncio
import contextlib
import sys
import time
from asyncio.subprocess import PIPE, Process
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager

# How long a quitting app may take to save and exit before it is terminated, then killed.
QUIT_GRACE = 3.0


@dataclass(frozen=True)
class AppCommand:
    """What each session runs: the app on this database, as of `today`, as `rep`."""

    db: str
    today: date

    def argv(self, rep: str | None) -> list[str]:
        """The child's argv: this interpreter running the browser entry point."""
        argv = [sys.executable, "-m", "accountreview.serve.child", self.db, self.today.isoformat()]
        return [*argv, rep] if rep else argv


class AppSession(AppService):
    """textual-serve's AppService, with the process started by exec and a bounded stop."""

    def __init__(
        self,
        argv: list[str],
        *,
        write_bytes: Callable[[bytes], Awaitable[None]],
        write_str: Callable[[str], Awaitable[None]],
        close: Callable[[], Awaitable[None]],
        download_manager: DownloadManager,
    ) -> None:
        super().__init__(
            " ".join(argv),  # shown in logs only: the process is started from `argv`
            write_bytes=write_bytes,
            write_str=write_str,
            close=close,
            download_manager=download_manager,
        )
        self.argv = argv
        self.last_input = time.monotonic()

    @property
    def process(self) -> Process | None:
        """The app's process, once started."""
        return self._process

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        """Start the app from its argv list: no shell reads the command."""
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=PIPE,
            stdout=PIPE,
            stderr=PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,
        )
        self._stdin = process.stdin
        return process

    async def send_bytes(self, data: bytes) -> bool:
        """Keys from the browser: also what keeps the session from idling out."""
        self.last_input = time.monotonic()
        return bool(await super().send_bytes(data))

    async def stop(self) -> None:
        """Ask the app to quit, wait a little, then terminate and at last kill it."""
        task = self._task
        self._task = None
        process = self._process
        if task is None or process is None:
            return
        await self._download_manager.cancel_app_downloads(app_service_id=self.app_service_id)
        with contextlib.suppress(Exception):
            await self.send_meta({"type": "quit"})
        for end in (None, process.terminate, process.kill):
            if end is not None and process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    end()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(process.wait(), QUIT_GRACE)
            if process.returncode is not None:
                break
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
