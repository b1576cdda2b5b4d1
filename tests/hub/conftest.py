"""Fixtures of the hub tests (the team on a fresh hub: see hub_team.py)."""

from hub_team import team

__all__ = ["team"]
