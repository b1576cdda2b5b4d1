"""`row_check`, the first pull's per-row hash test, takes exactly the bytes `canonical`
does (json.dumps of the sorted fields): for any text (quotes, backslashes, control
characters, `%`, emoji, 500 characters), integers of any size and nulls, in any column
order; a row whose hash is that of other fields, or of another predecessor, fails."""

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from accountreview.domain.chain import GENESIS, PREV, chain_hash, row_check

TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cs"]) | st.sampled_from('"\\%\n\t\x00\x1f\x7f'),
    max_size=40,
) | st.text(min_size=500, max_size=500, alphabet=string.printable)
VALUE = st.none() | st.integers(min_value=-(2**63), max_value=2**63 - 1) | TEXT | st.booleans()
NAMES = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz_%", min_size=1, max_size=12),
    min_size=1,
    max_size=14,
    unique=True,
).filter(lambda names: not {"hash", PREV} & set(names))
HEX = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)


@settings(max_examples=300, deadline=None)
@given(NAMES, st.data(), st.sampled_from(["audit_log", "review_snapshot", 'odd"%s']), HEX)
def test_a_row_checks_exactly_when_its_hash_is_the_canonical_one(
    names: list[str], data: st.DataObject, table: str, previous: str
) -> None:
    values = [data.draw(VALUE) for _ in names]
    fields = dict(zip(names, values, strict=True))
    good = chain_hash(table, previous, fields)
    # the columns in any order, hash and prev_hash anywhere among them
    columns = data.draw(st.permutations([*names, "hash", PREV]))
    row = {**fields, "hash": good, PREV: previous}
    check = row_check(table, columns)
    assert check([row[c] for c in columns])
    other = {**row, "hash": chain_hash(table, GENESIS if previous != GENESIS else "1" * 64, fields)}
    assert not check([other[c] for c in columns])  # chained to another predecessor
    if names:
        changed = {**row, names[0]: f"{row[names[0]]}x"}
        assert not check([changed[c] for c in columns])  # a field edited


def test_a_row_without_a_predecessor_named_is_left_to_the_link_check() -> None:
    check = row_check("audit_log", ["id", "hash", PREV])
    assert check(["a", "not a hash at all", None])
