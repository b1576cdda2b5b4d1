"""The progress callback that long-running services (demo build, import) accept."""

from collections.abc import Callable

Progress = Callable[[str, int, int], None]
"""Called as progress(stage, done, total) now and then while long work runs."""
