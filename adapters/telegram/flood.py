"""Per-user inbound flood control: a token bucket per user, kept in memory.

A learner may send a burst of messages; beyond it each message must wait for
the bucket to refill. The first message over the limit gets one polite
"slow down"; the rest are dropped without touching the database.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

log = logging.getLogger(__name__)

Verdict = Literal["ok", "warn", "drop"]
MAX_TRACKED = 50_000


@dataclass
class _Bucket:
    tokens: float
    updated: datetime
    warned: bool = False


class FloodGate:
    """Allows ``burst`` messages at once and ``per_second`` after that, per user."""

    def __init__(self, *, burst: int = 15, per_second: float = 2.0) -> None:
        self.burst = burst
        self.per_second = per_second
        self._buckets: dict[int, _Bucket] = {}

    def check(self, user_id: int, now: datetime) -> Verdict:
        """``ok`` to handle the message, ``warn`` once when the limit is hit, then ``drop``."""
        bucket = self._buckets.get(user_id)
        if bucket is None:
            if len(self._buckets) >= MAX_TRACKED:
                self._forget_idle(now)
            bucket = self._buckets[user_id] = _Bucket(float(self.burst), now)
        elapsed = max(0.0, (now - bucket.updated).total_seconds())
        bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self.per_second)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            bucket.warned = False
            return "ok"
        if bucket.warned:
            return "drop"
        bucket.warned = True
        log.info("flood control: user %s is sending too fast", user_id)
        return "warn"

    def _forget_idle(self, now: datetime) -> None:
        full_after = self.burst / self.per_second
        self._buckets = {
            user: b for user, b in self._buckets.items() if (now - b.updated).total_seconds() < full_after
        }
