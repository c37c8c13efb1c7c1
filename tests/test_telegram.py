"""Jalur on Telegram: the real python-telegram-bot Application against a fake Bot API."""

from __future__ import annotations

import asyncio
import contextlib
import re
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fake_telegram import TOKEN, FakeTelegram
from pydantic import SecretStr
from sqlalchemy import func, select
from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

from adapters.telegram.bot import TelegramAdapter
from bot.engine import Engine
from bot.settings import Settings
from bot.storage.tables import Identity, Learner, QuizAnswer, ReviewCard

LEARNER = 5001
BIN = Path(sys.executable).parent / "jalur"
JALUR = [str(BIN)] if BIN.exists() else [sys.executable, "-m", "adapters"]


def track_handling(adapter: TelegramAdapter, fake: FakeTelegram) -> None:
    """Report each update the adapter has finished with (replies sent) into ``fake.handled``.

    python-telegram-bot runs the handler groups of one update in order, so a handler in a
    later group than the adapter's runs once the adapter is done with that update.
    """

    async def finished(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        fake.handled.append(update.update_id)

    adapter.app.add_handler(TypeHandler(Update, finished), group=1)
    fake.tracking = True


class Clock:
    """The adapter's clock: the real time, until a test stops it at one moment."""

    def __init__(self) -> None:
        self.stopped_at: datetime | None = None

    def __call__(self) -> datetime:
        return self.stopped_at or datetime.now(UTC)

    def stop(self) -> None:
        self.stopped_at = datetime.now(UTC)


@asynccontextmanager
async def polling_adapter(engine: Engine, settings: Settings, fake: FakeTelegram, *, clock: Clock | None = None,
                          **changes: object) -> AsyncIterator[TelegramAdapter]:
    """Jalur's Telegram adapter polling ``fake`` (settings ``changes`` on top), its handling tracked."""
    tg_settings = settings.model_copy(update={"telegram_token": SecretStr(TOKEN), "telegram_api_url": fake.api_url,
                                              **changes})
    adapter = TelegramAdapter(engine, tg_settings, clock=clock or Clock())
    track_handling(adapter, fake)
    task = asyncio.create_task(adapter.run())
    try:
        await fake.wait_for(lambda: fake.methods("getMe"))
        yield adapter
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@pytest.fixture
def clock() -> Clock:
    """The clock of the ``telegram`` fixture's adapter."""
    return Clock()


@pytest.fixture
def quiz_polls() -> bool:
    """JALUR_TELEGRAM_QUIZ_POLLS for the ``telegram`` fixture (a test parametrizes it to turn polls off)."""
    return True


@pytest.fixture
async def telegram(engine: Engine, settings: Settings, clock: Clock, quiz_polls: bool,
                   fake_telegram: FakeTelegram) -> AsyncIterator[FakeTelegram]:
    """A fake Bot API with Jalur's Telegram adapter polling it."""
    async with polling_adapter(engine, settings, fake_telegram, clock=clock, telegram_quiz_polls=quiz_polls):
        yield fake_telegram


async def _count(engine: Engine, table: type) -> int:
    async with engine.db.transaction() as session:
        return (await session.execute(select(func.count()).select_from(table))).scalar_one()


def _payload(calls: list, label: str) -> str:
    found = [b["callback_data"] for c in calls for b in c.buttons if label.lower() in b["text"].lower()]
    assert len(found) == 1, (label, [b["text"] for c in calls for b in c.buttons])
    return found[0]


@pytest.mark.parametrize("quiz_polls", [False])  # choice questions with option buttons, as before polls
async def test_a_whole_conversation_with_buttons(telegram: FakeTelegram, engine: Engine) -> None:
    fake = telegram
    await fake.wait_for(lambda: len(fake.methods("setMyCommands")) >= 2)  # registered as the bot starts
    assert {c.params.get("language_code") for c in fake.methods("setMyCommands")} == {None, "id"}
    out = await fake.reply_to(lambda: fake.say(LEARNER, "/start"), LEARNER)
    assert "Welcome to Jalur" in out[-1].text
    for data in ("/lang en", "/track go", "/level 0", "/tz Asia/Jakarta"):
        out = await fake.reply_to(lambda d=data: fake.press(LEARNER, d), LEARNER, count=1)
    assert "All set" in out[-1].text
    out = await fake.reply_to(lambda: fake.say(LEARNER, "what should i lern next?"), LEARNER)
    assert "Next: Main Language" in out[-1].text
    done = _payload(out, "Done")
    out = await fake.reply_to(lambda: fake.press(LEARNER, done), LEARNER, count=2)
    assert "Main Language done" in out[0].text and "Streak: day 1" in out[0].text

    # a choice question answered by a button: the verdict is edited into the question
    question = (await fake.reply_to(lambda: fake.say(LEARNER, "/quiz redis-pubsub-offline"), LEARNER))[-1]
    sent_message = fake.message_result(question.params)
    before_edits = len(fake.methods("editMessageText"))
    fake.press(LEARNER, _payload([question], "B"), message=sent_message)
    await fake.wait_for(lambda: len(fake.methods("editMessageText")) > before_edits)
    edit = fake.methods("editMessageText")[-1]
    assert "A service publishes an event" in edit.text and "Correct" in edit.text
    assert len(fake.methods("answerCallbackQuery")) >= 5

    # an open question answered by text
    await fake.reply_to(lambda: fake.say(LEARNER, "/quiz sql-injection-prevention"), LEARNER)
    out = await fake.reply_to(lambda: fake.say(
        LEARNER, "Use parameterized queries with placeholders, never concatenate user input, validate "
                 "input with an allowlist and connect with a least privilege user."), LEARNER)
    assert "Correct" in out[-1].text and "Model answer" in out[-1].text
    out = await fake.reply_to(lambda: fake.say(LEARNER, "/streak"), LEARNER)
    assert "Streak: day 1" in out[-1].text
    assert await _count(engine, QuizAnswer) == 2
    assert all(c.params.get("parse_mode") == "HTML" for c in fake.sent(LEARNER))
    assert fake.polls() == []  # JALUR_TELEGRAM_QUIZ_POLLS=false: buttons only


async def test_learner_text_cannot_break_the_html(telegram: FakeTelegram) -> None:
    fake = telegram
    out = await fake.reply_to(lambda: fake.say(LEARNER, "/tz <b>*_Mars_*</b> & co"), LEARNER)
    assert "&lt;b&gt;" in out[0].params["text"] and "<b>*_Mars_*</b>" not in out[0].params["text"]


async def test_odd_updates_are_answered_politely_or_ignored(telegram: FakeTelegram) -> None:
    fake = telegram
    out = await fake.reply_to(lambda: fake.send_other(LEARNER, "sticker", {
        "file_id": "x", "file_unique_id": "y", "width": 1, "height": 1, "is_animated": False,
        "is_video": False, "type": "regular"}), LEARNER)
    assert "only read text" in out[-1].text
    edited = fake.push({"edited_message": {"message_id": 1, "date": 0, "edit_date": 1,
                                           "chat": {"id": LEARNER, "type": "private"},
                                           "from": {"id": LEARNER, "is_bot": False, "first_name": "a"},
                                           "text": "/help"}})
    post = fake.push({"channel_post": {"message_id": 2, "date": 0, "chat": {"id": -100, "type": "channel",
                                                                            "title": "c"}, "text": "/help"}})
    before = len(fake.sent())
    pressed = fake.press(LEARNER, "not a command")
    await fake.until_handled(edited, post, pressed)
    assert "no longer works" in fake.methods("answerCallbackQuery")[-1].params["text"]
    assert len(fake.sent()) == before


async def test_a_button_on_an_old_message_still_works(telegram: FakeTelegram) -> None:
    fake = telegram
    old = {"message_id": 1, "date": 0, "chat": {"id": LEARNER, "type": "private"}}  # inaccessible message
    out = await fake.reply_to(lambda: fake.press(LEARNER, "/help", message=old), LEARNER)
    assert "/quiz" in out[-1].text


async def test_a_duplicated_update_is_processed_once(telegram: FakeTelegram, engine: Engine) -> None:
    fake = telegram
    await fake.reply_to(lambda: fake.say(LEARNER, "/start"), LEARNER)
    update_id = fake.say(LEARNER, "/help")
    fake.push(dict(fake.updates[-1], update_id=update_id))
    await fake.until_handled(update_id, times=2)  # both copies reached the bot
    assert sum("/quiz" in c.text for c in fake.sent(LEARNER)) == 1


async def test_groups_answer_commands_addressed_to_the_bot_per_member(telegram: FakeTelegram,
                                                                      engine: Engine) -> None:
    fake = telegram
    group = -100123
    out = await fake.reply_to(lambda: fake.say(1, "/help@JalurTestBot", chat_id=group), group)
    assert "/quiz" in out[-1].text
    before = len(fake.sent(group))
    await fake.until_handled(fake.say(2, "/help@OtherBot", chat_id=group),
                             fake.say(2, "just chatting with friends", chat_id=group))
    assert len(fake.sent(group)) == before
    await fake.reply_to(lambda: fake.say(2, "/start", chat_id=group), group)
    assert await _count(engine, Identity) == 2
    out = await fake.reply_to(lambda: fake.say(2, "/link@JalurTestBot", chat_id=group), group)
    assert "private chat" in out[-1].text and not re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}", out[-1].text)
    out = await fake.reply_to(lambda: fake.say(2, "/link"), 2)
    assert "Your link code" in out[-1].text


