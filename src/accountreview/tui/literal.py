"""User text on screen: always shown as typed, never read as markup.

Textual reads a `str` given to a Static, an Option or a notification as markup, so a
name like "Acme [/] EU" would crash the screen and "[b]x[/b]" would lose its brackets.
The app therefore never hands Textual a `str` that holds user text: it hands it
`Content` (or, for a DataTable cell, a Rich `Text`), which Textual draws as it is.
Markup is only ever our own fixed template, with the user's text put in its `$name`
places as literal text. Control characters (an escape sequence in an imported name)
are drawn as `�`, so no text can drive the terminal; a newline still breaks a line.
"""

from rich.text import Text
from textual.content import Content

_CONTROLS = {code: "\N{REPLACEMENT CHARACTER}" for code in [*range(32), *range(127, 160)]}
_CONTROLS[ord("\t")] = " "
del _CONTROLS[ord("\n")]  # our own lines break there (user text holds none: it is refused)


def printable(text: str) -> str:
    """`text` with every control character but the newline replaced (a tab by a space)."""
    return text.translate(_CONTROLS)


def literal(text: str) -> Content:
    """`text` exactly as typed (brackets, `$`, emoji and all)."""
    return Content(printable(text))


def styled(template: str, **values: str) -> Content:
    """Our own markup `template` with each `$name` in it replaced by the literal text
    `values[name]`: `styled("[b]$name[/b] left", name=person)`."""
    return Content.from_markup(template, **{k: printable(v) for k, v in values.items()})


def cell(text: str, style: str = "", length: int | None = None) -> Text:
    """A DataTable cell showing `text` as typed (a `str` cell is read as Rich markup),
    its first `length` characters (all by default) in `style`, when one is given."""
    shown = Text(printable(text), end="")
    if style:
        shown.stylize(style, 0, length)
    return shown
