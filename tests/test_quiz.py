"""The quiz as a learner lives it: questions, verdicts, reviews coming back, ratings, bad answers."""

from __future__ import annotations

from chat import Chat
from sqlalchemy import func, select

from bot.content.loader import KnowledgeBase
from bot.engine import Engine
from bot.storage.tables import QuizAnswer, ReviewCard, StreakDay


async def _count(engine: Engine, table: type) -> int:
    async with engine.db.transaction() as session:
        return (await session.execute(select(func.count()).select_from(table))).scalar_one()


def _question_id(chat: Chat) -> str:
    """The id shown in the header of the question just asked (between backticks)."""
    header = chat.replies[-1].text.splitlines()[0]
    return header.split("`")[1]


async def test_indonesian_answer_with_a_typo_gets_a_verdict_with_hits_and_misses(chat: Chat) -> None:
    await chat.onboard(lang="id")
    await chat.say("/kuis n-plus-one")
    assert "Pertanyaan baru" in chat.text and "N+1" in chat.text
    await chat.say("N+1 itu kuery tambahan per item di dalam loop, biasanya karena lazy loding di ORM. "
                   "Solusinya pakai join atau eager loading.")
    text = chat.text
    assert "Benar" in text or "Sebagian benar" in text
    assert "Yang sudah kamu sebut:" in text and "Biasanya muncul dari lazy loading relasi di ORM" in text
    assert "Yang terlewat:" in text and "Deteksi dengan logging SQL" in text
    assert "Contoh jawaban:" in text and "🔥 Streak: hari ke-1." in text
    await chat.say("/streak")
    assert "hari ke-1" in chat.text and "■" in chat.text


async def test_a_question_comes_back_as_a_due_review_after_its_interval(chat: Chat, engine: Engine) -> None:
    await chat.onboard()
    await chat.say("/quiz sql-injection-prevention")
    await chat.say("Never concatenate input into SQL: use parameterized queries / prepared statements with "
                   "placeholders, validate input with an allowlist, and give the app user least privilege.")
    assert "Correct" in chat.text and "Next review: in 2 days" in chat.text

    chat.wait(days=1)
    await chat.say("/quiz")
    assert "New question" in chat.text and _question_id(chat) != "sql-injection-prevention"
    await chat.say("/cancel")  # what Skip sends; a choice question has no Skip button

    chat.wait(days=1)
    await chat.say("/quiz")
    assert "Review" in chat.text and _question_id(chat) == "sql-injection-prevention"
    async with engine.db.transaction() as session:
        card = (await session.execute(select(ReviewCard))).scalar_one()
    assert card.reviews == 1 and card.due <= chat.now


async def test_due_reviews_come_oldest_first_and_before_new_questions(chat: Chat) -> None:
    await chat.onboard()
    await chat.say("/quiz cap-theorem")
    await chat.press("I don't know")  # Again: due tomorrow
    chat.wait(hours=1)
    await chat.say("/quiz n-plus-one")
    await chat.press("I don't know")
    chat.wait(days=3)
    await chat.say("/quiz")
    assert "Review" in chat.text and _question_id(chat) == "cap-theorem"
    await chat.press("I don't know")
    await chat.say("/quiz")
    assert "Review" in chat.text and _question_id(chat) == "n-plus-one"


async def test_self_rating_replaces_the_graders_rating_once(chat: Chat) -> None:
    await chat.onboard()
    await chat.say("/quiz cache-stampede")
    await chat.say("it is when the cache is slow")
    assert "Next review: tomorrow" in chat.text
    await chat.press("Easy")
    assert "Noted: Easy" in chat.text and "in 8 days" in chat.text
    await chat.send_payload("/rate cache-stampede 1")
    assert "already rated that answer (Easy)" in chat.text
    await chat.send_payload("/rate n-plus-one 3")
    assert "no answer of yours to rate" in chat.text
    await chat.say("/rate cache-stampede 7")
    assert "/rate QUESTION-ID 1-4" in chat.text


