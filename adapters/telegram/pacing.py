"""Outgoing pacing for Telegram: never more than the platform allows in any sliding window.

Telegram allows a bot about 30 messages a second (1,000 with paid broadcasts)
and 20 a minute in one group, and answers ``429 retry_after`` beyond that.
python-telegram-bot's ``AIORateLimiter`` (aiolimiter's leaky bucket) lets a
burst of its capacity through on top of the rate, so some sliding second
holds more than the limit; after a ``RetryAfter`` every request that had
already passed the bucket fires at once; and its group limiter allows 40
messages in a minute (20 at once, then one every 3 s). ``Pacer`` instead:

- hands out *slots* spaced ``window * (1 + SPACING_MARGIN) / limit`` apart,
  one caller at a time in arrival order, with no credit saved up while idle
  (so no burst after a quiet spell), for the bot-wide lanes; lanes of 10 to 99
  a second hand them out ``BURST`` (3) at a time, three spacings apart, so one
  wake-up of the process sends three messages (at 30 a second the wake-ups
  for messages sent one by one were a large part of a push's CPU; at 200 a
  second groups saved about 4% but filled sliding seconds to the limit, and
  one run drew a 429); a group nobody came for within a spacing is over; a caller
  who queued behind a late grant (a stalled event loop) keeps its planned
  slot, so the slots a stall missed go at once instead of pushing the
  schedule back;
- never grants more than ``limit`` slots in any ``window * (1 + CAP_MARGIN)``
  seconds, counted on the times slots were really granted (slots caught up
  after a stall still count where they went): the hard cap, and the only rule
  for a group (its 20 may go at once, the 21st waits a minute);
- stops every slot until a ``retry_after`` has passed, then resumes at the
  same spacing.

The margins: slots are 2.5% further apart than the limit needs and the cap
is a window 4% longer than the platform's (the bot reaches 96.2% of the
limit at most), so a message may arrive up to 40 ms (at a one-second
window) later than its neighbours relative to when its slot was granted
without two of them landing in one platform second: with 15 ms, a busy
event loop still put 31 messages into one second of the platform's now and
then. ``PacedRateLimiter`` plugs the
lanes into python-telegram-bot.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.metrics import RATE_LIMIT_WAITS

log = logging.getLogger(__name__)

SPACING_MARGIN = 0.025  # slots 2.5% further apart than the limit needs
CAP_MARGIN = 0.04  # the hard cap counts over a window 4% longer than the platform's
PAID_RATE = 1000.0  # messages a second with allow_paid_broadcast (Telegram's limit)
GROUP_LIMIT = 20  # messages a minute in one group chat
GROUP_WINDOW = 60.0
BURST = 3  # slots a bot-wide lane grants at once (every 3 spacings): one wake-up for three messages
BURST_FROM, BURST_BELOW = 10, 100  # lanes of 10 to 99 a second are grouped
MAX_GROUPS = 1024  # group lanes kept in memory; idle ones are dropped beyond that

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class Pacer:
    """At most ``limit`` grants in any ``window`` seconds (with the margins above), evenly spaced
    when ``spaced``; callers are served in the order they arrive."""

    def __init__(self, limit: int, window: float = 1.0, *, spaced: bool = True, burst: int = 1,
                 clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        if limit < 1 or window <= 0 or burst < 1:
            raise ValueError("a pacer needs a limit and a burst of at least 1 and a positive window")
        self.limit = limit
        self.window = window
        self.span = window * (1 + CAP_MARGIN)
        self.burst = min(burst, limit)
        self.spacing = window * (1 + SPACING_MARGIN) / limit * self.burst if spaced else 0.0
        self._in_group = 0  # slots granted so far in the current group of ``burst``
        self._clock = clock
        self._sleep = sleep
        self._turn = asyncio.Lock()  # FIFO: one caller waits for the next slot, the rest queue behind
        self._granted: deque[float] = deque(maxlen=limit)  # when the last ``limit`` slots were granted
        self._next = float("-inf")  # the earliest planned time of the next slot
        self._paused_until = float("-inf")

    def pause(self, seconds: float) -> None:
        """The platform said ``retry_after``: no slot before ``seconds`` from now."""
        self._paused_until = max(self._paused_until, self._clock() + seconds)

    def _ready_at(self, planned: float) -> float:
        cap = self._granted[0] + self.span if len(self._granted) == self.limit else float("-inf")
        return max(planned, cap, self._paused_until)

    async def acquire(self) -> float:
        """Wait for a slot; returns the time it was granted."""
        arrived = self._clock()
        async with self._turn:
            # a group's first slot is planned ``spacing`` after the previous group's, but no earlier than
            # its caller arrived (no credit saved up while idle); the rest of the group share its planned
            # time. A caller who queued behind a late grant (a stalled event loop) keeps its planned
            # slot: the missed slots go at once, within the cap, instead of pushing the schedule back.
            # A group nobody came for within a spacing is over: its unused slots are not saved up.
            if self._in_group and arrived > self._next + self.spacing:
                self._in_group = 0
            planned = self._next if self._in_group else max(self._next, arrived)
            while True:
                now = self._clock()
                ready = self._ready_at(planned)
                if ready <= now:
                    break
                await self._sleep(ready - now)
            self._granted.append(now)
            # the schedule moves on from the planned slot (a late wake-up does not shift it) unless a
            # pause pushed it back: then spacing starts again after the pause
            planned = max(planned, self._paused_until)
            self._in_group = (self._in_group + 1) % self.burst
            self._next = planned if self._in_group else planned + self.spacing
            return now

    @property
    def idle(self) -> bool:
        """True when nobody waits and the window holds nothing (the lane can be forgotten)."""
        return not self._turn.locked() and (not self._granted or self._granted[-1] + self.span < self._clock())


class PacedRateLimiter(BaseRateLimiter[int]):
    """python-telegram-bot's rate limiter hook with ``Pacer`` lanes: the bot's messages at ``rate``
    a second, paid broadcasts (``allow_paid_broadcast``) in their own lane at 1,000, and 20 a
    minute per group chat. A ``RetryAfter`` pauses the lane it came from and the request is tried
    again (``max_retries`` times) through the pacer, never in a burst."""

    def __init__(self, rate: float, *, paid_rate: float = PAID_RATE, max_retries: int = 3,
                 clock: Clock = time.monotonic, sleep: Sleep = asyncio.sleep) -> None:
        self.rate = rate
        self.max_retries = max_retries
        self._clock, self._sleep = clock, sleep
        self.bot = _lane(rate, clock, sleep)
        self.paid = _lane(paid_rate, clock, sleep)
        self._groups: dict[str, Pacer] = {}

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""

    def group(self, chat: str) -> Pacer:
        """The lane of one group chat (20 a minute)."""
        pacer = self._groups.get(chat)
        if pacer is None:
            if len(self._groups) >= MAX_GROUPS:
                self._groups = {key: p for key, p in self._groups.items() if not p.idle}
            pacer = self._groups[chat] = Pacer(GROUP_LIMIT, GROUP_WINDOW, spaced=False, clock=self._clock,
                                               sleep=self._sleep)
        return pacer

    def lanes(self, data: dict[str, Any]) -> list[Pacer]:
        """The pacers a request passes: none without a chat (answerCallbackQuery, getMe...), its
        group's lane for a group or channel, then the bot's lane (or the paid one)."""
        chat = data.get("chat_id")
        if chat is None:
            return []
        lanes = []
        text = str(chat)
        if text.startswith(("-", "@")):
            lanes.append(self.group(text))
        lanes.append(self.paid if data.get("allow_paid_broadcast") else self.bot)
        return lanes

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Wait for a slot in each lane, send; after a ``RetryAfter`` pause the lane and try again."""
        lanes = self.lanes(data)
        if not lanes:
            return await callback(*args, **kwargs)
        retries = self.max_retries if rate_limit_args is None else rate_limit_args
        for attempt in range(retries + 1):
            for lane in lanes:
                await lane.acquire()
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                RATE_LIMIT_WAITS.labels("telegram").inc()
                wait = _seconds(exc)
                lanes[0].pause(wait)  # the narrowest lane: a group's flood does not stop the other chats
                if attempt == retries:
                    raise
                log.info("telegram: %s rate limited; every send waits %.1f s", endpoint, wait)
        raise AssertionError("unreachable")  # pragma: no cover


def _seconds(exc: RetryAfter) -> float:
    """``retry_after`` in seconds, read as python-telegram-bot's own limiter does (the public
    property warns about a coming change of its type)."""
    return float(exc._retry_after.total_seconds())


def _lane(rate: float, clock: Clock, sleep: Sleep) -> Pacer:
    """A one-second lane at ``rate`` (a fractional rate below 1 becomes 1 per ``1 / rate`` seconds),
    in groups of ``BURST`` from 10 to 99 a second."""
    if rate >= 1:
        limit = math.floor(rate)
        return Pacer(limit, 1.0, burst=BURST if BURST_FROM <= limit < BURST_BELOW else 1, clock=clock, sleep=sleep)
    return Pacer(1, 1 / rate, clock=clock, sleep=sleep)

