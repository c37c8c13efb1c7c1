"""What a reply declares beyond its text, through the engine: what it waits for (a typed answer
to question X, or a pick among its options) and the language it is written in. Adapters render
these and guess nothing from payload strings."""

from __future__ import annotations

from dataclasses import replace

from chat import START, Chat
from recording_sender import RecordingSender
from sqlalchemy import select

from bot.conversation import Expect, ExpectKind, Reply
from bot.engine import Engine
from bot.outbound import Senders
from bot.pushes.delivery import PushRunner
from bot.storage.tables import PushSchedule

OPEN = "lang-error-handling-layers"
CHOICE = "lang-async-cpu-bound"


async def test_a_question_says_whether_it_waits_for_typed_words_or_an_option(engine: Engine) -> None:
    chat = Chat(engine)
    await chat.onboard(lang="id")
    await chat.say(f"/quiz {OPEN}")
    asked = chat.replies[-1]
    assert asked.expects == Expect(ExpectKind.ANSWER, OPEN, f"/answer {OPEN}")
    assert asked.expects.free_text and asked.language == "id"
    await chat.send_payload(asked.expects.payload("?"))  # what a text box would send
    assert "❌" in chat.text and chat.replies[0].expects is None
    await chat.say(f"/quiz {CHOICE}")
    asked = chat.replies[-1]
    assert replace(asked.expects, choice=None) == Expect(ExpectKind.CHOICE, CHOICE, f"/answer {CHOICE}")
    assert not asked.expects.free_text and asked.language == "id"
    question, choice = engine.bank.get(CHOICE), asked.expects.choice  # the question as data, for a native quiz
    assert question is not None and choice is not None and choice.ask == f"/quiz {CHOICE}"
    assert choice.prompt in asked.text and choice.intro in asked.text and choice.correct == question.answer
    assert choice.options == tuple(option.get("id") for option in question.options)
    await chat.say(f"/answer {CHOICE} maybe")  # names no option: asked to pick one, still waiting (buttons)
    assert chat.replies[-1].expects == replace(asked.expects, choice=None)
    assert chat.replies[-1].buttons == asked.buttons


async def test_every_reply_of_a_conversation_names_its_language(engine: Engine) -> None:
    seen: list[Reply] = []
    chat = Chat(engine, language_hint="en")
    for step in ("/start", "/lang id", "/track go", "/level 0", "/tz Asia/Jakarta", "/next", "/quiz",
                 "?", "/progress", "/settings", "/help", "/frobnicate", "what", "/lang en", "/streak"):
        seen += await (chat.send_payload(step) if step.startswith("/") else chat.say(step))
    assert all(reply.language in ("en", "id") for reply in seen), [r.text[:40] for r in seen if not r.language]
    assert seen[1].language == "id" and seen[-1].language == "en"  # after /lang, in the new language


async def test_the_daily_quiz_push_waits_for_an_answer_in_the_learners_language(engine: Engine) -> None:
    sender = RecordingSender()
    senders = Senders()
    senders.add("test", sender)
    chat = Chat(engine)
    await chat.onboard(lang="id")
    async with engine.db.transaction() as session:
        due = (await session.execute(select(PushSchedule.due_at).where(PushSchedule.kind == "daily_quiz"))
               ).scalar_one()
    assert due > START
    await PushRunner(engine, senders).tick(due)
    (_, replies), = sender.sent
    question = replies[-1]
    assert question.language == "id" and question.expects is not None
    assert any(b.payload == question.expects.payload("?") for b in question.flat_buttons)


async def test_a_group_quiz_post_is_in_the_groups_language_whoever_asked_for_it(engine: Engine) -> None:
    admin = Chat(engine, "boss", platform="discord", group="server-1", admin=True, language_hint="en")
    await admin.say("/setup channel=900 name=belajar time=19:00 timezone=Asia/Jakarta language=id")
    await admin.say("/groupquiz")
    post, ack = admin.replies
    assert post.channel == "900" and post.language == "id" and ack.language == "en"
    assert post.expects is not None and post.expects.command.startswith("/group_answer ")
    assert post.expects.free_text == (engine.bank.get(post.expects.question).kind == "open")  # type: ignore[union-attr]
