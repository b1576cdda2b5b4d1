"""Commands on accounts, stakeholders, touches and reps."""

from typing import TYPE_CHECKING

import typer

from accountreview.cli.app import app, command, out, workspace
from accountreview.cli.render import (
    Col,
    Format,
    money,
    output_width,
    pct,
    plural,
    refuse_csv,
    table,
    write_csv,
    write_json,
)
from accountreview.domain.access import Access
from accountreview.domain.dates import parse_quick_date
from accountreview.domain.enums import Channel, Level, RepRole, Role

if TYPE_CHECKING:
    from accountreview.domain.entities import Account, Stakeholder
    from accountreview.services.workspace import Workspace

account_app = typer.Typer(help="Look at one account.", no_args_is_help=True)
stakeholder_app = typer.Typer(
    help="Add and edit stakeholders, mark who left, plan next contacts.", no_args_is_help=True
)
rep_app = typer.Typer(help="List and add reps and managers.", no_args_is_help=True)
app.add_typer(account_app, name="account")
app.add_typer(stakeholder_app, name="stakeholder")
app.add_typer(rep_app, name="rep")

CHANNELS = "in-person|video|phone|email|event|chat"
ACCOUNT_COLUMNS = (
    Col("account", 1, 16),
    Col("rep", 4, 8),
    Col("top", 5),
    Col("stage", 3, 8),
    Col("current", 6, 7),
    Col("potential", 7, 9),
    Col("pen.", 8),
    Col("flags", 2, 16),
)
REP_COLUMNS = (Col("name", 1, 12), Col("email", 3, 12), Col("role", 2, 7), Col("manager", 4, 10))
LEVELS = "executive|vp|director|manager|individual"
ROLES = (
    "champion|economic-buyer|executive-sponsor|cio-office|procurement|finance|"
    "security|legal|user|other"
)


