"""Files that are junk, hostile or huge, through the real `import` command.

Each is imported into a database that already holds the sample reps and accounts.
Every one is either imported or refused with exit 2 or 3 and a message naming the
file and the row (or line), never a traceback and never a hang (a subprocess with
a timeout), and a refused one leaves the database exactly as it was.
`ACCOUNTREVIEW_FUZZ_EXAMPLES` sets how many generated files the fuzz test tries.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accountreview.io.csv_source import (
    CELL_MAX_CHARS,
    HEADER_MAX_BYTES,
    MAX_COLUMNS,
    ROW_MAX_CHARS,
    CsvSource,
    MalformedCsv,
    Row,
    RowProblem,
)
from accountreview.io.text_file import UnreadableFile, open_regular
from accountreview.services.importing import import_file
from accountreview.services.workspace import open_workspace
from conftest import TODAY, content_hash, copy_of

DATA = Path(__file__).resolve().parent.parent / "data"
EXAMPLES = int(os.environ.get("ACCOUNTREVIEW_FUZZ_EXAMPLES", "15"))
TIMEOUT = 60
STAKEHOLDERS_HEADER = "account,name,email,title,level,role,left_on"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the sample reps and accounts (what stakeholders refer to)."""
    path = tmp_path_factory.mktemp("junk") / "template.db"
    ws = open_workspace(path, TODAY, create=True)
    try:
        for name in ("reps", "accounts"):
            import_file(ws, DATA / f"{name}.csv")
    finally:
        ws.close()
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    return copy_of(template, tmp_path)


