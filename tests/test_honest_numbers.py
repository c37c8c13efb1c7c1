"""Placement and progress numbers that tell the truth (issue 15), in English and Indonesian.

Typed placement understands the track's language, one placement rule gives
one plan week, placement ticks no project, a skip is not learning, the plan
ends at week 40 without absurd numbers, and "/done xyz" admits nothing is
close. The last two tests walk a learner's first two weeks.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from chat import Chat
from recording_sender import RecordingSender

from bot.engine import Engine
from bot.pushes.delivery import PushRunner

ENGLISH_WORDS = ("Week ", "week", "schedule", "Skipped", "skills", "project ", "Next:", "Why this one")


def local(text: str) -> datetime:
    """A wall-clock time in Jakarta."""
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo("Asia/Jakarta"))


async def _up_to_placement(chat: Chat, lang: str, track: str) -> None:
    await chat.say("/start")
    await chat.send_payload(f"/lang {lang}")
    await chat.send_payload(f"/track {track}")


async def _progress_head(chat: Chat) -> str:
    """The /progress lines before the phase bars (week and schedule)."""
    await chat.say("/progress")
    return chat.text.split("\n\n")[0]


# 1. Placement by typed skills: the track's language is the main-language skill.

@pytest.mark.parametrize("typed", ["python, git, sql", "pyhton, git, sql"])
async def test_typed_placement_counts_the_track_language_as_main_language(chat: Chat, typed: str) -> None:
    await _up_to_placement(chat, "en", "python")
    await chat.say(typed)
    assert "Marked as known: Main Language, Git Workflow, SQL" in chat.text
    assert "didn't recognise" not in chat.text
    await chat.send_payload("/tz Asia/Jakarta")
    await chat.say("/next")
    assert "Next: Main Language" not in chat.text


async def test_typed_placement_in_everyday_indonesian(chat: Chat) -> None:
    await _up_to_placement(chat, "id", "go")
    await chat.say("udah bisa golang, git sama sql")
    assert "Ditandai sudah dikuasai: Bahasa Utama, Git Workflow, SQL" in chat.text
    assert "tidak aku kenali" not in chat.text
    await chat.say("jakarta")
    await chat.say("/progress")
    assert "3/5 skill" in chat.text


# 2. One placement, one plan: the level button and typed skills agree.

@pytest.mark.parametrize("lang", ["en", "id"])
async def test_typing_every_phase_1_skill_places_like_the_level_button(engine: Engine, kb, lang: str) -> None:  # type: ignore[no-untyped-def]
    typed = Chat(engine, "typed")
    await _up_to_placement(typed, lang, "go")
    await typed.say(", ".join(s.id for s in kb.skills_in_phase(1, core=True)))
    await typed.send_payload("/tz Asia/Jakarta")
    by_button = Chat(engine, "button")
    await by_button.onboard(lang=lang, level=1)
    for chat in (typed, by_button):
        summary = chat.text
        assert ("week 9 of 40, in phase 2" in summary) or ("minggu ke-9 dari 40, di fase 2" in summary), summary
    assert await _progress_head(typed) == await _progress_head(by_button)
    head = await _progress_head(typed)
    assert ("Week 9 of 40" in head and "On schedule" in head) or (
        "Minggu ke-9 dari 40" in head and "Sesuai jadwal" in head), head
    await typed.say("/next")
    assert "(phase 2)" in typed.text or "(fase 2)" in typed.text


async def test_a_few_typed_skills_start_a_little_later_and_on_schedule(chat: Chat) -> None:
    await _up_to_placement(chat, "en", "go")
    await chat.say("git, sql")  # 2 of phase 1's 6 steps (5 skills and the project): 2.7 of its 8 weeks
    assert "You start in week 3 of 40, in phase 1" in chat.text
    await chat.send_payload("/tz Asia/Jakarta")
    assert "week 3 of 40" in chat.text
    assert "On schedule" in await _progress_head(chat)


# 3. The level button ticks no project.

async def test_the_level_button_leaves_earlier_projects_open_and_says_so(chat: Chat) -> None:
    await _up_to_placement(chat, "en", "go")
    await chat.send_payload("/level 2")
    assert "core skills of phases 1 and 2 are marked as known" in chat.text
    assert "You start in week 19 of 40, in phase 3" in chat.text
    assert "portfolio projects of phases 1 and 2 stay open" in chat.text
    await chat.send_payload("/tz Asia/Jakarta")
    await chat.say("/progress")
    assert "Phase 1 (weeks 1-8): 5/5 skills, project ⬜" in chat.text
    assert "Phase 2 (weeks 9-18): 6/6 skills, project ⬜" in chat.text
    assert "Phase 3 (weeks 19-28): 0/5 skills, project ⬜ ← you are here" in chat.text
    assert "On schedule" in chat.text and "phases you placed past: phase 1 and 2" in chat.text
    await chat.say("/project 1")
    assert "Phase 1 is complete" not in chat.text
    await chat.say("/project_done 1 yes")
    await chat.say("/progress")
    assert "Phase 1 (weeks 1-8): 5/5 skills, project ✅" in chat.text
    assert "Phase 2 (weeks 9-18): 6/6 skills, project ⬜" in chat.text


async def test_the_level_button_in_indonesian_says_the_project_stays_open(chat: Chat) -> None:
    await _up_to_placement(chat, "id", "php")
    await chat.send_payload("/level 1")
    assert "Skill inti fase 1 aku tandai" in chat.text
    assert "Kamu mulai di minggu ke-9 dari 40, di fase 2" in chat.text
    assert "Proyek portofolio fase 1 belum aku centang" in chat.text and "/project 1" in chat.text
    await chat.send_payload("/tz Asia/Jakarta")
    await chat.say("/progres")
    assert "proyek ⬜" in chat.text and "proyek ✅" not in chat.text
    assert "Sesuai jadwal" in chat.text


# 4. A skip is not learning.

@pytest.mark.parametrize(("lang", "ahead", "skipped"), [
    ("en", "About a week ahead", "Skipped, not counted as learned: 1"),
    ("id", "Sekitar seminggu lebih cepat", "Skill yang dilewati (belum dihitung sudah dipelajari): 1"),
])
async def test_a_skip_does_not_count_as_progress(chat: Chat, lang: str, ahead: str, skipped: str) -> None:
    await chat.onboard(lang=lang)
    await chat.say("/done main-language")
    await chat.say("/skip git-workflow")
    await chat.say("/progress")
    assert ahead in chat.text  # one learned skill of six steps in eight weeks, not the three weeks of two
    assert skipped in chat.text
    assert "1/5" in chat.text and "2/5" not in chat.text
    await chat.say("/skip sql-deep")
    await chat.say("/skip linux-cli")
    await chat.say("/progress")
    assert ahead in chat.text  # skipping more moves nothing


# 5. Past week 40.

@pytest.mark.parametrize(("lang", "expected", "absent"), [
    ("en", ("Week 53: the 40 weeks of the plan are over.",
            "Still to go: 20 core skills and 4 portfolio projects", "your own pace"), ("behind", "ahead")),
    ("id", ("Minggu ke-53: 40 minggu rencananya sudah lewat.",
            "Masih tersisa: 20 skill inti dan 4 proyek portofolio", "ritme kamu"), ("tertinggal", "lebih cepat")),
])
async def test_past_week_40_the_plan_is_over_without_absurd_numbers(
        engine: Engine, runner: PushRunner, sender: RecordingSender,
        lang: str, expected: tuple[str, ...], absent: tuple[str, ...]) -> None:
    chat = Chat(engine)
    await chat.onboard(lang=lang)
    await chat.say("/done sql-deep")
    chat.now = local("2027-03-07 10:00")  # a Sunday in week 53
    await chat.say("/progress")
    for text in expected:
        assert text in chat.text
    for word in absent:
        assert word not in chat.text
    await chat.say("/next")
    assert "40-week plan is over" in chat.text or "rencana 40 minggu kamu sudah lewat" in chat.text
    await chat.say("/reminders quiz off")
    await chat.say("/reminders nudge monday 08:30")  # the next nudge counts from now
    sender.sent.clear()
    assert (await runner.tick(local("2027-03-08 08:30"))).count("sent") == 1
    nudge = sender.texts()[0]
    assert ("Week 54" in nudge) or ("Minggu ke-54" in nudge), nudge
    assert expected[1] in nudge
    for word in absent:
        assert word not in nudge


# 6. "/done xyz": nothing is close, and Jalur says so.

@pytest.mark.parametrize(("lang", "nothing_close"), [
    ("en", "no skill of the roadmap comes close"),
    ("id", "tidak ada skill di roadmap yang mirip"),
])
async def test_done_with_nothing_close_suggests_nothing(chat: Chat, lang: str, nothing_close: str) -> None:
    await chat.onboard(lang=lang)
    for text in ("xyz", "qwerty", "hello world"):
        await chat.say(f"/done {text}")
        assert nothing_close in chat.text
        assert not any(b.payload.startswith("/done ") for b in chat.buttons), [b.label for b in chat.buttons]
    await chat.say("/done dokcer")  # a typo still gets its one suggestion
    assert [b.payload for b in chat.buttons if b.payload.startswith("/done ")] == ["/done docker"]


# 7. Two weeks of two learners.

async def test_two_weeks_of_an_english_learner_placed_in_phase_2(
        engine: Engine, runner: PushRunner, sender: RecordingSender) -> None:
    chat = Chat(engine)
    await chat.onboard(lang="en", track="node", level=1)
    assert "week 9 of 40, in phase 2" in chat.text
    await chat.say("/next")
    assert "(phase 2)" in chat.text and "Week 9 of your 40-week plan" in chat.text
    first = chat.button("Done").payload
    await chat.send_payload(first)
    assert "Phase 2: 1/" in chat.text
    chat.wait(days=2)
    await chat.say("/skip")
    head = await _progress_head(chat)  # one of phase 2's 7 steps (10 weeks) learned in two days
    assert "Week 9 of 40" in head and "About a week ahead" in head, head
    assert "Skipped, not counted as learned: 1" in chat.text
    await chat.say("/reminders quiz off")
    sender.sent.clear()
    assert (await runner.tick(local("2026-03-09 08:00"))).count("sent") == 1
    nudge = sender.texts()[0]
    assert "Week 10 of 40" in nudge and "Phase 2" in nudge and "On schedule" in nudge, nudge
    assert "Phase 1" not in nudge
    chat.now = local("2026-03-16 10:00")  # week 11, still one skill of phase 2 learned
    head = await _progress_head(chat)
    assert "Week 11 of 40" in head and "On schedule" in head, head
    chat.now = local("2026-03-23 10:00")  # week 12
    head = await _progress_head(chat)
    assert "Week 12 of 40" in head and "About 2 weeks behind" in head, head
    await chat.say("/next")
    assert "Week 12 of your 40-week plan" in chat.text and "(phase 2)" in chat.text


async def test_two_weeks_of_an_indonesian_learner_from_zero(
        engine: Engine, runner: PushRunner, sender: RecordingSender) -> None:
    chat = Chat(engine)
    await chat.onboard(lang="id", track="python", level=0)
    assert "minggu ke-1 dari 40, di fase 1" in chat.text
    await chat.say("/lanjut")
    assert "Minggu ke-1 dari rencana 40 minggu kamu" in chat.text
    await chat.send_payload(chat.button("Selesai").payload)
    head = await _progress_head(chat)
    assert "Minggu ke-1 dari 40" in head and "Sekitar seminggu lebih cepat" in head, head
    await chat.say("/lewati")
    await chat.say("/progres")
    assert "Skill yang dilewati (belum dihitung sudah dipelajari): 1" in chat.text
    assert "Sekitar seminggu lebih cepat" in chat.text
    await chat.say("/reminders quiz off")
    sender.sent.clear()
    assert (await runner.tick(local("2026-03-09 08:00"))).count("sent") == 1
    nudge = sender.texts()[0]
    assert "Minggu ke-2 dari 40" in nudge and "Fase 1" in nudge and "Sesuai jadwal" in nudge, nudge
    for reply in (nudge, chat.text):
        for word in ENGLISH_WORDS:
            assert word not in reply, (word, reply)
    chat.now = local("2026-03-16 10:00")  # week 3, one skill learned
    head = await _progress_head(chat)
    assert "Minggu ke-3 dari 40" in head and "Sesuai jadwal" in head, head
    chat.now = local("2026-03-23 10:00")  # week 4
    head = await _progress_head(chat)
    assert "Ketinggalan sekitar 2 minggu" in head, head


@pytest.mark.parametrize(("lang", "skipped_reason", "done_reason"), [
    ("en", "You skipped what it builds on (Main Language)", "prerequisites are done: Main Language"),
    ("id", "Dasarnya (Bahasa Utama) kamu lewati", "Prasyaratnya sudah beres: Bahasa Utama"),
])
async def test_a_skipped_prerequisite_is_not_called_done(
        chat: Chat, lang: str, skipped_reason: str, done_reason: str) -> None:
    await chat.onboard(lang=lang)
    await chat.say("/skip main-language")
    for skill in ("git-workflow", "sql-deep", "linux-cli"):
        await chat.say(f"/done {skill}")
    assert "dsa-basics" in chat.button("✅").payload  # the next step builds on the skipped language
    assert skipped_reason in chat.text and done_reason not in chat.text
