"""A new Indonesian learner's first conversation on Discord: the real discord.py client against
the fake Discord API. Every message and every button is in Indonesian, a typed answer in
everyday Indonesian gets its verdict, and setup, the next step, the quiz and the streak work."""

from __future__ import annotations

from discord_harness import Discord
from fake_discord import FakeDiscord
from test_discord import onboard, open_text_box, press_payload, text_boxes

ANI = 4101
ENGLISH = ("Week ", "week", "schedule", "Skipped", "Next:", "Why this one", "Correct", "Model answer",
           "I don't know", "Answer", "Streak: day", "Question", "Done", "Skip")


async def test_an_indonesian_learners_first_conversation_on_discord(discord_bot: Discord,
                                                                    fake: FakeDiscord) -> None:
    await onboard(discord_bot, ANI, "id")
    out = await discord_bot.slash(ANI, "next")
    assert "Bahasa Utama" in out[-1].text, out[-1].text
    out = await press_payload(discord_bot, ANI, "/done")
    assert "Streak: hari ke-1" in "".join(s.text for s in out) or "hari ke-1" in "".join(s.text for s in out)
    out = await discord_bot.slash(ANI, "quiz", {"topic": "n-plus-one"})
    question = out[-1]
    assert "N+1" in question.text
    (box,) = text_boxes(question)
    modal = await open_text_box(discord_bot, ANI, box, channel_id=ANI + 1)
    assert modal["title"] == "Jawaban kamu"
    field = modal["components"][0]["components"][0]
    out = await discord_bot.deliver(fake.submit(
        ANI, modal["custom_id"],
        {field["custom_id"]: "itu query tambahan buat tiap item di loop, gara2 lazy loading ORM. "
                             "solusinya pake join atau eager loading"}, channel_id=ANI + 1))
    assert "Benar" in out[-1].text or "Sebagian benar" in out[-1].text, out[-1].text
    out = await discord_bot.slash(ANI, "streak")
    assert "hari ke-1" in out[-1].text, out[-1].text
    await discord_bot.slash(ANI, "reminders")

    seen = fake.messages()
    assert len(seen) >= 8
    for sent in seen:
        labels = " ".join(str(b.get("label", "")) for b in sent.buttons)
        for word in ENGLISH:
            assert word not in sent.text, (word, sent.text)
            assert word not in labels, (word, labels)
