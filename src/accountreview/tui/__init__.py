"""The full-screen app (Textual). Imported only when a command opens the TUI."""

from accountreview.tui.app import AccountReviewApp

__all__ = ["AccountReviewApp"]
