"""`accountreview demo`: reopened with the user's work, rebuilt only with --fresh."""

import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from accountreview.cli import app

runner = CliRunner()


def demo(db: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["--db", str(db), "demo", "--no-open", *args])
    return result.exit_code, result.stdout, result.stderr


def edit_a_title(db: Path) -> str:
    """A user's edit in the demo (a stakeholder's title): returns the stakeholder's id."""
    conn = sqlite3.connect(db)
    with conn:
        (sid,) = conn.execute("SELECT id FROM stakeholder ORDER BY id LIMIT 1").fetchone()
        conn.execute("UPDATE stakeholder SET title = 'Edited by the user' WHERE id = ?", (sid,))
    conn.close()
    return str(sid)


def title_of(db: Path, sid: str) -> str | None:
    conn = sqlite3.connect(db)
    row = conn.execute("SELECT title FROM stakeholder WHERE id = ?", (sid,)).fetchone()
    conn.close()
    return None if row is None else str(row[0])


def test_demo_reopens_with_the_users_work_and_fresh_rebuilds_it(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    code, stdout, _ = demo(db)
    assert code == 0 and "accounts" in stdout
    sid = edit_a_title(db)
    code, stdout, _ = demo(db)
    assert code == 0 and "Reopened the demo" in stdout
    assert title_of(db, sid) == "Edited by the user"  # survives `demo`
    code, stdout, _ = demo(db, "--fresh")
    assert code == 0 and "Reopened" not in stdout
    assert title_of(db, sid) != "Edited by the user"  # not `demo --fresh`


def test_demo_built_otherwise_needs_fresh_and_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    assert demo(db)[0] == 0
    sid = edit_a_title(db)
    for args, said in ((["--seed", "8"], "--seed 8"), (["--scale", "large"], "--scale large")):
        code, _, stderr = demo(db, *args)
        assert code == 3, args
        assert said in stderr and "--fresh" in stderr, stderr
        assert title_of(db, sid) == "Edited by the user"
    assert demo(db, "--seed", "7", "--scale", "demo")[0] == 0  # what it was built with
    assert title_of(db, sid) == "Edited by the user"
    assert demo(db, "--seed", "8", "--fresh")[0] == 0
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT value FROM app_meta WHERE key = 'demo_seed'").fetchone() == ("8",)
    conn.close()


def test_demo_never_opens_a_real_database(tmp_path: Path) -> None:
    db = tmp_path / "real.db"
    assert runner.invoke(app, ["--db", str(db), "init"]).exit_code == 0
    before = db.read_bytes()
    for args in ([], ["--fresh"]):
        code, _, stderr = demo(db, *args)
        assert code == 3 and "not a demo database" in stderr, args
    assert db.read_bytes() == before


def test_demo_goes_to_the_data_folder_without_db(tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--no-open"])
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "xdg-data" / "accountreview" / "demo.db").exists()
    again = runner.invoke(app, ["demo", "--no-open"])
    assert again.exit_code == 0 and "Reopened the demo" in again.stdout


def test_a_demo_whose_build_was_interrupted_is_rebuilt(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    assert demo(db)[0] == 0
    conn = sqlite3.connect(db)
    with conn:  # as a build killed half-way leaves it: marked a demo, never finished
        conn.execute("DELETE FROM app_meta WHERE key = 'demo_built'")
        conn.execute("DELETE FROM touch")
    conn.close()
    code, stdout, _ = demo(db)
    assert code == 0 and "never finished building" in stdout
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM touch").fetchone()[0] > 0
    assert conn.execute("SELECT value FROM app_meta WHERE key = 'demo_built'").fetchone() == ("1",)
    conn.close()
    assert "Reopened the demo" in demo(db)[1]
