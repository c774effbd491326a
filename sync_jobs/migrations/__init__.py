"""Alembic migrations of the store (applied by ``sync_jobs.store.open_store``)."""
