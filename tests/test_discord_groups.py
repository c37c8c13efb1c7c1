"""Study groups on Discord, through the real discord.py client and the fake Discord API:
setup permissions, a group quiz answered by two members, the leaderboard, linking with
Telegram, a group quiz button pressed after a restart, and the channel going away; the post
counting its answers (few edits for many answers) and closing with the answer and the results."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from chat import Chat
from discord_harness import Discord, finished, login, until
from fake_discord import FakeDiscord, Sent
from sqlalchemy import select

from bot.content.models import Question
from bot.engine import Engine
from bot.outbound import Senders
from bot.pushes.delivery import PushRunner
from bot.settings import Settings
from bot.storage.tables import GroupQuiz, PushSchedule, StudyGroup

ADMIN, ANI, BUDI = 5001, 5002, 5003
GUILD, LOBBY, QUIZ_CHANNEL, CLOSED_CHANNEL = 8001, 8101, 8102, 8103
MANAGE_SERVER = str(1 << 5)


class Clock:
    """A clock the test moves; the adapter reads it for every interaction."""

    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # Monday 12:00 in Jakarta

    def __call__(self) -> datetime:
        return self.now


async def in_server(bot: Discord, user: int, name: str, options: dict[str, Any] | None = None, *,
                    admin: bool = False, replies: int = 1) -> list[Sent]:
    return await bot.slash(user, name, options, guild_id=GUILD, channel_id=LOBBY,
                           permissions=MANAGE_SERVER if admin else "0", replies=replies)


async def press_on(bot: Discord, user: int, post: Sent, label: str) -> list[Sent]:
    """Press a button of a channel post, as a member of the server."""
    ids = [b["custom_id"] for b in post.buttons if b["label"] == label]
    assert len(ids) == 1, (label, [b["label"] for b in post.buttons])
    return await bot.deliver(bot.fake.press(user, ids[0], guild_id=GUILD, channel_id=int(post.target),
                                            message=post))


async def set_up(bot: Discord) -> list[Sent]:
    out = await in_server(bot, ADMIN, "setup", {"channel": (QUIZ_CHANNEL, "belajar"), "time": "19:00",
                                                "timezone": "Asia/Jakarta"}, admin=True, replies=2)
    assert [s.kind for s in out] == ["channel", "followup"], out
    return out


async def question_of(engine: Engine, post: Sent) -> Question:
    payload = next(b["custom_id"] for b in post.buttons if b["custom_id"].endswith(" ?"))
    async with engine.db.transaction() as session:
        quiz = await session.get(GroupQuiz, int(payload.split()[1]))
        assert quiz is not None
        question = engine.bank.get(quiz.question_id)
    assert question is not None
    return question


async def answer(bot: Discord, user: int, post: Sent, question: Question, *, right: bool) -> list[Sent]:
    """Answer a group quiz post with its buttons (a letter, or the Answer text box)."""
    if question.kind == "choice":
        assert question.answer is not None
        index = question.answer if right else (question.answer + 1) % len(question.options)
        return await press_on(bot, user, post, "ABCDEF"[index])
    if not right:
        return await press_on(bot, user, post, "🤷 I don't know")
    answer_id = next(b["custom_id"] for b in post.buttons if "Answer" in b["label"])
    before = len(bot.fake.sent)
    await bot.interact(bot.fake.press(user, answer_id, guild_id=GUILD, channel_id=int(post.target), message=post))
    assert len(bot.fake.sent) > before, "no text box was opened"
    modal = bot.fake.sent[-1].body
    assert modal["type"] == 9
    field = modal["data"]["components"][0]["components"][0]["custom_id"]
    assert question.model_answer is not None
    return await bot.deliver(bot.fake.submit(user, modal["data"]["custom_id"],
                                             {field: question.model_answer.get("en")}, guild_id=GUILD))


async def test_setup_needs_the_manage_server_permission(discord_bot: Discord, engine: Engine) -> None:
    commands = {c["name"]: c for c in discord_bot.fake.commands}
    assert str(commands["setup"]["default_member_permissions"]) == MANAGE_SERVER
    assert commands["setup"]["contexts"] == [0] and commands["leaderboard"]["contexts"] == [0]
    options = {o["name"]: o for o in commands["setup"]["options"]}
    assert options["channel"]["type"] == 7 and options["channel"]["channel_types"] == [0, 5]
    assert options["timezone"]["description_localizations"]["id"].startswith("Zona waktu")
    out = await in_server(discord_bot, ANI, "setup", {"channel": (QUIZ_CHANNEL, "belajar"), "time": "19:00"})
    assert out[-1].ephemeral and "Manage Server" in out[-1].text
    assert not [s for s in discord_bot.fake.sent if s.kind == "channel"]
    out = await set_up(discord_bot)
    notice, confirmation = out
    assert notice.target == str(QUIZ_CHANNEL) and "Jalur study group" in notice.text
    assert confirmation.ephemeral and "#belajar" in confirmation.text and confirmation.embeds
    out = await in_server(discord_bot, ADMIN, "setup", {"time": "25:00"}, admin=True)
    assert out[-1].ephemeral and "\"25:00\" is not a time of day" in out[-1].text
    async with engine.db.transaction() as session:
        group = (await session.execute(select(StudyGroup))).scalar_one()
    assert group.quiz_minute == 19 * 60


async def test_a_group_quiz_answered_by_two_members_and_the_leaderboard(
        engine: Engine, settings: Settings, fake: FakeDiscord) -> None:
    clock = Clock()
    bot = await login(engine, settings, fake, clock)
    try:
        await set_up(bot)
        out = await in_server(bot, ADMIN, "groupquiz", admin=True, replies=2)
        post, ack = out
        assert post.kind == "channel" and post.target == str(QUIZ_CHANNEL) and not post.ephemeral
        assert "Group quiz" in post.text and post.embeds and "posted in #belajar" in ack.text and ack.ephemeral
        question = await question_of(engine, post)
        clock.now += timedelta(minutes=3)
        out = await answer(bot, ANI, post, question, right=True)
        assert out[-1].ephemeral and "✅" in out[-1].text and "+3 points" in out[-1].text
        out = await answer(bot, BUDI, post, question, right=False)
        assert out[-1].ephemeral and "❌" in out[-1].text and "2 members answered" in out[-1].text
        out = await press_on(bot, ANI, post, "🤷 I don't know")
        assert "already answered" in out[-1].text
        out = await in_server(bot, BUDI, "leaderboard")
        board = out[-1]
        assert board.ephemeral and board.embeds and board.embeds[0]["title"].startswith("🏆 Leaderboard")
        assert board.text.index("user5002") < board.text.index("user5003")
        assert "3 points" in board.text
        # A member's personal streak counts the group quiz, in the server and in DMs alike.
        out = await bot.slash(ANI, "start")
        for label in ("English", "Go", "Fresh", "WIB"):
            out = await bot.press(ANI, label, replies=2)
        out = await bot.slash(ANI, "streak")
        assert "day 1" in out[-1].text
        # The next day the quiz is over.
        clock.now += timedelta(hours=25)
        out = await press_on(bot, BUDI, post, "🤷 I don't know")
        assert out[-1].ephemeral and "is over" in out[-1].text
    finally:
        await bot.adapter.client.close()


async def test_a_group_quiz_button_works_after_a_restart(engine: Engine, settings: Settings,
                                                          fake: FakeDiscord) -> None:
    first = await login(engine, settings, fake)
    await set_up(first)
    post, _ = await in_server(first, ADMIN, "groupquiz", admin=True, replies=2)
    await first.adapter.client.close()
    second = await login(engine, settings, fake)
    try:
        out = await press_on(second, BUDI, post, "🤷 I don't know")
        assert "1 member answered" in out[-1].text
    finally:
        await second.adapter.client.close()


async def test_a_channel_the_bot_cannot_write_to_is_named_and_nothing_breaks(
        discord_bot: Discord, engine: Engine, fake: FakeDiscord) -> None:
    fake.forbidden_channels.add(CLOSED_CHANNEL)
    out = await in_server(discord_bot, ADMIN, "setup", {"channel": (CLOSED_CHANNEL, "closed")}, admin=True)
    assert out[-1].ephemeral and "couldn't post in that channel" in out[-1].text
    out = await in_server(discord_bot, ADMIN, "groupquiz", admin=True)
    assert "could not post in #closed" in out[-1].text
    out = await in_server(discord_bot, ANI, "leaderboard")  # members still get their answers
    assert "Leaderboard" in out[-1].text
    out = await set_up(discord_bot)  # an admin picks a channel that works: the group runs again
    out = await in_server(discord_bot, ADMIN, "groupquiz", admin=True, replies=2)
    assert out[0].kind == "channel" and out[0].target == str(QUIZ_CHANNEL)


async def test_a_deleted_quiz_channel_stops_the_daily_posts(discord_bot: Discord, engine: Engine,
                                                             fake: FakeDiscord) -> None:
    await set_up(discord_bot)
    fake.missing_channels.add(QUIZ_CHANNEL)
    senders = Senders()
    senders.add("discord", discord_bot.adapter)
    runner = PushRunner(engine, senders)
    async with engine.db.transaction() as session:
        quiz_time = (await session.execute(select(PushSchedule.due_at).where(PushSchedule.kind == "group_quiz"))
                     ).scalar_one()  # the next 19:00 in Jakarta
    report = await runner.tick(quiz_time)
    assert report.outcomes[("group_quiz", "skipped")] == 1
    async with engine.db.transaction() as session:
        group = (await session.execute(select(StudyGroup))).scalar_one()
    assert group.channel_problem_since is not None
    out = await in_server(discord_bot, ANI, "setup")
    assert "could not post in #belajar" in out[-1].text
    report = await runner.tick(quiz_time + timedelta(days=1))
    assert not report.outcomes


async def test_the_gateway_telling_of_a_deleted_channel_pauses_the_group(
        discord_bot: Discord, engine: Engine) -> None:
    await set_up(discord_bot)
    state = discord_bot.adapter.client._connection
    state.parse_guild_create({
        "id": str(GUILD), "name": "Study", "unavailable": False, "member_count": 3, "roles": [], "emojis": [],
        "features": [], "members": [], "presences": [], "voice_states": [], "stickers": [], "threads": [],
        "channels": [{"id": str(QUIZ_CHANNEL), "type": 0, "name": "belajar", "position": 0,
                      "permission_overwrites": [], "guild_id": str(GUILD)}],
        "owner_id": str(ADMIN), "afk_timeout": 300, "verification_level": 0, "default_message_notifications": 0,
        "explicit_content_filter": 0, "mfa_level": 0, "nsfw_level": 0, "premium_tier": 0,
        "preferred_locale": "en-US", "system_channel_flags": 0, "joined_at": "2026-01-01T00:00:00+00:00",
        "large": False})
    await finished(lambda: state.parse_channel_delete({
        "id": str(QUIZ_CHANNEL), "type": 0, "guild_id": str(GUILD), "name": "belajar", "position": 0,
        "permission_overwrites": []}))  # the client's listeners have run
    async with engine.db.transaction() as session:
        group = (await session.execute(select(StudyGroup))).scalar_one()
    assert group.channel_problem_since is not None


async def test_a_telegram_account_and_a_discord_account_become_one_learner(
        discord_bot: Discord, engine: Engine) -> None:
    telegram = Chat(engine, "77", platform="telegram", now=datetime.now(UTC))
    await telegram.onboard(track="python")
    await telegram.say("/done git-workflow")
    await telegram.say("/link")
    code = telegram.text.split("code: ")[1].split()[0]
    out = await in_server(discord_bot, ANI, "link", {"code": "WRNG-CODE"})
    assert out[-1].ephemeral and "not a valid link code" in out[-1].text
    out = await in_server(discord_bot, ANI, "link", {"code": code})
    assert out[-1].ephemeral and "Linked!" in out[-1].text and "Discord + Telegram" in out[-1].text
    out = await discord_bot.slash(ANI, "progress")
    assert "Python" in out[-1].text or "1/" in out[-1].text
    out = await discord_bot.slash(ANI, "link")
    assert "Your link code" in out[-1].text and not out[-1].ephemeral  # a DM: only the learner reads it


async def test_only_open_group_quiz_questions_get_a_text_box_in_the_groups_language(
        engine: Engine, settings: Settings, fake: FakeDiscord) -> None:
    clock = Clock()
    bot = await login(engine, settings, fake, clock)
    try:
        await in_server(bot, ADMIN, "setup", {"channel": (QUIZ_CHANNEL, "belajar"), "language": "id"},
                        admin=True, replies=2)
        kinds: set[str] = set()
        for _ in range(12):  # each /groupquiz posts a question the group has not seen yet
            clock.now += timedelta(minutes=1)
            post, _ack = await in_server(bot, ADMIN, "groupquiz", admin=True, replies=2)
            question = await question_of(engine, post)
            boxes = [b for b in post.buttons if b["custom_id"].startswith("jalur-answer:")]
            if question.kind == "open":
                assert [b["label"] for b in boxes] == ["✍️ Jawab"], post.buttons
            else:
                assert not boxes and "✍️ Answer" not in [b["label"] for b in post.buttons], post.buttons
            kinds.add(question.kind)
            if kinds == {"open", "choice"}:
                break
        assert kinds == {"open", "choice"}
    finally:
        await bot.adapter.client.close()


def counts(texts: list[str]) -> list[int]:
    """The "N members have answered so far" numbers in a post's versions."""
    return [int(m[1]) for text in texts for m in [re.search(r"(\d+) members? ha(?:s|ve) answered so far", text)] if m]


