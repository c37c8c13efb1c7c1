"""Quiz polls sent on Telegram and the votes on them, so a poll answer is routed and graded once.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sent_polls',
        sa.Column('platform', sa.String(length=16), nullable=False),
        sa.Column('poll_id', sa.String(length=128), nullable=False),
        sa.Column('chat_id', sa.String(length=128), nullable=False),
        sa.Column('message_id', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.String(length=128), nullable=False),
        sa.Column('question_id', sa.String(length=40), nullable=False),
        sa.Column('answer_command', sa.String(length=64), nullable=False),
        sa.Column('ask_command', sa.String(length=64), nullable=False),
        sa.Column('shared_chat', sa.Boolean(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('platform', 'poll_id', name=op.f('pk_sent_polls')),
    )
    with op.batch_alter_table('sent_polls') as batch:
        batch.create_index(batch.f('ix_sent_polls_sent_at'), ['sent_at'], unique=False)
    op.create_table(
        'poll_votes',
        sa.Column('platform', sa.String(length=16), nullable=False),
        sa.Column('poll_id', sa.String(length=128), nullable=False),
        sa.Column('user_id', sa.String(length=128), nullable=False),
        sa.Column('voted_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('platform', 'poll_id', 'user_id', name=op.f('pk_poll_votes')),
    )
    with op.batch_alter_table('poll_votes') as batch:
        batch.create_index(batch.f('ix_poll_votes_voted_at'), ['voted_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('poll_votes') as batch:
        batch.drop_index(batch.f('ix_poll_votes_voted_at'))
    op.drop_table('poll_votes')
    with op.batch_alter_table('sent_polls') as batch:
        batch.drop_index(batch.f('ix_sent_polls_sent_at'))
    op.drop_table('sent_polls')
