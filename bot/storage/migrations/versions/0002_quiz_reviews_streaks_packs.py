"""Quiz: FSRS review cards, answers, interviews, streak days, question packs.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('pack_questions',
    sa.Column('question_id', sa.String(length=40), nullable=False),
    sa.Column('pack', sa.String(length=40), nullable=False),
    sa.Column('skill_id', sa.String(length=64), nullable=False),
    sa.Column('data', sa.Text(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('question_id', name=op.f('pk_pack_questions'))
    )
    with op.batch_alter_table('pack_questions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pack_questions_pack'), ['pack'], unique=False)

    op.create_table('interviews',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('question_ids', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['learner_id'], ['learners.id'], name=op.f('fk_interviews_learner_id_learners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_interviews'))
    )
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interviews_learner_id'), ['learner_id'], unique=False)

    op.create_table('review_cards',
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=40), nullable=False),
    sa.Column('skill_id', sa.String(length=64), nullable=False),
    sa.Column('state', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=True),
    sa.Column('stability', sa.Float(), nullable=True),
    sa.Column('difficulty', sa.Float(), nullable=True),
    sa.Column('due', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_review', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviews', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['learner_id'], ['learners.id'], name=op.f('fk_review_cards_learner_id_learners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('learner_id', 'question_id', name=op.f('pk_review_cards'))
    )
    with op.batch_alter_table('review_cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_cards_due'), ['due'], unique=False)

    op.create_table('streak_days',
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.CheckConstraint("kind IN ('active', 'frozen')", name=op.f('ck_streak_days_kind')),
    sa.ForeignKeyConstraint(['learner_id'], ['learners.id'], name=op.f('fk_streak_days_learner_id_learners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('learner_id', 'day', name=op.f('pk_streak_days'))
    )
    op.create_table('quiz_answers',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=40), nullable=False),
    sa.Column('skill_id', sa.String(length=64), nullable=False),
    sa.Column('asked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('verdict', sa.String(length=16), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('self_rated', sa.Boolean(), nullable=False),
    sa.Column('card_before', sa.Text(), nullable=True),
    sa.Column('interview_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['interview_id'], ['interviews.id'], name=op.f('fk_quiz_answers_interview_id_interviews'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['learner_id'], ['learners.id'], name=op.f('fk_quiz_answers_learner_id_learners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quiz_answers')),
    sa.UniqueConstraint('learner_id', 'question_id', 'asked_at', name=op.f('uq_quiz_answers_learner_id'))
    )
    with op.batch_alter_table('quiz_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_answers_learner_id'), ['learner_id'], unique=False)

    with op.batch_alter_table('learners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quiz_question', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('quiz_asked_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('streak_current', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('streak_longest', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('streak_freezes', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('streak_last_day', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('streak_shift', sa.Integer(), server_default='0', nullable=False))




def downgrade() -> None:

    with op.batch_alter_table('learners', schema=None) as batch_op:
        batch_op.drop_column('streak_shift')
        batch_op.drop_column('streak_last_day')
        batch_op.drop_column('streak_freezes')
        batch_op.drop_column('streak_longest')
        batch_op.drop_column('streak_current')
        batch_op.drop_column('quiz_asked_at')
        batch_op.drop_column('quiz_question')

    with op.batch_alter_table('quiz_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_quiz_answers_learner_id'))

    op.drop_table('quiz_answers')
    op.drop_table('streak_days')
    with op.batch_alter_table('review_cards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_cards_due'))

    op.drop_table('review_cards')
    with op.batch_alter_table('interviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interviews_learner_id'))

    op.drop_table('interviews')
    with op.batch_alter_table('pack_questions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pack_questions_pack'))

    op.drop_table('pack_questions')

