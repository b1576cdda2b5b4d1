"""The hub's tables hold what a local file's tables hold: the same columns, each in the
form SQLite stores it (so a value pushed and pulled back is the same value)."""

import pytest
from sqlalchemy import BigInteger, Boolean, Double, Float, Integer, Text
from sqlalchemy.sql.type_api import TypeEngine
from sqlmodel import SQLModel

from accountreview.db import models  # noqa: F401  (registers the local tables)
from accountreview.hub import models as hub

LOCAL_ONLY = {"review_slot": {"updated_at"}}  # local bookkeeping, never pushed
FROZEN = ("review_snapshot", "audit_log")  # the device that wrote the row: `origin`


def _form(kind: TypeEngine[object]) -> type:
    """The hub type a local column's values need (SQLite's storage class)."""
    if isinstance(kind, Boolean | Integer):
        return BigInteger
    if isinstance(kind, Float):
        return Double
    return Text  # text, ids (32 hex), dates and datetimes (ISO text)


def _hub_table(name: str) -> type[hub.HubModel]:
    return next(m for m in hub.SYNCED if m.__tablename__ == name)


@pytest.mark.parametrize("name", [m.__tablename__ for m in hub.SYNCED])
def test_each_synced_table_has_the_local_columns_in_sqlites_forms(name: str) -> None:
    local_table = SQLModel.metadata.tables[name]
    wanted = {c.name: _form(c.type) for c in local_table.columns}
    for column in LOCAL_ONLY.get(name, set()):
        del wanted[column]
    if name in FROZEN:
        wanted.setdefault("origin", Text)
    have = {c.name: c.type for c in _hub_table(name).__table__.columns}  # type: ignore[attr-defined]
    assert set(hub.columns(_hub_table(name))) == set(wanted)
    for column, form in wanted.items():
        assert isinstance(have[column], form), (column, have[column])
    assert isinstance(have["hub_seq"], BigInteger)