def cli_import(db: Path, *paths: Path | str) -> subprocess.CompletedProcess[str]:
    """`accountreview --db DB import PATHS…` in its own process (a hang fails the test)."""
    return subprocess.run(
        [sys.executable, "-m", "accountreview", "--db", str(db), "import", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def assert_refused(db: Path, path: Path | str, *, code: int, says: str) -> str:
    """Importing `path` exits `code`, says `says` (a regex), changes nothing, shows no trace."""
    before = content_hash(db)
    done = cli_import(db, path)
    assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout
    assert re.search(says, done.stderr), done.stderr
    assert content_hash(db) == before
    return done.stderr


def stakeholders(tmp_path: Path, body: str, name: str = "stakeholders.csv") -> Path:
    path = tmp_path / name
    path.write_text(f"{STAKEHOLDERS_HEADER}\n{body}", encoding="utf-8")
    return path


GOOD = "Acme Logistics,Ada Byron,ada@acme-logistics.example,CTO,executive,,\n"


# -- the shape of rows ------------------------------------------------------------------


def test_an_unterminated_quote_on_the_last_line_names_its_row(db: Path, tmp_path: Path) -> None:
    path = stakeholders(tmp_path, GOOD + '"Bad Quote,x@y.z,CTO,executive,,\n')
    assert_refused(
        db, path, code=3, says=r"stakeholders.csv, row 3: .*closing quote for the quoted cell"
    )


def test_a_stray_quote_after_a_closed_one_names_its_row(db: Path, tmp_path: Path) -> None:
    path = stakeholders(tmp_path, GOOD + 'Acme Logistics,"Bob" Tables,,,,,\n')
    assert_refused(db, path, code=3, says=r"row 3: .*a delimiter after a quoted cell")


def test_a_short_row_names_its_row_and_the_missing_columns(db: Path, tmp_path: Path) -> None:
    path = stakeholders(tmp_path, GOOD + "Acme Logistics,Carl Short,carl@acme.example,CTO\n")
    says = r"stakeholders.csv, row 3: .*this row has 4, missing level, role, left_on"
    assert_refused(db, path, code=3, says=says)


def test_a_long_row_is_refused_unless_its_extra_cells_are_empty(db: Path, tmp_path: Path) -> None:
    extra = stakeholders(tmp_path, GOOD + "Acme Logistics,Dee Long,,,,,,stray\n")
    assert_refused(db, extra, code=3, says=r"row 3: 'stray' is not valid; .*outside the header")
    empty = stakeholders(tmp_path, GOOD.rstrip("\n") + ", ,,\n", name="padded.csv")
    done = cli_import(db, empty)
    assert done.returncode == 0, done.stderr
    assert "1 new" in done.stdout


def test_short_rows_are_read_where_the_kind_of_file_declares_them(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text("Account Name,Contact: Full Name,Title\nAcme,,\nGlobex\n", encoding="utf-8")
    with CsvSource(path) as strict:
        items = list(strict)
    assert isinstance(items[1], RowProblem) and items[1].row == 3
    with CsvSource(path, short_rows=True) as lenient:
        rows = [item for item in lenient if isinstance(item, Row)]
    assert [(r.number, r.text("account_name"), r.text("title")) for r in rows] == [
        (2, "Acme", ""),
        (3, "Globex", ""),
    ]


# -- files that are not CSV text --------------------------------------------------------


def test_a_device_a_folder_and_a_socket_are_refused_at_once(db: Path, tmp_path: Path) -> None:
    assert_refused(db, "/dev/zero", code=2, says=r"/dev/zero is a device, not a CSV file")
    assert_refused(db, tmp_path, code=2, says=r"is a folder, not a CSV file")
    with tempfile.TemporaryDirectory(prefix="csvin-") as short:  # a socket's path is short
        sock_path = Path(short) / "s"
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(str(sock_path))
            assert_refused(db, sock_path, code=2, says=r"is a socket, not a CSV file")
    assert_refused(db, tmp_path / "missing.csv", code=2, says=r"missing.csv: no such file")


def test_a_name_that_no_file_can_have_is_refused() -> None:
    with pytest.raises(UnreadableFile, match="is not a file name"):
        open_regular(Path("a\x00b.csv"))  # the CLI cannot pass one; an API caller can


def test_a_fifo_with_no_writer_is_refused_without_waiting(db: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    assert_refused(db, fifo, code=2, says=r"pipe.csv is a named pipe \(FIFO\), not a CSV file")


def test_a_fifo_swapped_in_after_the_check_cannot_hang_the_import(tmp_path: Path) -> None:
    """Between `os.stat` and `open` the path becomes a FIFO: `fstat` on the open file refuses it."""
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    code = f"""
import os, stat
from pathlib import Path
from accountreview.io import text_file
real_stat = os.stat
def regular(path, *a, **k):  # what `stat` saw just before the swap
    found = real_stat(path, *a, **k)
    return os.stat_result((stat.S_IFREG | 0o600, *found[1:]))
text_file.os.stat = regular
try:
    text_file.open_regular(Path({str(fifo)!r}))
except text_file.UnreadableFile as error:
    print(error)
"""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=TIMEOUT, check=False
    )
    assert "is a named pipe (FIFO), not a CSV file" in done.stdout, done.stderr


def test_an_empty_file_and_a_binary_file_are_refused(db: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert_refused(db, empty, code=3, says=r"empty.csv, row 1: .*the file is empty")
    zeros = tmp_path / "zeros.csv"
    zeros.write_bytes(bytes(100_000))
    assert_refused(db, zeros, code=3, says=r"zeros.csv, row 1: .*without NUL characters")
    nul_row = stakeholders(tmp_path, GOOD + "Acme Logistics,Nul\x00Name,,,,,\n", "nul.csv")
    assert_refused(db, nul_row, code=3, says=r"nul.csv, row 3: .*without NUL characters")


def test_a_file_with_only_a_header_imports_nothing(db: Path, tmp_path: Path) -> None:
    path = stakeholders(tmp_path, "")
    before = content_hash(db)
    done = cli_import(db, path)
    assert done.returncode == 0, done.stderr
    assert "stakeholders.csv: 0 rows — 0 new, 0 updated, 0 unchanged" in done.stdout
    assert content_hash(db) == before


# -- sizes ------------------------------------------------------------------------------


def test_a_header_of_100000_columns_is_refused_from_its_first_bytes(
    db: Path, tmp_path: Path
) -> None:
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(f"c{n}" for n in range(100_000)) + "\n" + "x," * 99_999 + "x\n")
    says = rf"wide.csv, row 1: .*header row of at most {HEADER_MAX_BYTES >> 10} KiB"
    assert_refused(db, wide, code=3, says=says)
    started = time.perf_counter()
    with pytest.raises(MalformedCsv):
        CsvSource(wide)
    assert time.perf_counter() - started < 1.0  # generous: it is about a millisecond


def test_a_header_of_too_many_short_columns_is_refused(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text(",".join("c" * 3 for _ in range(MAX_COLUMNS + 1)) + "\n")
    says = rf"many.csv, row 1: .*at most {MAX_COLUMNS:,} columns; this one has {MAX_COLUMNS + 1:,}"
    assert_refused(db, path, code=3, says=says)


def test_one_enormous_line_without_a_newline_is_refused(db: Path, tmp_path: Path) -> None:
    path = tmp_path / "line.csv"
    path.write_bytes(b"a" * (8 << 20))
    says = rf"line.csv, row 1: .*header row of at most {HEADER_MAX_BYTES >> 10} KiB"
    assert_refused(db, path, code=3, says=says)


def test_an_enormous_row_and_an_enormous_cell_name_their_row(db: Path, tmp_path: Path) -> None:
    row = stakeholders(tmp_path, GOOD + "Acme Logistics," + "n," * ROW_MAX_CHARS, "row.csv")
    says = rf"row.csv, row 3: .*a row of at most {ROW_MAX_CHARS >> 20} MiB"
    assert_refused(db, row, code=3, says=says)
    cell = stakeholders(tmp_path, GOOD + f'Acme Logistics,"{"n" * CELL_MAX_CHARS}x",,,,,\n')
    says = rf"row 3: .*cells of at most {CELL_MAX_CHARS:,} characters"
    assert_refused(db, cell, code=3, says=says)


# -- fuzzing: generated junk ------------------------------------------------------------

FIGURES: Counter[str] = Counter()
SAMPLE = (DATA / "stakeholders.csv").read_bytes()


def _mutate(data: st.DataObject, kind: str) -> bytes:
    """A copy of the sample stakeholders file broken in one way."""
    lines = SAMPLE.split(b"\n")
    at = data.draw(st.integers(1, len(lines) - 2), label="line")
    line = lines[at]
    if kind == "random bytes":
        return data.draw(st.binary(min_size=1, max_size=4000), label="bytes")
    if kind == "bytes in a row":
        spot = data.draw(st.integers(0, len(line)))
        lines[at] = line[:spot] + data.draw(st.binary(min_size=1, max_size=8)) + line[spot:]
    elif kind == "truncated quote":  # a quote opened on a row, never closed
        lines[at] = b'"' + line
    elif kind == "ragged row":
        cells = line.split(b",")
        keep = data.draw(st.integers(1, len(cells) + 3))
        lines[at] = b",".join((cells + [b"extra"] * 3)[:keep])
    elif kind == "huge cell":
        size = data.draw(st.sampled_from([CELL_MAX_CHARS - 10, CELL_MAX_CHARS + 1, 3 << 20]))
        lines[at] = line.replace(b",", b',"' + b"z" * size + b'",', 1)
    elif kind == "nul":
        lines[at] = line.replace(b",", b",\x00", 1)
    else:  # mixed encodings: a Windows-1252 byte in a file with UTF-8 in it
        lines[at] = line + "é".encode() + b"\xe9"
    return b"\n".join(lines)


JUNK_KINDS = (
    "random bytes",
    "bytes in a row",
    "truncated quote",
    "ragged row",
    "huge cell",
    "nul",
    "mixed encodings",
)


@pytest.fixture(scope="module")
def figures() -> Iterator[Counter[str]]:
    yield FIGURES
    print(
        f"\njunk imports: {FIGURES['tried']} tried, {FIGURES['imported']} imported,"
        f" {FIGURES['refused']} refused cleanly, {FIGURES['unchanged']} left the database"
        " unchanged"
    )


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)
@given(data=st.data(), kind=st.sampled_from(JUNK_KINDS))
def test_generated_junk_is_imported_or_refused_cleanly(
    template: Path, figures: Counter[str], data: st.DataObject, kind: str
) -> None:
    with tempfile.TemporaryDirectory(prefix="csvin-junk-") as folder:
        db, path = Path(folder) / "review.db", Path(folder) / "junk.csv"
        shutil.copyfile(template, db)
        path.write_bytes(_mutate(data, kind))
        before = content_hash(db)
        done = cli_import(db, path)
        figures["tried"] += 1
        assert "Traceback" not in done.stdout + done.stderr, done.stderr
        if done.returncode == 0:
            figures["imported"] += 1
            return
        assert done.returncode in (2, 3), (kind, done.returncode, done.stderr)
        assert "junk.csv" in done.stderr, done.stderr
        assert re.search(r"\b(row|line) \d+", done.stderr), done.stderr
        figures["refused"] += 1
        assert content_hash(db) == before
        figures["unchanged"] += 1


@pytest.mark.parametrize(
    "content",
    [
        b"\x01\x00\x01\x00\x01",  # UTF-16 of an odd length (found by the fuzz above)
        # A good reps file in UTF-16 whose last character is cut in half.
        "name,email,role,manager\nZed Ito,zed@x.example,rep,\n".encode("utf-16") + b"\x41",
    ],
)
def test_a_file_that_ends_inside_a_character_names_its_line(
    db: Path, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "junk.csv"
    path.write_bytes(content)
    before = content_hash(db)
    done = cli_import(db, path)
    assert done.returncode == 2, done.stderr
    assert "junk.csv" in done.stderr and re.search(r"\bline \d+", done.stderr), done.stderr
    assert content_hash(db) == before
