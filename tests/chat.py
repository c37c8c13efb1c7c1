"""A learner in a test: says things, presses buttons, reads the replies.

    await chat.say("/start")
    await chat.press("English")
    assert "Go" in chat.text
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from bot.conversation import Button, Incoming, Reply
from bot.engine import Engine
from bot.markup import to_plain

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # a Monday, 09:00 in Jakarta


class Chat:
    """One learner's conversation with the engine, on a clock the test controls."""

    def __init__(self, engine: Engine, user: str = "ani", *, platform: str = "test",
                 language_hint: str | None = None, now: datetime = START, group: str | None = None,
                 admin: bool = False, shared_chat: bool = False) -> None:
        self.engine = engine
        self.user = user
        self.platform = platform
        self.language_hint = language_hint
        self.now = now
        self.group = group  # the study group (server) the learner writes from, if any
        self.admin = admin  # may manage that group
        self.shared_chat = shared_chat
        self.replies: list[Reply] = []

    def _incoming(self, **content: str) -> Incoming:
        return Incoming(platform=self.platform, user_id=self.user, chat_id=self.group or self.user,
                        language_hint=self.language_hint, group_id=self.group, group_admin=self.admin,
                        display_name=self.user.title() if self.group else None, shared_chat=self.shared_chat,
                        **content)

    async def _send(self, incoming: Incoming) -> list[Reply]:
        self.replies = await self.engine.handle(incoming, now=self.now)
        assert self.replies, "the engine must always answer"
        return self.replies

    async def say(self, text: str) -> list[Reply]:
        """Type a message."""
        return await self._send(self._incoming(text=text))

    async def press(self, label: str) -> list[Reply]:
        """Press the one button of the last replies whose label contains ``label``."""
        return await self.send_payload(self.button(label).payload)

    async def send_payload(self, payload: str) -> list[Reply]:
        """Send a button payload, as a platform would for a pressed button."""
        return await self._send(self._incoming(payload=payload))

    def button(self, label: str) -> Button:
        """The one button whose label contains ``label`` (case-insensitive)."""
        found = [b for r in self.replies for b in r.flat_buttons if label.lower() in b.label.lower()]
        assert len(found) == 1, f"expected one button with {label!r}, got {[b.label for b in self.buttons]}"
        return found[0]

    @property
    def buttons(self) -> list[Button]:
        """Every button of the last replies."""
        return [b for r in self.replies for b in r.flat_buttons]

    @property
    def text(self) -> str:
        """The last replies as plain text."""
        return "\n\n".join(to_plain(r.text) for r in self.replies)

    def wait(self, **delta: float) -> None:
        """Move the clock forward (``days=3``, ``hours=2``...)."""
        self.now += timedelta(**delta)

    async def onboard(self, *, lang: str = "en", track: str = "go", level: int = 0,
                      timezone: str = "Asia/Jakarta") -> None:
        """Finish the setup with the given answers."""
        await self.say("/start")
        await self.send_payload(f"/lang {lang}")
        await self.send_payload(f"/track {track}")
        await self.send_payload(f"/level {level}")
        await self.send_payload(f"/tz {timezone}")
        assert any(b.payload == "/next" for b in self.buttons), self.text


async def telegram_learners_with_a_due_quiz(engine: Engine, users: Iterable[int]) -> None:
    """Telegram learners who finished setup, whose daily quiz was due a minute ago by the real clock
    (for tests that run a real ``jalur`` process, which reads the wall clock)."""
    from sqlalchemy import update

    from bot.storage.tables import PushSchedule

    for user in users:
        await Chat(engine, str(user), platform="telegram").onboard()
    async with engine.db.transaction() as session:
        await session.execute(update(PushSchedule).where(PushSchedule.kind == "daily_quiz")
                              .values(due_at=datetime.now(UTC) - timedelta(minutes=1)))
