"""The user's preferences in the config folder: keys remapped (keymap.toml) and the
theme chosen (settings.json).

Both are optional. A keymap that cannot be used is reported whole and the app
starts with its own keys: a half-applied keymap would leave keys nobody expects.
The settings file is written atomically (a private temporary file renamed over
it), so a crash never leaves half a file, and it is private to its user (0600).
"""

import json
import os
import re
import stat
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.theme import Theme

KEYMAP_FILE = "keymap.toml"
SETTINGS_FILE = "settings.json"
MAX_BYTES = 64 * 1024  # a keymap or settings file is a few lines
# A key as Textual names it: a letter, a digit or a name (f5, escape, question_mark),
# with modifiers (ctrl+shift+a); or one printable character (?, /, [).
_KEY = re.compile(r"^(?:(?:ctrl|shift|alt|meta|super|hyper)\+)*(?:[a-z0-9_]+|[^\s\x00-\x1f])$")


class PreferenceProblem(Exception):
    """A preferences file that cannot be used, with the file and what is wrong."""


def _read_text(path: Path) -> str | None:
    """A small regular file's text, or None when there is none."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise PreferenceProblem(f"{path}: cannot read it ({error.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise PreferenceProblem(f"{path}: not a regular file")
    if info.st_size > MAX_BYTES:
        raise PreferenceProblem(f"{path}: {info.st_size:,} bytes; at most {MAX_BYTES:,} expected")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise PreferenceProblem(f"{path}: not UTF-8 text") from None
    except OSError as error:
        raise PreferenceProblem(f"{path}: cannot read it ({error.strerror})") from None


def read_keymap(folder: Path, known_ids: Iterable[str]) -> dict[str, str]:
    """The keymap in `folder`/keymap.toml (`binding.id = "key"`, or "key1,key2"); empty
    when there is none. Raises PreferenceProblem naming the file, line or id at fault."""
    path = folder / KEYMAP_FILE
    text = _read_text(path)
    if text is None:
        return {}
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise PreferenceProblem(f"{path}: not valid TOML ({error})") from None
    known = set(known_ids)
    keymap: dict[str, str] = {}
    for binding_id, keys in _flatten(table):
        if binding_id not in known:
            raise PreferenceProblem(
                f"{path}: {binding_id!r} is not a binding id; the ids are listed in README.md"
            )
        if not isinstance(keys, str) or not all(_KEY.match(key.strip()) for key in keys.split(",")):
            raise PreferenceProblem(
                f'{path}: {binding_id}: expected a key such as "j", "ctrl+k" or "f2,x";'
                f" got {keys!r}"
            )
        keymap[binding_id] = ",".join(key.strip() for key in keys.split(","))
    return keymap


def _flatten(table: dict[str, object], prefix: str = "") -> Iterable[tuple[str, object]]:
    """`queue.open = "o"` reads in TOML as a table {queue: {open: "o"}}: back to dotted ids
    (a quoted "queue.open" key works too)."""
    for name, value in table.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", value


def read_theme(folder: Path) -> str | None:
    """The theme last chosen, if one was saved (a damaged file reads as none)."""
    try:
        text = _read_text(folder / SETTINGS_FILE)
        settings = json.loads(text) if text else {}
    except (PreferenceProblem, ValueError):
        return None
    theme = settings.get("theme") if isinstance(settings, dict) else None
    return theme if isinstance(theme, str) else None


def save_theme(folder: Path, theme: str) -> None:
    """Remember `theme` in `folder`/settings.json (atomically, 0600)."""
    path = folder / SETTINGS_FILE
    temporary = folder / f".{SETTINGS_FILE}.{os.getpid()}.part"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY | os.O_NOFOLLOW, 0o600)
        with open(fd, "w", encoding="utf-8") as stream:
            json.dump({"theme": theme}, stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise PreferenceProblem(f"{path}: cannot save the theme ({error.strerror})") from None


def apply_preferences(app: App[None], folder: Path, known_ids: Iterable[str]) -> dict[str, str]:
    """Give `app` the user's last theme and keymap, and remember a theme chosen later
    (in the palette) for the next start. Returns the keymap applied: a keymap that
    cannot be used is a message, and the app keeps its own keys ({})."""
    saved = [read_theme(folder)]
    if saved[0] in app.available_themes:
        app.theme = saved[0] or app.theme

    def theme_changed(theme: Theme) -> None:
        if theme.name == saved[0]:
            return
        try:
            save_theme(folder, theme.name)
            saved[0] = theme.name
        except PreferenceProblem as error:
            app.notify(str(error), severity="warning", timeout=8)

    app.theme_changed_signal.subscribe(app, theme_changed)
    try:
        keymap = read_keymap(folder, known_ids)  # the screens are imported only for a file
    except PreferenceProblem as error:
        app.notify(f"{error}. The usual keys are used.", severity="error", timeout=15)
        return {}
    app.set_keymap(keymap)
    return keymap


def screen_binding_ids() -> Iterator[str]:
    """The id of every key of the screens, dialogs and lists (the app adds its own)."""
    from importlib import import_module

    for name in (*_SCREEN_MODULES, "accountreview.tui.widgets.list_keys"):
        for holder in vars(import_module(name)).values():
            for binding in getattr(holder, "BINDINGS", []) if isinstance(holder, type) else []:
                if isinstance(binding, Binding) and binding.id:
                    yield binding.id


_SCREEN_MODULES = tuple(
    f"accountreview.tui.screens.{name}"
    for name in (
        "audit",
        "audit_rep",
        "conflicts",
        "forms",
        "help",
        "history",
        "queue",
        "refusal",
        "review",
        "transfer",
        "welcome",
        "who",
    )
)
