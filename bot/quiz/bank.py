"""The question bank a running bot serves: built-in questions plus loaded packs.

Packs live in the database, so ``jalur pack add`` reaches every bot process:
``refresh`` compares a cheap fingerprint of the pack table and reloads the
pack questions only when it changed. Messages look at most every
``MESSAGE_CHECK_SECONDS``, so a new pack reaches running bots within 2 s
without one more query for every message.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime

from pydantic import ValidationError

from bot.content.loader import KnowledgeBase
from bot.content.models import Question
from bot.storage.quiz_store import QuizStore

log = logging.getLogger(__name__)

MESSAGE_CHECK_SECONDS = 2.0


def fits_track(question: Question, track: str | None) -> bool:
    """Whether a learner of ``track`` may get ``question``: general questions and their own track's."""
    return question.track is None or question.track == track


class QuestionBank:
    """Every question a learner can get, by id and by skill."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self._stamp: tuple[int, datetime | None] = (0, None)
        self._checked = float("-inf")  # time.monotonic() of the last look at the pack table
        self._packs: dict[str, Question] = {}
        self._pack_of: dict[str, str] = {}
        self._rebuild()

    def _rebuild(self) -> None:
        self.questions: dict[str, Question] = {**self.kb.questions, **self._packs}
        by_skill: dict[str, list[Question]] = {}
        for question in self.questions.values():
            by_skill.setdefault(question.skill, []).append(question)
        self._by_skill = by_skill

    async def refresh(self, store: QuizStore, *, max_age: float = 0.0) -> None:
        """Reload pack questions if the pack table changed since the last look.

        With ``max_age``, a look younger than that many seconds is trusted without a query.
        """
        now = time.monotonic()
        if now - self._checked < max_age:
            return
        self._checked = now
        stamp = await store.pack_stamp()
        if stamp == self._stamp:
            return
        packs: dict[str, Question] = {}
        pack_of: dict[str, str] = {}
        for row in await store.pack_rows():
            if row.question_id in self.kb.questions or row.skill_id not in self.kb.skills:
                log.warning("pack %s: question %s no longer fits the bank; ignored", row.pack, row.question_id)
                continue
            try:
                packs[row.question_id] = Question.model_validate_json(row.data)
            except ValidationError:
                log.warning("pack %s: question %s is unreadable; ignored", row.pack, row.question_id)
                continue
            pack_of[row.question_id] = row.pack
        self._packs, self._pack_of, self._stamp = packs, pack_of, stamp
        self._rebuild()
        log.info("question bank: %d built-in, %d from packs", len(self.kb.questions), len(packs))

    def get(self, question_id: str) -> Question | None:
        """A question by id."""
        return self.questions.get(question_id)

    def for_skill(self, skill_id: str, track: str | None = None) -> list[Question]:
        """The questions of one skill a learner of ``track`` may get (built-in first, then packs):
        the general ones and those of their own track."""
        return [q for q in self._by_skill.get(skill_id, []) if fits_track(q, track)]

    def of_track(self, track: str) -> list[Question]:
        """The questions about one track's ecosystem, in bank order."""
        return [q for q in self.questions.values() if q.track == track]

    def pack_of(self, question_id: str) -> str | None:
        """The pack a question came from (``None`` for built-in questions)."""
        return self._pack_of.get(question_id)
