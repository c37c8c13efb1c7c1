"""Sent quiz polls and the votes on them: a poll answer carries only the poll's id and the voter.

A platform's poll answer (Telegram's ``PollAnswer``) says nothing about the chat or the
question, so each sent poll is stored with its route, and shared by every process. A vote
is claimed with ``INSERT ... ON CONFLICT DO NOTHING`` on (platform, poll, voter) before it
is graded, so a repeated update, in this process or another, after a restart, counts once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Table, delete, insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.database import insert_for
from bot.storage.tables import PollVote, SentPoll

_SENT_POLLS: Table = SentPoll.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class PollRoute:
    """Where a poll was sent, to whom, and the commands an answer to it becomes."""

    platform: str
    poll_id: str
    chat_id: str
    message_id: str
    user_id: str  # who was asked (a member of a group who answers it is asked it first)
    question_id: str
    answer_command: str  # ``/answer QUESTION-ID``: followed by the option's number, 1-based
    ask_command: str  # ``/quiz QUESTION-ID``
    shared_chat: bool


class PollStore:
    """Poll routes and vote claims for one transaction's session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def remember(self, route: PollRoute, *, now: datetime) -> None:
        """Store a sent poll's route."""
        self.session.add(SentPoll(
            platform=route.platform, poll_id=route.poll_id, chat_id=route.chat_id, message_id=route.message_id,
            user_id=route.user_id, question_id=route.question_id, answer_command=route.answer_command,
            ask_command=route.ask_command, shared_chat=route.shared_chat, sent_at=now,
        ))
        await self.session.flush()

    async def remember_many(self, routes: list[tuple[PollRoute, datetime]]) -> None:
        """Store many sent polls' routes (with when each was sent) in one statement."""
        conn = await self.session.connection()  # Core: a push pass stores one per quiz poll sent
        await conn.execute(insert(_SENT_POLLS), [
            {"platform": r.platform, "poll_id": r.poll_id, "chat_id": r.chat_id, "message_id": r.message_id,
             "user_id": r.user_id, "question_id": r.question_id, "answer_command": r.answer_command,
             "ask_command": r.ask_command, "shared_chat": r.shared_chat, "sent_at": now} for r, now in routes])

    async def route(self, platform: str, poll_id: str) -> PollRoute | None:
        """The route of a sent poll, or None for a poll Jalur does not know (or has forgotten)."""
        row = await self.session.get(SentPoll, (platform, poll_id))
        if row is None:
            return None
        return PollRoute(platform=row.platform, poll_id=row.poll_id, chat_id=row.chat_id,
                         message_id=row.message_id, user_id=row.user_id, question_id=row.question_id,
                         answer_command=row.answer_command, ask_command=row.ask_command,
                         shared_chat=row.shared_chat)

    async def claim_vote(self, platform: str, poll_id: str, user_id: str, *, now: datetime) -> bool:
        """True the first time this voter's answer to this poll is seen; False for a repeat."""
        insert = insert_for(self.session.get_bind().dialect.name)
        statement = insert(PollVote).values(platform=platform, poll_id=poll_id, user_id=user_id, voted_at=now)
        result = await self.session.execute(statement.on_conflict_do_nothing())
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def forget_before(self, cutoff: datetime) -> None:
        """Drop polls sent, and votes cast, before ``cutoff`` (their questions are long gone)."""
        await self.session.execute(delete(SentPoll).where(SentPoll.sent_at < cutoff))
        await self.session.execute(delete(PollVote).where(PollVote.voted_at < cutoff))

    async def delete_user_rows(self, platform: str, user_id: str) -> None:
        """Drop the polls sent to a platform user, and their votes (the learner deleted their data)."""
        await self.session.execute(delete(SentPoll).where(SentPoll.platform == platform, SentPoll.user_id == user_id))
        await self.session.execute(delete(PollVote).where(PollVote.platform == platform, PollVote.user_id == user_id))
