"""What the review screen shows, as text: its title, the account's facts, the five
slot rows and the notes (what blocks closing, risks, what changed). User text goes in
through `literal`/`styled` only, so it is shown as typed."""

from datetime import date

from textual.content import Content

from accountreview.domain.enums import ReviewStatus
from accountreview.services.facts import AccountFacts
from accountreview.services.reviews import ReviewView, SlotView
from accountreview.text import money, pct
from accountreview.tui.literal import literal, styled
from accountreview.tui.widgets.columns import Column, fit_columns, fitted_line

# Names and roles grow with the screen; the date of the last contact (its age says
# how old it is), then the next one and the age go first on a narrow screen.
SLOT_COLUMNS = (
    Column("#"),
    Column("Stakeholder", least=8, keep=16),
    Column("Role", least=6, keep=12),
    Column("Last", rank=3),
    Column("Age", rank=2),
    Column("Next", rank=2),
    Column("✓"),
)


def title_text(view: ReviewView) -> str:
    """The account, the week and whether the review is open or closed."""
    state = view.status.value
    if view.status is ReviewStatus.CLOSED:
        state = "closed · read-only (o reopens)"
    return f"{view.account_name} · review {view.week} · {state}"


def facts_text(f: AccountFacts) -> Content:
    """Size, stage, renewal, rebate, contract and gates, in two lines."""
    a = f.account
    size = (
        f"{f.stage.value} · {money(a.current)} of {money(a.potential)}"
        f" ({pct(None if f.penetration is None else f.penetration * 100)})"
        f" · whitespace {money(f.whitespace)} · CS {f.cs_tier}"
    )
    parts: list[Content | str] = []
    if f.renewal is not None:
        feels = (
            "—"
            if f.renewal.perceived_increase is None
            else f"{f.renewal.perceived_increase * 100:+.2f}%"
        )
        renewal = f"renewal {money(f.renewal.renewal_price)} feels {feels}"
        parts.append(
            styled("$renewal [b]SHOCK[/b]", renewal=renewal) if f.renewal.shock else renewal
        )
    if f.rebate_days_left is not None:
        parts.append(
            f"rebate: {f.rebate_days_left} days to go live"
            if f.rebate_days_left >= 0
            else "rebate deadline missed"
        )
    if f.contract_year is not None:
        parts.append(f"contract year {f.contract_year}")
    if a.contract is not None and a.contract.value == "monthly":
        parts.append("monthly")
    parts.append("gates met" if f.gates.met else "gates: " + "; ".join(f.gates.missing()))
    share = "" if f.in_person_share is None else f" ({f.in_person_share:.0%} of touches)"
    parts.append(f"in person: {f.last_in_person or 'never'}{share}")
    return literal(size + "\n") + Content(" · ").join(
        literal(p) if isinstance(p, str) else p for p in parts
    )


def _slot_cells(slot: SlotView, today: date) -> tuple[str, ...]:
    if slot.name is None:
        last, age = "", ""
    elif slot.last_contact_on is None:
        last, age = "never", "—"
    else:
        last = slot.last_contact_on.isoformat()
        days = (today - slot.last_contact_on).days
        age = f"{days}d {slot.staleness.value if slot.staleness else ''}"
    return (
        str(slot.position),
        slot.name or "— pick (enter) —",
        slot.role.label if slot.role else "",
        last,
        age,
        slot.next_contact_on.isoformat() if slot.next_contact_on else "",
        _in_role_mark(slot),
    )


def _in_role_mark(slot: SlotView) -> str:
    """✓ confirmed this week, ↻ carried over from the last closed five (confirm it)."""
    if slot.stakeholder_id is None:
        return ""
    if slot.awaits_confirmation:
        return CARRIED_MARK
    return "✓" if slot.confirmed_in_role else ""


CARRIED_MARK = "↻"


def carried_line(view: ReviewView) -> str | None:
    """What the ↻ of the slots means, while any slot is carried over and unconfirmed."""
    waiting = [s for s in view.slots if s.awaits_confirmation]
    if not waiting or view.status is ReviewStatus.CLOSED:
        return None
    weeks = sorted({s.carried_from or "" for s in waiting})
    return (
        f"{CARRIED_MARK} carried over from {', '.join(weeks)} ({len(waiting)}):"
        " c confirms each is still there in the same role; enter replaces"
    )


def slot_lines(view: ReviewView, today: date, width: int) -> tuple[str, list[str]]:
    """The heading and the five slot rows (who, role, last contact, its age, next
    contact, in role) in columns that fit `width` cells."""
    rows = [_slot_cells(slot, today) for slot in view.slots]
    widths = fit_columns(SLOT_COLUMNS, rows, width)
    header = fitted_line([c.header for c in SLOT_COLUMNS], widths)
    return header, [fitted_line(row, widths) for row in rows]


# How each part of the notes begins: the review's keys (b, r, w) scroll to them.
CLOSING_HEADINGS = ("To close (", "Ready to close:", "Closed.")
RISKS_HEADING = "Risks:"
CHANGES_HEADING = "Since last closed review:"


def note_lines(view: ReviewView) -> list[Content]:
    """What blocks closing (or that it is closed or ready), the risks, what changed."""
    lines: list[Content] = []
    carried = carried_line(view)
    if carried is not None:
        lines.append(literal(carried))
    if view.status is ReviewStatus.CLOSED:
        lines.append(styled("[b]Closed.[/b] The five are frozen as they stood at closing."))
    elif view.blockers:
        lines.append(styled("[b]To close ($count):[/b]", count=str(len(view.blockers))))
        lines.extend(styled("[$error]• $text[/]", text=b.text) for b in view.blockers)
    else:
        lines.append(styled("[b]Ready to close:[/b] press ctrl+d."))
    if view.risks:
        lines.append(styled("[b]$heading[/b]", heading=RISKS_HEADING))
        lines.extend(styled("[$warning]• $text[/]", text=r) for r in view.risks)
    if view.changes:
        lines.append(styled("[b]$heading[/b]", heading=CHANGES_HEADING))
        lines.extend(literal(f"• {c}") for c in view.changes)
    return lines
