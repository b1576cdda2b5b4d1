"""The app acts as who you are: a rep's queue and review act as the app's rep; a
manager who switches (`w`) to a report reads the report's queue and reviews but does
not change them; and the loudest risk (a champion who left) leads the queue line in
the risk colour."""

from pathlib import Path

from rich.text import Text
from textual.coordinate import Coordinate
from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList

from accountreview.db import reps as rep_queries
from accountreview.domain.enums import RepRole
from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from accountreview.tui.screens.queue import QueueScreen
from accountreview.tui.screens.review import ReviewScreen
from conftest import TODAY, content_hash, seed


def team(path: Path, *, ann_reports_to_zoe: bool) -> None:
    """The seed (Ann Lee, rep, owns Acme Corp) and Zoe Boss, a manager."""
    ws = open_workspace(path, TODAY, create=True)
    seeded = seed(ws)
    with ws.db.write() as conn:
        zoe = rep_queries.insert_rep(
            conn, name="Zoe Boss", email="zoe@example.com", role=RepRole.MANAGER, manager_id=None
        )
        if ann_reports_to_zoe:
            conn.execute("UPDATE rep SET manager_id = ? WHERE id = ?", (zoe, seeded.rep_id))
    ws.close()


async def _switch_to_ann(app: AccountReviewApp, pilot: "Pilot[None]") -> QueueScreen:
    await pilot.pause()
    await pilot.press("w")
    await pilot.pause()
    await pilot.press("enter")  # Ann Lee, first by name
    await pilot.pause()
    assert isinstance(app.screen, QueueScreen)
    return app.screen


async def test_a_manager_reads_a_reports_review_and_cannot_change_it(db_path: Path) -> None:
    team(db_path, ann_reports_to_zoe=True)
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True), rep="zoe@example.com")
    async with app.run_test(size=(80, 24)) as pilot:
        queue = await _switch_to_ann(app, pilot)
        assert queue.rep.name == "Ann Lee"
        assert app.ws.actor_id != queue.rep.id  # Zoe still acts: she reads
        title = str(queue.query_one("#queue-title").render())
        assert title.startswith("Ann Lee (read only)")
        before = content_hash(db_path)
        await pilot.press("enter")  # open Acme Corp's review
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert app.screen.view is not None and app.screen.view.account_name == "Acme Corp"
        messages: list[str] = []
        app.notify = lambda message, **_: messages.append(str(message))  # type: ignore[method-assign]
        await pilot.press("c", "x", "l", "ctrl+d")  # confirm, empty, left, close
        await pilot.pause()
        assert any(
            "Acme Corp is Ann Lee's account; you are Zoe Boss (manager)" in m for m in messages
        ), messages
        assert content_hash(db_path) == before  # not even an empty review was started


async def test_a_rep_acts_as_themselves_and_w_to_someone_else_signs_in_as_them(
    db_path: Path,
) -> None:
    team(db_path, ann_reports_to_zoe=False)  # Zoe is not Ann's manager
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True), rep="zoe@example.com")
    async with app.run_test(size=(80, 24)) as pilot:
        queue = await _switch_to_ann(app, pilot)
        assert queue.rep.name == "Ann Lee"
        assert app.ws.actor_id == queue.rep.id  # not her report: Zoe signs in as Ann
        assert not str(queue.query_one("#queue-title").render()).startswith("Ann Lee (read")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        before = content_hash(db_path)
        await pilot.press("x")  # Ann empties slot 1 of her own review: saved
        await pilot.pause()
        assert content_hash(db_path) != before


async def test_a_champion_who_left_is_the_first_badge_in_the_risk_colour(db_path: Path) -> None:
    team(db_path, ann_reports_to_zoe=False)
    app = AccountReviewApp(open_workspace(db_path, TODAY, create=True), rep="ann@example.com")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one("#queue", DataTable)
        attention = table.get_cell_at(Coordinate(0, 4))
        assert isinstance(attention, Text)
        assert attention.plain.startswith("champion left, ")
        error = app.theme_variables["error"]
        loud = [s for s in attention.spans if error in str(s.style)]
        assert [(s.start, s.end) for s in loud] == [(0, len("champion left"))]


async def test_signed_in_w_offers_only_the_queues_one_may_read(db_path: Path) -> None:
    """A browser session of `serve` is signed in as its person: `w` lists only the reps
    whose queue they may read, opens a report's queue read-only, and never signs the app
    in as anyone else (nor changes the rep the database remembers)."""
    team(db_path, ann_reports_to_zoe=False)
    for signed_as, offered in (("ann@example.com", ["Ann Lee"]), ("zoe@example.com", None)):
        remembered = rep_queries_meta(db_path)
        app = AccountReviewApp(
            open_workspace(db_path, TODAY, create=True), rep=signed_as, signed_in=True
        )
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            acting = app.ws.actor_id
            await pilot.press("w")
            await pilot.pause()
            shown = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
            if offered is not None:
                assert [s.split(" · ")[0] for s in shown] == offered
            else:  # Zoe, a manager with no reports here: only herself
                assert [s.split(" · ")[0] for s in shown] == ["Zoe Boss"]
            await pilot.press("enter")
            await pilot.pause()
            assert app.ws.actor_id == acting
        assert rep_queries_meta(db_path) == remembered


async def test_signed_in_manager_reads_a_report_without_acting_as_them(db_path: Path) -> None:
    team(db_path, ann_reports_to_zoe=True)
    remembered = rep_queries_meta(db_path)
    app = AccountReviewApp(
        open_workspace(db_path, TODAY, create=True), rep="zoe@example.com", signed_in=True
    )
    async with app.run_test(size=(80, 24)) as pilot:
        queue = await _switch_to_ann(app, pilot)
        assert queue.rep.name == "Ann Lee"
        title = str(queue.query_one("#queue-title").render())
        assert title.startswith("Ann Lee (read only)")
        zoe = [r for r in rep_queries.list_reps(app.ws.db.conn) if r.name == "Zoe Boss"]
        assert app.ws.actor_id == zoe[0].id
    assert rep_queries_meta(db_path) == remembered


def rep_queries_meta(path: Path) -> str | None:
    """The rep the database remembers (the one plain `accountreview` opens as)."""
    from accountreview.services.reps import CURRENT_REP_KEY

    ws = open_workspace(path, TODAY)
    try:
        return rep_queries.get_meta(ws.db.conn, CURRENT_REP_KEY)
    finally:
        ws.close()
