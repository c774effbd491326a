"""notifications sent (never the same alert twice)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 17:40:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pac_notification_sent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('person', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('alert_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('plan_id', 'person', 'channel', 'alert_key')
    )
    with op.batch_alter_table('pac_notification_sent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pac_notification_sent_plan_id'), ['plan_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('pac_notification_sent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pac_notification_sent_plan_id'))
    op.drop_table('pac_notification_sent')
