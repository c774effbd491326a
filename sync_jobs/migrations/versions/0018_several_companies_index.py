"""a partial index on the records noted on several companies (pac_record, ``payload.also_on`` present)

Every incremental night reads again the HubSpot engagements pac counted on one of several companies and warned of
(``records.several_companies_records``, audit hshand10): the query tested the payload's key on every activity of the
connector, 0.75 s on SQLite and 1.5 s on PostgreSQL at a million activities, each night. The index holds only those
rows (a few, usually none), so the query reads them alone. Its condition is the query's own expression
(``sync_jobs.store.tables.SEVERAL_COMPANIES``), compiled for each dialect, as SQLite and PostgreSQL use a partial
index only for a query whose terms match its condition. Going down drops it: the query is the same, only slower.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08 02:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


# the model's expression, written here rather than imported so that this revision stays what it was
SEVERAL_COMPANIES = sa.column('payload', sa.JSON)['also_on'].as_string().is_not(None)


def upgrade() -> None:
    op.create_index('ix_pac_record_several', 'pac_record', ['connector', 'kind'], unique=False,
                    sqlite_where=SEVERAL_COMPANIES, postgresql_where=SEVERAL_COMPANIES)


def downgrade() -> None:
    op.drop_index('ix_pac_record_several', table_name='pac_record')
