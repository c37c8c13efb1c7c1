"""SQLAlchemy ORM tables. Schema changes go through Alembic migrations."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# A skill's status, the one list of them. Ordered from least to most progress (a merge of two
# learners keeps the furthest); the column's CHECK constraint uses the same names.
SKILL_STATUSES = ("not_started", "skipped", "learning", "done")
CLOSED_STATUSES = frozenset({"done", "skipped"})  # nothing left to learn in the skill for now


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite drops tzinfo)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Jalur stores timezone-aware UTC times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with stable constraint names for migrations."""

    metadata = MetaData(naming_convention=NAMING)


class Learner(Base):
    """A person learning with Jalur, whichever platforms they use."""

    __tablename__ = "learners"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    language: Mapped[str] = mapped_column(String(5))
    track: Mapped[str | None] = mapped_column(String(16))
    timezone: Mapped[str] = mapped_column(String(64))
    onboarding_step: Mapped[str | None] = mapped_column(String(16))
    awaiting: Mapped[str | None] = mapped_column(String(32))
    awaiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    plan_start: Mapped[date | None] = mapped_column(Date)
    current_skill: Mapped[str | None] = mapped_column(String(64))
    quiz_question: Mapped[str | None] = mapped_column(String(40))
    quiz_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    streak_current: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    streak_longest: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    streak_freezes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    streak_last_day: Mapped[date | None] = mapped_column(Date)
    streak_shift: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    pushes_paused: Mapped[bool] = mapped_column(default=False, server_default=false())
    quiz_minute: Mapped[int | None] = mapped_column(Integer, default=1140, server_default="1140")
    nudge_weekday: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    nudge_minute: Mapped[int | None] = mapped_column(Integer, default=480, server_default="480")
    streak_reminder: Mapped[bool] = mapped_column(default=True, server_default=true())
    quiet_start: Mapped[int | None] = mapped_column(Integer, default=1320, server_default="1320")
    quiet_end: Mapped[int | None] = mapped_column(Integer, default=420, server_default="420")
    link_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    link_failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Identity(Base):
    """One platform account (Telegram user, Discord user, console name) of a learner."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(128))
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    unreachable_since: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SkillProgress(Base):
    """A learner's status on one skill."""

    __tablename__ = "skill_progress"
    __table_args__ = (
        CheckConstraint(
            "status IN ('not_started', 'learning', 'done', 'skipped')", name="status"
        ),
    )

    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True
    )
    skill_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProjectItem(Base):
    """A must-have of a phase's portfolio project that the learner ticked off."""

    __tablename__ = "project_items"

    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True
    )
    phase: Mapped[int] = mapped_column(Integer, primary_key=True)
    item_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PhaseCompletion(Base):
    """A phase whose portfolio project the learner marked done."""

    __tablename__ = "phase_completions"

    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True
    )
    phase: Mapped[int] = mapped_column(Integer, primary_key=True)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ReviewCard(Base):
    """A learner's FSRS card for one question: its memory state and next due time."""

    __tablename__ = "review_cards"

    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    skill_id: Mapped[str] = mapped_column(String(64))
    state: Mapped[int] = mapped_column(Integer)
    step: Mapped[int | None] = mapped_column(Integer)
    stability: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)
    due: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    last_review: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviews: Mapped[int] = mapped_column(Integer, default=0)


