"""Any text the services accept (as the CLI and an import store it) is drawn on every
screen without error and exactly as stored, with dates at the ends of the range.

Hypothesis builds names, titles, emails and notes out of markup, template variables,
formula starts, emoji and any printable character; they are stored through the real
services (an accounts CSV through the import, the rest as the CLI stores them), then
the app walks every screen that shows them.

ACCOUNTREVIEW_FUZZ_EXAMPLES sets the number of cases (default 8; each opens the app).
"""

import csv
import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from hostile_text import screen_text, settle
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st
from textual.pilot import Pilot

from accountreview.domain.dates import IsoWeek
from accountreview.domain.enums import Channel, RepRole
from accountreview.io.export_csv import safe_cell
from accountreview.services.importing import import_file
from accountreview.services.lookup import resolve_account
from accountreview.services.queue import queue_for
from accountreview.services.reps import add_rep, remember_rep
from accountreview.services.reviews import set_slot
from accountreview.services.stakeholders import (
    add_stakeholder,
    log_touch,
    set_next_contact,
    stakeholders_of,
)
from accountreview.services.workspace import open_workspace
from accountreview.tui import AccountReviewApp
from conftest import TODAY

EXAMPLES = int(os.environ.get("ACCOUNTREVIEW_FUZZ_EXAMPLES", "8"))
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(2100, 12, 31)

PRINTABLE = st.characters(codec="utf-8", exclude_categories=("Cc", "Cf", "Cs", "Zl", "Zp"))
PIECES = st.sampled_from(
    ["[/]", "[b]", "[/b]", "[link=http://x]", "[/link]", "[$error]", "[@click=app.quit]",
     "[bold red]", "$name", "${x}", "$", "\\[", "\\", "[", "]", "'=", "=1+1", "@", ",", '"',
     "😀", "🇪🇺", "ש", "ع", "e\u0301", "a\u0308\u0323", "界", " "]
)  # fmt: skip
TEXT = (
    st.lists(st.one_of(PIECES, st.text(PRINTABLE, min_size=1, max_size=6)), min_size=1, max_size=8)
    .map(lambda parts: "".join(parts).strip())
    .filter(bool)
)


ACCOUNT_CELLS = {
    **dict.fromkeys(["top"], "yes"),
    **dict.fromkeys(["potential"], "2000000"),
    **dict.fromkeys(["current", "list_price"], "40000"),
    **dict.fromkeys(["discount_pct", "rebate_pct", "uplift_pct", "penetration_target_pct"], ""),
    **dict.fromkeys(["signed_on", "live_on", "paid_on", "lost_on", "churned_on"], ""),
    **dict.fromkeys(["contract", "contract_start", "cio_signoff_on", "procurement_signoff_on"], ""),
}


@dataclass
class Stored:
    """What the services stored, read back (an import may normalise a cell)."""

    rep_name: str
    rep_email: str
    account_id: str
    account_name: str
    person_name: str
    person_title: str | None
    note: str


def _accounts_csv(path: Path, name: str, rep_email: str) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([*ACCOUNT_CELLS, "name", "rep"])
        # Guarded as the app's export guards them, so they import back as they are.
        writer.writerow([*ACCOUNT_CELLS.values(), safe_cell(name), safe_cell(rep_email)])
    return path


def store(folder: Path, today: date, texts: list[str], touched: date) -> Stored:
    """Store the texts through the services (the texts are all valid: none is refused)."""
    rep_name, local, account_name, person_name, title, note = texts
    ws = open_workspace(folder / "review.db", today, create=True)
    try:
        # An address holds one @ (the one added here) and no spaces.
        email = "".join(c for c in local if c != "@" and not c.isspace()) or "x"
        rep = add_rep(ws, name=rep_name, email=f"{email}@x.example", role=RepRole.REP)
        remember_rep(ws, rep)
        ws.actor_id = rep.id
        import_file(ws, _accounts_csv(folder / "accounts.csv", account_name, rep.email))
        (item,) = queue_for(ws, rep.id, IsoWeek.of(today)).items
        account = resolve_account(ws, item.facts.account.id)
        person = add_stakeholder(ws, account, name=person_name, title=title)
        log_touch(ws, person, on=touched, channel=Channel.IN_PERSON, note=note)
        set_next_contact(ws, person, today)
        set_slot(ws, account, IsoWeek.of(today), 1, person.id)
        (person,) = stakeholders_of(ws, account)
    finally:
        ws.close()
    assert person.last_contact_on == touched
    return Stored(rep.name, rep.email, account.id, account.name, person.name, person.title, note)


async def _walk(pilot: Pilot[None], stored: Stored, today: date) -> dict[str, str]:
    """Every screen that shows the stored texts, by name: the text it holds."""
    shown: dict[str, str] = {}

    async def visit(name: str, *keys: str) -> None:
        await pilot.press(*keys)
        await settle(pilot)
        shown[name] = screen_text(pilot.app)

    await visit("queue")
    await visit("review", "enter")
    await visit("picker", "enter")
    await visit("touch-form", "escape", "t")
    await visit("next-contact-form", "escape", "n")
    await visit("history", "escape", "h")
    await visit("audit", "escape", "escape", "a")
    await visit("audit-rep", "enter")
    await visit("who", "escape", "escape", "w")
    return shown


def _expected(stored: Stored, today: date) -> dict[str, list[str]]:
    return {
        "queue": [stored.rep_name, stored.account_name],
        # The slot cuts a name to its 16 columns.
        "review": [f"{stored.account_name} · review {IsoWeek.of(today)}", stored.person_name[:15]],
        "picker": [stored.person_name[:5]],  # in columns fitted to the width: may be cut
        "touch-form": [f"Log a contact with {stored.person_name}"],
        "next-contact-form": [f"Next contact with {stored.person_name}", today.isoformat()],
        "history": [stored.person_name, stored.note],
        "audit": [f"{stored.rep_name}: "],
        "audit-rep": [f"{stored.account_name}: ", f"{stored.rep_name} · audit"],
        "who": [f"{stored.rep_name} · rep · {stored.rep_email}"],
    }


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),  # no shrinking: an app run is slow
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    texts=st.lists(TEXT, min_size=6, max_size=6),
    today=st.sampled_from([TODAY, LAST_DAY]),
    first_touch=st.booleans(),
)
# Texts a spreadsheet would run as formulas, through the import's formula guard.
@example(texts=["=Rep", "'=local", "'Acme", "+Ann", "@here", "-1"], today=TODAY, first_touch=False)
async def test_what_the_services_store_is_drawn_as_stored(
    texts: list[str], today: date, first_touch: bool
) -> None:
    with tempfile.TemporaryDirectory(prefix="tui-drawn-") as name:
        stored = store(Path(name), today, texts, FIRST_DAY if first_touch else today)
        app = AccountReviewApp(open_workspace(Path(name) / "review.db", today, create=True))
        async with app.run_test(size=(80, 24), notifications=True) as pilot:
            shown = await _walk(pilot, stored, today)
        assert app._exception is None
    for screen, texts_expected in _expected(stored, today).items():
        for text in texts_expected:
            assert text in shown[screen], f"{screen}: {text!r} not shown as stored"
        # Nothing stored holds a control character: none may be drawn as one.
        assert "\N{REPLACEMENT CHARACTER}" not in shown[screen], screen
