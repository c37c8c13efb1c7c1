"""Telegram pacing: never more than the limit in any sliding window, evenly spaced, waiting out a
``retry_after`` without a burst after it, 20 a minute per group, paid broadcasts in their own lane.

The pacer's logic runs on a virtual clock (its sleeps move the clock on), so these tests are exact
and take milliseconds; the adapter test at the end goes through python-telegram-bot to the fake Bot
API, which enforces the limits."""

from __future__ import annotations

import asyncio
import itertools
import random
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from fake_telegram import TOKEN, FakeTelegram
from pydantic import SecretStr
from telegram.error import RetryAfter

from adapters.telegram.bot import telegram_sender
from adapters.telegram.pacing import PacedRateLimiter, Pacer
from bot.conversation import Reply
from bot.engine import Engine
from bot.outbound import SendResult
from bot.settings import Settings


class VirtualClock:
    """Time that moves only when someone sleeps; ``late`` adds a random oversleep (a busy event loop)."""

    def __init__(self, late: Callable[[], float] = lambda: 0.0) -> None:
        self.now = 1000.0
        self.late = late

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds + self.late()
        await asyncio.sleep(0)


def most_in_window(times: list[float], window: float) -> int:
    """The most grants inside any half-open window of ``window`` seconds."""
    ordered, most, start = sorted(times), 0, 0
    for end, at in enumerate(ordered):
        while ordered[start] <= at - window:
            start += 1
        most = max(most, end - start + 1)
    return most


async def grants(pacer: Pacer, senders: int, count: int) -> list[float]:
    """``senders`` tasks taking ``count`` slots in all; the times they were granted."""
    granted: list[float] = []

    async def sender() -> None:
        while len(granted) < count:
            granted.append(await pacer.acquire())

    await asyncio.gather(*(sender() for _ in range(senders)))
    return granted[:count]


@pytest.mark.parametrize("rate", [30, 200, 1000])
async def test_no_second_holds_more_than_the_limit_and_the_pace_is_near_it(rate: int) -> None:
    clock = VirtualClock()
    times = await grants(Pacer(rate, clock=clock, sleep=clock.sleep), senders=16, count=rate * 10)
    assert most_in_window(times, 1.0) <= rate
    achieved = (len(times) - 1) / (max(times) - min(times))
    assert 0.95 * rate <= achieved <= rate
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.99 / rate  # evenly spaced: no two at once, whatever the concurrency


async def test_a_busy_event_loop_makes_sending_later_never_denser() -> None:
    rng = random.Random(3)
    clock = VirtualClock(late=lambda: rng.choice([0.0, 0.0, 0.001, 0.01, 0.08]))
    times = await grants(Pacer(30, clock=clock, sleep=clock.sleep), senders=16, count=600)
    assert most_in_window(times, 1.0) <= 30
    assert most_in_window(times, 1.04) <= 30  # the cap's margin: 40 ms of arrival jitter is absorbed


async def test_slots_missed_in_a_stall_go_at_once_within_the_limit() -> None:
    steady = VirtualClock()
    expected = await grants(Pacer(30, clock=steady, sleep=steady.sleep), senders=16, count=60)
    sleeps = itertools.count()
    clock = VirtualClock(late=lambda: 0.1 if next(sleeps) == 10 else 0.0)  # one sleep overruns by 100 ms
    times = await grants(Pacer(30, clock=clock, sleep=clock.sleep), senders=16, count=60)
    assert times[11] > expected[11] and times[11] == times[12] == times[13]  # the late one and two missed
    assert times[14] == expected[14] and times[-1] == expected[-1]  # the schedule did not move back
    assert most_in_window(times, 1.0) <= 30 and most_in_window(times, 1.04) <= 30


async def test_an_idle_spell_saves_up_no_burst() -> None:
    clock = VirtualClock()
    pacer = Pacer(30, clock=clock, sleep=clock.sleep)
    await grants(pacer, senders=4, count=30)
    clock.now += 60  # nothing to send for a minute
    times = await grants(pacer, senders=16, count=30)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.99 / 30


async def test_retry_after_stops_every_slot_then_resumes_at_the_same_spacing() -> None:
    clock = VirtualClock()
    pacer = Pacer(30, clock=clock, sleep=clock.sleep)
    await grants(pacer, senders=4, count=10)
    paused_at = clock()
    pacer.pause(5)
    times = await grants(pacer, senders=16, count=30)
    assert min(times) >= paused_at + 5
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.99 / 30  # no burst of everything that waited


