"""Jalur on Discord: the real discord.py client, command tree and persistent buttons against a
fake Discord REST API; interactions are handed to the client as the gateway would."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from discord_harness import Discord, login, until
from fake_discord import FakeDiscord, Sent

from bot.engine import Engine
from bot.settings import Settings

ANI, BUDI = 4001, 4002
GUILD, CHANNEL = 7001, 7101


async def test_slash_commands_are_registered_with_indonesian_descriptions(discord_bot: Discord) -> None:
    names = {c["name"]: c for c in discord_bot.fake.commands}
    assert {"next", "quiz", "streak", "progress", "stats", "interview", "settings", "help"} <= set(names)
    assert names["next"]["description_localizations"]["id"] == "Habis ini belajar apa?"
    assert names["quiz"]["options"][0]["name"] == "topic"


async def test_a_conversation_in_direct_messages(discord_bot: Discord) -> None:
    out = await discord_bot.slash(ANI, "start")
    assert "Welcome to Jalur" in out[-1].text and not out[-1].ephemeral
    for label in ("English", "Go", "Fresh", "WIB"):
        out = await discord_bot.press(ANI, label, replies=2)
    assert "All set" in "".join(s.text for s in out)
    out = await discord_bot.slash(ANI, "next")
    assert "Why" in out[-1].text or "why" in out[-1].text.lower()
    out = await discord_bot.slash(ANI, "quiz", {"topic": "sql"})
    labels = [b["label"] for b in out[-1].buttons]
    assert any("Answer" in label for label in labels) or "A" in labels


async def test_a_button_pressed_after_a_restart_still_works(engine: Engine, settings: Settings,
                                                             fake: FakeDiscord) -> None:
    first = await login(engine, settings, fake)
    await first.slash(ANI, "start")
    for label in ("English", "Go", "Fresh", "WIB"):
        await first.press(ANI, label, replies=2)
    await first.slash(ANI, "quiz", {"topic": "sql-injection-prevention"})
    await first.adapter.client.close()  # the process stops; the question message stays in the chat
    second = await login(engine, settings, fake)
    try:
        out = await second.press(ANI, "know")  # "I don't know" on the old message
        assert "parameter" in "".join(s.text for s in out).lower()
    finally:
        await second.adapter.client.close()


async def test_typed_answers_come_from_a_text_box(discord_bot: Discord, fake: FakeDiscord) -> None:
    await discord_bot.slash(ANI, "start")
    for label in ("English", "Go", "Fresh", "WIB"):
        await discord_bot.press(ANI, label, replies=2)
    out = await discord_bot.slash(ANI, "quiz", {"topic": "sql-injection-prevention"})
    answer_id = next(b["custom_id"] for b in out[-1].buttons if "Answer" in b["label"])
    before = len(fake.sent)
    await discord_bot.interact(fake.press(ANI, answer_id))
    assert len(fake.sent) > before, "no text box was opened"
    modal = fake.sent[-1]
    assert modal.body["type"] == 9  # a modal
    field_id = modal.body["data"]["components"][0]["components"][0]["custom_id"]
    out = await discord_bot.deliver(fake.submit(ANI, modal.body["data"]["custom_id"],
                                                {field_id: "use parameterized queries, never string concatenation"}))
    assert "✅" in out[-1].text or "🟡" in out[-1].text


async def test_personal_replies_are_ephemeral_in_a_server(discord_bot: Discord) -> None:
    out = await discord_bot.slash(BUDI, "start", guild_id=GUILD, channel_id=CHANNEL)
    assert out[-1].ephemeral
    out = await discord_bot.slash(BUDI, "help", guild_id=GUILD, channel_id=CHANNEL, locale="id")
    assert out[-1].ephemeral


def test_shard_settings_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    from pydantic import ValidationError

    monkeypatch.setenv("JALUR_DISCORD_SHARD_COUNT", "4")
    monkeypatch.setenv("JALUR_DISCORD_SHARD_IDS", "[2,3]")
    assert Settings(_env_file=None).discord_shard_ids == [2, 3]
    monkeypatch.setenv("JALUR_DISCORD_SHARD_IDS", "[3,4]")
    with pytest.raises(ValidationError, match="shards 0 to 3"):
        Settings(_env_file=None)
    monkeypatch.delenv("JALUR_DISCORD_SHARD_COUNT")
    with pytest.raises(ValidationError, match="needs JALUR_DISCORD_SHARD_COUNT"):
        Settings(_env_file=None)


def test_jalur_run_says_which_platform_could_not_start(fresh_env: dict[str, str], tmp_path: Any) -> None:
    import subprocess

    from test_telegram import JALUR

    env = {**fresh_env, "JALUR_DISCORD_TOKEN": "not-a-real-token", "JALUR_DISCORD_API_URL": "http://127.0.0.1:9/api/v10",
           "JALUR_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/jalur.db"}
    result = subprocess.run([*JALUR, "run"], env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 1
    assert "jalur: error: Discord stopped: ClientConnectorError" in result.stderr
    assert "Traceback" not in result.stderr and "voice" not in result.stderr


# --- what a reply expects, in the learner's language ---------------------------------------

OPEN, CHOICE = "lang-error-handling-layers", "lang-async-cpu-bound"  # an open and a choice question


async def press_payload(bot: Discord, user: int, payload: str, *, replies: int = 1) -> list[Any]:
    """Press the button (on the latest message that has it) whose payload starts with ``payload``."""
    ids = [b["custom_id"] for s in reversed(bot.fake.messages()) for b in s.live_buttons
           if b["custom_id"].startswith(f"jalur:{payload}")]
    assert ids, payload
    return await bot.deliver(bot.fake.press(user, ids[0]), replies=replies)


async def onboard(bot: Discord, user: int, lang: str) -> None:
    await bot.slash(user, "start")
    for payload in (f"/lang {lang}", "/track go", "/level 0", "/tz Asia/Jakarta"):
        await press_payload(bot, user, payload, replies=2)


def text_boxes(sent: Any) -> list[dict[str, Any]]:
    """The buttons of a message that open a text box."""
    return [b for b in sent.buttons if b["custom_id"].startswith("jalur-answer:")]


async def open_text_box(bot: Discord, user: int, button: dict[str, Any], *, channel_id: int = 1,
                        message: Sent | None = None) -> dict[str, Any]:
    """Press a text box button; the modal Discord was asked to show.

    Waits until the client is done with the press, not just until the modal was sent: the client
    registers the modal only after Discord answered, and a submission before that is dropped.
    """
    before = len(bot.fake.sent)
    await bot.interact(bot.fake.press(user, button["custom_id"], channel_id=channel_id, message=message))
    assert len(bot.fake.sent) > before, "no text box was opened"
    modal = bot.fake.sent[-1].body
    assert modal["type"] == 9, modal
    return dict(modal["data"])


async def test_an_indonesian_learners_daily_quiz_dm_is_answered_in_a_text_box_in_indonesian(
        engine: Engine, settings: Settings, fake: FakeDiscord) -> None:
    from sqlalchemy import select

    from bot.outbound import Senders
    from bot.pushes.delivery import PushRunner
    from bot.storage.tables import PushSchedule, QuizAnswer

    moment = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)  # Monday 12:00 in Jakarta
    bot = await login(engine, settings, fake, lambda: moment)
    try:
        await onboard(bot, ANI, "id")  # the Discord client itself is in English (en-US)
        await bot.slash(ANI, "quiz", {"topic": OPEN})
        await press_payload(bot, ANI, f"/answer {OPEN} ?")  # "Tidak tahu": it comes back as tomorrow's review
        senders = Senders()
        senders.add("discord", bot.adapter)
        runner = PushRunner(engine, senders)
        for _day in ("today", "tomorrow"):
            async with engine.db.transaction() as session:
                due = (await session.execute(select(PushSchedule.due_at).where(PushSchedule.kind == "daily_quiz"))
                       ).scalar_one()  # 19:00 in Jakarta
            assert (await runner.tick(due)).count("sent") == 1
        dm = fake.messages("channel")[-1]
        assert dm.target == str(ANI + 1) and OPEN in dm.text
        labels = [b["label"] for b in dm.buttons]
        assert "🤷 Tidak tahu" in labels and "✍️ Jawab" in labels and "✍️ Answer" not in labels
        (box,) = text_boxes(dm)
        modal = await open_text_box(bot, ANI, box, channel_id=ANI + 1)
        assert modal["title"] == "Jawaban kamu"
        field = modal["components"][0]["components"][0]
        assert field["label"] == "Jawab dengan kata-katamu sendiri"
        question = engine.bank.get(OPEN)
        assert question is not None and question.model_answer is not None
        out = await bot.deliver(fake.submit(ANI, modal["custom_id"], {field["custom_id"]: question.model_answer.get("id")},
                                            channel_id=ANI + 1))
        assert "✅" in out[-1].text or "🟡" in out[-1].text
        async with engine.db.transaction() as session:
            verdicts = (await session.execute(select(QuizAnswer.verdict).where(QuizAnswer.question_id == OPEN)
                                              .order_by(QuizAnswer.id))).scalars().all()
        assert verdicts[0] == "incorrect" and verdicts[1] in ("correct", "partial")
    finally:
        await bot.adapter.client.close()


async def test_only_an_open_question_gets_a_text_box(discord_bot: Discord, fake: FakeDiscord) -> None:
    await onboard(discord_bot, ANI, "en")
    out = await discord_bot.slash(ANI, "quiz", {"topic": CHOICE})
    labels = [b["label"] for b in out[-1].buttons]
    assert {"A", "B", "🤷 I don't know"} <= set(labels) and not text_boxes(out[-1])
    await press_payload(discord_bot, ANI, f"/answer {CHOICE} 1")
    out = await discord_bot.slash(ANI, "quiz", {"topic": OPEN})
    (box,) = text_boxes(out[-1])
    assert box["label"] == "✍️ Answer" and box["custom_id"] == f"jalur-answer:en/answer {OPEN}"
    modal = await open_text_box(discord_bot, ANI, box)
    assert modal["title"] == "Your answer"
    field_id = modal["components"][0]["components"][0]["custom_id"]
    out = await discord_bot.deliver(fake.submit(ANI, modal["custom_id"], {field_id: "?"}))
    assert "❌" in out[-1].text and not text_boxes(out[-1])
    assert len(discord_bot.adapter._locks) == 0  # no lock is kept once nobody holds it


async def test_an_answer_button_sent_before_replies_declared_it_still_works(discord_bot: Discord,
                                                                           fake: FakeDiscord) -> None:
    await onboard(discord_bot, ANI, "en")
    await discord_bot.slash(ANI, "quiz", {"topic": OPEN})
    old = {"type": 2, "style": 1, "label": "✍️ Answer", "custom_id": f"jalur-answer:{OPEN}"}  # the old custom id
    message = Sent("followup", "old", {"content": "an open question", "components": [{"type": 1, "components": [old]}]})
    modal = await open_text_box(discord_bot, ANI, old, message=message)
    field_id = modal["components"][0]["components"][0]["custom_id"]
    out = await discord_bot.deliver(fake.submit(ANI, modal["custom_id"], {field_id: "?"}))
    assert "❌" in out[-1].text


async def test_the_library_api_url_is_set_only_while_a_client_is_logged_in(
        engine: Engine, settings: Settings, fake: FakeDiscord) -> None:
    import discord
    from discord_harness import _settings

    from adapters.discord.bot import DiscordAdapter

    library_url = discord.http.Route.BASE
    adapter = DiscordAdapter(engine, _settings(settings, fake))
    assert library_url == discord.http.Route.BASE  # making an adapter changes nothing
    await adapter.client.login("fake-discord-token")
    try:
        assert fake.api_url == discord.http.Route.BASE
        other = DiscordAdapter(engine, _settings(settings, fake).model_copy(
            update={"discord_api_url": "http://127.0.0.1:9/api/v10"}))
        with pytest.raises(RuntimeError, match="already uses"):
            await other.client.login("fake-discord-token")  # refused before it opened anything
    finally:
        await adapter.client.close()
    assert library_url == discord.http.Route.BASE


def test_importing_the_discord_adapter_changes_no_global_state() -> None:
    import subprocess
    import sys
    from pathlib import Path

    code = ("import logging, discord; base = discord.http.Route.BASE; import adapters.discord.bot; "
            "assert discord.http.Route.BASE == base; "
            "assert not logging.getLogger('discord.http').filters and not logging.getLogger('discord.client').filters")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120, cwd=Path(__file__).resolve().parents[1])


# --- escaping: no stray backslash in any reply of a whole conversation ----------------------


def stray_backslashes(text: str) -> list[str]:
    """Lines of a sent message with a backslash Discord would show: at the end of a line, or in
    front of a character that needs no escaping."""
    from adapters.discord.render import ESCAPABLE

    bad = []
    for line in text.split("\n"):
        index = 0
        while index < len(line):
            if line[index] == "\\":
                if index + 1 == len(line) or line[index + 1] not in ESCAPABLE:
                    bad.append(line)
                    break
                index += 1
            index += 1
    return bad


def test_lists_stay_lists_and_only_markdown_characters_are_escaped() -> None:
    from adapters.discord.render import to_markdown

    assert to_markdown("**Why this one**\n- a_b\n- c") == "**Why this one**\n- a\\_b\n- c"
    assert to_markdown("**bold** - not a list\nx > y\n> quote\n# head\n-# small") == (
        "**bold** - not a list\nx > y\n\\> quote\n\\# head\n\\-# small")
    assert to_markdown("see https://example.com/a_b_c. `x*y` <@1> 2*3") == (
        "see https://example.com/a_b_c. `x*y` \\<@1> 2\\*3")
    assert stray_backslashes("**Why this one**\\\n- a") == ["**Why this one**\\"]
    assert stray_backslashes("a \\. b") and not stray_backslashes("a\\_b \\\\ \\*")


@pytest.mark.parametrize("lang", ["en", "id"])
async def test_no_reply_of_a_whole_conversation_shows_a_stray_backslash(
        engine: Engine, settings: Settings, fake: FakeDiscord, lang: str) -> None:
    from test_discord_groups import ADMIN, GUILD, MANAGE_SERVER, QUIZ_CHANNEL, Clock

    clock = Clock()
    bot = await login(engine, settings, fake, clock)
    locale = "id" if lang == "id" else "en-US"
    try:
        await onboard(bot, ANI, lang)
        await bot.slash(ANI, "next")
        await press_payload(bot, ANI, "/skip ")
        await bot.slash(ANI, "next")
        await press_payload(bot, ANI, "/done ")
        await bot.slash(ANI, "quiz", {"topic": CHOICE})
        await press_payload(bot, ANI, f"/answer {CHOICE} 2")
        out = await bot.slash(ANI, "quiz", {"topic": OPEN})
        (box,) = text_boxes(out[-1])
        modal = await open_text_box(bot, ANI, box)
        field_id = modal["components"][0]["components"][0]["custom_id"]
        await bot.deliver(fake.submit(ANI, modal["custom_id"],
                                      {field_id: "wrap *errors* in `service_layer` [then] > log \\ them # once"}))
        await press_payload(bot, ANI, f"/rate {OPEN} 3")
        await bot.slash(ANI, "interview")
        await bot.slash(ANI, "cancel")
        for name in ("stats", "streak", "progress", "roadmap", "settings", "reminders", "help", "project"):
            await bot.slash(ANI, name, locale=locale)
        await bot.slash(ANI, "roadmap", {"topic": "1"})
        await bot.slash(ANI, "skill", {"topic": "sql"})
        await press_payload(bot, ANI, "/reminders quiz")
        await bot.slash(ADMIN, "setup", {"channel": (QUIZ_CHANNEL, "belajar"), "language": lang},
                        guild_id=GUILD, channel_id=QUIZ_CHANNEL, permissions=MANAGE_SERVER, replies=2)
        post, _ = await bot.slash(ADMIN, "groupquiz", guild_id=GUILD, channel_id=QUIZ_CHANNEL,
                                  permissions=MANAGE_SERVER, replies=2)
        dont_know = next(b["custom_id"] for b in post.buttons if b["custom_id"].endswith(" ?"))
        await bot.deliver(fake.press(ANI, dont_know, guild_id=GUILD, channel_id=QUIZ_CHANNEL, message=post))
        await bot.slash(ANI, "leaderboard", guild_id=GUILD, channel_id=QUIZ_CHANNEL, locale=locale)
        texts = [s.text for s in fake.sent if s.text]
        assert len(texts) > 40 and any("\n- " in t for t in texts)  # lists were among them
        assert [line for t in texts for line in stray_backslashes(t)] == []
    finally:
        await bot.adapter.client.close()


# --- a press updates the message it was on ------------------------------------------------


async def test_a_press_updates_the_message_it_was_on_and_a_finished_step_cannot_run_again(
        discord_bot: Discord, fake: FakeDiscord) -> None:
    def last_callback_type() -> int:
        return int([s for s in fake.sent if s.kind == "callback"][-1].body["type"])

    welcome = (await discord_bot.slash(ANI, "start"))[-1]
    out = await press_payload(discord_bot, ANI, "/lang en", replies=2)
    assert last_callback_type() == 6  # a deferred update: no "thinking..." message
    assert out[0] is welcome and welcome.edits == 1
    assert welcome.buttons and not welcome.live_buttons  # the language step cannot run again
    assert [b["custom_id"] for b in welcome.buttons if b["style"] == 3] == ["jalur:/lang en"]  # the choice shows
    for payload in ("/track go", "/level 0", "/tz Asia/Jakarta"):
        await press_payload(discord_bot, ANI, payload, replies=2)
    assert not [s for s in fake.messages() if any("/lang " in b["custom_id"] for b in s.live_buttons)]
    question = (await discord_bot.slash(ANI, "quiz", {"topic": CHOICE}))[-1]
    prompt, before = question.text, len(fake.messages())
    out = await press_payload(discord_bot, ANI, f"/answer {CHOICE} 1")
    assert last_callback_type() == 6 and out == [question] and len(fake.messages()) == before  # no extra message
    assert question.text.startswith(prompt) and ("✅" in question.text or "❌" in question.text)
    assert f"jalur:/answer {CHOICE} 2" not in {b["custom_id"] for b in question.buttons}  # the verdict's buttons
    assert question.live_buttons


async def test_a_press_on_a_shared_group_quiz_post_leaves_the_post_alone(discord_bot: Discord,
                                                                        fake: FakeDiscord) -> None:
    from test_discord_groups import ADMIN, GUILD, MANAGE_SERVER, QUIZ_CHANNEL

    await discord_bot.slash(ADMIN, "setup", {"channel": (QUIZ_CHANNEL, "belajar")}, guild_id=GUILD,
                            channel_id=QUIZ_CHANNEL, permissions=MANAGE_SERVER, replies=2)
    post, _ = await discord_bot.slash(ADMIN, "groupquiz", guild_id=GUILD, channel_id=QUIZ_CHANNEL,
                                      permissions=MANAGE_SERVER, replies=2)
    dont_know = next(b["custom_id"] for b in post.buttons if b["custom_id"].endswith(" ?"))
    out = await discord_bot.deliver(fake.press(ANI, dont_know, guild_id=GUILD, channel_id=QUIZ_CHANNEL, message=post))
    assert out[-1].ephemeral and out[-1] is not post and "❌" in out[-1].text
    await until(lambda: "1 member has answered so far" in post.text)  # only Jalur's own count changes it
    assert post.live_buttons and not [s for s in fake.sent if s.kind == "edit" and s.target != (
        f"{post.target}/{post.message_id}")]  # the press itself edited nothing


async def test_each_onboarding_press_edits_its_own_step_and_sends_only_the_next_one(
        discord_bot: Discord, fake: FakeDiscord) -> None:
    step = (await discord_bot.slash(ANI, "start"))[-1]
    for payload, ack in (("/lang en", "Language: **English**"), ("/track go", "Track: **Go**"),
                         ("/level 0", "Starting from week 1"), ("/tz Asia/Jakarta", "Timezone: `Asia/Jakarta`")):
        prompt, before = step.text, len(fake.messages())
        out = await press_payload(discord_bot, ANI, payload, replies=2)
        assert out[0] is step and step.edits == 1  # the pressed step's own message, edited once
        assert step.text.startswith(prompt) and ack in step.text  # the answer shows under its question
        assert not step.live_buttons and [b["custom_id"] for b in step.buttons if b["style"] == 3] == [
            f"jalur:{payload}"]  # finished: the choice marked, nothing left to press
        assert len(fake.messages()) == before + 1 and len(out) == 2  # the next step only, no separate ack
        step = out[1]
    assert "All set" in step.text and step.live_buttons
    assert not [s for s in fake.messages()[:-1] if s.live_buttons]  # no earlier step can run again


async def test_no_message_can_ping_everyone_a_role_or_a_user(engine: Engine, settings: Settings,
                                                              fake: FakeDiscord) -> None:
    """Learners' names and answers end up in messages; Discord is told to notify nobody for any of them."""
    from test_discord_groups import ADMIN, GUILD, MANAGE_SERVER, QUIZ_CHANNEL

    bot = await login(engine, settings, fake)
    try:
        await onboard(bot, ANI, "en")
        await bot.slash(ANI, "quiz", {"topic": "@everyone <@&123> @here"})
        await bot.slash(ADMIN, "setup", {"channel": (QUIZ_CHANNEL, "belajar")}, guild_id=GUILD,
                        channel_id=QUIZ_CHANNEL, permissions=MANAGE_SERVER, replies=2)
        await bot.slash(ADMIN, "groupquiz", guild_id=GUILD, channel_id=QUIZ_CHANNEL, permissions=MANAGE_SERVER,
                        replies=2)
        with_text = [s for s in fake.sent if s.text or s.buttons]
        kinds = {s.kind for s in with_text}
        assert {"followup", "channel", "edit"} <= kinds, kinds
        for sent in with_text:
            body = sent.body.get("data", sent.body) if sent.kind == "callback" else sent.body
            assert body.get("allowed_mentions") == {"parse": []}, (sent.kind, sent.text[:60])
        assert any("@everyone" in s.text for s in with_text)  # the learner's words were echoed, harmlessly
    finally:
        await bot.adapter.client.close()
