"""Where the databases live by default (the user's data directory), and env overrides."""

import os
from pathlib import Path

DB_ENV = "ACCOUNTREVIEW_DB"
TODAY_ENV = "ACCOUNTREVIEW_TODAY"
REP_ENV = "ACCOUNTREVIEW_REP"


def data_dir() -> Path:
    """The per-user data directory (e.g. ~/.local/share/accountreview)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("accountreview", appauthor=False))


def default_db() -> Path:
    """The database used when neither --db nor ACCOUNTREVIEW_DB is given."""
    return data_dir() / "accountreview.db"


def default_demo_db() -> Path:
    """Where `accountreview demo` builds its database unless --db says otherwise.

    Kept apart from the real database so that a demo never replaces real work.
    """
    return data_dir() / "demo.db"


def env_db() -> str | None:
    """The database named by the environment, if any."""
    return os.environ.get(DB_ENV) or None


def config_dir() -> Path:
    """The per-user config folder (e.g. ~/.config/accountreview): keymap.toml, settings.json."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("accountreview", appauthor=False))
