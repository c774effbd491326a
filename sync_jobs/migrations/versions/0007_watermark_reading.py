"""how the connector read each object at its last full read (pac_watermark.reading): a changed mapping re-reads it

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 05:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('pac_watermark', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reading', sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('pac_watermark', schema=None) as batch_op:
        batch_op.drop_column('reading')
