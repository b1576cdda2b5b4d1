"""How a screen reaches the app (its workspace, the week shown) with types intact."""

from typing import TYPE_CHECKING

from textual.dom import DOMNode

if TYPE_CHECKING:
    from accountreview.tui.app import AccountReviewApp


def app_of(node: DOMNode) -> "AccountReviewApp":
    """The AccountReviewApp that `node` belongs to."""
    from accountreview.tui.app import AccountReviewApp

    app = node.app
    assert isinstance(app, AccountReviewApp)
    return app
