"""the recorded changes of the accounts' state fields (pac_account_change): dormant flag, owner and type read as of
the reference date

Nothing is filled: a store upgraded from 0008 has no history yet, and every account reads its current value until
its first recorded change (docs/engine.md, *Account state as of the reference date*).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 03:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pac_account_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connector', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('crm_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('changed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('old', sa.JSON(), nullable=True),
    sa.Column('new', sa.JSON(), nullable=True),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('pac_account_change', schema=None) as batch_op:
        batch_op.create_index('ix_pac_account_change_account', ['connector', 'crm_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pac_account_change', schema=None) as batch_op:
        batch_op.drop_index('ix_pac_account_change_account')
    op.drop_table('pac_account_change')
