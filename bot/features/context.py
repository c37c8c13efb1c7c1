"""What a feature handler gets: the learner, their progress, the clock and the content."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.content.loader import KnowledgeBase
from bot.content.models import Skill
from bot.i18n import Texts
from bot.localtime import zone
from bot.quiz.bank import QuestionBank
from bot.roadmap.skill_finder import SkillFinder
from bot.settings import Settings
from bot.storage.repository import Progress, Repository
from bot.storage.tables import Learner, StudyGroup


@dataclass(frozen=True)
class Origin:
    """Where a message came from beyond the learner: a study group, or a chat others read."""

    platform: str = ""
    group_id: str | None = None  # the platform's id of the group (a Discord server)
    group_admin: bool = False  # the sender may change the group's settings
    display_name: str | None = None  # the name the group knows the sender by
    shared_chat: bool = False  # others in the chat see the replies


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
    origin: Origin = Origin()
    deleted: bool = False
    route: str = "unknown"  # the command this message ran (for metrics and the access log)

    @property
    def lang(self) -> str:
        """The learner's language, ``en`` or ``id``."""
        return self.learner.language

    def t(self, key: str, /, **params: object) -> str:
        """A message in the learner's language."""
        return self.texts(self.lang, key, **params)

    def tz(self) -> ZoneInfo:
        """The learner's timezone (UTC if the stored name is no longer valid)."""
        return zone(self.learner.timezone)

    def local_today(self) -> date:
        """Today's date where the learner lives."""
        return self.now.astimezone(self.tz()).date()

    def skill_name(self, skill: Skill | str) -> str:
        """A skill's display name in the learner's language."""
        if isinstance(skill, str):
            skill = self.kb.skills[skill]
        return skill.name.get(self.lang)

    def await_text(self, what: str) -> None:
        """The learner's next typed message answers ``what`` (``timezone``, ``delete_me``): see the engine."""
        self.learner.awaiting, self.learner.awaiting_since = what, self.now

    def stop_awaiting(self) -> None:
        """Typed messages are read as usual again."""
        self.learner.awaiting, self.learner.awaiting_since = None, None

    async def set_skill_status(self, skill_id: str, status: str, *, source: str) -> None:
        """Store a skill's status and see it in ``progress`` at once."""
        await self.repo.set_skill_status(self.learner.id, skill_id, status, source=source, now=self.now)
        self.progress = self.progress.with_status(skill_id, status)

    async def reload_progress(self) -> None:
        """Re-read progress after a write."""
        self.progress = await self.repo.load_progress(self.learner.id)


@dataclass
class GroupContext:
    """A study group's view of the world for one post (a group quiz, the weekly leaderboard)."""

    kb: KnowledgeBase
    texts: Texts
    repo: Repository
    bank: QuestionBank
    group: StudyGroup
    now: datetime

    def t(self, key: str, /, **params: object) -> str:
        """A message in the group's language."""
        return self.texts(self.group.language, key, **params)

    def tz(self) -> ZoneInfo:
        """The group's timezone."""
        return zone(self.group.timezone)

    def local_today(self) -> date:
        """Today's date where the group meets."""
        return self.now.astimezone(self.tz()).date()

    def skill_name(self, skill_id: str) -> str:
        """A skill's display name in the group's language."""
        return self.kb.skills[skill_id].name.get(self.group.language)