async def test_a_blocked_bot_marks_the_learner_unreachable_until_they_write(telegram: FakeTelegram,
                                                                            engine: Engine) -> None:
    fake = telegram
    await fake.reply_to(lambda: fake.say(LEARNER, "/start"), LEARNER)
    fake.blocked_chats.add(LEARNER)
    await fake.until_handled(fake.say(LEARNER, "/help"))  # its reply was refused with 403

    async def unreachable() -> object:
        async with engine.db.transaction() as session:
            return (await session.execute(select(Identity.unreachable_since))).scalar_one()

    assert await unreachable() is not None
    fake.blocked_chats.clear()
    await fake.reply_to(lambda: fake.say(LEARNER, "/help"), LEARNER)
    assert await unreachable() is None


async def test_retry_after_is_honoured(telegram: FakeTelegram) -> None:
    fake = telegram
    fake.rate_limit_next = 1
    fake.say(LEARNER, "/start")
    await fake.wait_for(lambda: len(fake.sent(LEARNER)) >= 2)  # refused with "retry after 1", then sent
    first, second = fake.sent(LEARNER)[:2]
    assert first.params == second.params and "Welcome to Jalur" in second.text


async def test_html_that_telegram_refuses_is_sent_again_without_tags(telegram: FakeTelegram) -> None:
    fake = telegram
    fake.refuse_html_next = 1
    fake.say(LEARNER, "/start")
    await fake.wait_for(lambda: len(fake.sent(LEARNER)) >= 2)  # refused as HTML, then sent plain
    refused, plain = fake.sent(LEARNER)[:2]
    assert "<b>" in refused.params["text"] and "<" not in plain.params["text"]  # the same, without its tags
    assert "Welcome to Jalur" in plain.text


