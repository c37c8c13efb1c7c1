"""/settings, /lang, /track, /tz after setup, and /delete_me."""

from __future__ import annotations

from datetime import UTC, datetime

from chat import Chat
from recording_sender import RecordingSender
from sqlalchemy import func, select

from bot.engine import Engine
from bot.outbound import Senders
from bot.pushes.delivery import PushRunner
from bot.storage.poll_store import PollRoute
from bot.storage.tables import Base


async def _row_counts(engine: Engine) -> dict[str, int]:
    async with engine.db.transaction() as session:
        return {
            table.name: (await session.execute(select(func.count()).select_from(table))).scalar_one()
            for table in Base.metadata.sorted_tables
        }


async def test_settings_show_and_change_language_track_and_timezone(chat: Chat) -> None:
    await chat.onboard(track="go", timezone="Asia/Jakarta")
    await chat.say("/settings")
    assert "Language: English" in chat.text and "Track: Go" in chat.text
    assert "Asia/Jakarta` (now 09:00)" in chat.replies[0].text

    await chat.press("Track")
    await chat.press("Java")
    assert "Track: **Java / Kotlin**" in chat.replies[0].text

    await chat.press("Settings")
    await chat.press("Language")
    await chat.press("Bahasa Indonesia")
    assert "Bahasa: Bahasa Indonesia." in chat.text

    await chat.say("/pengaturan")
    await chat.press("Zona waktu")
    await chat.say("berlin")  # typed after the prompt
    assert "Europe/Berlin" in chat.text
    await chat.say("/settings")
    assert "Europe/Berlin` (sekarang 03:00)" in chat.replies[0].text


async def test_an_invalid_timezone_keeps_the_old_one(chat: Chat) -> None:
    await chat.onboard(timezone="Asia/Makassar")
    await chat.say("/tz Mars/Olympus_Mons")
    assert "kept `Asia/Makassar`" in chat.replies[0].text
    await chat.say("/tz jakrta")
    assert "Asia/Jakarta" in chat.text


async def test_changing_track_keeps_progress(chat: Chat) -> None:
    await chat.onboard(track="go")
    await chat.say("/done main-language")
    await chat.say("/track node")
    await chat.say("/progress")
    assert "1/5 skills" in chat.text and "Node.js / TypeScript" in chat.text


async def test_delete_me_asks_first_then_deletes_every_row(chat: Chat, engine: Engine) -> None:
    other = Chat(engine, "budi")
    await other.onboard()
    await other.say("/done main-language")
    await other.say("/quiz sql-injection-prevention")
    await other.say("use parameterized queries")
    await chat.onboard(level=1)
    await chat.say("/done rest-api-design")
    await chat.say("/check 2 rbac")
    await chat.say("/quiz")
    await chat.press("I don't know")
    await chat.say("/interview")
    await chat.press("I don't know")
    in_server = Chat(engine, "ani", group="server")  # the same learner in a study group's server
    admin = Chat(engine, "boss", group="server", admin=True)
    await admin.say("/setup channel=900")
    await admin.say("/groupquiz")
    await in_server.send_payload(next(b.payload for b in admin.buttons if b.payload.endswith(" ?")))
    await chat.say("/link")
    senders = Senders()
    senders.add("test", RecordingSender())
    await PushRunner(engine, senders).tick(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))  # 19:00 in Jakarta
    before = await _row_counts(engine)
    assert before["push_deliveries"] == 3  # two learners' daily quizzes and the group's

    await chat.say("/delete_me")
    assert "deletes **everything**" in chat.replies[0].text
    await chat.press("Cancel")
    assert "Cancelled" in chat.text
    assert await _row_counts(engine) == before

    await chat.say("/delete_me yes")  # typed without a fresh confirmation prompt: asks again
    assert "Are you sure?" in chat.text
    await chat.press("Yes, delete everything")
    assert "everything about you is deleted" in chat.text
    # only budi is left: main-language done, the next skill being learned, one answer, one streak day
    # (and the server admin, a learner who never set up, with the study group and its quiz)
    after = await _row_counts(engine)
    assert after == {"learners": 2, "identities": 2, "skill_progress": 2,
                     "project_items": 0, "phase_completions": 0, "interviews": 0, "pack_questions": 0,
                     "quiz_answers": 1, "review_cards": 1, "streak_days": 1, "seen_updates": 0,
                     "push_schedules": 4, "push_deliveries": 2, "study_groups": 1, "group_quizzes": 2,
                     "group_answers": 0, "group_members": 0, "link_codes": 0, "sent_polls": 0, "poll_votes": 0}
    assert before["group_answers"] == before["group_members"] == before["link_codes"] == 1

    await other.say("/progress")
    assert "1/5 skills" in other.text
    await chat.say("/next")  # a deleted learner starts over
    assert "Answer this first" in chat.text and "Welcome to Jalur" in chat.text


async def test_delete_confirmation_expires(chat: Chat, engine: Engine) -> None:
    await chat.onboard()
    await chat.say("/delete_me")
    chat.wait(minutes=30)
    await chat.press("Yes, delete everything")
    assert "Are you sure?" in chat.text
    assert (await _row_counts(engine))["learners"] == 1


async def test_typed_answers_to_a_pending_question(chat: Chat, engine: Engine) -> None:
    await chat.onboard()
    await chat.say("/tz")
    await chat.say("Xyzzy")
    assert "not a timezone I know" in chat.text
    await chat.say("tokyo")  # still answering the timezone question
    assert "Asia/Tokyo" in chat.text
    await chat.say("what next")  # the question is closed: back to normal chat
    assert "Next: Main Language" in chat.text

    await chat.say("/delete_me")
    await chat.say("nope")
    assert "Cancelled" in chat.text
    await chat.say("/delete_me")
    await chat.say("ya")
    assert "everything about you is deleted" in chat.text
    assert (await _row_counts(engine))["learners"] == 0


async def test_delete_me_also_forgets_the_quiz_polls_sent_to_the_learner(chat: Chat, engine: Engine) -> None:
    await chat.onboard()
    other = Chat(engine, "budi")
    await other.onboard()
    for user, poll in (("ani", "p1"), ("budi", "p2")):
        route = PollRoute(platform="test", poll_id=poll, chat_id=user, message_id="1", user_id=user,
                          question_id="q", answer_command="/answer q", ask_command="/quiz q", shared_chat=False)
        await engine.remember_poll(route, now=chat.now)
        assert await engine.claim_poll_vote("test", poll, user, now=chat.now) is not None
    await chat.say("/delete_me yes")
    await chat.press("Yes, delete everything")
    counts = await _row_counts(engine)
    assert counts["sent_polls"] == counts["poll_votes"] == 1  # budi's poll and vote stay
    assert await engine.claim_poll_vote("test", "p1", "ani", now=chat.now) is None
