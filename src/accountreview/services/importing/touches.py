"""Saving a touch an import read: matched to a stored one, updated, or added in a batch.

A touch is the same conversation when it has the same stakeholder, date, channel
and note; a CRM activity or a row of the app's own format may name it first by
its CRM id or its id (see `accountreview.io.native_csv`).
"""

from collections.abc import Callable
from datetime import date

from accountreview.db import crm as crm_queries
from accountreview.db import importing as import_queries
from accountreview.db import stakeholders as stakeholder_queries
from accountreview.db.crm import LinkedTouch
from accountreview.domain.enums import Channel
from accountreview.io.native_csv import Row
from accountreview.services.importing.run import (
    HeldKey,
    ImportRun,
    TouchByConversation,
    TouchByCrm,
    TouchById,
)


def save_touch(
    run: ImportRun,
    stakeholder_id: str,
    *,
    on: date,
    channel: Channel,
    note: str | None,
    link: tuple[str, str] | None,
    logged_by_id: str | None,
    row: Row | None = None,
    first_row: Callable[[int], None] | None = None,
    known: LinkedTouch | None = None,
    new_id: tuple[str, int] | None = None,
) -> None:
    """Add a touch, or match it: as `known`, else by its CRM id, else by (stakeholder,
    date, channel, note).

    A matched touch with no CRM link yet is linked; one linked to this CRM record
    (or `known`) whose conversation differs is updated. A new touch is written with
    the next batch (`ImportRun.add_later`), with the id of `new_id` (an id and the
    file row that has it) if given. Given the file `row`, a second row for the same
    CRM id is not saved: `first_row` is called with the row that had it first.
    """
    conn = run.conn
    existing = known
    if link is not None and existing is None:
        if run.held(TouchByCrm(*link)):
            run.write_held()
        existing = crm_queries.touch_by_crm(conn, *link)
    values = (stakeholder_id, on.isoformat(), channel.value, note)
    if existing is not None:
        if row is not None and link is not None:
            earlier = run.earlier_row("touch:" + link[1], row.number)
            if earlier is not None:
                if first_row is not None:
                    first_row(earlier)
                return
        _update_touch(run, existing, values, link)
        return
    if row is not None and link is not None:
        run.added("touch:" + link[1], row.number)  # no earlier row has this CRM id
    _add_touch(run, values, link, logged_by_id, new_id)


def _update_touch(
    run: ImportRun,
    existing: LinkedTouch,
    values: tuple[str, str, str, str | None],
    link: tuple[str, str] | None,
) -> None:
    """Count a matched touch as unchanged, or give it the row's conversation."""
    if (existing.stakeholder_id, existing.touched_on, existing.channel, existing.note) == values:
        run.unchanged += 1
        return
    crm_queries.update_touch(
        run.conn,
        existing.id,
        stakeholder_id=values[0],
        on=values[1],
        channel=values[2],
        note=values[3],
        crm=link or crm_queries.crm_of(run.conn, "touch", existing.id),
    )
    run.updated += 1


def _twin(
    run: ImportRun, values: tuple[str, str, str, str | None], new_id: tuple[str, int] | None
) -> LinkedTouch | None:
    """The stored touch with the same conversation; for a row with an id new here, one
    that no earlier row matched (so a conversation logged twice moves as two)."""
    twins = import_queries.same_touches(run.conn, *values)
    if new_id is None:
        return twins[0] if twins else None
    for twin in twins:
        if not run.matched(twin.id):
            run.added(twin.id, new_id[1])
            return twin
    return None


def _add_touch(
    run: ImportRun,
    values: tuple[str, str, str, str | None],
    link: tuple[str, str] | None,
    logged_by_id: str | None,
    new_id: tuple[str, int] | None,
) -> None:
    """Match a touch by its conversation (linking it to `link`), else hold a new one back."""
    stakeholder_id, on, channel, note = values
    same = TouchByConversation(stakeholder_id, on, channel, note or "")
    if run.held(same):
        run.write_held()
    twin = _twin(run, values, new_id)
    if twin is not None:
        if link is not None and twin.crm_source is None:
            crm_queries.link(run.conn, "touch", twin.id, *link)
            run.updated += 1
        else:
            run.unchanged += 1
        return
    new = stakeholder_queries.touch_row(
        stakeholder_id=stakeholder_id,
        on=date.fromisoformat(on),
        channel=Channel(channel),
        note=note,
        logged_by_id=logged_by_id,
        crm_source=None if link is None else link[0],
        crm_id=None if link is None else link[1],
        created_at=run.started_at,
        touch_id=None if new_id is None else new_id[0],
    )
    keys: list[HeldKey] = [same, *([] if link is None else [TouchByCrm(*link)])]
    if new_id is not None:
        keys.append(TouchById(new_id[0]))
        run.added(new_id[0], new_id[1])
    run.add_later(touch=new, keys=keys)
    run.created += 1
