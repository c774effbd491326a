"""the engine settings each plan ran with (pac_engine_settings): pac.yaml's engine section, a new version when it
changes, so a snapshot taken late is evaluated with the settings in force at its period's end

Nothing is filled: the first night (or snapshot) after the upgrade records today's section; a late snapshot of a
period closed before that reads today's settings and says so (docs/engine.md, *Snapshots*).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 00:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pac_engine_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('plan_id', 'version')
    )
    with op.batch_alter_table('pac_engine_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pac_engine_settings_plan_id'), ['plan_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pac_engine_settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pac_engine_settings_plan_id'))
    op.drop_table('pac_engine_settings')
