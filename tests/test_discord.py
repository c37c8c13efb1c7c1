"""Jalur on Discord: the real discord.py client, command tree and persistent buttons against a
fake Discord REST API; interactions are handed to the client as the gateway would."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from discord_harness import Discord, login
from fake_discord import FakeDiscord

from bot.engine import Engine
from bot.settings import Settings

ANI, BUDI = 4001, 4002
GUILD, CHANNEL = 7001, 7101


async def test_slash_commands_are_registered_with_indonesian_descriptions(discord_bot: Discord) -> None:
    names = {c["name"]: c for c in discord_bot.fake.commands}
    assert {"next", "quiz", "streak", "progress", "stats", "interview", "settings", "help"} <= set(names)
    assert names["next"]["description_localizations"]["id"] == "Apa yang dipelajari berikutnya?"
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
    discord_bot.adapter.client._connection.parse_interaction_create(fake.press(ANI, answer_id))
    for _ in range(200):
        if len(fake.sent) > before:
            break
        await asyncio.sleep(0.01)
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
    result = subprocess.run([*JALUR, "run"], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert "jalur: error: Discord stopped: ClientConnectorError" in result.stderr
    assert "Traceback" not in result.stderr and "voice" not in result.stderr
