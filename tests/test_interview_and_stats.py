"""/interview, /stats, the "review first" nudge of /next, and packs reaching a running bot."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from chat import Chat
from sample_pack import PACK

from bot.content.loader import KnowledgeBase
from bot.engine import Engine
from bot.quiz.bank import MESSAGE_CHECK_SECONDS
from bot.quiz.packs import read_pack, store_pack
from bot.storage.repository import Repository


def _model_answer(kb: KnowledgeBase, chat: Chat) -> str:
    """The model answer (open) or the right letter (choice) of the question just asked."""
    header = chat.replies[-1].text.splitlines()[0]
    prompt = chat.replies[-1].text.split("\n\n")[1]
    question = next(q for q in kb.questions.values() if q.prompt.en == prompt)
    assert header.startswith("🎤")
    if question.kind == "choice":
        assert question.answer is not None
        return "ABCDEF"[question.answer]
    assert question.model_answer is not None
    return question.model_answer.en


async def test_a_mock_interview_asks_five_questions_then_shows_a_scorecard(chat: Chat, kb: KnowledgeBase) -> None:
    await chat.onboard(level=1)  # phase 2 reached
    await chat.say("/interview")
    assert "Mock interview" in chat.text and "Question 1 of 5" in chat.text
    for number in range(1, 6):
        assert f"Question {number} of 5" in chat.replies[-1].text
        if number == 1:
            await chat.say("/quiz")
            assert "middle of a mock interview" in chat.text
            await chat.press("Mock interview")
            assert "still running" in chat.text and "Question 1 of 5" in chat.text
        if number % 2:
            await chat.say(_model_answer(kb, chat))
        else:
            await chat.press("I don't know")
    text = chat.text
    assert "Scorecard: 5 of 5 questions answered" in text
    assert text.count("✅") >= 3 and text.count("❌") >= 2
    assert "Rate" not in text  # no self-rating inside an interview
    await chat.say("/interview")
    assert "Question 1 of 5" in chat.text
    await chat.say("/cancel")
    assert "Mock interview stopped" in chat.text and "no scorecard" in chat.text
    await chat.say("/quiz")
    assert "New question" in chat.text or "Review" in chat.text


async def test_interview_questions_come_from_the_phases_reached(chat: Chat, kb: KnowledgeBase) -> None:
    await chat.onboard(level=0)
    await chat.say("/interview")
    for _ in range(5):
        prompt = chat.replies[-1].text.split("\n\n")[1]
        question = next(q for q in kb.questions.values() if q.prompt.en == prompt)
        assert kb.skill_phase[question.skill] == 1
        await chat.press("I don't know")
    assert "Scorecard: 5 of 5" in chat.text and "Keep practising" in chat.text
    await chat.press("Review")
    assert "Review" in chat.text or "New question" in chat.text


async def test_stats_show_accuracy_per_phase_and_skill_reviews_due_and_recall(chat: Chat) -> None:
    await chat.onboard()
    await chat.say("/stats")
    assert "No answers yet" in chat.text
    await chat.say("/quiz sql-injection-prevention")
    await chat.say("Use parameterized queries with placeholders, never string concatenation, "
                   "validate input with an allowlist and run with a least privilege database user.")
    await chat.say("/quiz n-plus-one")
    await chat.press("I don't know")
    await chat.say("/stats")
    text = chat.text
    assert "Answers: 2 · correct: 1 · partly right: 0 · average score: " in text
    assert "Phase 2: answers 1 · correct 0 · partly 0 · score 0%" in text
    assert "Phase 3: answers 1 · correct 1 · partly 0" in text
    assert text.index("Phase 2") < text.index("Phase 3")
    assert "Database Design: answers 1 · correct 0 · partly 0 · score 0% · 🔁 just missed 1 question" in text
    assert "Database Design: answers 1 · correct 0 · partly 0 · score 0% · recall" not in text
    assert "No reviews due; the next one is tomorrow" in text
    chat.wait(days=3)
    await chat.say("/stats")
    assert "Reviews due now: 2" in chat.text
    assert re.search(r"Security Basics: answers 1 · correct 1 · partly 0 · score \d+% · recall ~\d+%", chat.text)
    assert "recall ~100%" not in chat.text
    assert "just missed 1 question" in chat.text  # still missed until it is answered again


@pytest.mark.parametrize(("lang", "partial_answer", "expected", "missed", "no_number"), [
    ("en", "use an orm or a query builder and validate input",
     "Security Basics: answers 1 · correct 0 · partly 1 · score 30% · recall ~100%",
     "Database Design: answers 1 · correct 0 · partly 0 · score 0% · 🔁 just missed 1 question, coming back",
     "Database Design: answers 1 · correct 0 · partly 0 · score 0% · recall"),
    ("id", "pakai orm atau query builder dan validasi input",
     "Dasar Keamanan: jawaban 1 · benar 0 · sebagian 1 · skor 30% · daya ingat ~100%",
     "Desain Database: jawaban 1 · benar 0 · sebagian 0 · skor 0% · 🔁 1 pertanyaan terakhir belum tepat",
     "Desain Database: jawaban 1 · benar 0 · sebagian 0 · skor 0% · daya ingat"),
])
async def test_stats_count_a_partial_answer_and_show_a_miss_as_missed(
        chat: Chat, lang: str, partial_answer: str, expected: str, missed: str, no_number: str) -> None:
    await chat.onboard(lang=lang)
    await chat.say("/quiz sql-injection-prevention")
    await chat.say(partial_answer)
    await chat.say("/quiz n-plus-one")
    await chat.send_payload("/answer n-plus-one ?")
    await chat.say("/stats")
    assert expected in chat.text and missed in chat.text, chat.text
    assert no_number not in chat.text  # no "recall ~100%" for a question just missed
    await chat.say("/quiz n-plus-one")  # answered again, right this time: recall is back
    await chat.send_payload("/answer n-plus-one Use eager loading with a JOIN or batch the IN query instead of one query per row")
    await chat.say("/stats")
    line = next(line for line in chat.text.splitlines() if line.startswith("- " + missed.split(":")[0]))
    assert "🔁" not in line and no_number.split("0% · ")[1] + " ~" in line, chat.text


async def test_what_next_suggests_reviewing_a_weak_skill_first(chat: Chat) -> None:
    await chat.onboard()
    await chat.say("/quiz n-plus-one")
    await chat.press("I don't know")
    await chat.say("/next")
    assert "Before you move on" not in chat.text
    chat.wait(days=4)
    await chat.say("/next")
    assert "Before you move on: your recall of Database Design" in chat.text
    assert "Next: Main Language" in chat.text  # the recommendation itself is still there
    await chat.press("Review Database Design")
    assert "Review" in chat.text and "n-plus-one" in chat.text


async def test_a_pack_added_to_the_database_reaches_a_running_bot(chat: Chat, engine: Engine, kb: KnowledgeBase,
                                                                 tmp_path: Path) -> None:
    await chat.onboard()
    await chat.say("/quiz kb-put-vs-patch")
    assert "no questions on" in chat.text
    pack_file = tmp_path / "study-group.yaml"
    pack_file.write_text(PACK.replace("pack: kelompok-belajar\n", ""), encoding="utf-8")
    pack = read_pack(pack_file, kb)
    assert pack.name == "study-group"
    async with engine.db.transaction() as session:
        await store_pack(Repository(session).quiz, pack, chat.now)
    await asyncio.sleep(MESSAGE_CHECK_SECONDS)  # running bots look at the pack table every 2 s
    await chat.say("/quiz kb-put-vs-patch")
    assert "When do you use PUT instead of PATCH?" in chat.text
    await chat.say("PUT is a full replacement of the resource")
    assert "Correct" in chat.text and "PUT replaces the whole resource" in chat.text
