"""The full-screen app (Textual). Imported only when a command opens the TUI."""

import os

# Textual paints at most 60 frames a second, so a key that changes the screen twice
# (the cursor, then the line that describes the row) waits up to two 16 ms frames.
# At 120 the same key shows in about half the time; an idle app paints nothing either way.
os.environ.setdefault("TEXTUAL_FPS", "120")

from accountreview.tui.app import AccountReviewApp

__all__ = ["AccountReviewApp"]