async def test_a_button_pressed_twice_counts_once(chat: Chat, engine: Engine, kb: KnowledgeBase) -> None:
    await chat.onboard()
    await chat.say("/quiz redis-pubsub-offline")
    question = kb.questions["redis-pubsub-offline"]
    assert question.answer is not None
    right = "ABCDEF"[question.answer]
    first = chat.button(right).payload
    await chat.send_payload(first)
    assert "Correct" in chat.text
    await chat.send_payload(first)
    assert "already answered that question" in chat.text
    await chat.say(right.lower())  # typed after the fact: not taken as an answer again
    assert await _count(engine, QuizAnswer) == 1
    assert await _count(engine, StreakDay) == 1
    await chat.say("/answer not-a-question 1")
    assert "don't know that question" in chat.text
    await chat.say("/answer n-plus-one some words")
    assert "not open right now" in chat.text
    assert await _count(engine, QuizAnswer) == 1


async def test_choice_questions_take_a_letter_a_number_or_ask_again(chat: Chat, kb: KnowledgeBase) -> None:
    await chat.onboard()
    await chat.say("/quiz redis-pubsub-offline")
    await chat.say("/answer redis-pubsub-offline banana")
    assert "Pick one of the options: A, B, C, D" in chat.text
    question = kb.questions["redis-pubsub-offline"]
    assert question.answer is not None
    wrong = (question.answer + 1) % len(question.options)
    await chat.say(str(wrong + 1))
    assert "Not yet" in chat.text and f"Answer: {'ABCDEF'[question.answer]}." in chat.text


async def test_any_answer_gets_a_verdict_and_nothing_crashes(chat: Chat, engine: Engine) -> None:
    await chat.onboard()
    answers = [
        "緩存 キャッシュ 🙂🙂🙂 ٱلسَّلَامُ",
        "a" * 3990,
        "\x00\x01\x02 cache \ufffd\ufffe",
        "don't cache it, never use a lock, no TTL jitter",
        "' OR 1=1; DROP TABLE learners; --",
    ]
    for number, text in enumerate(answers, start=1):
        await chat.say("/quiz cache-stampede" if number == 1 else "/quiz")
        await chat.say(text)
        assert "Model answer" in chat.text or "Answer:" in chat.text or "Pick one" in chat.text, chat.text
        if "Pick one" in chat.text:
            await chat.press("I don't know")
        chat.wait(minutes=5)
    await chat.say("/quiz")
    await chat.say("x" * 5000)
    assert "5000 characters" in chat.text
    await chat.say("/quiz")
    assert "still have a question open" in chat.text
    assert await _count(engine, QuizAnswer) == len(answers)


async def test_negated_answer_does_not_earn_the_concept(chat: Chat) -> None:
    await chat.onboard()
    await chat.say("/quiz cache-stampede")
    await chat.say("Don't use a lock and don't add jitter to the TTL, and no request coalescing.")
    assert "Not yet" in chat.text and "You covered" not in chat.text


async def test_quiz_topic_narrows_to_a_skill_or_phase_and_explains_unknown_ones(chat: Chat, kb: KnowledgeBase) -> None:
    await chat.onboard()
    await chat.say("/quiz docker")
    assert kb.questions[_question_id(chat)].skill == "docker"
    await chat.say("/cancel")  # what Skip sends; a choice question has no Skip button
    await chat.say("/quiz 4")
    assert kb.skill_phase[kb.questions[_question_id(chat)].skill] == 4
    await chat.say("/cancel")  # what Skip sends; a choice question has no Skip button
    await chat.say("/quiz underwater basket weaving")
    assert "no questions on \"underwater basket weaving\"" in chat.text
    await chat.say("/quiz " + "z" * 500)
    assert "…" in chat.text


async def test_a_topic_with_nothing_new_or_due_offers_early_practice(chat: Chat, kb: KnowledgeBase) -> None:
    await chat.onboard()
    ids = [q.id for q in kb.questions.values() if q.skill == "git-workflow"]
    assert len(ids) >= 3
    for _ in ids:
        await chat.say("/quiz git")
        assert "New question" in chat.text
        await chat.press("I don't know")
    await chat.say("/quiz git")
    assert "Extra practice" in chat.text and _question_id(chat) in ids


