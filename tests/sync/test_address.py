"""Which hub a sync uses, and that its password is never shown or remembered."""

import pytest

from accountreview.services.errors import InvalidInput
from accountreview.services.sync.address import HUB_ENV, choose_hub, parse_hub_url, redact


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://ann:s3cret@hub.example:5432/team", "postgresql://ann@hub.example:5432/team"),
        ("postgresql://ann@hub.example/team", "postgresql://ann@hub.example/team"),
        ("postgres://:pw@127.0.0.1:6543/team", "postgres://127.0.0.1:6543/team"),
        (
            "postgresql://ann@h/team?password=p%40ss&sslmode=require",
            "postgresql://ann@h/team?sslmode=require",
        ),
        ("postgresql://ann:a%3Ab%40c@h/team", "postgresql://ann@h/team"),
    ],
)
def test_redact_drops_every_password(url: str, shown: str) -> None:
    assert redact(url) == shown
    address = parse_hub_url(url, "--hub")
    assert address.url == url  # libpq still gets the password
    assert address.shown == shown


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("mysql://ann:pw@h/team", "not a PostgreSQL URL"),
        ("hub.example:5432", "not a PostgreSQL URL"),
        ("postgresql://ann:pw@h:notaport/team", "not a URL"),
        ("postgresql://ann:pw@h:5432", "names no database"),
        ("postgresql://ann:pw@h/te\nam", "control character"),
        ("postgresql://h/" + "x" * 3000, "at most 2,048"),
    ],
)
def test_a_bad_url_is_a_usage_error_that_never_echoes_the_password(text: str, problem: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_hub_url(text, "--hub")
    message = str(caught.value)
    assert message.startswith("--hub: ")
    assert problem in message
    assert "pw" not in message.replace("postgresql", "")


def test_hub_option_wins_then_env_then_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    remembered = "postgresql://ann@old/team"
    monkeypatch.delenv(HUB_ENV, raising=False)
    assert choose_hub(None, None) is None
    chosen = choose_hub(None, remembered)
    assert chosen is not None and chosen.source == "the remembered hub"
    monkeypatch.setenv(HUB_ENV, "postgresql://ann:pw@env/team")
    chosen = choose_hub(None, remembered)
    assert chosen is not None
    assert (chosen.source, chosen.shown) == (HUB_ENV, "postgresql://ann@env/team")
    chosen = choose_hub("postgresql://ann@given/team", remembered)
    assert chosen is not None and (chosen.source, chosen.shown) == (
        "--hub",
        "postgresql://ann@given/team",
    )
    with pytest.raises(InvalidInput, match="--hub: the hub URL is empty"):
        choose_hub("", remembered)  # an empty --hub never falls back to another hub
