"""Sending out of the core: what a platform adapter offers to deliver pushes, and what came of a send.

The push runner (``bot.pushes.delivery``) sends through these interfaces; the
Telegram and Discord adapters implement ``PushSender`` and add themselves to
``Senders`` while they run. Nothing here does I/O of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Collection, Sequence
from enum import StrEnum
from typing import Protocol

from bot.conversation import Reply


class SendResult(StrEnum):
    """What a platform made of one push."""

    SENT = "sent"
    UNREACHABLE = "unreachable"  # the user blocked the bot or deleted the chat
    RETRY = "retry"  # a transient error: network, rate limit, server error
    FAILED = "failed"  # refused for good (a bad request)


class PushSender(Protocol):
    """What an adapter offers for pushes: send replies to a user in a private chat, or post
    them in a group's channel."""

    async def push(self, user_id: str, replies: Sequence[Reply]) -> SendResult:
        """Send ``replies`` to the platform user ``user_id``."""
        ...

    async def post(self, channel_id: str, replies: Sequence[Reply]) -> SendResult:
        """Post ``replies`` in the channel ``channel_id`` (``UNREACHABLE``: deleted or not allowed)."""
        ...


class Senders:
    """The platforms that can deliver pushes right now; running adapters add themselves."""

    def __init__(self) -> None:
        self._senders: dict[str, PushSender] = {}
        self._changed = asyncio.Event()

    def add(self, platform: str, sender: PushSender) -> None:
        """Make ``platform`` available for pushes."""
        self._senders[platform] = sender
        self._changed.set()

    async def wait_for(self, platforms: Collection[str], timeout: float) -> list[str]:
        """Wait (at most ``timeout`` seconds) until every one of ``platforms`` can send; the missing ones."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while missing := sorted(set(platforms) - set(self._senders)):
            left = deadline - loop.time()
            if left <= 0:
                return missing
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)
        return []

    def remove(self, platform: str) -> None:
        """The platform stopped: its pushes wait for another process or a restart."""
        self._senders.pop(platform, None)

    def get(self, platform: str) -> PushSender | None:
        """The sender of ``platform``, if it is running."""
        return self._senders.get(platform)

    @property
    def names(self) -> list[str]:
        """Running platforms."""
        return sorted(self._senders)
