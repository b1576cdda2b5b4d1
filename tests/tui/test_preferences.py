"""The user's keymap (keymap.toml) and the theme remembered (settings.json), in the
config folder, which the tests point at a temporary folder."""

import os
import stat
from pathlib import Path

import pytest

from accountreview.paths import config_dir
from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.app import binding_ids
from accountreview.tui.preferences import PreferenceProblem, read_keymap
from accountreview.tui.screens.audit import AuditScreen
from accountreview.tui.screens.queue import QueueScreen
from accountreview.tui.widgets.key_bar import KeyBar
from conftest import TODAY, Seeded


def test_the_config_folder_is_the_tests_own(tmp_path: Path) -> None:
    assert config_dir() == tmp_path / "xdg-config" / "accountreview"


def app_on(db_path: Path) -> AccountReviewApp:
    return AccountReviewApp(open_workspace(db_path, TODAY, create=True))


def notices(app: AccountReviewApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_keymap_remaps_a_binding_by_its_id(db_path: Path, seeded: Seeded) -> None:
    config_dir().mkdir(parents=True)
    (config_dir() / "keymap.toml").write_text('queue.audit = "u"\n"list.down" = "ctrl+j"\n')
    app = app_on(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        assert "u Audit" in str(app.screen.query_one(KeyBar).render())
        await pilot.press("a")  # the old key does nothing now
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        await pilot.press("u")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert isinstance(app.screen, AuditScreen)
        assert not notices(app)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("queue.audit = u\n", "not valid TOML"),
        ('queue.nothing = "u"\n', "'queue.nothing' is not a binding id"),
        ("queue.audit = 3\n", "queue.audit: expected a key"),
        ('queue.audit = "two words"\n', "queue.audit: expected a key"),
        ('queue.audit = "\x1b[A"\n', "not valid TOML"),
    ],
)
async def test_a_bad_keymap_is_a_message_and_the_usual_keys(
    db_path: Path, seeded: Seeded, text: str, said: str
) -> None:
    config_dir().mkdir(parents=True)
    (config_dir() / "keymap.toml").write_text(text)
    app = app_on(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QueueScreen)
        (message,) = notices(app)
        assert "keymap.toml" in message and said in message, message
        assert "usual keys" in message
        await pilot.press("a")  # the default key still works
        await pilot.pause()
        assert isinstance(app.screen, AuditScreen)


def test_a_keymap_that_is_not_a_small_text_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "keymap.toml").mkdir()
    with pytest.raises(PreferenceProblem, match="not a regular file"):
        read_keymap(tmp_path, binding_ids())
    (tmp_path / "keymap.toml").rmdir()
    (tmp_path / "keymap.toml").write_bytes(b"\xff\xfe queue")
    with pytest.raises(PreferenceProblem, match="not UTF-8"):
        read_keymap(tmp_path, binding_ids())
    (tmp_path / "keymap.toml").write_text("# " + "x" * 70_000)
    with pytest.raises(PreferenceProblem, match="at most"):
        read_keymap(tmp_path, binding_ids())


def test_the_keymap_knows_the_ids_of_every_screen_and_list() -> None:
    ids = list(binding_ids())
    for expected in ("app.quit", "queue.open", "review.close", "list.down", "welcome.demo"):
        assert expected in ids


async def test_the_theme_is_remembered_across_two_runs(db_path: Path, seeded: Seeded) -> None:
    app = app_on(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme != "textual-light"
        app.theme = "textual-light"  # as the palette's "change theme" does
        await pilot.pause()
    saved = config_dir() / "settings.json"
    assert stat.S_IMODE(os.stat(saved).st_mode) == 0o600
    assert not [p for p in config_dir().iterdir() if p.name.endswith(".part")]
    again = app_on(db_path)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert again.theme == "textual-light"


async def test_a_damaged_settings_file_starts_with_the_default_theme(
    db_path: Path, seeded: Seeded
) -> None:
    config_dir().mkdir(parents=True)
    (config_dir() / "settings.json").write_text('{"theme": ')
    app = app_on(db_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-dark" and isinstance(app.screen, QueueScreen)