async def test_a_lane_under_100_a_second_grants_slots_three_at_a_time_within_the_limit() -> None:
    rate = 30
    clock = VirtualClock()
    lane = PacedRateLimiter(rate, clock=clock, sleep=clock.sleep).bot
    times = await grants(lane, senders=16, count=10 * rate + 1)  # the last group is left with two slots
    groups = [times[n:n + 3] for n in range(0, len(times), 3)]
    assert all(len(set(group)) == 1 for group in groups)  # one wake-up sends three
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(groups)]
    assert min(gaps) >= 3 * 0.99 / rate
    assert most_in_window(times, 1.0) <= rate and most_in_window(times, 1.04) <= rate
    achieved = (len(times) - 1) / (max(times) - min(times))
    assert 0.95 * rate <= achieved <= rate
    clock.now += 60  # an idle minute saves up nothing (nor the last group's two slots):
    # three at once, then the spacing
    after = await grants(lane, senders=16, count=9)
    assert len(set(after[:3])) == 1 and after[3] - after[0] >= 3 * 0.99 / rate
    lane.pause(5)  # retry_after: nothing before it is over, then groups at the same spacing
    paused = clock()
    resumed = await grants(lane, senders=16, count=12)
    assert min(resumed) >= paused + 5
    assert [b - a for a, b in itertools.pairwise(sorted(set(resumed)))] == pytest.approx([3 * 1.025 / rate] * 3)


@pytest.mark.parametrize("lane", ["bot", "paid"])
async def test_lanes_from_100_a_second_stay_evenly_spaced_one_at_a_time(lane: str) -> None:
    clock = VirtualClock()
    pacer = getattr(PacedRateLimiter(200, clock=clock, sleep=clock.sleep), lane)
    times = await grants(pacer, senders=16, count=5 * pacer.limit)
    assert min(b - a for a, b in itertools.pairwise(times)) >= 0.99 / pacer.limit
    assert most_in_window(times, 1.0) <= pacer.limit


async def test_a_group_gets_20_messages_a_minute_at_once_then_waits() -> None:
    clock = VirtualClock()
    group = Pacer(20, 60.0, spaced=False, clock=clock, sleep=clock.sleep)
    start = clock()
    times = await grants(group, senders=5, count=50)
    assert times[19] == start  # a group's replies are not held back until the limit is reached
    assert times[20] >= start + 60
    assert most_in_window(times, 60.0) <= 20


async def test_the_limiter_sorts_requests_into_lanes_and_retries_after_a_429() -> None:
    clock = VirtualClock()
    limiter = PacedRateLimiter(30, clock=clock, sleep=clock.sleep)
    assert limiter.lanes({"chat_id": 5001}) == [limiter.bot]
    assert limiter.lanes({"chat_id": 5001, "allow_paid_broadcast": True}) == [limiter.paid]
    assert limiter.lanes({"chat_id": -100123}) == [limiter.group("-100123"), limiter.bot]
    assert limiter.lanes({"callback_query_id": "1"}) == []  # not a message: not paced
    assert limiter.paid.limit == 1000 and limiter.bot.limit == 30

    calls: list[float] = []

    async def send(**_: Any) -> dict[str, Any]:
        calls.append(clock())
        if len(calls) == 1:
            raise RetryAfter(3)
        return {"ok": True}

    result = await limiter.process_request(send, (), {}, "sendMessage", {"chat_id": 5001}, None)
    assert result == {"ok": True}
    assert len(calls) == 2 and calls[1] - calls[0] >= 3  # waited retry_after, then sent again

    async def always_limited(**_: Any) -> dict[str, Any]:
        raise RetryAfter(1)

    with pytest.raises(RetryAfter):
        await limiter.process_request(always_limited, (), {}, "sendMessage", {"chat_id": 5001}, 1)


# --- through python-telegram-bot against the fake Bot API -----------------------------------------

@pytest.fixture
async def strict_fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram(rate=30, record=True)
    await server.start()
    yield server
    await server.stop()


async def test_pushes_through_the_limiter_all_arrive_and_paid_ones_say_so(
        engine: Engine, settings: Settings, strict_fake: FakeTelegram) -> None:
    """Through python-telegram-bot against a fake that enforces 30 a second: every push arrives (a
    429, which a starved test process can still draw because the fake shares its event loop, is
    waited out and sent again), and paid broadcasts carry the flag in their own, faster lane.
    Whether the pacing keeps every second under the limit is measured on a virtual clock above and
    with the fake in its own process by ``benchmarks/pushes.py``, not here on the wall clock."""
    fake = strict_fake
    tg = settings.model_copy(update={"telegram_token": SecretStr(TOKEN), "telegram_api_url": fake.api_url})
    async with telegram_sender(engine, tg) as telegram:
        results = await asyncio.gather(*(telegram.push(str(7000 + n), [Reply(f"hello {n}")]) for n in range(45)))
    assert set(results) == {SendResult.SENT}
    assert {int(call.params["chat_id"]) for call in fake.sent()} == {7000 + n for n in range(45)}
    assert all("allow_paid_broadcast" not in call.params for call in fake.sent())

    paid = tg.model_copy(update={"telegram_paid_broadcast": True})
    async with telegram_sender(engine, paid) as telegram:
        results = await asyncio.gather(*(telegram.push(str(8000 + n), [Reply(f"hi {n}")]) for n in range(60)))
    assert set(results) == {SendResult.SENT}
    assert fake.paid_peak > 30  # beyond the free 30 a second: its own lane
    paid_calls = [call for call in fake.sent() if int(call.params["chat_id"]) >= 8000]
    assert {int(call.params["chat_id"]) for call in paid_calls} == {8000 + n for n in range(60)}
    assert all(str(call.params["allow_paid_broadcast"]).lower() == "true" for call in paid_calls)
