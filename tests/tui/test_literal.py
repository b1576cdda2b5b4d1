"""The one way user text reaches the screen (tui/literal.py), and that every screen
module goes through it: no Static, Option or table cell is ever given a markup str."""

import ast
from pathlib import Path

import pytest

import accountreview.tui
from accountreview.tui.literal import cell, literal, printable, styled

TUI = Path(accountreview.tui.__file__).parent
HOSTILE = ["Acme [/] EU", "[b]x[/b]", "[link=http://x]y[/link]", "[$error]", "$name ${x} \\["]


@pytest.mark.parametrize("text", HOSTILE)
def test_user_text_stays_as_typed_in_every_form(text: str) -> None:
    assert literal(text).plain == text
    assert cell(text).plain == text
    shown = styled("[b]Slot 1:[/b] $name left", name=text)
    assert shown.plain == f"Slot 1: {text} left"
    assert [(s.start, s.end) for s in shown.spans] == [(0, 7)]  # only our bold


def test_a_newline_still_breaks_a_line() -> None:
    assert literal("closed: 1\nReopened: Acme [/] EU").plain == "closed: 1\nReopened: Acme [/] EU"


def test_control_characters_cannot_reach_the_terminal() -> None:
    text = "a\x1b[2Jb\x07c\td\x9be"
    assert (
        printable(text)
        == "a\N{REPLACEMENT CHARACTER}[2Jb\N{REPLACEMENT CHARACTER}c d\N{REPLACEMENT CHARACTER}e"
    )
    for shown in (literal(text), styled("$t", t=text), cell(text)):
        assert "\x1b" not in shown.plain and "\x9b" not in shown.plain


def _calls(name: str) -> list[tuple[Path, ast.Call]]:
    found = []
    for path in TUI.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called == name:
                    found.append((path, node))
    return found


def _wrapped(arg: ast.expr, wrappers: set[str]) -> bool:
    if isinstance(arg, ast.Starred):
        arg = arg.value
    if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name):
        if arg.func.id == "map":  # map(cell, values)
            return isinstance(arg.args[0], ast.Name) and arg.args[0].id in wrappers
        return arg.func.id in wrappers
    return False


def test_screens_build_text_only_through_literal() -> None:
    """A Static reads a str as markup: the app's only Static is Line (which does not);
    options and table cells get Content or Text; markup is parsed in literal.py only."""
    where = [f"{p.name}:{c.lineno}" for p, c in _calls("Static") + _calls("Label")]
    assert where == [], "use widgets.line.Line, which never reads markup"
    options = [
        f"{p.name}:{c.lineno}"
        for p, c in _calls("Option")
        if c.args and not _wrapped(c.args[0], {"literal", "styled"})
    ]
    assert options == [], "give an Option literal(...) or styled(...)"
    rows = [
        f"{p.name}:{c.lineno}"
        for p, c in _calls("add_row")
        if not all(_wrapped(a, {"cell"}) for a in c.args)
    ]
    assert rows == [], "give a table cell(...)"
    parsers = {p.name for p, _ in _calls("from_markup")}
    assert parsers <= {"literal.py"}
