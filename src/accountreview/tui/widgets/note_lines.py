"""Lines of text in an area of fixed size that scrolls when they do not fit.

The review's notes (what blocks closing, risks, what changed) change with every
slot edit. In a Static their height would change too, and Textual would lay the
whole screen out a second time; in an OptionList each line is a styled option,
re-rendered one by one. Here the lines are one piece of text, rendered at once,
and the widget's size never depends on them.
"""

from collections.abc import Sequence

from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.visual import Visual


class NoteLines(ScrollView, can_focus=True):
    """Lines of styled text; `set_lines` replaces them. Focus it to scroll with the arrows."""

    DEFAULT_CSS = """
    NoteLines {
        height: 1fr;
        padding: 0 1;
        overflow-x: hidden;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._source: tuple[tuple[str, object], ...] = ()
        self._lines: tuple[Content, ...] = ()
        self._content = Content("")
        self._strips: list[Strip] = []
        self._width = -1

    @property
    def lines(self) -> tuple[Content, ...]:
        """The lines shown."""
        return self._lines

    @property
    def plain(self) -> str:
        """The text shown, without styles."""
        return self._content.plain

    def set_lines(self, lines: Sequence[Content]) -> None:
        """Show `lines` (build them with `literal` or `styled`: a `str` is not accepted,
        so user text never becomes markup), scrolled back to the top if they changed."""
        source = tuple((line.plain, tuple(line.spans)) for line in lines)
        if source == self._source:
            return
        self._source, self._lines = source, tuple(lines)
        self._content = Content("\n").join(lines)
        self._width = -1
        self._layout_lines()
        self.scroll_to(y=0, animate=False)
        self.refresh()

    def scroll_to_heading(self, starts: Sequence[str]) -> bool:
        """Scroll the first line that begins with one of `starts` to the top (as far as
        the lines go); False if no line does."""
        strips = self._rendered(self.scrollable_content_region.width)
        for y, strip in enumerate(strips):
            if strip.text.startswith(tuple(starts)):
                self.scroll_to(y=y, animate=False, immediate=True)
                return True
        return False

    def _rendered(self, width: int) -> list[Strip]:
        if width != self._width:
            strips = Visual.to_strips(self, self._content, width, None, self.visual_style)
            self._strips = [s.extend_cell_length(width) for s in strips]
            self._width = width
        return self._strips

    def _layout_lines(self) -> None:
        width = self.scrollable_content_region.width
        if width > 0:
            self.virtual_size = Size(width, len(self._rendered(width)))

    def on_resize(self, event: events.Resize) -> None:
        self._layout_lines()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        strips = self._rendered(width)
        index = y + round(self.scroll_offset.y)
        if 0 <= index < len(strips):
            return strips[index].apply_style(self.rich_style)
        return Strip.blank(width, self.rich_style)
