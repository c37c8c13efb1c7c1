"""Edits of channel posts, within Discord's rate limits.

A group quiz post changes with every member's answer (the count of answers). Each
post gets at most one edit (a ``PATCH`` of the channel message) every ``interval``
seconds: the first edit goes out at once, edits that come meanwhile wait and are
merged, and the newest revision (``Reply.revision``) always lands last. An older
revision that arrives after a newer one (two answers finishing out of order) is
dropped, so the count never goes back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.conversation import Reply

log = logging.getLogger(__name__)

POST_EDIT_SECONDS = 5.0  # Discord allows about 5 message edits per 5 s in a channel; posts share it

Key = tuple[int, int]  # (channel id, message id)
Patch = Callable[[int, int, Reply], Awaitable[None]]


@dataclass
class _Post:
    """One post's edits: the newest one waiting, the newest revision sent, and who waits for what."""

    pending: Reply | None = None
    landed: int = -1
    last: float = float("-inf")  # loop time of the last edit sent
    task: asyncio.Task[None] | None = None
    waiters: list[tuple[int, asyncio.Future[None]]] = field(default_factory=list)


class PostEdits:
    """Coalesces edits per post; ``patch`` sends one edit."""

    def __init__(self, patch: Patch, interval: float = POST_EDIT_SECONDS) -> None:
        self.patch = patch
        self.interval = interval
        self._posts: dict[Key, _Post] = {}

    def submit(self, channel_id: int, message_id: int, reply: Reply, *, wait: bool = False) -> asyncio.Future[None]:
        """Queue an edit of a post; the future is done when it (or a newer revision) went out.

        With ``wait`` the future carries the error of a failed edit; without, failures are only logged.
        """
        loop = asyncio.get_running_loop()
        self._forget_idle(loop.time())
        post = self._posts.setdefault((channel_id, message_id), _Post())
        done: asyncio.Future[None] = loop.create_future()
        newest = max(post.landed, post.pending.revision if post.pending is not None else -1)
        if reply.revision > newest:
            post.pending = reply
        elif post.pending is None:
            done.set_result(None)  # this version, or a newer one, is already out
            return done
        if wait:
            post.waiters.append((reply.revision, done))
        else:
            done.set_result(None)
        if post.task is None:
            post.task = asyncio.create_task(self._run((channel_id, message_id), post))
        return done

    async def _run(self, key: Key, post: _Post) -> None:
        loop = asyncio.get_running_loop()
        try:
            while post.pending is not None:
                delay = post.last + self.interval - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)  # the post's rate window; edits meanwhile are merged
                reply, post.pending = post.pending, None
                if reply is None:
                    continue
                post.last = loop.time()
                error: Exception | None = None
                try:
                    await self.patch(*key, reply)
                except Exception as exc:  # noqa: BLE001 - reported to the waiters, logged otherwise
                    error = exc
                    log.info("discord: could not edit post %s: %s", key[1], exc)
                post.landed = max(post.landed, reply.revision)
                self._settle(post, reply.revision, error)
        finally:
            post.task = None
            for _, waiter in post.waiters:  # cancelled (the client closes): nobody waits forever
                if not waiter.done():
                    waiter.cancel()
            post.waiters.clear()

    @staticmethod
    def _settle(post: _Post, revision: int, error: Exception | None) -> None:
        still = []
        for wanted, waiter in post.waiters:
            if wanted > revision:
                still.append((wanted, waiter))
            elif not waiter.done():
                if error is not None and wanted == revision:
                    waiter.set_exception(error)
                else:
                    waiter.set_result(None)
        post.waiters = still

    def _forget_idle(self, now: float) -> None:
        """Drop posts with nothing waiting whose rate window has passed."""
        for key in [k for k, p in self._posts.items()
                    if p.task is None and p.pending is None and now - p.last > self.interval]:
            del self._posts[key]

    async def close(self) -> None:
        """Stop: edits still waiting for their window are dropped (the next answer or closing redoes them)."""
        tasks = [post.task for post in self._posts.values() if post.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._posts.clear()
