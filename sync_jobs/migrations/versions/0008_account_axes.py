"""each plan's axes targeting each CRM account (pac_account_axes): plans sharing a connector share its account fields

The table starts with each plan's contribution as it last wrote it on the accounts (pac_written, target account): up to
0007 each plan wrote only its own axes, bare ids joined by "; ", so its last-written `axes` is its contribution; the
first run of one plan after the upgrade then keeps the other plans' axes on the accounts instead of dropping them
until they run (audit re-verification N6). A cleared account (axes null) contributes nothing.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 19:00:00
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pac_account_axes',
    sa.Column('plan_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('connector', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('axes', sa.JSON(), nullable=False),
    sa.Column('saved_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('plan_id', 'connector', 'key')
    )
    written = sa.table('pac_written', sa.column('plan_id', sa.String()), sa.column('connector', sa.String()),
                       sa.column('target', sa.String()), sa.column('key', sa.String()), sa.column('fields', sa.JSON()),
                       sa.column('written_at', sqlmodel.sql.sqltypes.UTCDateTime()))
    axes = sa.table('pac_account_axes', sa.column('plan_id', sa.String()), sa.column('connector', sa.String()),
                    sa.column('key', sa.String()), sa.column('axes', sa.JSON()),
                    sa.column('saved_at', sqlmodel.sql.sqltypes.UTCDateTime()))
    query = sa.select(written.c.plan_id, written.c.connector, written.c.key, written.c.fields, written.c.written_at
                      ).where(written.c.target == 'account')
    rows = []
    for plan_id, connector, key, fields, written_at in op.get_bind().execute(query):
        value = (fields or {}).get('axes')
        ids = sorted({t for t in value.split('; ') if t and t != '…'}) if isinstance(value, str) else []
        if ids:
            rows.append({'plan_id': plan_id, 'connector': connector, 'key': key, 'axes': ids, 'saved_at': written_at})
    for start in range(0, len(rows), 500):
        op.bulk_insert(axes, rows[start:start + 500])


# fields this version added to what snapshots keep (AxisProgress.growth_base_through: the last day a provisional
# percentage objective's base counts); a pac at 0007 reads a snapshot's fields strictly and failed on them
# (KeyError, exit 6, in pac report / review / snapshot after a documented rollback: docs audit, 5 Dec 2026)
_NEWER_SNAPSHOT_FIELDS = frozenset({'growth_base_through'})
# keys of the evaluation itself added since 0007 (``kept``: when and with which plan a snapshot was taken, 5 Dec 2026;
# ``attribution``: the engine's rule, 6 Dec 2026, audit splitwords): a pac from 0008 on leaves out the top-level keys it
# does not know, a pac at 0007 refused them (KeyError 'kept'), so they go, at the top level only; ``axis_deals``: every
# axis's counted deals, kept for the review's deal-by-deal change, 7 Dec 2026 (audit reviewdeals)
_NEWER_EVALUATION_KEYS = frozenset({'kept', 'attribution', 'axis_deals'})


def _without(value, names):
    if isinstance(value, dict):
        return {k: _without(v, names) for k, v in value.items() if k not in names}
    if isinstance(value, list):
        return [_without(v, names) for v in value]
    return value


def downgrade() -> None:
    op.drop_table('pac_account_axes')
    snapshots = sa.table('pac_snapshot', sa.column('id', sa.Integer()), sa.column('payload', sa.JSON()))
    bind = op.get_bind()
    for ident, payload in bind.execute(sa.select(snapshots.c.id, snapshots.c.payload)).all():
        kept = _without(payload, _NEWER_SNAPSHOT_FIELDS)
        if isinstance(kept, dict):
            kept = {k: v for k, v in kept.items() if k not in _NEWER_EVALUATION_KEYS}
        if kept != payload:
            bind.execute(snapshots.update().where(snapshots.c.id == ident).values(payload=kept))
