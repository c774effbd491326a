"""the advice each run's evaluation gave, kept with its run log (pac_run.advice) for pac status

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 22:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('pac_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('advice', sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('pac_run', schema=None) as batch_op:
        batch_op.drop_column('advice')