async def test_the_group_quiz_post_counts_the_answers_with_few_edits(engine: Engine, settings: Settings,
                                                                     fake: FakeDiscord) -> None:
    clock = Clock()
    bot = await login(engine, settings, fake, clock, edit_interval=2.0)
    try:
        await set_up(bot)
        post, _ = await in_server(bot, ADMIN, "groupquiz", admin=True, replies=2)
        assert "answered so far" not in post.text
        question = await question_of(engine, post)
        members = [6001 + n for n in range(6)]
        await answer(bot, members[0], post, question, right=True)
        await until(lambda: "1 member has answered so far" in post.text)  # the first answer shows at once
        for n, member in enumerate(members[1:]):  # a burst: five answers in a row
            await answer(bot, member, post, question, right=n % 2 == 0)
        await until(lambda: "6 members have answered so far" in post.text)  # the last count always lands
        edits = fake.edits_of(post)
        assert 2 <= len(edits) < len(members), [e.text for e in edits]  # merged, not one edit per answer
        shown = counts([e.text for e in edits])
        assert shown == sorted(set(shown)) and shown[-1] == 6  # the count only goes up
        assert post.text.startswith("📣 Group quiz") and post.embeds and post.live_buttons  # still answerable
        assert len(fake.messages("channel")) == 2  # the setup notice and the post: no message per answer
    finally:
        await bot.adapter.client.close()


