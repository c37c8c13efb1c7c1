"""/link: a Telegram and a Discord account become one learner, with progress, streak and
reviews merged without loss or double counting; wrong, expired and reused codes."""

from __future__ import annotations

import re
from datetime import timedelta

from chat import START, Chat
from sqlalchemy import func, select

from bot.engine import Engine
from bot.storage.tables import (
    GroupAnswer,
    Identity,
    Learner,
    PushDelivery,
    QuizAnswer,
    ReviewCard,
    SkillProgress,
    StreakDay,
)

CODE = re.compile(r"[A-Z0-9]{4}-[A-Z0-9]{4}")


async def code_from(chat: Chat) -> str:
    await chat.say("/link")
    found = CODE.search(chat.text)
    assert found, chat.text
    return found.group(0)


async def count(engine: Engine, table: type) -> int:
    async with engine.db.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(table))).scalar_one())


async def answer_dont_know(chat: Chat, question: str) -> None:
    await chat.say(f"/quiz {question}")
    await chat.press("I don't know")
    assert "Next review" in chat.text, chat.text


async def test_linking_joins_progress_streak_and_reviews_without_double_counting(engine: Engine) -> None:
    telegram = Chat(engine, "111", platform="telegram")
    await telegram.onboard(track="python", timezone="Asia/Jakarta")
    await telegram.say("/done git-workflow")
    await answer_dont_know(telegram, "n-plus-one")  # day 0
    discord = Chat(engine, "222", platform="discord")
    await discord.onboard(track="go")
    discord.wait(days=1)
    telegram.wait(days=1)
    await answer_dont_know(telegram, "sql-injection-prevention")  # day 1 on both platforms
    await answer_dont_know(discord, "n-plus-one")  # the same question Telegram saw on day 0
    await discord.say("/done linux-cli")
    discord.wait(days=1)
    telegram.wait(days=1)
    await answer_dont_know(discord, "sql-injection-prevention")  # day 2
    answers_before = await count(engine, QuizAnswer)

    code = await code_from(telegram)
    assert "10 minutes" in telegram.text
    await discord.say(f"/link {code.lower()}")
    assert "Linked!" in discord.text and "Discord + Telegram" in discord.text
    assert await count(engine, Learner) == 1
    assert await count(engine, QuizAnswer) == answers_before  # every answer kept, none twice
    assert await count(engine, ReviewCard) == 2  # n-plus-one and sql-injection-prevention, once each
    async with engine.db.transaction() as session:
        learner = (await session.execute(select(Learner))).scalar_one()
        cards = {c.question_id: c for c in (await session.execute(select(ReviewCard))).scalars()}
        days = list((await session.execute(select(StreakDay.day).order_by(StreakDay.day))).scalars())
        statuses = {s.skill_id: s.status for s in (await session.execute(select(SkillProgress))).scalars()}
        platforms = sorted((await session.execute(select(Identity.platform))).scalars())
    assert platforms == ["discord", "telegram"]
    assert learner.track == "python"  # the account set up first keeps its settings
    assert cards["n-plus-one"].reviews == 2 and cards["sql-injection-prevention"].reviews == 2
    assert cards["sql-injection-prevention"].last_review == discord.now  # the latest review wins
    assert len(days) == 3 and learner.streak_current == 3  # day 1 was active on both: counted once
    assert statuses["git-workflow"] == "done" and statuses["linux-cli"] == "done"
    # Both accounts now see one learner.
    await telegram.say("/streak")
    from_telegram = telegram.text
    await discord.say("/streak")
    assert discord.text == from_telegram and "day 3" in from_telegram
    await discord.say("/progress")
    progress = discord.text
    await telegram.say("/progress")
    assert telegram.text == progress


async def test_the_account_that_finished_setup_keeps_its_settings(engine: Engine) -> None:
    newcomer = Chat(engine, "222", platform="discord")
    await newcomer.say("/start")  # never finishes setup
    veteran = Chat(engine, "111", platform="telegram")
    veteran.wait(days=3)
    newcomer.wait(days=3)
    await veteran.onboard(track="java", timezone="Europe/Berlin")
    code = await code_from(newcomer)
    await veteran.say(f"/link {code}")
    assert "Linked!" in veteran.text and "Europe/Berlin" in veteran.text
    await newcomer.say("/settings")
    assert "Europe/Berlin" in newcomer.text and "Java" in newcomer.text


