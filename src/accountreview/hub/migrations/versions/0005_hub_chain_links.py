"""Chained rows carry their predecessor's hash, verified on insert; each review says
whose five each of its closes kept

`prev_hash` on `audit_log` and `review_snapshot` (as on a local file from its schema
0006): filled here from the hub's chains, and from now on checked by an insert trigger,
`hub_chain`, for every row whoever inserts it: the row's `hash` must be the sha256 of
its canonical form over `prev_hash` (the same bytes `domain.chain.canonical` hashes),
and `prev_hash` must be the hash of the origin's row before it when the hub holds that
row (GENESIS for the first). A row sent without `prev_hash` takes its predecessor's
hash (refused if the hub lacks it). A row that does not verify is refused
(check_violation), so a push lists it `refused`.

`review.kept_origins`: the origin of the close the hub took first, close by close (a
JSON array, the n-th for close n, null when not known): `hub_apply_close` writes it
when it applies a close. Existing reviews get it from their earliest-numbered
`review.closed` entry of each close number.

The rows filled here are stamped again, one at a time in their old order, so that every
laptop pulls them once more (and a laptop that holds a row without its predecessor gets
its `prev_hash`), and a pull replays them in the order they had.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64
# The columns each table's hash covers (domain.chain / db.chain.CHAINED, written out: a
# migration makes the schema of its day).
HASHED = {
    "audit_log": (
        "seq", "origin", "id", "at", "actor_id", "action", "account_id", "review_id",
        "close_number", "reason",
    ),
    "review_snapshot": (
        "seq", "origin", "id", "review_id", "close_number", "position", "stakeholder_id",
        "name", "title", "level", "role", "last_contact_on", "next_contact_on",
        "confirmed_in_role", "taken_at",
    ),
}  # fmt: skip

FUNCTIONS = rf"""
-- The text a chained row's hash is taken of: the JSON of [table, previous, fields], keys
-- sorted by code point, no spaces, characters as they are (Python's json.dumps with
-- sort_keys, separators (",", ":") and ensure_ascii=False escapes as PostgreSQL does).
CREATE FUNCTION hub_canonical(p_table text, p_prev text, p_fields jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT '[' || to_json(p_table)::text || ',' || to_json(p_prev)::text || ',{{'
        || coalesce((SELECT string_agg(to_json(key)::text || ':' || value::text, ','
                                       ORDER BY key COLLATE "C")
                     FROM jsonb_each(p_fields)), '')
        || '}}]'
$$;

CREATE FUNCTION hub_chain_hash(p_table text, p_prev text, p_fields jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(convert_to(public.hub_canonical(p_table, p_prev, p_fields),
                                    'UTF8')), 'hex')
$$;

-- The hash of the row before (origin, seq) in a chained table, whoever may read it
-- (GENESIS for the first; NULL when the hub lacks it). p_table is the trigger's table.
CREATE FUNCTION hub_chain_before(p_table text, p_origin text, p_seq bigint) RETURNS text
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    found text;
BEGIN
    IF p_seq = 1 THEN RETURN '{GENESIS}'; END IF;
    EXECUTE format('SELECT hash FROM %I WHERE origin = $1 AND seq = $2', p_table)
        INTO found USING p_origin, p_seq - 1;
    RETURN found;
END $$;

-- Every chained row inserted must verify: its hash over its prev_hash, and its link to
-- the row before when the hub holds it. TG_ARGV: the columns the hash covers.
CREATE FUNCTION hub_chain_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    before text;
    fields jsonb;
BEGIN
    IF NEW.origin IS NULL OR NEW.seq IS NULL OR NEW.seq < 1 OR NEW.hash IS NULL THEN
        RAISE EXCEPTION 'accountreview: a % row needs its origin, seq and hash',
            TG_TABLE_NAME USING ERRCODE = 'check_violation';
    END IF;
    before := public.hub_chain_before(TG_TABLE_NAME, NEW.origin, NEW.seq);
    IF NEW.prev_hash IS NULL THEN
        NEW.prev_hash := before;
    ELSIF before IS NOT NULL AND before <> NEW.prev_hash THEN
        RAISE EXCEPTION 'accountreview: % entry % of device % does not link to the entry'
            ' before it', TG_TABLE_NAME, NEW.seq, left(NEW.origin, 12)
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.prev_hash IS NULL THEN
        RAISE EXCEPTION 'accountreview: % entry % of device % names no predecessor, and'
            ' the hub lacks it', TG_TABLE_NAME, NEW.seq, left(NEW.origin, 12)
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT jsonb_object_agg(key, value) INTO fields FROM jsonb_each(to_jsonb(NEW))
        WHERE key = ANY (TG_ARGV);
    IF public.hub_chain_hash(TG_TABLE_NAME, NEW.prev_hash, fields) <> NEW.hash THEN
        RAISE EXCEPTION 'accountreview: % entry % of device % does not match its hash',
            TG_TABLE_NAME, NEW.seq, left(NEW.origin, 12) USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$;

-- kept_origins with close p_number's entry set to p_origin: a JSON array, compact as the
-- laptops write it (`["o1",null,"o3"]`; null: a close not known).
CREATE FUNCTION hub_kept_with(p_kept text, p_number bigint, p_origin text) RETURNS text
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    kept jsonb := coalesce(p_kept::jsonb, '[]'::jsonb);
BEGIN
    WHILE jsonb_array_length(kept) < p_number - 1 LOOP
        kept := kept || 'null'::jsonb;
    END LOOP;
    IF jsonb_array_length(kept) >= p_number THEN
        kept := jsonb_set(kept, ARRAY[(p_number - 1)::text], to_jsonb(p_origin));
    ELSE
        kept := kept || jsonb_build_array(p_origin);
    END IF;
    RETURN '[' || (SELECT string_agg(e::text, ',' ORDER BY i)
                   FROM jsonb_array_elements(kept) WITH ORDINALITY AS t(e, i)) || ']';
END $$;
"""

DROPS = (
    "hub_kept_with(text, bigint, text)",
    "hub_chain_check()",
    "hub_chain_before(text, text, bigint)",
    "hub_chain_hash(text, text, jsonb)",
    "hub_canonical(text, text, jsonb)",
)
_CLOSE_SET = "UPDATE review SET status = 'closed', close_count = number,"
_KEPT_SET = " kept_origins = hub_kept_with(kept_origins, number, p_origin),"

# Fill prev_hash from the chains and stamp the filled rows again, in their old order
# across both tables (a close's entry and its five keep their relative order).
_FILL = f"""
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT 'audit_log' AS t, id, hub_seq FROM audit_log
        UNION ALL SELECT 'review_snapshot', id, hub_seq FROM review_snapshot
        ORDER BY hub_seq
    LOOP
        EXECUTE format(
            'UPDATE %I c SET prev_hash = CASE WHEN c.seq = 1 THEN ''{GENESIS}'' ELSE'
            ' (SELECT p.hash FROM %I p WHERE p.origin = c.origin AND p.seq = c.seq - 1) END'
            ' WHERE c.id = $1', r.t, r.t) USING r.id;
    END LOOP;
END $$;
"""
_KEPT_FILL = """
UPDATE review r SET kept_origins = k.kept FROM (
    SELECT v.id, '[' || string_agg(coalesce(to_json((
        SELECT a.origin FROM audit_log a WHERE a.review_id = v.id
        AND a.action = 'review.closed' AND a.close_number = g.n
        ORDER BY a.hub_seq LIMIT 1))::text, 'null'), ',' ORDER BY g.n) || ']' AS kept
    FROM review v CROSS JOIN LATERAL generate_series(1, v.close_count) AS g(n)
    WHERE v.close_count > 0 GROUP BY v.id
) k WHERE k.id = r.id
"""


def _revision_0004() -> ModuleType:
    path = Path(__file__).with_name("0004_hub_close_unit.py")
    spec = importlib.util.spec_from_file_location("accountreview_hub_migration_0004", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def apply_close_sql(*, keeping: bool) -> str:
    """0004's `hub_apply_close`, as CREATE OR REPLACE; `keeping`: it also writes the
    close's origin into the review's kept_origins when it applies the close."""
    text = str(_revision_0004().FUNCTIONS)
    start = text.index("CREATE FUNCTION hub_apply_close(")
    end = text.index("END $$;", start) + len("END $$;")
    function = text[start:end].replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
    assert _CLOSE_SET in function
    return function.replace(_CLOSE_SET, _CLOSE_SET + _KEPT_SET) if keeping else function


def upgrade() -> None:
    op.add_column("review", sa.Column("kept_origins", sa.Text(), nullable=True))
    for table in HASHED:
        op.add_column(table, sa.Column("prev_hash", sa.Text(), nullable=True))
    op.execute(FUNCTIONS)
    op.execute(apply_close_sql(keeping=True))
    for table in HASHED:
        op.execute(f"ALTER TABLE {table} DISABLE TRIGGER hub_frozen")
    op.execute(_FILL)
    for table, columns in HASHED.items():
        op.execute(f"ALTER TABLE {table} ENABLE TRIGGER hub_frozen")
        args = ", ".join(f"'{c}'" for c in columns)
        op.execute(
            f"CREATE TRIGGER hub_chain BEFORE INSERT ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION hub_chain_check({args})"
        )
    op.execute(_KEPT_FILL)


def downgrade() -> None:
    for table in HASHED:
        op.execute(f"DROP TRIGGER hub_chain ON {table}")
        op.execute(f"ALTER TABLE {table} DROP COLUMN prev_hash")
    op.execute(apply_close_sql(keeping=False))
    for name in DROPS:
        op.execute(f"DROP FUNCTION {name}")
    op.execute("ALTER TABLE review DROP COLUMN kept_origins")
