import dataclasses

import pytest

from accountreview.domain.enums import Role
from accountreview.domain.errors import InvalidValue
from accountreview.domain.settings import DEFAULT_SETTINGS, Settings


def test_defaults_encode_the_practice() -> None:
    assert DEFAULT_SETTINGS.stale_after_days == 90
    assert DEFAULT_SETTINGS.follow_up_days == (90, 180, 365)
    assert DEFAULT_SETTINGS.cadence_days[Role.CHAMPION] == 14
    assert set(DEFAULT_SETTINGS.cadence_days) == set(Role)


def test_settings_are_immutable_including_the_cadence() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_SETTINGS.stale_after_days = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        DEFAULT_SETTINGS.cadence_days[Role.CHAMPION] = 1  # type: ignore[index]


def test_a_partial_cadence_keeps_the_other_defaults() -> None:
    settings = Settings(cadence_days={Role.CHAMPION: 7})
    assert settings.cadence_days[Role.CHAMPION] == 7
    assert settings.cadence_days[Role.FINANCE] == 90


def test_settings_compare_and_hash_by_value() -> None:
    assert Settings() == DEFAULT_SETTINGS
    assert hash(Settings()) == hash(DEFAULT_SETTINGS)


def test_inconsistent_thresholds_are_refused() -> None:
    with pytest.raises(InvalidValue):
        Settings(fresh_within_days=100, stale_after_days=90)
    with pytest.raises(InvalidValue):
        Settings(cs_tiers=((0, "scale"), (50_000, "growth")))
    with pytest.raises(InvalidValue):
        Settings(slots_per_review=0)