async def test_a_flood_gets_one_slow_down_and_no_extra_writes(telegram: FakeTelegram, engine: Engine,
                                                               clock: Clock) -> None:
    fake = telegram
    await fake.reply_to(lambda: fake.say(LEARNER, "/start"), LEARNER)
    clock.stop()  # 40 messages at one moment, however long this machine takes to answer them
    flood = [fake.say(LEARNER, "/help") for _ in range(40)]
    await fake.until_handled(*flood, timeout=60)  # every message answered, warned about or dropped
    texts = [c.text for c in fake.sent(LEARNER)]
    assert sum("lot of messages" in t for t in texts) == 1
    assert sum("/quiz" in t for t in texts) <= 20


async def test_webhook_mode_refuses_a_wrong_secret(engine: Engine, settings: Settings) -> None:
    import json
    import socket
    import urllib.error
    import urllib.request

    fake = FakeTelegram()
    await fake.start()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    hook = f"http://127.0.0.1:{port}/hooks/telegram"
    tg_settings = settings.model_copy(update={
        "telegram_token": SecretStr(TOKEN), "telegram_api_url": fake.api_url, "telegram_webhook_url": hook,
        "telegram_webhook_secret": SecretStr("s3cret-token"), "telegram_listen": "127.0.0.1",
        "telegram_port": port})
    adapter = TelegramAdapter(engine, tg_settings)
    track_handling(adapter, fake)
    task = asyncio.create_task(adapter.run())
    try:
        await fake.wait_for(lambda: fake.methods("setWebhook"))
        registered = fake.methods("setWebhook")[-1].params
        assert registered["url"] == hook and registered["secret_token"] == "s3cret-token"

        def listening() -> bool:  # python-telegram-bot registers the webhook before its server listens
            with socket.socket() as client:
                return client.connect_ex(("127.0.0.1", port)) == 0

        await fake.wait_for(listening)

        def post(update_id: int, text: str, secret: str | None) -> int:
            update = {"update_id": update_id, "message": {
                "message_id": update_id, "date": 0, "chat": {"id": LEARNER, "type": "private"},
                "from": {"id": LEARNER, "is_bot": False, "first_name": "a"}, "text": text}}
            headers = {"Content-Type": "application/json"}
            if secret is not None:
                headers["X-Telegram-Bot-Api-Secret-Token"] = secret
            request = urllib.request.Request(hook, data=json.dumps(update).encode(), headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=5) as response:
                    return response.status
            except urllib.error.HTTPError as exc:
                return exc.code

        assert await asyncio.to_thread(post, 1, "/help", "wrong") == 403
        assert await asyncio.to_thread(post, 2, "/help", None) == 403
        assert await asyncio.to_thread(post, 3, "/start", "s3cret-token") == 200
        # one learner's updates are answered in order: had a refused one been taken, its reply came first
        await fake.until_handled(3)
        assert [c.text.split(",")[0] for c in fake.sent()] == ["👋 Welcome to Jalur"]
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await fake.stop()


