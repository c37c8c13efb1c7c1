"""Study groups (a server's channel, time and timezone), group quizzes and their answers,
leaderboard names, and one-time /link codes with a throttle on wrong codes.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('study_groups',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('platform', sa.String(length=16), nullable=False),
    sa.Column('external_id', sa.String(length=128), nullable=False),
    sa.Column('channel_id', sa.String(length=128), nullable=True),
    sa.Column('channel_name', sa.String(length=100), nullable=True),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('quiz_minute', sa.Integer(), nullable=True),
    sa.Column('phase', sa.Integer(), nullable=True),
    sa.Column('streak_members', sa.Integer(), server_default='3', nullable=False),
    sa.Column('channel_problem_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study_groups')),
    sa.UniqueConstraint('platform', 'external_id', name=op.f('uq_study_groups_platform'))
    )
    op.create_table('group_members',
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['study_groups.id'], name=op.f('fk_group_members_group_id_study_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['learner_id'], ['learners.id'], name=op.f('fk_group_members_learner_id_learners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('group_id', 'learner_id', name=op.f('pk_group_members'))
    )
    with op.batch_alter_table('group_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_members_learner_id'), ['learner_id'], unique=False)

    op.create_table('group_quizzes',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=40), nullable=False),
    sa.Column('slot', sa.String(length=40), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['study_groups.id'], name=op.f('fk_group_quizzes_group_id_study_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_group_quizzes')),
    sa.UniqueConstraint('group_id', 'slot', name=op.f('uq_group_quizzes_group_id'))
    )
    with op.batch_alter_table('group_quizzes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_quizzes_group_id'), ['group_id'], unique=False)

    op.create_table('link_codes',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['learner_id'], ['learners.id'], name=op.f('fk_link_codes_learner_id_learners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_link_codes'))
    )
    with op.batch_alter_table('link_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_link_codes_learner_id'), ['learner_id'], unique=False)

    op.create_table('group_answers',
    sa.Column('quiz_id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=False),
    sa.Column('verdict', sa.String(length=16), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['group_id'], ['study_groups.id'], name=op.f('fk_group_answers_group_id_study_groups'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['learner_id'], ['learners.id'], name=op.f('fk_group_answers_learner_id_learners'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['quiz_id'], ['group_quizzes.id'], name=op.f('fk_group_answers_quiz_id_group_quizzes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('quiz_id', 'learner_id', name=op.f('pk_group_answers'))
    )
    with op.batch_alter_table('group_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_group_answers_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_group_answers_learner_id'), ['learner_id'], unique=False)

    with op.batch_alter_table('learners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('link_failures', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('link_failed_at', sa.DateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('learners', schema=None) as batch_op:
        batch_op.drop_column('link_failed_at')
        batch_op.drop_column('link_failures')

    with op.batch_alter_table('group_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_answers_learner_id'))
        batch_op.drop_index(batch_op.f('ix_group_answers_group_id'))

    op.drop_table('group_answers')
    with op.batch_alter_table('link_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_link_codes_learner_id'))

    op.drop_table('link_codes')
    with op.batch_alter_table('group_quizzes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_quizzes_group_id'))

    op.drop_table('group_quizzes')
    with op.batch_alter_table('group_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_group_members_learner_id'))

    op.drop_table('group_members')
    op.drop_table('study_groups')
