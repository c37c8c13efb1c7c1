"""Pushes: learners' push preferences, the schedule index and the delivery ledger.

Learners who finished setup before this migration get the default daily quiz
(19:00 local) and weekly nudge (Monday 08:00 local) scheduled from now on.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from alembic import op

from bot.localtime import Quiet, next_daily, next_weekly

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

QUIZ_MINUTE, NUDGE_WEEKDAY, NUDGE_MINUTE = 1140, 0, 480
QUIET = Quiet(1320, 420)


def upgrade() -> None:
    with op.batch_alter_table('learners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pushes_paused', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('quiz_minute', sa.Integer(), server_default=str(QUIZ_MINUTE), nullable=True))
        batch_op.add_column(sa.Column('nudge_weekday', sa.Integer(), server_default=str(NUDGE_WEEKDAY),
                                      nullable=False))
        batch_op.add_column(sa.Column('nudge_minute', sa.Integer(), server_default=str(NUDGE_MINUTE), nullable=True))
        batch_op.add_column(sa.Column('streak_reminder', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('quiet_start', sa.Integer(), server_default='1320', nullable=True))
        batch_op.add_column(sa.Column('quiet_end', sa.Integer(), server_default='420', nullable=True))
    schedules = op.create_table(
        'push_schedules',
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('subject', sa.String(length=64), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('period', sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint('kind', 'subject', name=op.f('pk_push_schedules')),
    )
    op.create_index(op.f('ix_push_schedules_due_at'), 'push_schedules', ['due_at'], unique=False)
    op.create_table(
        'push_deliveries',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('kind', sa.String(length=24), nullable=False),
        sa.Column('subject', sa.String(length=64), nullable=False),
        sa.Column('period', sa.String(length=16), nullable=False),
        sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('retry_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('platform', sa.String(length=16), nullable=True),
        sa.Column('detail', sa.String(length=200), nullable=True),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('claimed', 'retry', 'sent', 'failed', 'skipped', 'expired')",
                           name=op.f('ck_push_deliveries_status')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_push_deliveries')),
        sa.UniqueConstraint('kind', 'subject', 'period', name=op.f('uq_push_deliveries_kind')),
    )
    op.create_index(op.f('ix_push_deliveries_retry_at'), 'push_deliveries', ['retry_at'], unique=False)
    _schedule_existing_learners(schedules)


def _schedule_existing_learners(schedules: sa.Table) -> None:
    bind = op.get_bind()
    now = datetime.now(UTC)
    sqlite = bind.dialect.name == 'sqlite'
    rows = []
    for learner_id, zone in bind.execute(sa.text('SELECT id, timezone FROM learners WHERE onboarding_step IS NULL')):
        try:
            tz = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            tz = ZoneInfo('UTC')
        quiz_at, quiz_day = next_daily(now, tz, QUIZ_MINUTE, QUIET)
        nudge_at, nudge_day = next_weekly(now, tz, NUDGE_WEEKDAY, NUDGE_MINUTE, QUIET)
        year, week, _ = nudge_day.isocalendar()
        for kind, at, period in (('daily_quiz', quiz_at, quiz_day.isoformat()),
                                 ('weekly_nudge', nudge_at, f'{year}-W{week:02d}')):
            rows.append({'kind': kind, 'subject': str(learner_id), 'period': period,
                         'due_at': at.replace(tzinfo=None) if sqlite else at})
    if rows:
        op.bulk_insert(schedules, rows)


def downgrade() -> None:
    op.drop_index(op.f('ix_push_deliveries_retry_at'), table_name='push_deliveries')
    op.drop_table('push_deliveries')
    op.drop_index(op.f('ix_push_schedules_due_at'), table_name='push_schedules')
    op.drop_table('push_schedules')
    with op.batch_alter_table('learners', schema=None) as batch_op:
        for column in ('quiet_end', 'quiet_start', 'streak_reminder', 'nudge_minute', 'nudge_weekday',
                       'quiz_minute', 'pushes_paused'):
            batch_op.drop_column(column)
