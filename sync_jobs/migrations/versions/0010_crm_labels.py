"""the labels of the account picklists plan scopes test, as each connector's CRM last showed them (pac_crm_labels):
a relabel in the CRM reads the accounts in full the night it shows, and is named

Nothing is filled: the first night after the upgrade reads the labels (one describe of Account in Salesforce, one
batch read of the scope properties in HubSpot), and the accounts in full once (docs/operations.md).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 05:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pac_crm_labels',
    sa.Column('connector', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('connector')
    )


def downgrade() -> None:
    op.drop_table('pac_crm_labels')
