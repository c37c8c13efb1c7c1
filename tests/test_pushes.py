"""Pushes through the engine and a recording platform, on fixed clocks: the daily quiz,
the weekly nudge, the streak reminder, opting out, and the ledger's send-once rule."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from chat import START, Chat
from recording_sender import RecordingSender
from sqlalchemy import func, select

from bot.engine import Engine
from bot.outbound import Senders, SendResult
from bot.pushes.delivery import PushRunner, preview
from bot.storage.tables import Identity, PushDelivery, PushSchedule


def local(text: str, zone: str = "Asia/Jakarta") -> datetime:
    """A local wall-clock time (``"2026-03-02 19:00"``) in ``zone``, as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone))


async def _ledger(engine: Engine) -> list[tuple[str, str, str, str]]:
    async with engine.db.transaction() as session:
        rows = await session.execute(select(PushDelivery).order_by(PushDelivery.id))
        return [(d.kind, d.subject, d.period, d.status) for d in rows.scalars()]


async def test_the_daily_quiz_comes_at_local_time_once_and_can_be_answered(
        engine: Engine, runner: PushRunner, sender: RecordingSender) -> None:
    chat = Chat(engine)
    await chat.onboard()
    assert "19:00" in chat.text and "/reminders" in chat.text
    assert not (await runner.tick(local("2026-03-02 18:59"))).outcomes
    report = await runner.tick(local("2026-03-02 19:00"))
    assert report.count("sent") == 1 and len(sender.sent) == 1
    user, replies = sender.sent[0]
    assert user == "ani" and "Your daily question" in sender.texts()[0]
    buttons = [b for r in replies for b in r.flat_buttons]
    assert any(b.payload.startswith("/answer ") for b in buttons)
    for moment in ("2026-03-02 19:00", "2026-03-02 19:01", "2026-03-02 23:00"):
        assert (await runner.tick(local(moment))).count("sent") == 0
    assert len(sender.sent) == 1
    # The pushed question is the open one: its "I don't know" button is answered like /quiz's.
    chat.now = local("2026-03-02 19:05")
    chat.replies = list(replies)
    await chat.press("I don't know")
    assert "Streak" in chat.text
    await runner.tick(local("2026-03-03 19:00"))
    assert len(sender.sent) == 2
    assert [row[2] for row in await _ledger(engine)] == ["2026-03-02", "2026-03-03"]


async def test_each_learner_gets_the_quiz_at_their_own_local_time(
        engine: Engine, runner: PushRunner, sender: RecordingSender) -> None:
    zones = {"jakarta": "Asia/Jakarta", "tokyo": "Asia/Tokyo", "berlin": "Europe/Berlin",
             "kolkata": "Asia/Kolkata"}
    for user, zone in zones.items():
        learner = Chat(engine, user)
        await learner.onboard(timezone=zone)
        await learner.say("/reminders nudge off")
    # Walk a day in 15-minute steps (Kolkata is UTC+5:30); each learner gets one quiz at their 19:00.
    moment = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)
    seen: dict[str, datetime] = {}
    while moment < datetime(2026, 3, 3, 3, 0, tzinfo=UTC):
        before = len(sender.sent)
        await runner.tick(moment)
        for user, _ in sender.sent[before:]:
            seen[user] = moment
        moment += timedelta(minutes=15)
    assert len(sender.sent) == 4
    for user, zone in zones.items():
        assert seen[user].astimezone(ZoneInfo(zone)).strftime("%H:%M") == "19:00", user


async def test_a_pass_records_every_outcome_without_waiting_for_company_that_is_not_coming(
        engine: Engine, sender: RecordingSender, monkeypatch: pytest.MonkeyPatch) -> None:
    """Outcomes wait for each other to share a commit, but the pass's last ones do not wait in vain:
    with a linger no test could wait out, the pass still ends and every push is recorded as sent."""
    monkeypatch.setattr("bot.pushes.delivery.PUSH_LINGER", 3600.0)
    for n in range(5):
        await Chat(engine, f"learner{n}").onboard()
    senders = Senders()
    senders.add("test", sender)
    runner = PushRunner(engine, senders, concurrency=4)  # commits when 2 senders wait: the 5th waits alone
    report = await asyncio.wait_for(runner.tick(local("2026-03-02 19:00")), 60)
    assert report.count("sent") == 5 and len(sender.sent) == 5
    assert [status for *_, status in await _ledger(engine)] == ["sent"] * 5