class Interview(Base):
    """A mock interview: its questions (in order) and how far the learner got."""

    __tablename__ = "interviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), index=True
    )
    question_ids: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class QuizAnswer(Base):
    """One graded answer. ``asked_at`` identifies the asking, so an answer counts once."""

    __tablename__ = "quiz_answers"
    __table_args__ = (UniqueConstraint("learner_id", "question_id", "asked_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(40))
    skill_id: Mapped[str] = mapped_column(String(64))
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    verdict: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    rating: Mapped[int] = mapped_column(Integer)
    self_rated: Mapped[bool] = mapped_column(default=False)
    card_before: Mapped[str | None] = mapped_column(Text)
    interview_id: Mapped[int | None] = mapped_column(ForeignKey("interviews.id", ondelete="CASCADE"))
    # the learner's own words and the concepts the grader found, kept for disputes
    answer_text: Mapped[str | None] = mapped_column(Text)
    concepts_hit: Mapped[str | None] = mapped_column(Text)
    disputed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class StreakDay(Base):
    """A streak day of a learner: ``active`` (did something) or ``frozen`` (saved by a freeze)."""

    __tablename__ = "streak_days"
    __table_args__ = (CheckConstraint("kind IN ('active', 'frozen')", name="kind"),)

    learner_id: Mapped[int] = mapped_column(
        ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))


class PackQuestion(Base):
    """A question from a study group's pack, loaded with ``jalur pack add``."""

    __tablename__ = "pack_questions"

    question_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    pack: Mapped[str] = mapped_column(String(40), index=True)
    skill_id: Mapped[str] = mapped_column(String(64))
    data: Mapped[str] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PushSchedule(Base):
    """When a push is next due for one subject (a learner's id): the index the scheduler scans."""

    __tablename__ = "push_schedules"

    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    subject: Mapped[str] = mapped_column(String(64), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    period: Mapped[str] = mapped_column(String(16))


DELIVERY_STATUSES = ("claimed", "retry", "sent", "failed", "skipped", "expired")


class PushDelivery(Base):
    """The delivery ledger: one row per push (kind, subject, period), claimed before it is sent.

    ``retry_at`` is set while the push is unfinished: the end of the claim's
    lease (a crashed sender's push is taken again after it) or the time of
    the next attempt after a transient error. Finished rows have none.
    """

    __tablename__ = "push_deliveries"
    __table_args__ = (
        UniqueConstraint("kind", "subject", "period"),
        CheckConstraint(
            "status IN ('claimed', 'retry', 'sent', 'failed', 'skipped', 'expired')", name="status"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(24))
    subject: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    platform: Mapped[str | None] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(String(200))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StudyGroup(Base):
    """A study group: a Discord server (or another platform's group) with its daily group quiz."""

    __tablename__ = "study_groups"
    __table_args__ = (UniqueConstraint("platform", "external_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    platform: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(128))
    channel_id: Mapped[str | None] = mapped_column(String(128))
    channel_name: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(64))
    quiz_minute: Mapped[int | None] = mapped_column(Integer)  # None: no daily group quiz
    phase: Mapped[int | None] = mapped_column(Integer)  # None: questions from every phase
    streak_members: Mapped[int] = mapped_column(Integer, default=3, server_default="3")
    # Set when posting in the channel failed for good (deleted, or no permission); /setup clears it.
    channel_problem_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class GroupQuiz(Base):
    """A question posted in a group's channel; members answer it until ``closes_at``.

    ``slot`` names the posting (``daily:2026-03-02`` for the scheduled quiz of a
    local day, ``now:<time>`` for /groupquiz), so a retried push reuses its quiz.
    The post is edited as members answer and once more when it closes.
    """

    __tablename__ = "group_quizzes"
    __table_args__ = (UniqueConstraint("group_id", "slot"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("study_groups.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[str] = mapped_column(String(40))
    slot: Mapped[str] = mapped_column(String(40))
    day: Mapped[date] = mapped_column(Date)  # the group's local date of posting
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # Where the post went (channel and message ids), once posted: the post is edited with the count
    # of answers and, when it closes (``closed_at``), with the right answer and the results.
    channel_id: Mapped[str | None] = mapped_column(String(128), nullable=True)
    message_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class GroupAnswer(Base):
    """A member's answer to a group quiz: once per member, with the points it earned."""

    __tablename__ = "group_answers"

    quiz_id: Mapped[int] = mapped_column(ForeignKey("group_quizzes.id", ondelete="CASCADE"), primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("study_groups.id", ondelete="CASCADE"), index=True)
    verdict: Mapped[str] = mapped_column(String(16))
    points: Mapped[int] = mapped_column(Integer)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class GroupMember(Base):
    """A learner seen in a group, with the name the group knows them by (for the leaderboard)."""

    __tablename__ = "group_members"

    group_id: Mapped[int] = mapped_column(ForeignKey("study_groups.id", ondelete="CASCADE"), primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)
    display_name: Mapped[str] = mapped_column(String(100))
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime())


class LinkCode(Base):
    """A one-time code from /link that joins another platform account to this learner."""

    __tablename__ = "link_codes"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("learners.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SentPoll(Base):
    """A native quiz poll Jalur sent (Telegram): where it is and how an answer to it reaches the engine.

    A poll answer carries only the poll's id and the voter, so this row routes it: to
    ``answer_command`` plus the option's number, sent as ``user_id`` (who was asked) or, for
    another member of a group chat, after ``ask_command`` asks that member the question.
    """

    __tablename__ = "sent_polls"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    poll_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(128))
    message_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(128))
    question_id: Mapped[str] = mapped_column(String(40))
    answer_command: Mapped[str] = mapped_column(String(64))
    ask_command: Mapped[str] = mapped_column(String(64))
    shared_chat: Mapped[bool] = mapped_column(default=False)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class PollVote(Base):
    """One voter's answer to a sent poll, claimed before it is graded: graded once, even if repeated."""

    __tablename__ = "poll_votes"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    poll_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    voted_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class SeenUpdate(Base):
    """An update a platform delivered (Telegram's ``update_id``), recorded when it arrives so that a
    copy delivered again, to this process or another sharing the database, is answered once.
    Kept for a day (``UPDATE_MEMORY``), longer than Telegram retries a delivery."""

    __tablename__ = "seen_updates"

    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
