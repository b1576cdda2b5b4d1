"""Random damage to a real database file, then the real CLI on it.

Each case copies a database of a few hundred pages and damages it at random
(bytes overwritten anywhere, a whole page of noise, the file cut at any length,
part of the header zeroed). Then `check`, two reading commands and a write run
on it. None may end in "unexpected error" (exit 1) or a traceback; `check`
exits 0 (sound) or 3 (each problem listed), or 2 for a file that is no longer
SQLite at all; and a refused command leaves the file's bytes as they were.

ACCOUNTREVIEW_FUZZ_EXAMPLES sets the number of cases (default 40);
ACCOUNTREVIEW_FUZZ_SEED replays one run.
"""

import os
import random
import shutil
from collections import Counter
from pathlib import Path

from typer.testing import CliRunner

from accountreview.cli import app
from test_storage_damage import make_database, page_size_and_count

runner = CliRunner()
EXAMPLES = int(os.environ.get("ACCOUNTREVIEW_FUZZ_EXAMPLES", "40"))
SEED = int(os.environ.get("ACCOUNTREVIEW_FUZZ_SEED", "12"))
COMMANDS = (
    ["check"],
    ["accounts", "--format", "json"],
    ["export", "touches", "-f", "json"],
    ["touch", "Acme Corp", "Sam Okafor", "--on", "2026-11-20", "-c", "phone"],
)


def damage_at_random(path: Path, page: int, rng: random.Random) -> str:
    """Apply one random kind of damage (pages of `page` bytes); say which."""
    size = max(path.stat().st_size, 1)
    pages = max(size // page, 1)
    kind = rng.choice(["bytes", "page", "truncate", "header"])
    with open(path, "r+b") as handle:
        if kind == "bytes":
            handle.seek(rng.randrange(size))
            handle.write(rng.randbytes(rng.randint(1, 64)))
        elif kind == "page":
            handle.seek(page * rng.randrange(pages))
            handle.write(rng.randbytes(page))
        elif kind == "truncate":
            handle.truncate(rng.randrange(size))
        else:
            start = rng.randrange(100)
            handle.seek(start)
            handle.write(bytes(rng.randint(1, 100 - start)))
    return kind


def test_random_damage_never_ends_in_an_unexpected_error(tmp_path: Path) -> None:
    pristine = tmp_path / "pristine.db"
    make_database(pristine, touches=1500)
    rng = random.Random(SEED)
    page = page_size_and_count(pristine)[0]
    figures: Counter[str] = Counter()
    for case in range(EXAMPLES):
        db = tmp_path / f"case-{case}.db"
        shutil.copyfile(pristine, db)
        kinds = [damage_at_random(db, page, rng) for _ in range(rng.randint(1, 3))]
        for args in COMMANDS:
            before = db.read_bytes()
            result = runner.invoke(app, ["--db", str(db), *args])
            figures["commands"] += 1
            context = (SEED, case, kinds, args, result.exit_code, result.stderr)
            assert result.exception is None or isinstance(result.exception, SystemExit), context
            assert result.exit_code in (0, 2, 3, 4), context
            assert "unexpected" not in result.stderr and "Traceback" not in result.stderr
            if args == ["check"]:
                assert result.exit_code in (0, 2, 3), context
            if result.exit_code:
                figures["refused"] += 1
                assert db.read_bytes() == before, context
                figures["refused, file unchanged"] += 1
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
    print(f"\nstorage fuzz (seed {SEED}): {EXAMPLES} damaged files, {dict(figures)}")
    assert figures["refused"], "no damage was ever noticed: the test damages nothing"