async def test_jalur_run_serves_telegram_against_a_local_bot_api(database_url: str, fresh_env: dict[str, str],
                                                                 tmp_path: Path) -> None:
    fake = FakeTelegram()
    await fake.start()
    env = {**fresh_env, "JALUR_TELEGRAM_TOKEN": TOKEN, "JALUR_TELEGRAM_API_URL": fake.api_url,
           "JALUR_DATABASE_URL": database_url}
    process = await asyncio.create_subprocess_exec(*JALUR, "run", env=env, cwd=tmp_path,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        await fake.wait_for(lambda: fake.methods("getMe"), timeout=60)
        out = await fake.reply_to(lambda: fake.say(LEARNER, "/start", language="id"), LEARNER)
        assert "Selamat datang di Jalur" in out[-1].text
        for label in ("Bahasa Indonesia", "Go", "Baru mulai", "WIB"):  # each: what was set, the next step
            out = await fake.reply_to(lambda lb=label, shown=out: fake.press(LEARNER, _payload(shown, lb),
                                                                             language="id"), LEARNER, count=2)
        assert "Beres" in out[-1].text
        out = await fake.reply_to(lambda: fake.press(LEARNER, "/quiz", language="id"), LEARNER)
        assert "Pertanyaan baru" in out[-1].text
    finally:
        process.terminate()
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
        await fake.stop()
    assert b"Traceback" not in stderr, stderr.decode()


# --- choice questions as quiz polls -------------------------------------------------------------

REDIS = "redis-pubsub-offline"  # four short options, B is right; its explanation is over 200 characters


async def _onboard(fake: FakeTelegram, user: int, language: str = "en") -> None:
    """A learner sets up in their private chat: language, track, level, timezone."""
    await fake.reply_to(lambda: fake.say(user, "/start", language=language), user)
    for data in (f"/lang {language}", "/track go", "/level 0", "/tz Asia/Jakarta"):
        await fake.reply_to(lambda d=data: fake.press(user, d, language=language), user)


async def _ask_poll(fake: FakeTelegram, user: int, *, chat_id: int | None = None) -> tuple[list, object]:
    """``/quiz redis-pubsub-offline``: the messages sent with it and the quiz poll."""
    chat = chat_id or user
    before = len(fake.polls(chat))
    update_id = fake.say(user, f"/quiz {REDIS}", chat_id=chat_id)
    await fake.until_handled(update_id)
    assert len(fake.polls(chat)) == before + 1, [c.method for c in fake.calls[-4:]]
    poll = fake.polls(chat)[-1]
    return [c for c in fake.sent(chat) if fake.calls.index(c) < fake.calls.index(poll)], poll


async def _answers(engine: Engine) -> list[tuple[str, str, str]]:
    """(platform user id, question, verdict) of every stored answer."""
    async with engine.db.transaction() as session:
        rows = await session.execute(
            select(Identity.external_id, QuizAnswer.question_id, QuizAnswer.verdict)
            .join(QuizAnswer, QuizAnswer.learner_id == Identity.learner_id).order_by(Identity.external_id))
        return [tuple(row) for row in rows.all()]


async def test_a_choice_question_is_a_quiz_poll_graded_once(telegram: FakeTelegram, engine: Engine) -> None:
    fake = telegram
    await _onboard(fake, LEARNER)
    sent, poll = await _ask_poll(fake, LEARNER)
    assert REDIS in sent[-1].text  # the header above the question, as its own message
    question = engine.bank.get(REDIS)
    assert question is not None and question.explanation is not None
    params = poll.params
    assert params["question"] == question.prompt.get("en")
    assert poll.poll_options == [option.get("en") for option in question.options]
    assert params["type"] == "quiz" and params["is_anonymous"] in (False, "false")
    assert poll.correct_option_ids == [1] and "correct_option_id" not in params  # Bot API 9.6 field
    explanation = question.explanation.get("en")
    assert len(explanation) > 200 and explanation.startswith(params["explanation"])
    assert 0 < len(params["explanation"]) <= 200
    assert [b["text"] for b in poll.buttons] == ["🤷 I don't know"]  # no A/B/C/D: tapping an option answers

    before = len(fake.sent(LEARNER))
    tapped = fake.answer_poll(LEARNER, poll, 1)
    fake.push(dict(fake.updates[-1]))  # Telegram delivers the update twice
    await fake.until_handled(tapped, times=2)
    verdict = fake.sent(LEARNER)[before:]
    assert len(verdict) == 1 and "Correct" in verdict[0].text and "Next review" in verdict[0].text
    assert explanation.split(". ")[-1].rstrip(".") in verdict[0].text  # the whole explanation comes after
    assert await _answers(engine) == [(str(LEARNER), REDIS, "correct")]
    async with engine.db.transaction() as session:
        card = (await session.execute(select(ReviewCard))).scalar_one()
        learner = (await session.execute(select(Learner))).scalar_one()
    assert card.question_id == REDIS and card.reviews == 1 and card.due > datetime.now(UTC)
    assert learner.streak_current == 1

    # the same answer again under a new update id (redelivered after a restart, or to another process)
    await fake.until_handled(fake.push({"poll_answer": fake.updates[-1]["poll_answer"]}))
    assert len(fake.sent(LEARNER)) == before + 1
    assert await _answers(engine) == [(str(LEARNER), REDIS, "correct")]


async def test_a_question_over_a_polls_limits_comes_with_buttons(telegram: FakeTelegram) -> None:
    fake = telegram
    await _onboard(fake, LEARNER)
    out = await fake.reply_to(lambda: fake.say(LEARNER, "/quiz percentile-vs-average"), LEARNER)
    assert fake.polls() == []  # an option is over 100 characters
    assert {"A", "B"} <= {b["text"] for b in out[-1].buttons}


@pytest.mark.parametrize("quiz_polls", [False])
async def test_quiz_polls_turned_off_give_buttons(telegram: FakeTelegram, engine: Engine) -> None:
    fake = telegram
    await _onboard(fake, LEARNER)
    out = await fake.reply_to(lambda: fake.say(LEARNER, f"/quiz {REDIS}"), LEARNER)
    assert fake.polls() == [] and {"A", "B", "C", "D"} <= {b["text"] for b in out[-1].buttons}
    out = await fake.reply_to(lambda: fake.press(LEARNER, _payload(out, "B")), LEARNER)
    assert "Correct" in out[-1].text and await _answers(engine) == [(str(LEARNER), REDIS, "correct")]


async def test_in_a_group_each_members_poll_answer_counts_for_them(telegram: FakeTelegram, engine: Engine) -> None:
    fake = telegram
    group = -100200
    await _onboard(fake, 1)
    await _onboard(fake, 2, "id")
    sent, poll = await _ask_poll(fake, 1, chat_id=group)  # member 1 asks; the poll is the group's
    assert "reply_parameters" in sent[-1].params and REDIS in sent[-1].text  # the header answers the /quiz
    before = len(fake.sent(group))
    await fake.until_handled(fake.answer_poll(1, poll, 1))
    await fake.until_handled(fake.answer_poll(2, poll, 0, language="id"))  # member 2 did not ask
    verdicts = fake.sent(group)[before:]
    assert len(verdicts) == 2
    assert "Correct" in verdicts[0].text and "Belum tepat" in verdicts[1].text  # each in the member's language
    assert await _answers(engine) == [("1", REDIS, "correct"), ("2", REDIS, "incorrect")]
    assert all("reply_parameters" in v.params for v in verdicts)  # each a reply to the poll
