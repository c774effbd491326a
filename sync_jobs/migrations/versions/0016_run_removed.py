"""the axes and actions each run took out of the plan, kept as records on its run-log row (pac_run.removed)

Until now a run kept one English line per item among its problems (``warning: removed from the plan by this run:
...``), read back by a regex that a name holding « » » or ", done 1 / 2" misread, and kept only when the run
finished: a run killed after marking the CRM records removed named them nowhere (audit removedrec). Nothing is
filled: the runs recorded before keep NULL and are still listed from their lines (``sync_jobs.retired_kept.split``).
Going down drops the column: a pac at 0015 then lists no item of the runs recorded since (their records are gone,
and they kept no line).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 19:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('pac_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed', sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('pac_run', schema=None) as batch_op:
        batch_op.drop_column('removed')
