"""A list of fixed-width text rows: a light stand-in for a DataTable.

A row is drawn as one line rather than cell by cell, which makes a redraw several
times cheaper (a DataTable of 20 rows and 10 columns takes ~100 ms to redraw on a
2-core machine; the review's slots learned the same).
"""

from collections.abc import Sequence

from textual.widgets.option_list import Option

from accountreview.tui.literal import literal
from accountreview.tui.widgets.filter_input import matches
from accountreview.tui.widgets.list_keys import KeyList


def fixed_line(cells: Sequence[str], widths: Sequence[int]) -> str:
    """Cells padded to their widths, or cut with an ellipsis, two spaces apart.
    A width of 0 leaves the (last) cell as long as it is."""

    def fit(cell: str, width: int) -> str:
        if not width:
            return cell
        return (cell if len(cell) <= width else cell[: width - 1].rstrip() + "…").ljust(width)

    return "  ".join(fit(cell, width) for cell, width in zip(cells, widths, strict=True)).rstrip()


class RowList(KeyList):
    """Rows keyed by id; `enter` selects the highlighted one (OptionList.OptionSelected)."""

    DEFAULT_CSS = """
    RowList {
        height: 1fr;
    }
    """

    def __init__(self, widths: Sequence[int], *, id: str | None = None) -> None:
        super().__init__(id=id, compact=True)  # compact: no border, no padding
        self.widths = tuple(widths)
        self.rows: Sequence[tuple[str, Sequence[str]]] = []
        self.query_text = ""

    def show_rows(self, rows: Sequence[tuple[str, Sequence[str]]], keep: str | None = None) -> None:
        """Replace the rows (id, cells); the highlight stays on `keep` if it is still there.
        Only the rows matching the filter (`filter_rows`) are shown."""
        self.rows = rows
        rows = [(key, cells) for key, cells in rows if matches(self.query_text, cells)]
        self.set_options(
            [Option(literal(fixed_line(cells, self.widths)), id=key) for key, cells in rows]
        )
        if not rows:
            return
        ids = [key for key, _ in rows]
        self.highlighted = ids.index(keep) if keep in ids else 0

    def filter_rows(self, text: str) -> None:
        """Show only the rows with every word of `text` in their cells (all when empty)."""
        self.query_text = text
        self.show_rows(self.rows, keep=self.highlighted_id)

    @property
    def highlighted_id(self) -> str | None:
        """The id of the highlighted row, or None when the list is empty."""
        if self.highlighted is None or not self.option_count:
            return None
        return self.get_option_at_index(self.highlighted).id

    def highlight(self, key: str) -> None:
        """Move the highlight to the row `key` (nothing happens if it is not shown)."""
        try:
            self.highlighted = self.get_option_index(key)
        except Exception:  # OptionDoesNotExist: the row left the list
            return
