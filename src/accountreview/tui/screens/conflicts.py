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
from accountreview.tui.widgets.key_bar import KeyBar
from accountreview.tui.widgets.line import Line
from accountreview.tui.widgets.list_keys import KeyTable

# The share of the table's width each column takes; the account and field never shrink
# below a few characters, mine and theirs share the rest.
_COLUMNS = (("account", "Account", 0.22), ("what", "Field", 0.34), ("mine", "Mine", 0.22))


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
        for key, label, _share in _COLUMNS:
            table.add_column(label, key=key, width=10)
        table.add_column("Theirs (hub)", key="theirs", width=10)
        yield table
        yield Line(id="conflict-detail", classes="hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load()

    def on_resize(self, event: events.Resize) -> None:
        self._fit_columns(event.size.width)
        self.load()

    def _fit_columns(self, width: int) -> None:
        """Share the width among the columns (two characters of padding each, and room
        for the scrollbar): nothing needs scrolling sideways."""
        table = self.query_one(DataTable)
        room = max(32, width - 2 * len(table.columns) - 2)
        widths = [max(6, int(room * share)) for _key, _label, share in _COLUMNS]
        widths.append(max(6, room - sum(widths)))
        for column, size in zip(table.columns.values(), widths, strict=True):
            column.width, column.auto_width = size, False
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
        for line in self.lines:
            table.add_row(
                cell(line.account or "—"),
                cell(line.what),
                cell(line.mine),
                cell(line.theirs),
                key=line.id,
            )
        title = self.query_one("#conflicts-title", Line)
        title.update(
            f"Sync conflicts · {plural(len(self.lines), 'field')} changed here and elsewhere"
            if self.lines
            else "Sync conflicts · none open: every field agrees with the hub"
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
