"""Study groups through the engine: setup and who may change it, the group quiz answered by
members, the weekly leaderboard and the group streak, and the scheduled group posts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from chat import START, Chat
from recording_sender import RecordingSender
from sqlalchemy import func, select

from bot.content.models import Question
from bot.engine import Engine
from bot.markup import to_plain
from bot.outbound import Senders, SendResult
from bot.pushes.delivery import PushRunner
from bot.storage.tables import GroupQuiz, PushSchedule, QuizAnswer, ReviewCard, StudyGroup

SERVER = "server-1"


def member(engine: Engine, name: str, *, admin: bool = False, group: str = SERVER) -> Chat:
    return Chat(engine, name, platform="discord", group=group, admin=admin)


async def set_up(engine: Engine, *options: str) -> Chat:
    admin = member(engine, "boss", admin=True)
    await admin.say("/setup " + " ".join(options or ("channel=900 name=belajar time=19:00 timezone=Asia/Jakarta",)))
    assert "Saved" in admin.text, admin.text
    return admin


async def group_row(engine: Engine) -> StudyGroup | None:
    async with engine.db.transaction() as session:
        return (await session.execute(select(StudyGroup))).scalar_one_or_none()


async def posted_question(engine: Engine, quiz_post_payload: str) -> Question:
    quiz_id = int(quiz_post_payload.split()[1])
    async with engine.db.transaction() as session:
        quiz = await session.get(GroupQuiz, quiz_id)
        assert quiz is not None
        question = engine.bank.get(quiz.question_id)
    assert question is not None
    return question


def right_and_wrong(question: Question) -> tuple[str, str]:
    """A correct and a wrong answer to a question, as a member would give them."""
    assert question.model_answer is not None or question.answer is not None
    if question.kind == "choice":
        assert question.answer is not None
        wrong = next(i for i in range(len(question.options)) if i != question.answer)
        return str(question.answer + 1), str(wrong + 1)
    assert question.model_answer is not None
    return question.model_answer.get("en"), "?"


async def test_only_members_who_manage_the_server_change_its_settings(engine: Engine) -> None:
    ani = member(engine, "ani")
    await ani.say("/setup")
    assert "no study group yet" in ani.text
    await ani.say("/setup channel=900 time=19:00")
    assert "Manage Server" in ani.text and "Nothing was changed" in ani.text
    assert await group_row(engine) is None
    admin = member(engine, "boss", admin=True)
    await admin.say("/setup please")
    assert "options of /setup" in admin.text
    await admin.say("/setup time=19:00")
    assert "choose the `channel`".replace("`", "") in admin.text
    await admin.say("/setup channel=900 name=belajar time=7pm timezone=WIB members=2 language=id phase=1")
    notice, confirmation = admin.replies
    assert notice.channel == "900" and "Kelompok belajar Jalur" in notice.text and "19:00" in notice.text
    assert confirmation.channel is None and "#belajar" in confirmation.text and "phase 1" in confirmation.text
    group = await group_row(engine)
    assert group is not None and (group.quiz_minute, group.timezone, group.streak_members) == (1140, "Asia/Jakarta", 2)
    # Anyone may look; a plain member still cannot change anything.
    await ani.say("/setup")
    assert "#belajar" in ani.text and "19:00 (Asia/Jakarta)" in ani.text
    await ani.say("/setup time=off")
    assert "Manage Server" in ani.text
    assert (await group_row(engine)).quiz_minute == 1140  # type: ignore[union-attr]


@pytest.mark.parametrize("options, named", [
    ("time=25:99", "25:99"),
    ("timezone=Atlantis/Nowhere", "Atlantis/Nowhere"),
    ("members=0", "\"0\""),
    ("language=fr", "\"fr\""),
    ("phase=9", "\"9\""),
    ("colour=blue", "colour"),
    ("time=", "needs a value"),
    ("and some words", "08:00 and some words"),
])
async def test_a_bad_setting_is_named_and_nothing_is_saved(engine: Engine, options: str, named: str) -> None:
    admin = await set_up(engine)
    await admin.say(f"/setup channel=901 time=08:00 {options}")
    assert named in admin.text, admin.text
    group = await group_row(engine)
    assert group is not None and (group.channel_id, group.quiz_minute) == ("900", 1140)


async def test_a_group_quiz_answered_by_two_members_counts_for_each_of_them(engine: Engine) -> None:
    admin = await set_up(engine)
    await admin.say("/groupquiz")
    post, ack = admin.replies
    assert post.channel == "900" and post.card and "Group quiz" in post.text
    assert "posted in #belajar" in ack.text
    answer_payload = next(b.payload for b in post.flat_buttons if b.payload.endswith(" ?"))
    question = await posted_question(engine, answer_payload)
    right, wrong = right_and_wrong(question)
    quiz_id = answer_payload.split()[1]
    ani, budi = member(engine, "ani"), member(engine, "budi")
    await budi.onboard()  # Budi also learns with Jalur on his own; Ani only answers group quizzes
    await ani.say(f"/group_answer {quiz_id} {right}")
    assert "✅" in ani.text and "+3 points" in ani.text and "1 member answered" in ani.text
    assert "Streak: day 1" in ani.text and "/start" in ani.text  # answering works before one's own setup
    budi.wait(minutes=5)
    await budi.say(f"/group_answer {quiz_id} {wrong}")
    assert "❌" in budi.text and "2 members answered" in budi.text
    await ani.say(f"/group_answer {quiz_id} {right}")
    assert "already answered" in ani.text
    async with engine.db.transaction() as session:
        answers = (await session.execute(select(func.count()).select_from(QuizAnswer))).scalar_one()
        cards = (await session.execute(select(func.count()).select_from(ReviewCard))).scalar_one()
    assert (answers, cards) == (2, 2)  # one graded answer and one FSRS card each, nothing twice
    await budi.say("/streak")
    assert "day 1" in budi.text
    await budi.say("/leaderboard")
    lines = budi.text.splitlines()
    assert lines[0].startswith("🏆 Leaderboard: week of 2026-03-02")
    assert "🥇 Ani: 3 points (1 of 1 correct)" in budi.text and "🥈 Budi: 0 points (0 of 1 correct)" in budi.text
    assert budi.replies[0].card


async def test_a_group_quiz_is_over_after_a_day_and_only_answered_in_its_server(engine: Engine) -> None:
    admin = await set_up(engine)
    await admin.say("/groupquiz")
    payload = next(b.payload for b in admin.replies[0].flat_buttons if b.payload.endswith(" ?"))
    stranger = member(engine, "eve", group="another-server")
    await stranger.send_payload(payload)
    assert "in the server where it was posted" in stranger.text
    direct = Chat(engine, "ani", platform="discord")
    await direct.send_payload(payload)
    assert "in the server where it was posted" in direct.text
    late = member(engine, "ani")
    late.wait(hours=24, minutes=1)
    await late.send_payload(payload)
    assert "is over" in late.text
    await late.send_payload("/group_answer 999999 1")
    assert "no longer exists" in late.text
    await late.send_payload("/group_answer abc")
    assert "no longer exists" in late.text


async def test_group_commands_outside_a_server_say_where_they_work(engine: Engine) -> None:
    alone = Chat(engine, "ani", platform="telegram")
    for command in ("/setup channel=1", "/groupquiz", "/leaderboard"):
        await alone.say(command)
        assert "inside a Discord server" in alone.text
    in_server = member(engine, "ani")
    await in_server.say("/leaderboard")
    assert "no study group yet" in in_server.text
    await in_server.say("/groupquiz")
    assert "no study group yet" in in_server.text


async def test_the_group_streak_counts_days_when_enough_members_answer(engine: Engine) -> None:
    admin = await set_up(engine, "channel=900 name=belajar time=19:00 timezone=Asia/Jakarta members=2")
    names = ["ani", "budi", "citra"]
    answering = [names[:2], names[:2], names[:1], names]  # day 3 has only one member
    for day, who in enumerate(answering):
        admin.now = START + timedelta(days=day)
        await admin.say("/groupquiz")
        payload = next(b.payload for b in admin.replies[0].flat_buttons if b.payload.endswith(" ?"))
        for name in who:
            chat = member(engine, name)
            chat.now = admin.now + timedelta(minutes=10)
            await chat.send_payload(payload)
    viewer = member(engine, "citra")
    viewer.now = START + timedelta(days=3, hours=1)
    await viewer.say("/leaderboard")
    assert "Group streak: 1 day" in viewer.text
    viewer.now = START + timedelta(days=1, hours=1)
    await viewer.say("/leaderboard")
    assert "Group streak: 2 days" in viewer.text


@pytest.fixture
def sender() -> RecordingSender:
    return RecordingSender()


@pytest.fixture
def runner(engine: Engine, sender: RecordingSender) -> PushRunner:
    senders = Senders()
    senders.add("discord", sender)
    return PushRunner(engine, senders)


def jakarta(day: int, hour: int, minute: int = 0) -> object:
    """2 March 2026 (a Monday) + ``day`` days, at hour:minute in Jakarta (UTC+7)."""
    return START.replace(hour=0) + timedelta(days=day, hours=hour - 7, minutes=minute)


async def test_the_daily_group_quiz_is_posted_once_a_day_at_the_groups_time(
        engine: Engine, runner: PushRunner, sender: RecordingSender) -> None:
    await set_up(engine)
    assert not (await runner.tick(jakarta(0, 18, 59))).outcomes
    await runner.tick(jakarta(0, 19))
    await runner.tick(jakarta(0, 19, 1))
    assert [channel for channel, _ in sender.posts] == ["900"]
    post = sender.posts[0][1][0]
    assert "Group quiz" in post.text and any(b.payload.startswith("/group_answer") for b in post.flat_buttons)
    await runner.tick(jakarta(1, 19))
    assert len(sender.posts) == 2
    first, second = (p[1][0].flat_buttons[-2].payload.split()[1] for p in sender.posts)
    assert first != second
    async with engine.db.transaction() as session:
        questions = list((await session.execute(select(GroupQuiz.question_id))).scalars())
    assert len(set(questions)) == 2  # a new question each day


async def test_a_retried_group_quiz_posts_the_same_question(
        engine: Engine, runner: PushRunner, sender: RecordingSender) -> None:
    await set_up(engine)
    sender.script = [SendResult.RETRY]
    await runner.tick(jakarta(0, 19))
    assert not sender.posts
    await runner.tick(jakarta(0, 19, 2))
    assert len(sender.posts) == 1
    async with engine.db.transaction() as session:
        assert (await session.execute(select(func.count()).select_from(GroupQuiz))).scalar_one() == 1


async def test_a_deleted_channel_pauses_the_group_until_setup_runs_again(
        engine: Engine, runner: PushRunner, sender: RecordingSender) -> None:
    admin = await set_up(engine)
    sender.script = [SendResult.UNREACHABLE]
    await runner.tick(jakarta(0, 19))
    assert not sender.posts
    group = await group_row(engine)
    assert group is not None and group.channel_problem_since is not None
    await runner.tick(jakarta(1, 19))
    assert not sender.posts  # paused: nothing is posted into the void
    viewer = member(engine, "ani")
    viewer.now = jakarta(1, 20)
    await viewer.say("/setup")
    assert "could not post in #belajar" in viewer.text
    admin.now = jakarta(1, 20)
    await admin.say("/groupquiz")
    assert "could not post" in admin.text
    await admin.say("/setup channel=901 name=baru")
    assert admin.replies[0].channel == "901"  # the new channel gets a notice, which checks it
    await runner.tick(jakarta(2, 19))
    assert [channel for channel, _ in sender.posts] == ["901"]


async def test_turning_the_daily_quiz_off_stops_the_posts(
        engine: Engine, runner: PushRunner, sender: RecordingSender) -> None:
    admin = await set_up(engine)
    await admin.say("/setup time=off")
    assert "off (admins can post one with /groupquiz)" in admin.text
    async with engine.db.transaction() as session:
        assert (await session.execute(select(func.count()).select_from(PushSchedule)
                                      .where(PushSchedule.kind.like("group%")))).scalar_one() == 0
    await runner.tick(jakarta(0, 19))
    assert not sender.posts


async def test_monday_brings_last_weeks_final_leaderboard(
        engine: Engine, runner: PushRunner, sender: RecordingSender) -> None:
    await set_up(engine)
    await runner.tick(jakarta(0, 19))
    payload = next(b.payload for b in sender.posts[0][1][0].flat_buttons if b.payload.endswith(" ?"))
    question = await posted_question(engine, payload)
    right, _ = right_and_wrong(question)
    ani = member(engine, "ani")
    ani.now = jakarta(0, 19, 30)
    await ani.say(f"/group_answer {payload.split()[1]} {right}")
    sender.clear()
    await runner.tick(jakarta(7, 9))
    weekly = [to_plain(replies[0].text) for _, replies in sender.posts]
    assert len(weekly) == 1 and "Last week's leaderboard (week of 2026-03-02)" in weekly[0]
    assert "🥇 Ani: 3 points" in weekly[0]
    sender.clear()
    await runner.tick(jakarta(14, 9))
    assert not any("Last week" in r.text for _, replies in sender.posts for r in replies)  # nobody answered
