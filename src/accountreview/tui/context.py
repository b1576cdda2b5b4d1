"""How a screen reaches the app (its workspace, the week shown) with types intact."""

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from textual.dom import DOMNode

if TYPE_CHECKING:
    from accountreview.tui.app import AccountReviewApp


def app_of(node: DOMNode) -> "AccountReviewApp":
    """The AccountReviewApp that `node` belongs to."""
    from accountreview.tui.app import AccountReviewApp

    app = node.app
    assert isinstance(app, AccountReviewApp)
    return app


@runtime_checkable
class AccountList(Protocol):
    """A screen listing accounts that a review was opened from (the queue, a rep's audit):
    the review's "next account" asks it which comes next."""

    def next_after(self, account_id: str) -> str | None:
        """The next account after `account_id` whose review is not closed, or None."""

    def move_to(self, account_id: str) -> None:
        """Put the list's cursor on `account_id`."""
