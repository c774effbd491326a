"""kept results for incremental nights (pac_kept_night, pac_kept_action)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 19:55:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pac_kept_night',
    sa.Column('plan_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('engine_version', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('settings_fingerprint', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('users_fingerprint', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('as_of', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('records_stamp', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('rejected', sa.JSON(), nullable=False),
    sa.Column('saved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('plan_id')
    )
    op.create_table('pac_kept_action',
    sa.Column('plan_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('action_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('candidates', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('plan_id', 'action_id')
    )


def downgrade() -> None:
    op.drop_table('pac_kept_action')
    op.drop_table('pac_kept_night')
