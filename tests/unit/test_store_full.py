"""A store whose disk is full: pac says so and what to do, not "check that the database is up" (audit crash F4)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from sync_jobs.cli_errors import exit_code_of


def _full_store_error(tmp_path: Path) -> OperationalError:
    """SQLite's own SQLITE_FULL ("database or disk is full"), from a file capped at a few pages (max_page_count),
    as a full disk gives it."""
    engine = create_engine(f"sqlite:///{tmp_path / 'pac.db'}")
    try:
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x TEXT)"))
        with pytest.raises(OperationalError) as caught, engine.begin() as conn:
            conn.execute(text("PRAGMA max_page_count = 3"))
            conn.execute(text("INSERT INTO t VALUES (:x)"), [{"x": "x" * 4000}] * 10)
        return caught.value
    finally:
        engine.dispose()


def test_a_full_store_says_to_free_space(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    error = _full_store_error(tmp_path)
    assert exit_code_of(error) == 6
    line = capsys.readouterr().err.strip()
    assert line == ("pac: the store (database) failed: OperationalError: database or disk is full (free space on the "
                    "disk that holds the store (a SQLite file's folder, or the PostgreSQL server's data directory); "
                    "nothing is lost: the next run resumes; exit 6)"), line
