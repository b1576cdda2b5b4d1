"""Where a conflicting field lives, in words: every synced table names its account and
record, and ids in a value are shown as the person's name."""

from accountreview.db.conflict_places import Place, name_of, place_of
from accountreview.domain.dates import IsoWeek
from accountreview.services.conflict_places import EMPTY, field_words, value_words
from accountreview.services.lookup import resolve_account
from accountreview.services.reviews import open_review, set_slot
from accountreview.services.workspace import Workspace
from conftest import TODAY, Seeded


def row_id(ws: Workspace, sql: str, *params: str) -> str:
    return str(ws.db.conn.execute(sql, params).fetchone()[0])


def test_every_synced_table_names_its_account_and_record(ws: Workspace, seeded: Seeded) -> None:
    account = resolve_account(ws, seeded.account_id)
    week = IsoWeek.of(TODAY)
    open_review(ws, account, week)
    set_slot(ws, account, week, 3, seeded.people["cio"])
    conn = ws.db.conn
    slot = row_id(ws, "SELECT id FROM review_slot WHERE position = 3")
    review = row_id(ws, "SELECT id FROM review")
    touch = row_id(ws, "SELECT id FROM touch WHERE stakeholder_id = ?", seeded.people["champ"])
    assert place_of(conn, "account", seeded.account_id) == Place("Acme Corp", "account")
    assert place_of(conn, "stakeholder", seeded.people["ceo"]) == Place("Acme Corp", "Carla Diaz")
    assert place_of(conn, "touch", touch) == Place("Acme Corp", "Sam Okafor, touch of 2026-11-18")
    assert place_of(conn, "review", review) == Place("Acme Corp", "review 2026-W48")
    assert place_of(conn, "review_slot", slot) == Place("Acme Corp", "review 2026-W48, slot 3")
    assert place_of(conn, "rep", seeded.rep_id) == Place(None, "rep Ann Lee")


def test_a_row_not_here_or_a_table_not_synced_has_no_place(ws: Workspace, seeded: Seeded) -> None:
    conn = ws.db.conn
    assert place_of(conn, "stakeholder", "0" * 32) is None
    assert place_of(conn, "app_meta; DROP TABLE rep", seeded.rep_id) is None  # never SQL
    assert name_of(conn, "account", seeded.account_id) is None  # only people have names
    assert conn.execute("SELECT count(*) FROM rep").fetchone()[0] == 1


def test_values_read_as_names_and_words(ws: Workspace, seeded: Seeded) -> None:
    conn = ws.db.conn
    assert value_words(conn, "stakeholder_id", seeded.people["cio"]) == "Ivan Petrov"
    assert value_words(conn, "manager_id", seeded.rep_id) == "Ann Lee"
    assert value_words(conn, "stakeholder_id", "f" * 32) == "f" * 32  # not here: the id
    assert value_words(conn, "stakeholder_id", None) == EMPTY
    assert value_words(conn, "title", "") == EMPTY
    assert value_words(conn, "title", "[b]CFO[/b]") == "[b]CFO[/b]"
    assert value_words(conn, "potential", 2_000_000) == "2000000"
    assert field_words("confirmed_in_role_on") == "confirmed in role on"
    assert field_words("stakeholder_id") == "stakeholder"
