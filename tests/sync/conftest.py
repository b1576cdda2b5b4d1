"""The team fixture: a fresh hub database with the team's people, laptops in a temp folder."""

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sync.team import Team, setup_team

if TYPE_CHECKING:
    from postgres import PostgresServer


@pytest.fixture
def team(hub_server: "PostgresServer", hub_url: str, tmp_path: Path) -> Team:
    """Mia (manager) with her reps Ann and Ben signed up on a fresh hub."""
    return setup_team(hub_server.port, hub_url, tmp_path)
