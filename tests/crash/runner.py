"""Running a child process, reading its protocol lines as they come, killing it on cue."""

import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crash import protocol

TESTS = Path(__file__).resolve().parents[1]
Line = tuple[float, str, Any]  # (seconds since start, kind, payload)


def child_env() -> dict[str, str]:
    """The test's environment, plus the tests folder on the path and unbuffered output."""
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(TESTS), env.get("PYTHONPATH")]))
    return env


def python(module: str, *args: object) -> list[str]:
    """The command that runs `python -m module args…` with this interpreter."""
    return [sys.executable, "-m", module, *map(str, args)]


@dataclass
class Cue:
    """When to send SIGKILL: a delay after start, or after "ready", or `jitter` seconds
    after the n-th line of a kind (the n-th confirmation "D", progress report "P")."""

    after_start: float | None = None
    after_ready: float | None = None
    after_line: tuple[str, int] | None = None
    jitter: float = 0.0

    def __str__(self) -> str:
        if self.after_start is not None:
            return f"{self.after_start * 1000:.0f} ms after start"
        if self.after_ready is not None:
            return f"{self.after_ready * 1000:.0f} ms after ready"
        kind, count = self.after_line or ("?", 0)
        return f"{self.jitter * 1000:.1f} ms after {kind} line {count}"


@dataclass
class ChildRun:
    """What a child said, and how it ended."""

    lines: list[Line] = field(default_factory=list)
    returncode: int | None = None
    killed: bool = False
    stderr: str = ""
    seconds: float = 0.0


def _split(buffer: bytes) -> tuple[list[str], bytes]:
    *complete, rest = buffer.split(b"\n")
    return [line.decode() for line in complete], rest


def run_child(
    command: list[str],
    cue: Cue | None,
    *,
    translate: Callable[[str], tuple[str, Any]] = protocol.parse_line,
    timeout: float = 120.0,
) -> ChildRun:
    """Start `command`, read its lines as they come, SIGKILL it at `cue` (or let it end)."""
    run = ChildRun()
    with tempfile.TemporaryFile() as errors:
        child = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=child_env(),
        )
        assert child.stdout is not None
        fd = child.stdout.fileno()
        os.set_blocking(fd, False)
        start = time.monotonic()
        deadline = None if cue is None or cue.after_start is None else start + cue.after_start
        buffer, ended = b"", False
        counts: dict[str, int] = {}
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while not ended:
                now = time.monotonic()
                if deadline is not None and now >= deadline:
                    child.send_signal(signal.SIGKILL)
                    run.killed = True
                    break
                if now - start > timeout:
                    child.kill()
                    raise AssertionError(f"{command}: still running after {timeout} s")
                wait = 0.5 if deadline is None else max(0.0, min(deadline - now, 0.5))
                if not selector.select(wait):
                    continue
                chunk = os.read(fd, 65536)
                ended = not chunk
                lines, buffer = _split(buffer + chunk)
                for text in lines:
                    at = time.monotonic() - start
                    kind, payload = translate(text)
                    run.lines.append((at, kind, payload))
                    if cue is None:
                        continue
                    if kind == "R" and cue.after_ready is not None:
                        deadline = time.monotonic() + cue.after_ready
                    counts[kind] = counts.get(kind, 0) + 1
                    if cue.after_line == (kind, counts[kind]):
                        deadline = time.monotonic() + cue.jitter
        run.returncode = child.wait()
        run.seconds = time.monotonic() - start
        os.set_blocking(fd, True)
        rest = child.stdout.read()  # what it wrote before it died is still in the pipe
        lines, tail = _split(buffer + rest)
        for text in lines:
            run.lines.append((time.monotonic() - start, *translate(text)))
        if tail:  # lines are written whole (one write below PIPE_BUF): this is not ours
            run.lines.append((time.monotonic() - start, "?", tail.decode(errors="replace")))
        child.stdout.close()
        errors.seek(0)
        run.stderr = errors.read().decode(errors="replace")
    if run.killed and run.returncode != -signal.SIGKILL:
        run.killed = False  # it ended on its own just before the signal
    return run


def run_together(
    commands: list[list[str]],
    *,
    stop_others: bool = False,
    timeout: float = 300.0,
) -> list[ChildRun]:
    """Start the children, release them all at once when all said "R" (a line on stdin),
    read their lines as they come until they end. With `stop_others`, the others get
    "stop" on stdin when the first one ends. Line times count from the release."""
    runs = [ChildRun() for _ in commands]
    with ExitStack() as stack:
        selector = stack.enter_context(selectors.DefaultSelector())
        errors = [stack.enter_context(tempfile.TemporaryFile()) for _ in commands]
        children = [
            subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, env=child_env()
            )
            for command, err in zip(commands, errors, strict=True)
        ]
        for n, child in enumerate(children):
            assert child.stdout is not None
            os.set_blocking(child.stdout.fileno(), False)
            selector.register(child.stdout.fileno(), selectors.EVENT_READ, n)
        buffers = [b""] * len(children)
        start = time.monotonic()
        released: float | None = None
        ready: set[int] = set()
        reading = len(children)
        while reading:
            if time.monotonic() - start > timeout:
                for child in children:
                    child.kill()
                raise AssertionError(f"still running after {timeout} s: {commands}")
            for key, _ in selector.select(0.5):
                n = key.data
                chunk = os.read(key.fd, 65536)
                lines, buffers[n] = _split(buffers[n] + chunk)
                for text in lines:
                    kind, payload = protocol.parse_line(text)
                    runs[n].lines.append((time.monotonic() - (released or start), kind, payload))
                    if kind == "R":
                        ready.add(n)
                if not chunk:
                    selector.unregister(key.fd)
                    reading -= 1
                    runs[n].seconds = time.monotonic() - (released or start)
                    if stop_others and n == 0:
                        for other in children[1:]:
                            _tell(other, "stop")
            if released is None and len(ready) == len(children):
                released = time.monotonic()
                for child in children:
                    _tell(child, "go")
        for run, child, err in zip(runs, children, errors, strict=True):
            run.returncode = child.wait()
            for pipe in (child.stdout, child.stdin):
                if pipe is not None:
                    pipe.close()
            err.seek(0)
            run.stderr = err.read().decode(errors="replace")
    return runs


def _tell(child: "subprocess.Popen[bytes]", word: str) -> None:
    """Write a line to a child's stdin (it may have ended already)."""
    assert child.stdin is not None
    with suppress(BrokenPipeError):
        child.stdin.write(f"{word}\n".encode())
        child.stdin.flush()
