"""Updates a platform delivered, so a repeated webhook delivery is answered once across processes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'seen_updates',
        sa.Column('platform', sa.String(length=16), nullable=False),
        sa.Column('update_id', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('platform', 'update_id', name=op.f('pk_seen_updates')),
    )
    with op.batch_alter_table('seen_updates') as batch:
        batch.create_index(batch.f('ix_seen_updates_seen_at'), ['seen_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('seen_updates') as batch:
        batch.drop_index(batch.f('ix_seen_updates_seen_at'))
    op.drop_table('seen_updates')