@command("accounts")
def accounts_command(
    ctx: typer.Context,
    rep: str | None = typer.Option(None, "--rep", "-r", help="Only this rep's accounts."),
    top: bool = typer.Option(False, "--top", help="Only top accounts."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table, json or csv."),
) -> None:
    """List accounts with every derived fact (stage, penetration, flags…)."""
    from accountreview.services.facts import list_account_facts

    with workspace(ctx) as ws:
        facts = list_account_facts(ws, rep=rep, top_only=top)
    if fmt is Format.json:
        write_json([f.to_json() for f in facts])
        return
    if fmt is Format.csv:
        rows = [f.to_json() for f in facts]
        headers = [k for k in rows[0] if k != "coverage"] if rows else ["id", "name"]
        write_csv(
            [*headers, "coverage_missing"],
            [
                [_csv_value(r[h]) for h in headers] + ["; ".join(r["coverage"]["missing"])]
                for r in rows
            ],
        )
        return
    out(
        table(
            ACCOUNT_COLUMNS,
            [
                (
                    f.account.name,
                    f.account.rep_name,
                    "top" if f.account.is_top else "",
                    f.stage.value,
                    money(f.account.current),
                    money(f.account.potential),
                    pct(None if f.penetration is None else f.penetration * 100),
                    "; ".join(f.flags),
                )
                for f in facts
            ],
            width=output_width(),
        )
    )
    out(plural(len(facts), "account"))


def _csv_value(value: object) -> object:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


@command("show", group=account_app)
def account_show(
    ctx: typer.Context,
    account: str = typer.Argument(..., help="Account id, exact name or id prefix."),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table or json."),
) -> None:
    """Show one account: every derived fact and its stakeholders."""
    from accountreview.cli.views import print_account
    from accountreview.services.facts import account_facts
    from accountreview.services.lookup import resolve_account
    from accountreview.services.stakeholders import stakeholders_of

    refuse_csv(fmt, "account show")
    with workspace(ctx) as ws:
        row = resolve_account(ws, account)
        facts = account_facts(ws, row)
        people = stakeholders_of(ws, row)
    if fmt is Format.json:
        data = facts.to_json()
        data["stakeholders"] = [
            {
                "id": p.id,
                "name": p.name,
                "email": p.email,
                "title": p.title,
                "level": p.level.value if p.level else None,
                "role": p.role.value if p.role else None,
                "left_on": p.left_on.isoformat() if p.left_on else None,
                "last_contact": p.last_contact_on.isoformat() if p.last_contact_on else None,
                "next_contact": p.next_contact_on.isoformat() if p.next_contact_on else None,
            }
            for p in people
        ]
        write_json(data)
    else:
        print_account(facts, people)


@command("touch")
def touch_command(
    ctx: typer.Context,
    account: str = typer.Argument(..., help="Account id or exact name."),
    stakeholder: str = typer.Argument(..., help="Stakeholder id, exact name or email."),
    on: str = typer.Option(..., "--on", help="When: 2026-11-20, today, yesterday, 3d, 2w."),
    channel: str = typer.Option(..., "--channel", "-c", help=CHANNELS),
    note: str | None = typer.Option(None, "--note", "-n", help="What was said."),
) -> None:
    """Log a conversation with a stakeholder (their last contact moves to that date)."""
    from accountreview.services.lookup import resolve_account, resolve_stakeholder
    from accountreview.services.stakeholders import log_touch

    with workspace(ctx) as ws:
        when = parse_quick_date(on, ws.today, what="--on")
        how = Channel.parse(channel, "--channel")
        row = resolve_account(ws, account, Access.WRITE)
        person = resolve_stakeholder(ws, row, stakeholder)
        person = log_touch(ws, person, on=when, channel=how, note=note)
    out(
        f"Logged: {person.name} ({row.name}) on {when} ({how.label});"
        f" last contact now {person.last_contact_on}"
    )


@command("add", group=stakeholder_app)
def stakeholder_add(
    ctx: typer.Context,
    account: str = typer.Argument(..., help="Account id or exact name."),
    name: str = typer.Argument(..., help="Full name."),
    title: str | None = typer.Option(None, "--title", help="Job title."),
    level: str | None = typer.Option(None, "--level", help=LEVELS),
    role: str | None = typer.Option(None, "--role", help=ROLES),
    email: str | None = typer.Option(None, "--email", help="Email address."),
) -> None:
    """Add a stakeholder to an account."""
    from accountreview.services.lookup import resolve_account
    from accountreview.services.stakeholders import add_stakeholder

    with workspace(ctx) as ws:
        row = resolve_account(ws, account, Access.WRITE)
        person = add_stakeholder(
            ws,
            row,
            name=name,
            title=title,
            email=email,
            level=Level.parse(level, "--level") if level else None,
            role=Role.parse(role, "--role") if role else None,
        )
    out(f"Added {person.name} to {row.name} (id {person.id})")


@command("edit", group=stakeholder_app)
def stakeholder_edit(
    ctx: typer.Context,
    account: str = typer.Argument(..., help="Account id or exact name."),
    stakeholder: str = typer.Argument(..., help="Stakeholder id, exact name or email."),
    name: str | None = typer.Option(None, "--name", help="Full name."),
    title: str | None = typer.Option(None, "--title", help="Job title ('' clears it)."),
    level: str | None = typer.Option(None, "--level", help=f"{LEVELS} ('' clears it)"),
    role: str | None = typer.Option(None, "--role", help=f"{ROLES} ('' clears it)"),
    email: str | None = typer.Option(None, "--email", help="Email address ('' clears it)."),
) -> None:
    """Change a stakeholder's name, title, level, role or email, checked as `stakeholder
    add` checks them: all saved, or nothing on any bad value. A closed review keeps the
    person as they were frozen at its close."""
    from accountreview.services.stakeholders import KEEP, PersonEdit, edit_stakeholder

    edit = PersonEdit(
        name=KEEP if name is None else name,
        title=KEEP if title is None else title,
        level=KEEP if level is None else Level.parse(level, "--level") if level.strip() else None,
        role=KEEP if role is None else Role.parse(role, "--role") if role.strip() else None,
        email=KEEP if email is None else email,
    )
    with workspace(ctx) as ws:
        row, person = _person(ws, account, stakeholder)
        after = edit_stakeholder(ws, row, person, edit)
    out(f"Saved {after.name} ({row.name}): {_person_line(after)}")


def _person_line(person: "Stakeholder") -> str:
    """Title, level, role and email of a person, or "—" for each that is not known."""
    return " · ".join(
        [
            person.title or "no title",
            person.level.label if person.level else "no level",
            person.role.label if person.role else "no role",
            person.email or "no email",
        ]
    )


def _person(ws: "Workspace", account: str, stakeholder: str) -> "tuple[Account, Stakeholder]":
    from accountreview.services.lookup import resolve_account, resolve_stakeholder

    row = resolve_account(ws, account, Access.WRITE)  # whose it is, before who is in it
    return row, resolve_stakeholder(ws, row, stakeholder)


@command("left", group=stakeholder_app)
def stakeholder_left(
    ctx: typer.Context,
    account: str = typer.Argument(...),
    stakeholder: str = typer.Argument(...),
    on: str = typer.Option("today", "--on", help="When they left (2026-11-20, 3d…)."),
) -> None:
    """Mark a stakeholder as gone; frees their slot in this week's open review."""
    from accountreview.services.stakeholders import mark_left

    with workspace(ctx) as ws:
        when = parse_quick_date(on, ws.today, what="--on")
        row, person = _person(ws, account, stakeholder)
        mark_left(ws, person, when)
    out(f"{person.name} marked as left {row.name} on {when}")


@command("back", group=stakeholder_app)
def stakeholder_back(
    ctx: typer.Context, account: str = typer.Argument(...), stakeholder: str = typer.Argument(...)
) -> None:
    """Undo "left": the stakeholder is at the account again."""
    from accountreview.services.stakeholders import mark_back

    with workspace(ctx) as ws:
        row, person = _person(ws, account, stakeholder)
        mark_back(ws, person)
    out(f"{person.name} is back at {row.name}")


@command("next", group=stakeholder_app)
def stakeholder_next(
    ctx: typer.Context,
    account: str = typer.Argument(...),
    stakeholder: str = typer.Argument(...),
    on: str = typer.Option(
        ..., "--on", help="Planned date: 2026-12-01, tomorrow, +3d, +2w; 'none' clears it."
    ),
) -> None:
    """Plan the next contact with a stakeholder (needed when the last one is stale)."""
    from accountreview.services.stakeholders import set_next_contact

    with workspace(ctx) as ws:
        when = (
            None
            if on.strip().lower() == "none"
            else parse_quick_date(on, ws.today, what="--on", allow_future=True)
        )
        _row, person = _person(ws, account, stakeholder)
        set_next_contact(ws, person, when)
    out(f"Next contact with {person.name}: {when or 'none'}")


@command("list", group=rep_app)
def rep_list(
    ctx: typer.Context, fmt: Format = typer.Option(Format.table, "--format", "-f")
) -> None:
    """List reps and managers."""
    from accountreview.services.reps import list_reps

    with workspace(ctx) as ws:
        reps = list_reps(ws)
        names = {r.id: r.name for r in reps}
    rows = [(r.name, r.email, r.role.value, names.get(r.manager_id or "")) for r in reps]
    if fmt is Format.json:
        write_json([dict(zip(("name", "email", "role", "manager"), r, strict=True)) for r in rows])
    elif fmt is Format.csv:
        write_csv(["name", "email", "role", "manager"], rows)
    else:
        out(table(REP_COLUMNS, rows, width=output_width()))


@command("add", group=rep_app)
def rep_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="Full name."),
    email: str = typer.Option(..., "--email", help="Email (unique)."),
    role: str = typer.Option("rep", "--role", help="rep or manager."),
    manager: str | None = typer.Option(None, "--manager", help="Their manager (name or email)."),
    me: bool = typer.Option(False, "--me", help="Remember this rep as the one using the app."),
) -> None:
    """Add a rep or a manager."""
    from accountreview.services.reps import add_rep

    with workspace(ctx) as ws:
        rep = add_rep(
            ws,
            name=name,
            email=email,
            role=RepRole.parse(role, "--role"),
            manager=manager,
            remember=me,
        )
    out(f"Added {rep.role.value} {rep.name} <{rep.email}>")