async def test_free_text_commands_still_work_while_a_question_is_open(chat: Chat) -> None:
    await chat.onboard()
    await chat.say("/quiz cap-theorem")
    await chat.say("what next")
    assert "Next:" in chat.text
    await chat.say("/cancel")
    assert "Question skipped" in chat.text
    await chat.say("consistency availability partition tolerance")
    assert "not sure what you mean" in chat.text


async def test_an_open_question_is_forgotten_after_two_days(chat: Chat) -> None:
    await chat.onboard()
    await chat.say("/quiz cap-theorem")
    chat.wait(days=3)
    await chat.say("In a network partition you choose consistency or availability")
    assert "Model answer" not in chat.text


async def test_two_presses_at_the_same_moment_count_once(chat: Chat, engine: Engine, kb: KnowledgeBase) -> None:
    import asyncio

    from bot.conversation import Incoming

    await chat.onboard()
    await chat.say("/quiz redis-pubsub-offline")
    question = kb.questions["redis-pubsub-offline"]
    assert question.answer is not None
    press = Incoming(platform=chat.platform, user_id=chat.user, chat_id=chat.user,
                     payload=f"/answer redis-pubsub-offline {question.answer + 1}")
    first, second = await asyncio.gather(engine.handle(press, now=chat.now), engine.handle(press, now=chat.now))
    texts = sorted(reply.text for reply in [*first, *second])
    assert sum("**Correct**" in t for t in texts) == 1, texts
    assert sum("already answered" in t for t in texts) == 1, texts
    assert await _count(engine, QuizAnswer) == 1
    assert await _count(engine, StreakDay) == 1


async def test_a_learner_can_dispute_a_verdict_in_one_tap(chat: Chat, engine: Engine) -> None:
    await chat.onboard()
    await chat.say("/quiz cache-stampede")
    await chat.say("when the cache is slow you add more redis servers")
    assert "Not yet" in chat.text or "Partly right" in chat.text
    await chat.press("I disagree")
    assert "Thanks, noted" in chat.text and "still counts" in chat.text
    assert [b.payload for b in chat.buttons][:4] == [f"/rate cache-stampede {n}" for n in (1, 2, 3, 4)]
    async with engine.db.transaction() as session:
        stored = (await session.execute(select(QuizAnswer))).scalar_one()
    assert stored.disputed_at == chat.now and stored.answer_text == "when the cache is slow you add more redis servers"
    await chat.send_payload("/dispute cache-stampede")
    assert "already disputed" in chat.text
    await chat.say("/dispute n-plus-one")
    assert "nothing to dispute" in chat.text
    await chat.say("/dispute")
    assert "/dispute QUESTION-ID" in chat.text
    chat.wait(days=8)
    await chat.say("/quiz cache-stampede")
    await chat.say("gak tau")
    await chat.press("I disagree")
    assert "Thanks, noted" in chat.text


async def test_an_indonesian_verdict_quotes_the_learners_words_and_offers_the_dispute(chat: Chat) -> None:
    await chat.onboard(lang="id")
    await chat.say("/kuis latency-500ms-to-50ms")
    await chat.say("Redis cache pake TTL di depan DB, trus invalidate pas ada write")
    assert "katamu: “Redis cache" in chat.text
    assert chat.button("Aku tidak setuju").payload == "/dispute latency-500ms-to-50ms"


async def test_a_verdict_says_why_a_right_but_short_or_unsure_answer_is_half_right(chat: Chat) -> None:
    await chat.onboard(lang="id")
    await chat.say("/kuis lang-race-condition-counter")
    await chat.say("race condition, pake atomic incr")
    assert "Sebagian benar" in chat.text
    assert "terlalu singkat" in chat.text
    await chat.say("/kuis node-graceful-shutdown")
    await chat.say("tangkep SIGTERM, panggil server.close() biar request yg jalan kelar, abis itu tutup pool db "
                   "terus exit. yg soal job queue aku kurang paham")
    assert "belum yakin soal sebagian" in chat.text
    assert "singkat" not in chat.text
