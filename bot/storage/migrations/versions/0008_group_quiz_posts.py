"""Group quiz posts remember their channel message and when they were closed, so the post can
show how many members answered and, once closed, the right answer and the results.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('group_quizzes') as batch:
        batch.add_column(sa.Column('channel_id', sa.String(length=128), nullable=True))
        batch.add_column(sa.Column('message_id', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
        batch.create_index(batch.f('ix_group_quizzes_closes_at'), ['closes_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('group_quizzes') as batch:
        batch.drop_index(batch.f('ix_group_quizzes_closes_at'))
        batch.drop_column('closed_at')
        batch.drop_column('message_id')
        batch.drop_column('channel_id')
