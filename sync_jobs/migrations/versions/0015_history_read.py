"""the accounts' state fields whose CRM-kept history was read, and from which property (pac_history_read): HubSpot's
propertiesWithHistory read once per company and property, not again by every weekly full read (audit hsweekly)

Nothing is filled: a store upgraded from 0014 holds no company as read, so its next full read of the companies reads
every company's history once (as each full read did before), recording only where the store holds no change of its
own, as before; then only the companies new since (docs/hubspot.md). Going down drops the table: a pac at 0014 reads
the history on every full read again.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 16:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pac_history_read',
    sa.Column('connector', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('crm_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('read_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('connector', 'crm_id', 'field')
    )


def downgrade() -> None:
    op.drop_table('pac_history_read')