async def test_a_closed_group_quiz_post_shows_the_answer_and_the_days_results(
        engine: Engine, settings: Settings, fake: FakeDiscord) -> None:
    clock = Clock()
    bot = await login(engine, settings, fake, clock, edit_interval=0.5)
    senders = Senders()
    senders.add("discord", bot.adapter)
    runner = PushRunner(engine, senders)
    try:
        await set_up(bot)
        async with engine.db.transaction() as session:
            due = (await session.execute(select(PushSchedule.due_at).where(PushSchedule.kind == "group_quiz"))
                   ).scalar_one()  # 19:00 in Jakarta
        assert (await runner.tick(due)).count("sent") == 1
        post = fake.messages("channel")[-1]
        question = await question_of(engine, post)
        clock.now = due + timedelta(minutes=5)
        for member, right in ((ANI, True), (BUDI, False), (6004, True)):
            await answer(bot, member, post, question, right=right)
        await until(lambda: "3 members have answered so far" in post.text)
        assert (await runner.tick(due + timedelta(hours=23))).closed == 0  # still open
        # A day later the next daily quiz is posted and yesterday's post closes, in one pass.
        report = await runner.tick(due + timedelta(days=1))
        assert report.closed == 1 and report.count("sent") == 1
        await until(lambda: "Closed" in post.text)
        assert "Results:** 3 members answered, 2 right." in post.text
        assert "✅ user5002 · ❌ user5003 · ✅ user6004" in post.text
        if question.kind == "choice":
            assert question.answer is not None
            assert f"The right answer: **{'ABCDEF'[question.answer]}.**" in post.text
        else:
            assert "A good answer:" in post.text
        assert [b["label"] for b in post.buttons] == ["🏆 Leaderboard"]  # nothing left to answer
        channel = fake.messages("channel")
        assert len(channel) == 3 and channel[-1] is not post and "Group quiz" in channel[-1].text
        assert "Closed" not in channel[-1].text  # today's post is the new question, the results are not repeated
        closed_edits = len(fake.edits_of(post))
        assert (await runner.tick(due + timedelta(days=1, minutes=1))).closed == 0  # closed once
        assert len(fake.edits_of(post)) == closed_edits
        out = await press_on(bot, BUDI, post, "🏆 Leaderboard")
        assert "Leaderboard" in out[-1].text
    finally:
        await bot.adapter.client.close()


async def test_a_group_quiz_nobody_answered_closes_saying_so(engine: Engine, settings: Settings,
                                                               fake: FakeDiscord) -> None:
    clock = Clock()
    bot = await login(engine, settings, fake, clock, edit_interval=0.5)
    senders = Senders()
    senders.add("discord", bot.adapter)
    try:
        await in_server(bot, ADMIN, "setup", {"channel": (QUIZ_CHANNEL, "belajar"), "language": "id"},
                        admin=True, replies=2)
        post, _ = await in_server(bot, ADMIN, "groupquiz", admin=True, replies=2)
        report = await PushRunner(engine, senders).tick(clock.now + timedelta(hours=24))
        assert report.closed == 1
        assert "Ditutup" in post.text and "Belum ada yang menjawab" in post.text and len(fake.edits_of(post)) == 1
    finally:
        await bot.adapter.client.close()
