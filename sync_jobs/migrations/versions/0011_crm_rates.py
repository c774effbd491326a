"""a multi-currency Salesforce org's dated exchange rates kept in the store (pac_crm_rate) and how they were last read
(pac_crm_rates_read): a night reads only the DatedConversionRate rows changed since

Nothing is filled: the first night after the upgrade reads every rate row once, as every night did before
(docs/salesforce.md, *Exchange rates*).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 09:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pac_crm_rate',
    sa.Column('connector', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('crm_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('row', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('connector', 'crm_id')
    )
    op.create_table('pac_crm_rates_read',
    sa.Column('connector', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('stamp', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('full_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('connector')
    )


def downgrade() -> None:
    op.drop_table('pac_crm_rates_read')
    op.drop_table('pac_crm_rate')
