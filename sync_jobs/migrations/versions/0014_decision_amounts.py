"""the amounts, CRM texts and codes a decision's words name, kept as values in snapshots (Decision.amounts, .values)

Nothing to change going up: a decision kept before has neither key and reads as before (its English read back by
explain.localise). Going down, they go from every decision a snapshot keeps (the evaluation's warnings and
rejections, each action's and axis's decisions), which a pac at 0013 reads strictly (KeyError 'amounts'); a
recommendation's evidence, free-form, keeps its own keys (audit decamounts, 7 Dec 2026).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 08:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

_NEWER_DECISION_KEYS = ('amounts', 'values')


def upgrade() -> None:
    pass


def _decisions(payload):
    """Every decision dict of a snapshot's evaluation payload."""
    for key in ('warnings', 'rejected'):
        yield from payload.get(key) or ()
    for key in ('actions', 'axes'):
        for progress in payload.get(key) or ():
            if isinstance(progress, dict):
                yield from progress.get('decisions') or ()


def _without_newer(payload):
    """``payload`` with no decision holding the keys of this revision; None when none did."""
    if not isinstance(payload, dict) or not any(isinstance(d, dict) and any(k in d for k in _NEWER_DECISION_KEYS)
                                                for d in _decisions(payload)):
        return None
    kept = {k: v for k, v in payload.items()}
    for key in ('warnings', 'rejected'):
        if isinstance(kept.get(key), list):
            kept[key] = [_bare(d) for d in kept[key]]
    for key in ('actions', 'axes'):
        if isinstance(kept.get(key), list):
            kept[key] = [{**p, 'decisions': [_bare(d) for d in p['decisions']]}
                         if isinstance(p, dict) and isinstance(p.get('decisions'), list) else p for p in kept[key]]
    return kept


def _bare(decision):
    if not isinstance(decision, dict):
        return decision
    return {k: v for k, v in decision.items() if k not in _NEWER_DECISION_KEYS}


def downgrade() -> None:
    snapshots = sa.table('pac_snapshot', sa.column('id', sa.Integer()), sa.column('payload', sa.JSON()))
    bind = op.get_bind()
    for ident, payload in bind.execute(sa.select(snapshots.c.id, snapshots.c.payload)).all():
        kept = _without_newer(payload)
        if kept is not None:
            bind.execute(snapshots.update().where(snapshots.c.id == ident).values(payload=kept))
