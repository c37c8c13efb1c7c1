"""The way to the dashboard on each platform: Telegram's menu button and Mini App buttons, Discord's
/dashboard with a personal link, the console's `jalur dashboard`."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp import ClientSession
from chat import Chat
from dashboard_web import WEB_URL, Web, init_data, web_settings
from discord_harness import login
from fake_discord import FakeDiscord
from fake_telegram import TOKEN, FakeTelegram
from test_telegram import polling_adapter

from bot.content.loader import KnowledgeBase
from bot.engine import Engine
from bot.settings import Settings
from bot.storage.database import Database

LEARNER = 5001
BIN = Path(sys.executable).parent / "jalur"
JALUR = [str(BIN)] if BIN.exists() else [sys.executable, "-m", "adapters"]


@pytest.fixture
def web_engine(db: Database, kb: KnowledgeBase, settings: Settings) -> Engine:
    return Engine(db, kb, web_settings(settings))


@pytest.fixture
async def telegram(web_engine: Engine, fake_telegram: FakeTelegram) -> AsyncIterator[FakeTelegram]:
    """The Telegram adapter, with the dashboard on, polling a fake Bot API."""
    async with polling_adapter(web_engine, web_engine.settings, fake_telegram):
        yield fake_telegram


async def test_telegram_menu_button_and_progress_open_the_mini_app(telegram: FakeTelegram) -> None:
    fake = telegram
    await fake.wait_for(lambda: fake.methods("setChatMenuButton"))
    menu = fake.methods("setChatMenuButton")[-1].params["menu_button"]
    menu = json.loads(menu) if isinstance(menu, str) else menu
    assert menu == {"type": "web_app", "text": "📊 Dashboard", "web_app": {"url": WEB_URL}}
    assert any(c["command"] == "dashboard" for call in fake.methods("setMyCommands")
               for c in (json.loads(call.params["commands"]) if isinstance(call.params["commands"], str)
                         else call.params["commands"]))
    await fake.reply_to(lambda: fake.say(LEARNER, "/start"), LEARNER)
    for data in ("/lang id", "/track go", "/level 0", "/tz Asia/Jakarta"):
        await fake.reply_to(lambda d=data: fake.press(LEARNER, d), LEARNER)
    progress = (await fake.reply_to(lambda: fake.say(LEARNER, "/progress"), LEARNER))[-1]
    apps = [b for b in progress.buttons if "web_app" in b]
    assert apps == [{"text": "📊 Dasbor", "web_app": {"url": WEB_URL}}]
    dashboard = (await fake.reply_to(lambda: fake.say(LEARNER, "/dashboard"), LEARNER))[-1]
    assert "Dasbor kamu" in dashboard.text and [b.get("web_app") for b in dashboard.buttons] == [{"url": WEB_URL}]
    in_group = (await fake.reply_to(lambda: fake.say(LEARNER, "/dashboard", chat_id=-100), -100))[-1]
    assert "chat pribadi" in in_group.text and in_group.buttons == []


async def test_discord_dashboard_is_an_ephemeral_personal_link(web_engine: Engine, fake: FakeDiscord) -> None:
    bot = await login(web_engine, web_engine.settings, fake)
    try:
        out = await bot.slash(42, "start")
        for label in ("English", "Go", "Fresh", "WIB"):
            out = await bot.press(42, label, replies=2)
        out = await bot.slash(42, "dashboard", guild_id=900)
        reply = out[-1]
        assert reply.ephemeral and "15 minutes" in reply.text
        links = [b for b in reply.buttons if b.get("style") == 5]
        assert len(links) == 1 and links[0]["url"].startswith(WEB_URL + "#t=") and "custom_id" not in links[0]
        token = links[0]["url"].split("#t=", 1)[1]
    finally:
        await bot.adapter.client.close()
    async with Web(web_engine, lambda: datetime.now(UTC)) as web:  # the adapter signed it on the real clock
        status, body, _ = await web.get("/api/v1/dashboard", f"Bearer {token}")
    assert status == 200 and json.loads(body)["learner"]["track"] == "Go"


async def test_without_a_web_address_dashboard_says_it_is_off(engine: Engine) -> None:
    chat = Chat(engine)
    await chat.onboard()
    await chat.say("/dashboard")
    assert "not switched on" in chat.text and chat.buttons == []
    await chat.say("/progress")
    assert all(b.payload != "/dashboard" for b in chat.buttons)
    console = Chat(engine, platform="console")
    await console.onboard()
    await console.say("/dashboard")
    assert "jalur dashboard" in console.text


def test_jalur_dashboard_serves_one_learner_on_localhost(fresh_env: dict[str, str], tmp_path: Path) -> None:
    db = tmp_path / "j.db"
    chat = subprocess.run([*JALUR, "chat", "--user", "ani", "--db", str(db)], input="/start\n1\n1\n1\nWIB\n/progress\n",
                          capture_output=True, text=True, env=fresh_env, timeout=120, check=False)
    assert chat.returncode == 0, chat.stderr
    missing = subprocess.run([*JALUR, "dashboard", "--user", "nobody", "--db", str(db)], capture_output=True,
                             text=True, env=fresh_env, timeout=120, check=False)
    assert missing.returncode == 1 and "jalur chat --user nobody" in missing.stderr
    server = subprocess.Popen([*JALUR, "dashboard", "--user", "ani", "--db", str(db)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=fresh_env)
    try:
        assert server.stdout is not None
        line = server.stdout.readline()  # blocks until the server listens and prints its link
        assert line.startswith("Dashboard of ani: http://127.0.0.1:"), (line, server.stderr)
        link = line.split(": ", 1)[1].strip()
        base, token = link.split("#t=")
        request = urllib.request.Request(base + "api/v1/dashboard", headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            data = json.loads(answer.read())
        assert data["learner"]["track"] == "Go" and data["roadmap"]["plan"]["week"] == 1
        request = urllib.request.Request(base + "api/v1/dashboard", headers={"Authorization": "Bearer x" + token})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 401
    finally:
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0


async def test_dashboard_in_everyday_words_and_its_indonesian_name(web_engine: Engine) -> None:
    chat = Chat(web_engine, "77", platform="discord")
    await chat.onboard(lang="id")
    for text in ("/dasbor", "buka dasbor dong", "lihat dasbor"):
        await chat.say(text)
        assert "Dasbor kamu" in chat.text and [b.url for b in chat.buttons if b.url], text


async def test_jalur_run_serves_the_mini_app_and_logs_no_init_data(
        database_url: str, fresh_env: dict[str, str], fake_telegram: FakeTelegram, tmp_path: Path) -> None:
    from test_operations import _env, _wait_ready, free_port, jalur_run, stop_with_sigterm

    fake, port, web_port = fake_telegram, free_port(), free_port()
    env = _env(fresh_env, fake, database_url, port, JALUR_WEB_URL=WEB_URL, JALUR_WEB_PORT=str(web_port))
    async with jalur_run(env, tmp_path) as process:
        await _wait_ready(port, process)
        await fake.wait_for(lambda: fake.methods("setChatMenuButton"))
        await fake.reply_to(lambda: fake.say(4242, "/start"), 4242)
        credential = "tma " + init_data(4242, signed_at=datetime.now(UTC), token=TOKEN)
        async with ClientSession() as session:
            base = f"http://127.0.0.1:{web_port}"
            async with session.get(f"{base}/api/v1/dashboard", headers={"Authorization": credential}) as answer:
                assert answer.status == 200 and (await answer.json())["learner"]["set_up"] is False
            async with session.get(f"{base}/") as answer:
                assert answer.status == 200 and "frame-ancestors" in answer.headers["Content-Security-Policy"]
        text = await stop_with_sigterm(process)
    assert process.returncode == 0, text
    assert "api/v1/dashboard" in text and credential[4:40] not in text and TOKEN not in text


async def test_a_plain_http_address_gives_telegram_a_signed_link_not_a_mini_app(db: Database, kb: KnowledgeBase,
                                                                                settings: Settings) -> None:
    engine = Engine(db, kb, web_settings(settings).model_copy(update={"web_url": "http://192.0.2.1:8080/"}))
    chat = Chat(engine, "5001", platform="telegram")
    await chat.onboard()
    await chat.say("/dashboard")  # Telegram opens Mini Apps only from HTTPS addresses
    (button,) = chat.buttons
    assert not button.web_app and button.url is not None and button.url.startswith("http://192.0.2.1:8080/#t=")
    await chat.say("/progress")
    assert [b.payload for b in chat.buttons if "Dashboard" in b.label] == ["/dashboard"]
    assert all(not b.web_app for b in chat.buttons)
