"""a connector rejection's stable reason code and its values kept with its English reason (pac_rejection.code,
pac_rejection.reason_values): the words of every language are made from them

Nothing is filled: the rows of earlier runs keep their English text alone, which pac reads as the code it has now
(``pac_core.reject_codes.LEGACY``), so they read the same, and the next run finds them known
(docs/operations.md, *The store*). A downgrade drops the codes; the English texts stay, and read as before.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 00:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('pac_rejection', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('reason_values', sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('pac_rejection', schema=None) as batch_op:
        batch_op.drop_column('reason_values')
        batch_op.drop_column('code')
