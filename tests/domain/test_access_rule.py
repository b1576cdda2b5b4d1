"""The one access rule (domain.access): every relation of viewer to owner, read and write."""

from dataclasses import dataclass

import pytest

from accountreview.domain.access import Access, may_access, refusal
from accountreview.domain.enums import RepRole


@dataclass(frozen=True)
class P:
    id: str
    name: str
    role: RepRole
    manager_id: str | None = None


MIA = P("m", "Mia Chen", RepRole.MANAGER)
MAX = P("x", "Max Roe", RepRole.MANAGER)
ANN = P("a", "Ann Lee", RepRole.REP, "m")
BEN = P("b", "Ben Ortiz", RepRole.REP, "m")
SUB = P("s", "Sue Lead", RepRole.MANAGER, "m")  # a manager who reports to Mia

CASES = [
    # viewer, owner, may read, may write
    (ANN, ANN, True, True),
    (ANN, BEN, False, False),
    (ANN, MIA, False, False),  # a rep does not read their manager's accounts
    (MIA, ANN, True, False),
    (MIA, SUB, True, False),  # a report who is a manager: read
    (MIA, MIA, True, True),
    (MAX, ANN, False, False),
    (SUB, ANN, False, False),  # not Ann's manager, though both report to Mia
]


@pytest.mark.parametrize("viewer, owner, read, write", CASES)
def test_who_may_read_and_write(viewer: P, owner: P, read: bool, write: bool) -> None:
    assert may_access(viewer, owner, Access.READ) is read
    assert may_access(viewer, owner, Access.WRITE) is write
    for access, allowed in ((Access.READ, read), (Access.WRITE, write)):
        reason = refusal(viewer, owner, "Acme Corp", access)
        if allowed:
            assert reason is None
        else:
            assert reason is not None
            assert reason.startswith(
                f"Acme Corp is {owner.name}'s account; you are {viewer.name} ({viewer.role.value})"
            )


def test_a_write_allowed_implies_a_read_allowed() -> None:
    people = [MIA, MAX, ANN, BEN, SUB]
    for viewer in people:
        for owner in people:
            if may_access(viewer, owner, Access.WRITE):
                assert may_access(viewer, owner, Access.READ)
