"""the plan's warnings each run worded, kept as records on its run-log row (pac_run.plan_warnings)

Until now a run kept a few of its plan warnings (an action handed over without handed_over, the CRM values lost with
an item leaving the plan, a picklist value relabelled) as English lines among its errors, and the others (an action
no connector measures, an owner no CRM knows...) nowhere: `pac status --lang fr` listed English sentences under
« Problèmes de la dernière exécution » (audit warnfr). Each is now a record: its code, its values and its English
words (``pac_core.plan_warnings.record``), worded in the reader's language. Nothing is filled: the runs recorded
before keep NULL and are still listed from their lines. The lines kept among the errors are still written, for a pac
that does not read the column. Going down drops the column: a pac at 0016 then lists those lines as before, and no
other plan warning.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 20:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('pac_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_warnings', sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('pac_run', schema=None) as batch_op:
        batch_op.drop_column('plan_warnings')
