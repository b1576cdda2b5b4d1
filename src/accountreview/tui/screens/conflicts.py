"""Sync conflicts: fields someone else changed too, mine and theirs side by side.

The field holds the hub's value (theirs) until the person chooses; `m` keeps mine (the
value of the push that met the conflict), `t` takes theirs: the field takes it at once and
the next sync settles the conflict on the hub, for every laptop. Names, values and account
names are user text: every cell is drawn literally (`literal.cell`).
"""

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable

from accountreview.services.conflict_places import ConflictLine, conflict_lines
from accountreview.services.errors import UserError
from accountreview.services.workspace import Workspace
from accountreview.text import plural
from accountreview.tui.literal import cell, styled
from accountreview.tui.widgets.columns import Column, fit_columns
from accountreview.tui.widgets.key_bar import KeyBar
from accountreview.tui.widgets.line import Line
from accountreview.tui.widgets.list_keys import KeyTable

# The columns, fitted to the width there is like every list (`columns.fit_columns`):
# each shown whole when it fits, the widest cut first when not, none below 6 cells.
_COLUMNS = (
    ("account", Column("Account", least=6)),
    ("what", Column("Field", least=6)),
    ("mine", Column("Mine", least=6)),
    ("theirs", Column("Theirs (hub)", least=6)),
)
_PADDING = 2  # a DataTable cell's padding, one cell each side


class ConflictsScreen(Screen[int]):
    """The open conflicts of this file; dismissed with how many were resolved."""

    PALETTE_SECTION = "Conflicts"
    CSS_PATH = "conflicts.tcss"
    BINDINGS = [
        Binding(
            "m",
            "choose('mine')",
            "Keep mine",
            id="conflicts.mine",
            tooltip="Keep my value: the next sync sends it to the hub",
        ),
        Binding(
            "t",
            "choose('theirs')",
            "Take theirs",
            id="conflicts.theirs",
            tooltip="Take the hub's value (the field already holds it)",
        ),
        Binding("escape,q", "back", "Back", id="conflicts.back"),
    ]

    def __init__(self, ws: Workspace) -> None:
        super().__init__()
        self.ws = ws
        self.lines: list[ConflictLine] = []
        self.resolved = 0

    def compose(self) -> ComposeResult:
        yield Line(id="conflicts-title", classes="title-line")
        table: DataTable[Text] = KeyTable(id="conflicts", cursor_type="row", zebra_stripes=True)
        for key, column in _COLUMNS:
            table.add_column(column.header, key=key, width=10)
        yield table
        yield Line(id="conflict-detail", classes="hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load()

    def on_resize(self, event: events.Resize) -> None:
        self.load()

    def _fit_columns(self, rows: list[tuple[str, str, str, str]]) -> None:
        """Widths that show every cell whole when they fit the screen (less the cells'
        padding and a scrollbar), the widest cut first when not: nothing scrolls sideways
        and no room is left over while a cell is cut."""
        table = self.query_one(DataTable)
        room = max(32, self.size.width - table.styles.scrollbar_size_vertical)
        widths = fit_columns([c for _key, c in _COLUMNS], rows, room - _PADDING, gap=_PADDING)
        for column, size in zip(table.columns.values(), widths, strict=True):
            column.width, column.auto_width = max(size, 1), False
        table.refresh()

    def load(self, keep: int | None = None) -> None:
        """(Re)read the open conflicts and draw them, the cursor on row `keep`."""
        try:
            self.lines = conflict_lines(self.ws)
        except UserError as error:
            self.app.notify(str(error), severity="error")
            return
        table = self.query_one(DataTable)
        row = table.cursor_row if keep is None else keep
        table.clear()
        texts = [(line.account or "—", line.what, line.mine, line.theirs) for line in self.lines]
        self._fit_columns(texts)
        for line, (account, what, mine, theirs) in zip(self.lines, texts, strict=True):
            table.add_row(cell(account), cell(what), cell(mine), cell(theirs), key=line.id)
        title = self.query_one("#conflicts-title", Line)
        title.update(
            f"Sync conflicts · {plural(len(self.lines), 'field')} changed here and elsewhere"
            if self.lines
            else "Sync conflicts · none open"
        )
        if self.lines:
            table.move_cursor(row=min(row, len(self.lines) - 1))
        self._show_detail()

    def current(self) -> ConflictLine | None:
        """The conflict under the cursor, if any."""
        table = self.query_one(DataTable)
        if not self.lines or not 0 <= table.cursor_row < len(self.lines):
            return None
        return self.lines[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        """The highlighted conflict in full below the table (cells are cut to fit)."""
        line = self.current()
        detail = self.query_one("#conflict-detail", Line)
        if line is None:
            detail.update("m keeps mine, t takes theirs; the next sync tells the hub")
            return
        detail.update(
            styled(
                "$where · $what\n[b]mine[/b]: $mine\n[b]theirs[/b]: $theirs · $reason",
                where=line.account or "—",
                what=line.what,
                reason=line.reason,
                mine=line.mine,
                theirs=line.theirs,
            )
        )

    def action_choose(self, choice: str) -> None:
        """Resolve the highlighted conflict with `choice` ('mine' or 'theirs')."""
        from accountreview.services.sync import resolve_conflict

        line = self.current()
        if line is None:
            return
        try:
            resolve_conflict(self.ws, line.id, choice)
        except UserError as error:
            self.app.notify(str(error), severity="error")
        else:
            self.resolved += 1
            kept = line.mine if choice == "mine" else line.theirs
            self.app.notify(f"{line.what}: {kept} (the next sync tells the hub)", timeout=4)
        self.load(keep=self.query_one(DataTable).cursor_row)

    def action_back(self) -> None:
        self.dismiss(self.resolved)
