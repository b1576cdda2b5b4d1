"""A line (or a few) of text that may hold user text: the app's only Static."""

from textual.visual import VisualType
from textual.widgets import Static

from accountreview.tui.literal import literal


class Line(Static):
    """A Static that never reads a `str` as markup: it is drawn as typed.

    Styled text comes as `Content` (see `accountreview.tui.literal.styled`), so a
    name, a note or an error message that quotes one can never turn into markup.
    """

    def __init__(
        self, content: VisualType = "", *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(
            literal(content) if isinstance(content, str) else content,
            id=id,
            classes=classes,
            markup=False,
        )

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        """Show `content`; a `str` as typed, `Content` with its styles."""
        super().update(literal(content) if isinstance(content, str) else content, layout=layout)
