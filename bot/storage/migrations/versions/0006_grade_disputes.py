"""Answers keep the learner's text and the concepts found; a learner can dispute a verdict.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('quiz_answers') as batch:
        batch.add_column(sa.Column('answer_text', sa.Text(), nullable=True))
        batch.add_column(sa.Column('concepts_hit', sa.Text(), nullable=True))
        batch.add_column(sa.Column('disputed_at', sa.DateTime(timezone=True), nullable=True))
        batch.create_index(batch.f('ix_quiz_answers_disputed_at'), ['disputed_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('quiz_answers') as batch:
        batch.drop_index(batch.f('ix_quiz_answers_disputed_at'))
        batch.drop_column('disputed_at')
        batch.drop_column('concepts_hit')
        batch.drop_column('answer_text')
