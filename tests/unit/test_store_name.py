"""`pac status` names the store it read by its absolute path (audit newcomer3): an ops admin who wrote
``sqlite:///srv/pac/pac.db`` (three slashes: a path under the working directory) read « No run yet in srv/pac/pac.db »
and could not tell it from /srv/pac/pac.db, the store they meant (four slashes: ``sqlite:////srv/pac/pac.db``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine

from sync_jobs.cli_status import store_name


def test_a_relative_sqlite_path_is_named_from_the_working_directory(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert store_name(create_engine("sqlite:///srv/pac/pac.db")) == str(tmp_path / "srv" / "pac" / "pac.db")


def test_an_absolute_sqlite_path_is_named_as_written(tmp_path: Path) -> None:
    assert store_name(create_engine(f"sqlite:///{tmp_path / 'pac.db'}")) == str(tmp_path / "pac.db")


def test_a_postgresql_store_is_named_by_its_url_without_the_password() -> None:
    assert store_name(create_engine("postgresql+psycopg://pac:s3cret@db.example/pac")) == \
        "postgresql+psycopg://pac:***@db.example/pac"
