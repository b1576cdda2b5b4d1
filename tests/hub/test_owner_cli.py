"""`accountreview hub account move`: the owner gives an account to another rep through
the real CLI (a subprocess); a wrong name or email changes nothing; a member cannot."""

from test_cli_hub import run

from hubdata import Team, account_row, seed_book


def rep_of(team: Team, account: str) -> object:
    import psycopg

    with psycopg.connect(team.owner_url) as conn:
        row = conn.execute("SELECT rep_id FROM account WHERE id = %s", (account,)).fetchone()
    return None if row is None else row[0]


def test_the_owner_moves_an_account_by_name_and_the_hub_restamps_it(hub_team: Team) -> None:
    book = seed_book(hub_team.owner_url, hub_team.ann.id)
    code, out, err = run("hub", "account", "move", "acme", "--to", hub_team.bob.email.upper(),
                         "--hub", hub_team.owner_url)  # fmt: skip
    assert (code, err) == (0, ""), err
    assert out.strip() == "Acme: moved from Ann to Bob"
    assert rep_of(hub_team, book.account) == hub_team.bob.id


def test_a_wrong_account_or_email_changes_nothing_and_a_member_is_refused(
    hub_team: Team,
) -> None:
    book = seed_book(hub_team.owner_url, hub_team.ann.id)
    for args, want, message in (
        (("Nope", "--to", hub_team.bob.email), 4, "no account 'Nope'"),
        (("Acme", "--to", "nobody@example.com"), 4, "no one with the email"),
    ):
        code, out, err = run("hub", "account", "move", *args, "--hub", hub_team.owner_url)
        assert code == want and message in err and out == "", (code, out, err)
    code, _, err = run("hub", "account", "move", book.account, "--to", hub_team.bob.email,
                       "--hub", hub_team.ann.url)  # fmt: skip
    assert code == 3 and "Traceback" not in err, err
    seed_book(hub_team.owner_url, hub_team.bob.id)  # a second "Acme"
    code, _, err = run("hub", "account", "move", "Acme", "--to", hub_team.kim.email,
                       "--hub", hub_team.owner_url)  # fmt: skip
    assert code == 2 and "2 accounts are named 'Acme': give its id" in err, err
    assert rep_of(hub_team, book.account) == hub_team.ann.id
    assert account_row(hub_team.ann.id)["name"] == "Acme"
