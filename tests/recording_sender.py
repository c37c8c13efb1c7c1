"""A chat platform for push tests: it records what it is asked to send and can be told to fail."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.conversation import Reply
from bot.markup import to_plain
from bot.outbound import SendResult


@dataclass
class RecordingSender:
    """Records pushes per user; ``script`` holds results to return before the default ``SENT``."""

    sent: list[tuple[str, tuple[Reply, ...]]] = field(default_factory=list)
    posts: list[tuple[str, tuple[Reply, ...]]] = field(default_factory=list)  # (channel, replies)
    script: list[SendResult] = field(default_factory=list)

    async def push(self, user_id: str, replies: Sequence[Reply]) -> SendResult:
        result = self.script.pop(0) if self.script else SendResult.SENT
        if result is SendResult.SENT:
            self.sent.append((user_id, tuple(replies)))
        return result

    async def post(self, channel_id: str, replies: Sequence[Reply]) -> SendResult:
        result = self.script.pop(0) if self.script else SendResult.SENT
        if result is SendResult.SENT:
            self.posts.append((channel_id, tuple(replies)))
        return result

    def texts(self, user_id: str | None = None) -> list[str]:
        """The plain text of every push sent (to ``user_id``), oldest first."""
        return ["\n\n".join(to_plain(r.text) for r in replies) for user, replies in self.sent
                if user_id is None or user == user_id]

    def clear(self) -> None:
        """Forget what was sent."""
        self.sent.clear()
        self.posts.clear()
