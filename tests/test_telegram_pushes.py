"""Push passes through the real Telegram adapter to the fake Bot API: the raw sends (no
python-telegram-bot objects) still mark a user who blocked the bot unreachable, wait out a
``retry_after``, and store each quiz poll's route with the push's outcome."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from chat import Chat
from fake_telegram import TOKEN, FakeTelegram
from pydantic import SecretStr
from sqlalchemy import select

from adapters.telegram.bot import TelegramAdapter, telegram_sender
from bot.engine import Engine
from bot.outbound import Senders
from bot.pushes.delivery import PushRunner
from bot.settings import Settings
from bot.storage.tables import Identity, PushDelivery

USERS = range(6101, 6109)
DUE = datetime(2026, 3, 2, 19, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.fixture
async def telegram(engine: Engine, settings: Settings, fake_telegram: FakeTelegram) -> AsyncIterator[TelegramAdapter]:
    """Jalur's Telegram sender (as ``jalur pushes tick`` opens it) on the fake Bot API."""
    tg = settings.model_copy(update={"telegram_token": SecretStr(TOKEN), "telegram_api_url": fake_telegram.api_url})
    async with telegram_sender(engine, tg) as adapter:
        yield adapter


async def _pass(engine: Engine, telegram: TelegramAdapter, users: range) -> PushRunner:
    for user in users:
        await Chat(engine, str(user), platform="telegram").onboard()
    senders = Senders()
    senders.add("telegram", telegram)
    return PushRunner(engine, senders)


async def _ledger(engine: Engine) -> dict[str, tuple[str, str | None]]:
    """Each push's (status, detail), by the Telegram user it was for."""
    async with engine.db.transaction() as session:
        users = dict((await session.execute(select(Identity.learner_id, Identity.external_id))).all())
        rows = (await session.execute(select(PushDelivery))).scalars()
        return {users[int(row.subject)]: (row.status, row.detail) for row in rows}


async def test_a_pass_sends_every_quiz_and_stores_each_polls_route(engine: Engine, telegram: TelegramAdapter,
                                                                   fake_telegram: FakeTelegram) -> None:
    runner = await _pass(engine, telegram, USERS)
    report = await runner.tick(DUE)
    assert report.count("sent") == len(USERS)
    assert {int(c.params["chat_id"]) for c in fake_telegram.sent() + fake_telegram.polls()} == set(USERS)
    first = fake_telegram.sent()[0].params
    assert first["parse_mode"] == "HTML" and '"is_disabled": true' in first["link_preview_options"]
    polls = fake_telegram.polls()
    assert polls, "some daily questions are choice questions: quiz polls"
    for poll in polls:  # stored by the time the pass recorded the push as sent: an answer finds its way
        user = str(poll.params["chat_id"])
        route = await engine.claim_poll_vote("telegram", str(poll.poll_id), user, now=DUE)
        assert route is not None and route.user_id == user and route.chat_id == user
    assert {status for status, _ in (await _ledger(engine)).values()} == {"sent"}


async def test_a_user_who_blocked_the_bot_is_marked_unreachable(engine: Engine, telegram: TelegramAdapter,
                                                                fake_telegram: FakeTelegram) -> None:
    blocked, other = USERS[0], USERS[1]
    runner = await _pass(engine, telegram, range(blocked, other + 1))
    fake_telegram.blocked_chats.add(blocked)
    report = await runner.tick(DUE)
    assert report.count("sent") == 1 and report.count("skipped") == 1
    ledger = await _ledger(engine)
    assert ledger[str(other)][0] == "sent"
    assert ledger[str(blocked)] == ("skipped", "unreachable (blocked the bot)")
    async with engine.db.transaction() as session:
        marked = dict((await session.execute(select(Identity.external_id, Identity.unreachable_since))).all())
    assert marked[str(blocked)] is not None and marked[str(other)] is None


async def test_retry_after_is_waited_out_and_the_same_message_sent_again(engine: Engine, telegram: TelegramAdapter,
                                                                         fake_telegram: FakeTelegram) -> None:
    runner = await _pass(engine, telegram, range(USERS[0], USERS[0] + 1))
    fake_telegram.rate_limit_next = 1
    report = await runner.tick(DUE)
    assert report.count("sent") == 1
    refused, sent = fake_telegram.sent()[:2]  # refused with "retry after 1", then the same message again
    assert refused.params == sent.params
    assert (await _ledger(engine))[str(USERS[0])][0] == "sent"