async def test_group_answers_and_pushes_move_over_without_counting_twice(engine: Engine) -> None:
    admin = Chat(engine, "boss", platform="discord", group="server", admin=True)
    await admin.say("/setup channel=900 name=belajar")
    await admin.say("/groupquiz")
    payload = next(b.payload for b in admin.replies[0].flat_buttons if b.payload.endswith(" ?"))
    on_discord = Chat(engine, "222", platform="discord", group="server")
    await on_discord.send_payload(payload)
    on_telegram = Chat(engine, "111", platform="telegram")
    await on_telegram.onboard()
    async with engine.db.transaction() as session:  # both accounts got today's daily quiz already
        ids = {i.platform: i.learner_id for i in (await session.execute(select(Identity))).scalars()
               if i.external_id in {"111", "222"}}
        for learner_id in ids.values():
            session.add(PushDelivery(kind="daily_quiz", subject=str(learner_id), period="2026-03-02",
                                     due_at=START, status="sent", attempts=1, claimed_at=START))
    code = await code_from(on_telegram)
    await on_discord.say(f"/link {code}")
    assert "Linked!" in on_discord.text
    assert await count(engine, GroupAnswer) == 1
    async with engine.db.transaction() as session:
        ledger = list((await session.execute(select(PushDelivery.subject, PushDelivery.period))).scalars())
    assert len(ledger) == 1  # one daily quiz for that day, not two
    await on_discord.say("/leaderboard")
    assert on_discord.text.count(" points (") == 1  # one line for the one learner


async def test_wrong_expired_reused_and_own_codes_are_refused(engine: Engine) -> None:
    telegram = Chat(engine, "111", platform="telegram")
    await telegram.onboard()
    discord = Chat(engine, "222", platform="discord")
    await discord.onboard()
    other = Chat(engine, "333", platform="discord")
    await other.onboard()

    await discord.say("/link ABCD-EFGH")
    assert "not a valid link code" in discord.text
    await discord.say("/link \x00\x01💥")
    assert "not a valid link code" in discord.text
    code = await code_from(telegram)
    await telegram.say(f"/link {code}")
    assert "belongs to this account" in telegram.text
    discord.wait(minutes=11)
    await discord.say(f"/link {code}")
    assert "expired" in discord.text
    telegram.wait(minutes=11)
    code = await code_from(telegram)
    await discord.say(f"/link {code}")
    assert "Linked!" in discord.text
    await other.say(f"/link {code}")
    assert "not a valid link code" in other.text  # a code works once
    assert await count(engine, Learner) == 2


async def test_five_wrong_codes_make_the_learner_wait(engine: Engine) -> None:
    chat = Chat(engine, "222", platform="discord")
    await chat.onboard()
    for attempt in range(5):
        await chat.say(f"/link WRNG-000{attempt}")
        assert "not a valid link code" in chat.text
    await chat.say("/link WRNG-0009")
    assert "Too many wrong codes" in chat.text and "15 minute" in chat.text
    chat.wait(minutes=16)
    await chat.say("/link WRNG-0010")
    assert "not a valid link code" in chat.text


async def test_no_code_is_shown_where_others_can_read_it(engine: Engine) -> None:
    group_chat = Chat(engine, "111", platform="telegram", shared_chat=True)
    await group_chat.onboard()
    await group_chat.say("/link")
    assert "private chat" in group_chat.text and not CODE.search(group_chat.text)


async def test_deleting_a_linked_learner_deletes_both_accounts(engine: Engine) -> None:
    telegram = Chat(engine, "111", platform="telegram")
    await telegram.onboard()
    discord = Chat(engine, "222", platform="discord")
    await discord.onboard()
    await discord.say(f"/link {await code_from(telegram)}")
    await discord.say("/delete_me")
    await discord.press("Yes")
    assert await count(engine, Learner) == 0 and await count(engine, Identity) == 0
    telegram.wait(minutes=1)
    await telegram.say("/start")
    assert "Welcome to Jalur" in telegram.text


async def test_link_codes_last_ten_minutes(engine: Engine) -> None:
    telegram = Chat(engine, "111", platform="telegram")
    await telegram.onboard()
    discord = Chat(engine, "222", platform="discord")
    await discord.onboard()
    code = await code_from(telegram)
    discord.now = telegram.now + timedelta(minutes=9, seconds=59)
    await discord.say(f"/link {code}")
    assert "Linked!" in discord.text


async def test_a_bare_code_typed_first_thing_on_the_second_platform_links(engine: Engine) -> None:
    veteran = Chat(engine, "111", platform="telegram")
    await veteran.onboard(lang="id", track="go")
    code = await code_from(veteran)
    newcomer = Chat(engine, "222", platform="discord")
    await newcomer.say(code.lower().replace("-", " "))  # as typed from a phone, before any /start
    assert "Telegram + Discord" in newcomer.text or "Discord + Telegram" in newcomer.text, newcomer.text
    await newcomer.say("/settings")
    assert "Go" in newcomer.text
    assert await count(engine, Learner) == 1


async def test_a_word_shaped_like_a_code_is_not_a_failed_link(engine: Engine) -> None:
    chat = Chat(engine, "111", platform="telegram")
    await chat.onboard()
    for _ in range(6):
        await chat.say("database")
    assert "wait" not in chat.text.lower(), chat.text
    other = Chat(engine, "222", platform="discord")
    await other.onboard()
    code = await code_from(other)
    await chat.say(code)  # still allowed: the words above were not attempts
    assert "Linked!" in chat.text, chat.text
