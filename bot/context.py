"""What a feature handler gets: the learner, their progress, the clock and the content."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.content.loader import KnowledgeBase
from bot.content.models import Skill
from bot.features.skill_finder import SkillFinder
from bot.i18n import Texts
from bot.quiz.bank import QuestionBank
from bot.settings import Settings
from bot.storage.repository import Progress, Repository
from bot.storage.tables import Learner


@dataclass
class Context:
    """One incoming message's view of the world, inside one database transaction."""

    kb: KnowledgeBase
    texts: Texts
    finder: SkillFinder
    settings: Settings
    repo: Repository
    learner: Learner
    progress: Progress
    now: datetime
    bank: QuestionBank
    deleted: bool = False

    @property
    def lang(self) -> str:
        """The learner's language, ``en`` or ``id``."""
        return self.learner.language

    def t(self, key: str, /, **params: object) -> str:
        """A message in the learner's language."""
        return self.texts(self.lang, key, **params)

    def tz(self) -> ZoneInfo:
        """The learner's timezone (UTC if the stored name is no longer valid)."""
        try:
            return ZoneInfo(self.learner.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("UTC")

    def local_today(self) -> date:
        """Today's date where the learner lives."""
        return self.now.astimezone(self.tz()).date()

    def skill_name(self, skill: Skill | str) -> str:
        """A skill's display name in the learner's language."""
        if isinstance(skill, str):
            skill = self.kb.skills[skill]
        return skill.name.get(self.lang)

    async def reload_progress(self) -> None:
        """Re-read progress after a write."""
        self.progress = await self.repo.load_progress(self.learner.id)
