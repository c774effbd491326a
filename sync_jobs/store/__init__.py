"""The local store: SQLModel persistence rows (not domain objects) and the functions that read and write them.

SQLite file by default, PostgreSQL by URL; the schema is created and upgraded by Alembic migrations
(``open_store`` applies ``upgrade head``). Every datetime is aware UTC.
"""

from sync_jobs.store.db import open_store, upgrade

__all__ = ["open_store", "upgrade"]
