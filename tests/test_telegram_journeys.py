"""A new Indonesian learner's first days on Telegram, typed as people type: the real
python-telegram-bot Application against the fake Bot API. Every reply is in Indonesian,
everyday requests are understood, and a typed answer to Jalur's own question works."""

from __future__ import annotations

from fake_telegram import FakeTelegram
from test_telegram import clock, quiz_polls, telegram  # noqa: F401  (fixtures)

from bot.engine import Engine

ANI = 5101
ENGLISH = ("Week ", "week", "schedule", "Skipped", "Next:", "Why this one", "Correct", "Model answer",
           "I'm not sure", "Streak: day", "Question", "Daily quiz")


async def _say(fake: FakeTelegram, text: str) -> str:
    out = await fake.reply_to(lambda: fake.say(ANI, text, language="id"), ANI)
    return "\n".join(c.text for c in out)


async def _press(fake: FakeTelegram, data: str) -> str:
    out = await fake.reply_to(lambda: fake.press(ANI, data, language="id"), ANI)
    return "\n".join(c.text for c in out)


async def test_an_indonesian_learners_first_conversation_on_telegram(telegram: FakeTelegram,  # noqa: F811
                                                                     engine: Engine) -> None:
    fake = telegram
    replies = [await _say(fake, "/start")]
    for data in ("/lang id", "/track python", "/level 0", "/tz Asia/Jakarta"):
        replies.append(await _press(fake, data))
    assert "Bahasa Utama" in replies[-1] or "minggu ke-1" in replies[-1], replies[-1]

    replies.append(await _say(fake, "habis ini apa"))
    assert "Berikutnya" in replies[-1] and "Bahasa Utama" in replies[-1], replies[-1]
    replies.append(await _say(fake, "kasih soal dong"))
    assert "Pertanyaan" in replies[-1], replies[-1]
    replies.append(await _say(fake, "/kuis n-plus-one"))
    replies.append(await _say(fake, "itu query tambahan buat tiap item di loop, gara2 lazy loading ORM. "
                                    "solusinya pake join atau eager loading"))
    assert "Benar" in replies[-1] or "Sebagian benar" in replies[-1], replies[-1]
    assert "hari ke-1" in replies[-1], replies[-1]

    replies.append(await _say(fake, "/pengingat"))
    replies.append(await _press(fake, "/reminders quiz"))
    replies.append(await _say(fake, "jam 8 malam"))
    assert "20:00" in replies[-1], replies[-1]
    replies.append(await _say(fake, "makasih"))
    replies.append(await _say(fake, "streak aku gimana"))
    assert "hari ke-1" in replies[-1], replies[-1]

    for reply in replies:
        assert "Aku kurang paham" not in reply and "kurang paham" not in reply, reply
        for word in ENGLISH:
            assert word not in reply, (word, reply)