async def test_a_pass_starts_with_a_small_claim_and_still_sends_every_due_push_once(
        engine: Engine, sender: RecordingSender, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first claim of a pass takes only a few (sending starts sooner); the pass goes on claiming
    full batches until one comes back short, so nobody due is left for the next pass."""
    monkeypatch.setattr("bot.pushes.delivery.FIRST_CLAIM", 2)
    for n in range(7):
        await Chat(engine, f"learner{n}").onboard()
    senders = Senders()
    senders.add("test", sender)
    report = await PushRunner(engine, senders, batch=3).tick(local("2026-03-02 19:00"))  # claims 2, 3, then 2
    assert report.count("sent") == 7 and len({user for user, _ in sender.sent}) == len(sender.sent) == 7
    assert [status for *_, status in await _ledger(engine)] == ["sent"] * 7


async def test_daylight_saving_time_keeps_the_local_hour(
        engine: Engine, runner: PushRunner, sender: RecordingSender) -> None:
    chat = Chat(engine, "nyc", now=datetime(2026, 3, 5, 15, 0, tzinfo=UTC))
    await chat.onboard(timezone="America/New_York")
    await chat.say("/reminders nudge off")
    # 19:00 EST is 00:00 UTC; after the switch on 8 March 19:00 EDT is 23:00 UTC.
    for day in (6, 7, 8):
        assert (await runner.tick(datetime(2026, 3, day, 0, 0, tzinfo=UTC))).count("sent") == 1
    assert (await runner.tick(datetime(2026, 3, 8, 23, 0, tzinfo=UTC))).count("sent") == 1
    assert (await runner.tick(datetime(2026, 3, 9, 0, 0, tzinfo=UTC))).count("sent") == 0
    assert (await runner.tick(datetime(2026, 3, 9, 23, 0, tzinfo=UTC))).count("sent") == 1
    periods = [row[2] for row in await _ledger(engine)]
    assert periods == ["2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08", "2026-03-09"]


async def test_quiet_hours_move_a_late_quiz_to_the_morning(
        engine: Engine, runner: PushRunner, sender: RecordingSender) -> None:
    chat = Chat(engine)
    await chat.onboard()
    await chat.say("/reminders quiz 23:30")
    assert "quiet hours" in chat.text and "07:00" in chat.text
    await runner.tick(local("2026-03-02 23:30"))
    assert not sender.sent
    await runner.tick(local("2026-03-03 07:00"))
    assert len(sender.sent) == 1
    chat.now = local("2026-03-03 08:00")
    await chat.say("/reminders quiet off")
    await runner.tick(local("2026-03-03 23:30"))
    assert len(sender.sent) == 2


async def test_opt_out_pause_and_resume(engine: Engine, runner: PushRunner, sender: RecordingSender) -> None:
    chat = Chat(engine)
    await chat.onboard()
    await chat.say("/reminders quiz off")
    assert "turned off" in chat.text
    await runner.tick(local("2026-03-02 19:00"))
    assert not sender.sent
    await chat.say("/reminders quiz 20:15")
    await chat.say("/pause")
    assert "paused" in chat.text
    await runner.tick(local("2026-03-02 20:15"))
    await runner.tick(local("2026-03-09 08:00"))  # the weekly nudge is paused too
    assert not sender.sent
    chat.now = local("2026-03-09 09:00")
    await chat.say("/resume")
    assert "Next daily quiz: Monday 20:15" in chat.text
    await runner.tick(local("2026-03-09 20:15"))
    assert len(sender.sent) == 1
    await chat.say("/reminders")
    assert "20:15" in chat.text and "Monday 08:00" in chat.text


async def test_bad_reminder_settings_keep_the_old_values(engine: Engine, runner: PushRunner) -> None:
    chat = Chat(engine)
    await chat.onboard()
    await chat.say("/reminders quiz 25:99")
    assert "can't read" in chat.text and "stays at 19:00" in chat.text
    await chat.say("/reminders quiet tomorrow")
    assert "Nothing changed" in chat.text
    await chat.say("/reminders nudge someday")
    assert "Nothing changed" in chat.text
    await chat.say("/reminders streak maybe")
    assert "Nothing changed" in chat.text
    await chat.say("/reminders holidays on")
    assert "no reminder called" in chat.text
    await chat.say("/tz Mars/Olympus_Mons")
    await chat.say("/reminders")
    assert "Asia/Jakarta" in chat.text and "19:00" in chat.text and "Monday 08:00" in chat.text
    await chat.say("/reminders quiz jam 7 malam")
    assert "19:00" in chat.text
    await chat.say("/reminders nudge jumat 18.30")
    assert "Friday 18:30" in chat.text


async def test_indonesian_learner_gets_indonesian_pushes(
        engine: Engine, runner: PushRunner, sender: RecordingSender) -> None:
    chat = Chat(engine, "budi")
    await chat.onboard(lang="id")
    assert "pukul 19:00" in chat.text
    await runner.tick(local("2026-03-02 19:00"))
    await runner.tick(local("2026-03-09 08:00"))
    quiz, nudge = sender.texts()
    assert "Pertanyaan harianmu" in quiz
    assert "Minggu ke-2 dari 40" in nudge and "Fase 1" in nudge


async def test_weekly_nudge_names_week_phase_focus_checkpoint_schedule_and_streak(
        engine: Engine, runner: PushRunner, sender: RecordingSender) -> None:
    chat = Chat(engine)
    await chat.onboard()
    await chat.say("/reminders quiz off")
    for day in range(6):  # Tuesday to Sunday
        chat.now = local(f"2026-03-0{3 + day} 10:00")
        await chat.say("/quiz")
        await chat.press("I don't know")
    report = await runner.tick(local("2026-03-09 08:00"))
    assert report.count("sent") == 1
    text = sender.texts()[0]
    assert "Week 2 of 40" in text and "Phase 1" in text
    assert "This week's focus" in text and "Portfolio checkpoint" in text and "0/" in text
    assert "behind schedule" in text or "On schedule" in text
    assert "Streak: 6 days" in text
    assert (await runner.tick(local("2026-03-09 08:30"))).count("sent") == 0


async def test_streak_reminder_comes_once_in_the_evening_only_when_at_risk(
        engine: Engine, runner: PushRunner, sender: RecordingSender) -> None:
    chat = Chat(engine)
    await chat.onboard()
    await chat.say("/reminders quiz off")
    for day in (2, 3, 4):  # a 3-day streak, Monday to Wednesday
        chat.now = local(f"2026-03-0{day} 10:00")
        await chat.say("/quiz")
        await chat.press("I don't know")
    # Thursday: active at 01:30 (still Wednesday's streak day, the day turns at 04:00), then
    # nothing: reminded at 20:00.
    chat.now = local("2026-03-05 01:30")
    await chat.say("/quiz")
    await chat.press("I don't know")
    assert "Streak" not in chat.text  # Wednesday was already counted
    await runner.tick(local("2026-03-05 19:59"))
    assert not sender.sent
    await runner.tick(local("2026-03-05 20:00"))
    assert len(sender.sent) == 1 and "3-day streak" in sender.texts()[0]
    await runner.tick(local("2026-03-05 21:00"))
    assert len(sender.sent) == 1
    # Friday: active in the morning, so no reminder that evening.
    chat.now = local("2026-03-06 09:00")
    await chat.say("/quiz")
    await chat.press("I don't know")
    await runner.tick(local("2026-03-06 20:00"))
    assert len(sender.sent) == 1


async def test_a_two_day_streak_gets_no_reminder(engine: Engine, runner: PushRunner,
                                                 sender: RecordingSender) -> None:
    chat = Chat(engine)
    await chat.onboard()
    await chat.say("/reminders quiz off")
    for day in (2, 3):
        chat.now = local(f"2026-03-0{day} 10:00")
        await chat.say("/quiz")
        await chat.press("I don't know")
    await runner.tick(local("2026-03-04 20:00"))
    assert not sender.sent


async def test_a_crash_after_claiming_is_retried_after_the_lease(
        engine: Engine, sender: RecordingSender) -> None:
    chat = Chat(engine)
    await chat.onboard()
    stuck = asyncio.Event()

    class Hanging:
        async def push(self, user_id: str, replies: object) -> SendResult:
            stuck.set()
            await asyncio.Event().wait()
            return SendResult.SENT

    crashing = Senders()
    crashing.add("test", Hanging())
    task = asyncio.create_task(PushRunner(engine, crashing).tick(local("2026-03-02 19:00")))
    await stuck.wait()
    task.cancel()  # the process dies while the message is on its way
    with pytest.raises(asyncio.CancelledError):
        await task
    assert [row[3] for row in await _ledger(engine)] == ["claimed"]
    senders = Senders()
    senders.add("test", sender)
    restarted = PushRunner(engine, senders)
    assert (await restarted.tick(local("2026-03-02 19:02"))).count("sent") == 0  # still leased
    assert (await restarted.tick(local("2026-03-02 19:06"))).count("sent") == 1
    assert (await restarted.tick(local("2026-03-02 19:20"))).count("sent") == 0
    assert len(sender.sent) == 1
    assert [row[3] for row in await _ledger(engine)] == ["sent"]


async def test_transient_errors_retry_with_backoff_then_give_up(
        engine: Engine, runner: PushRunner, sender: RecordingSender) -> None:
    await Chat(engine, "ani").onboard()
    await Chat(engine, "eko").onboard()
    sender.script = [SendResult.RETRY, SendResult.SENT]
    report = await runner.tick(local("2026-03-02 19:00"))
    assert report.count("retry") == 1 and report.count("sent") == 1
    assert (await runner.tick(local("2026-03-02 19:00:30"))).count("sent") == 0  # not before the backoff
    assert (await runner.tick(local("2026-03-02 19:01"))).count("sent") == 1
    assert len(sender.sent) == 2
    sender.script = [SendResult.RETRY] * 10
    moment = local("2026-03-03 19:00")
    for _ in range(12):
        await runner.tick(moment)
        moment += timedelta(minutes=5)
    statuses = [row[3] for row in await _ledger(engine) if row[2] == "2026-03-03"]
    assert sorted(statuses) == ["failed", "failed"]
    assert len(sender.sent) == 2


async def test_a_learner_who_blocked_the_bot_is_skipped_until_they_write(
        engine: Engine, runner: PushRunner, sender: RecordingSender) -> None:
    chat = Chat(engine)
    await chat.onboard()
    sender.script = [SendResult.UNREACHABLE]
    await runner.tick(local("2026-03-02 19:00"))
    async with engine.db.transaction() as session:
        assert (await session.execute(select(Identity.unreachable_since))).scalar_one() is not None
    await runner.tick(local("2026-03-03 19:00"))
    assert not sender.sent
    assert [row[3] for row in await _ledger(engine)] == ["skipped", "skipped"]
    chat.now = local("2026-03-04 08:00")
    await chat.say("/streak")
    await runner.tick(local("2026-03-04 19:00"))
    assert len(sender.sent) == 1


async def test_a_platform_that_is_not_running_keeps_the_push_until_it_is_or_too_late(
        engine: Engine, sender: RecordingSender) -> None:
    await Chat(engine, "ani").onboard()
    senders = Senders()
    runner = PushRunner(engine, senders)
    report = await runner.tick(local("2026-03-02 19:00"))
    assert report.count("waiting") == 1 and not sender.sent
    senders.add("test", sender)
    assert (await runner.tick(local("2026-03-02 19:01"))).count("sent") == 1
    senders.remove("test")
    await runner.tick(local("2026-03-03 19:00"))
    await runner.tick(local("2026-03-03 23:00"))  # more than 3 hours late: dropped, not sent at night
    senders.add("test", sender)
    await runner.tick(local("2026-03-03 23:01"))
    assert len(sender.sent) == 1
    assert [row[3] for row in await _ledger(engine)] == ["sent", "expired"]


async def test_a_clock_jump_sends_nothing_twice_and_skips_stale_pushes(
        engine: Engine, runner: PushRunner, sender: RecordingSender) -> None:
    await Chat(engine).onboard()
    await runner.tick(local("2026-03-02 19:00"))
    await runner.tick(local("2026-03-02 18:00"))  # the clock goes back an hour
    await runner.tick(local("2026-03-02 19:00"))
    assert len(sender.sent) == 1
    # Three days later (the process was down): no pile of old quizzes, the next one comes on time.
    await runner.tick(local("2026-03-05 22:00"))
    assert len(sender.sent) == 1
    await runner.tick(local("2026-03-06 19:00"))
    assert len(sender.sent) == 2


async def test_a_learner_deleted_while_a_push_is_due_is_skipped(
        engine: Engine, runner: PushRunner, sender: RecordingSender) -> None:
    chat = Chat(engine)
    await chat.onboard()
    await Chat(engine, "eko").onboard()
    chat.now = local("2026-03-02 18:59")
    await chat.say("/delete_me")
    await chat.say("/delete_me yes")
    report = await runner.tick(local("2026-03-02 19:00"))
    assert report.count("sent") == 1 and [u for u, _ in sender.sent] == ["eko"]
    async with engine.db.transaction() as session:
        subjects = set((await session.execute(select(PushSchedule.subject))).scalars())
        assert subjects == {"2"}


async def test_a_learner_deleted_while_their_push_is_on_its_way(engine: Engine) -> None:
    chat = Chat(engine)
    await chat.onboard()

    class DeletingSender(RecordingSender):
        async def push(self, user_id: str, replies: object) -> SendResult:
            chat.now = local("2026-03-02 19:00")
            await chat.say("/delete_me")
            await chat.say("/delete_me yes")
            return SendResult.SENT

    senders = Senders()
    senders.add("test", DeletingSender())
    report = await PushRunner(engine, senders).tick(local("2026-03-02 19:00"))
    assert report.count("sent") == 1
    assert await _ledger(engine) == []  # the ledger row went with the learner
    assert not (await PushRunner(engine, senders).tick(local("2026-03-03 19:00"))).outcomes


async def test_console_learners_are_not_pushed(engine: Engine, runner: PushRunner,
                                               sender: RecordingSender) -> None:
    await Chat(engine, "me", platform="console").onboard()
    report = await runner.tick(local("2026-03-02 19:00"))
    assert report.count("skipped") == 1 and not sender.sent


DAYS = 8


@pytest.mark.parametrize("backend", ["postgresql"])
async def test_two_tickers_on_postgresql_never_send_twice(
        engine: Engine, database_url: str, sender: RecordingSender) -> None:
    from bot.storage.database import Database

    users = [f"learner{n}" for n in range(60)]
    for user in users:
        await Chat(engine, user).onboard()
    other_db = Database(database_url)
    try:
        other = Engine(other_db, engine.kb, engine.settings)
        senders = Senders()
        senders.add("test", sender)
        first = PushRunner(engine, senders, batch=7, concurrency=4)
        second = PushRunner(other, senders, batch=5, concurrency=3)
        day = START
        for _ in range(DAYS):
            due = local(day.astimezone(ZoneInfo("Asia/Jakarta")).strftime("%Y-%m-%d") + " 19:00")
            for step in range(3):
                moment = due + timedelta(seconds=20 * step)
                await asyncio.gather(first.tick(moment), second.tick(moment), first.tick(moment))
            day += timedelta(days=1)
    finally:
        await other_db.close()
    quizzes: dict[str, int] = {}
    for user, replies in sender.sent:
        if "daily question" in replies[0].text:
            quizzes[user] = quizzes.get(user, 0) + 1
    assert quizzes == {user: DAYS for user in users}
    async with engine.db.transaction() as session:
        sent = (await session.execute(select(func.count()).where(PushDelivery.status == "sent"))).scalar_one()
    assert sent == len(sender.sent) == DAYS * len(users) + len(users)  # and one weekly nudge each


async def test_the_dry_run_and_a_real_pass_agree_on_what_is_sent(
        engine: Engine, runner: PushRunner, sender: RecordingSender) -> None:
    chat = Chat(engine)
    await chat.onboard()
    await chat.say("/reminders nudge off")
    on_time = await preview(engine, local("2026-03-02 19:00"))
    assert [line for push, line in on_time if push is not None and push.kind == "daily_quiz"]
    late = local("2026-03-02 19:00") + timedelta(hours=5)  # past the daily quiz's 3 hours of freshness
    lines = await preview(engine, late)
    assert [line for push, line in lines if push is not None] == []
    assert any("daily_quiz" in line and "would be expired" in line for _, line in lines)
    report = await runner.tick(late)
    assert report.count("expired") == 1 and report.count("sent") == 0 and sender.sent == []


async def test_the_scheduler_waits_for_the_platforms_to_be_able_to_send(sender: RecordingSender) -> None:
    """``jalur run`` starts its first push pass once the platforms connected, not before (a pass
    before Telegram connects would put every due push off by a minute)."""
    from bot.outbound import Senders

    senders = Senders()
    waiting = asyncio.create_task(senders.wait_for(["test", "other"], timeout=30))
    senders.add("test", sender)
    await asyncio.sleep(0)
    assert not waiting.done()
    senders.add("other", sender)
    assert await waiting == []
    assert await Senders().wait_for(["telegram"], timeout=0.05) == ["telegram"]
