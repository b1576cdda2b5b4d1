"""Touches as a Salesforce Task insert file for Data Loader.

Columns: ``WhoId`` (the contact), ``WhatId`` (the account), ``ActivityDate``
(``YYYY-MM-DD``), ``Subject``, ``Description``, ``TaskSubtype``, ``Type``,
``Status`` (always ``Completed``) and ``OwnerId`` (the Salesforce user of the
rep who logged the touch, when known; Data Loader makes the loading user the
owner of a task without one).

The ids are those the records were imported with; the channel is written as
`io.crm.salesforce.TASK_FORM` says (a call is ``Call``/``Call``, a meeting in
person ``Task``/``Meeting``…), the subject is the note's first 255 characters
(or the channel's word when there is no note) and the description the whole
note, so that importing the file back (or a later Task export) matches the
same touches instead of adding copies.

Left out, and counted: touches imported from Salesforce (it has them already)
and touches whose stakeholder and account both have no Salesforce id (Data
Loader could not attach them to anything).
"""

import sqlite3
from collections import Counter
from collections.abc import Iterator
from typing import Any

from accountreview.domain.enums import Channel
from accountreview.io.crm import salesforce
from accountreview.io.crm.fields import crm_text

HEADER = (
    "WhoId",
    "WhatId",
    "ActivityDate",
    "Subject",
    "Description",
    "TaskSubtype",
    "Type",
    "Status",
    "OwnerId",
)
ALREADY_THERE = "imported from Salesforce"
NO_IDS = "no Salesforce id for the stakeholder or the account"


def task_rows(rows: Iterator[sqlite3.Row], skipped: Counter[str]) -> Iterator[list[Any]]:
    """Task rows of the touches that Salesforce does not have; counts the others in `skipped`."""
    sf = salesforce.SOURCE
    for r in rows:
        if r["crm_source"] == sf:
            skipped[ALREADY_THERE] += 1
            continue
        who = r["person_crm_id"] if r["person_crm_source"] == sf else None
        what = r["account_crm_id"] if r["account_crm_source"] == sf else None
        if who is None and what is None:
            skipped[NO_IDS] += 1
            continue
        subtype, kind, word = salesforce.TASK_FORM[Channel(r["channel"])]
        note = r["note"] or ""
        owner = r["logged_by_crm_id"] if r["logged_by_crm_source"] == sf else None
        yield [
            who,
            what,
            r["touched_on"],
            crm_text(note, 255) if note else word,
            note,
            subtype,
            kind,
            "Completed",
            owner,
        ]
