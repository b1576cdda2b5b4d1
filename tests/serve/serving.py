"""Run the real `accountreview serve` in a subprocess, and find its app processes."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

CHILD = "accountreview.serve.child"


@dataclass
class Served:
    """A running server: its process, address and token."""

    process: subprocess.Popen[str]
    base: str
    token: str | None

    @property
    def signin_url(self) -> str:
        return f"{self.base}/?token={self.token}"

    def app_pids(self) -> list[int]:
        """The pids of this server's app processes (children running the browser app)."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            state = stat.rsplit(")", 1)[1].split()[0]
            if ppid == self.process.pid and CHILD in cmdline and state != "Z":
                pids.append(int(entry.name))
        return pids

    def wait_for_pids(self, count: int, timeout: float = 15.0) -> list[int]:
        """Wait until exactly `count` app processes run; returns them."""
        deadline = time.monotonic() + timeout
        pids = self.app_pids()
        while len(pids) != count and time.monotonic() < deadline:
            time.sleep(0.05)
            pids = self.app_pids()
        return pids


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(db: Path, *args: str, rep: str | None = None) -> Iterator[Served]:
    """`accountreview --db DB serve --port P ARGS`, until the block ends (then SIGTERM)."""
    port = free_port()
    argv = [sys.executable, "-m", "accountreview", "--db", str(db)]
    argv += ["--rep", rep] if rep else []
    argv += ["serve", "--port", str(port), *args]
    process = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ)
    )
    try:
        assert process.stdout is not None
        opened = ""
        for line in process.stdout:
            if line.startswith("Open "):
                opened = line
                break
        assert opened, process.stderr.read() if process.stderr else "no output"
        found = re.search(r"token=([\w-]+)", opened)
        wait_listening(port)
        yield Served(process, f"http://127.0.0.1:{port}", found[1] if found else None)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_listening(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise AssertionError(f"nothing listens on {port}")
