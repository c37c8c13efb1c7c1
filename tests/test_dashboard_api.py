"""The dashboard's JSON API: who may read what (Telegram initData, signed links), and what a learner
with no history, a known history, 10,000 answers or deleted data gets."""

from __future__ import annotations

import json
import logging
from datetime import date, timedelta

import pytest
from chat import Chat
from dashboard_history import KNOWN_COUNTS, LOOK_AT, heavy_learner, known_history
from dashboard_web import BOT_TOKEN, Web, init_data, link_of, web_settings
from pydantic import SecretStr

from bot.content.loader import KnowledgeBase
from bot.engine import Engine
from bot.quiz.recall import recall_by_skill
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.repository import Repository
from bot.storage.tables import GroupQuiz

MAX_JSON_BYTES = 200_000


@pytest.fixture
def web_engine(db: Database, kb: KnowledgeBase, settings: Settings) -> Engine:
    """The engine with the dashboard switched on."""
    return Engine(db, kb, web_settings(settings))


def _no_data(body: bytes) -> None:
    """An error answer: a short error code, nothing of any learner."""
    answer = json.loads(body)
    assert set(answer) == {"error"} and len(body) < 64


async def _bearer(chat: Chat) -> str:
    await chat.say("/dashboard")
    return "Bearer " + link_of(chat.replies).split("#t=", 1)[1]


async def test_telegram_init_data_opens_that_learners_dashboard_and_nobody_elses(web_engine: Engine) -> None:
    known = await known_history(web_engine, user="5001", platform="telegram")
    other = Chat(web_engine, "5002", platform="telegram", now=LOOK_AT)
    await other.onboard()
    async with Web(web_engine, lambda: LOOK_AT) as web:
        status, body, _ = await web.get("/api/v1/dashboard", "tma " + init_data(5001, signed_at=LOOK_AT))
        assert status == 200
        data = json.loads(body)
        first = data["streak"]["first"]
        assert first == "2025-03-06"
        counts = {day: data["streak"]["answers"][(_date(day) - _date(first)).days] for day in KNOWN_COUNTS}
        assert counts == KNOWN_COUNTS
        assert {s["id"]: s["status"] for p in data["roadmap"]["phases"] for s in p["skills"]}[known.done_skill] == "done"

        status, body, _ = await web.get("/api/v1/dashboard", "tma " + init_data(5002, signed_at=LOOK_AT))
        assert status == 200 and json.loads(body)["streak"]["answers"] == [0] * 365

        # Learner B's id in A's signed data (the hash kept): refused, nothing of either
        forged = init_data(5001, signed_at=LOOK_AT).replace("%22id%22%3A5001", "%22id%22%3A5002")
        assert "5002" in forged
        status, body, _ = await web.get("/api/v1/dashboard", "tma " + forged)
        assert status == 401
        _no_data(body)
        for credential in (init_data(5001, signed_at=LOOK_AT, token="654321:ANOTHER-bot"),  # another bot's token
                           init_data(5001, signed_at=LOOK_AT - timedelta(days=1, minutes=1)),  # stale auth_date
                           init_data(5001, signed_at=LOOK_AT + timedelta(hours=1)),  # from the future
                           "auth_date=1&hash=00", "", "not a query string%%"):
            status, body, _ = await web.get("/api/v1/dashboard", "tma " + credential)
            assert status == 401, credential
            _no_data(body)
        # a Telegram user who never talked to the bot
        status, body, _ = await web.get("/api/v1/dashboard", "tma " + init_data(9999, signed_at=LOOK_AT))
        assert status == 404
        _no_data(body)


def _date(text: str) -> date:
    return date.fromisoformat(text)


async def test_a_discord_link_works_for_15_minutes_and_only_for_its_learner(web_engine: Engine) -> None:
    ani = Chat(web_engine, "111", platform="discord", now=LOOK_AT)
    await ani.onboard()
    budi = Chat(web_engine, "222", platform="discord", now=LOOK_AT)
    await budi.onboard(lang="id")
    assert "15 minutes" in (await ani.say("/dashboard"))[0].text
    link = link_of(ani.replies)
    assert link.startswith("https://jalur.example.org/dashboard/#t=")  # the token rides in the fragment
    token = "Bearer " + link.split("#t=", 1)[1]
    now = [LOOK_AT + timedelta(minutes=14)]
    async with Web(web_engine, lambda: now[0]) as web:
        status, body, _ = await web.get("/api/v1/dashboard", token)
        assert status == 200 and json.loads(body)["learner"]["language"] == "en"
        budi_token = await _bearer(budi)
        status, body, _ = await web.get("/api/v1/dashboard", budi_token)
        assert status == 200 and json.loads(body)["learner"]["language"] == "id"
        # tampered: Ani's token with Budi's learner id in the signed part, or a changed signature
        body_part, mac = token.removeprefix("Bearer ").split(".")
        import base64

        fields = base64.urlsafe_b64decode(body_part + "==").decode().split(".")
        budi_id = await web_engine.learner_of("discord", "222")
        forged_body = base64.urlsafe_b64encode(".".join([str(budi_id), *fields[1:]]).encode()).rstrip(b"=").decode()
        for credential in (f"Bearer {forged_body}.{mac}", token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
                           "Bearer ", "Bearer a.b.c", "Basic " + token.removeprefix("Bearer "), None):
            status, body, _ = await web.get("/api/v1/dashboard", credential)
            assert status == 401, credential
            _no_data(body)
        now[0] = LOOK_AT + timedelta(minutes=15, seconds=1)
        status, body, _ = await web.get("/api/v1/dashboard", token)
        assert status == 401
        _no_data(body)


async def test_a_deleted_learner_gets_no_data_and_a_new_learner_with_the_same_id_is_safe(web_engine: Engine) -> None:
    ani = Chat(web_engine, "111", platform="discord", now=LOOK_AT)
    await ani.onboard()
    token = await _bearer(ani)
    await ani.say("/delete_me")
    await ani.press("Yes")
    assert await web_engine.learner_of("discord", "111") is None
    ani.wait(seconds=5)
    newcomer = Chat(web_engine, "333", platform="discord", now=ani.now)
    await newcomer.onboard()  # on SQLite the freed id may be given again
    async with Web(web_engine, lambda: LOOK_AT + timedelta(minutes=1)) as web:
        status, body, _ = await web.get("/api/v1/dashboard", token)
        assert status == 404
        _no_data(body)
        status, body, _ = await web.get("/api/v1/skills/git-workflow", token)
        assert status == 404


async def test_a_learner_with_no_history_sees_an_empty_but_whole_dashboard(web_engine: Engine) -> None:
    ani = Chat(web_engine, "111", platform="discord", now=LOOK_AT)
    await ani.onboard(lang="id")
    token = await _bearer(ani)
    async with Web(web_engine, lambda: LOOK_AT) as web:
        status, body, _ = await web.get("/api/v1/dashboard", token)
    data = json.loads(body)
    assert status == 200
    assert data["streak"]["current"] == 0 and data["streak"]["answers"] == [0] * 365
    assert data["streak"]["marks"][-1] == "t" and set(data["streak"]["marks"][:-1]) == {"-"}  # before day one
    assert data["recall"]["skills"] == [] and data["recall"]["overall"] is None and data["recall"]["accuracy"] == []
    assert data["groups"] == []
    assert data["roadmap"]["plan"]["week"] == 1 and len(data["roadmap"]["phases"]) == 4
    assert data["roadmap"]["plan"]["summary"] == "✅ Sesuai jadwal."


async def test_known_history_figures_match_the_domain_rules(web_engine: Engine) -> None:
    known = await known_history(web_engine)
    token = await _bearer(known.chat)
    async with Web(web_engine, lambda: LOOK_AT) as web:
        status, body, _ = await web.get("/api/v1/dashboard", token)
        assert status == 200
        data = json.loads(body)
        status, skill_body, _ = await web.get(f"/api/v1/skills/{known.first_skill}", token)
        assert status == 200
        status, _, _ = await web.get("/api/v1/skills/no-such-skill", token)
        assert status == 404
    streak = data["streak"]
    assert (streak["current"], streak["longest"], streak["active_days"], streak["frozen_days"]) == (1, 2, 3, 0)
    assert streak["marks"][-4:] == "aama"  # Monday, Tuesday, Wednesday missed, Thursday
    async with web_engine.db.transaction() as session:
        repo = Repository(session)
        learner_id = await repo.learner_id_of("test", "ani")
        assert learner_id is not None
        cards = await repo.quiz.cards(learner_id)
        recalls = recall_by_skill(web_engine.bank, cards, LOOK_AT, await repo.quiz.last_ratings(learner_id))
    shown = {s["id"]: (s["recall"], s["cards"], s["missed"]) for s in data["recall"]["skills"]}
    assert shown == {skill: (round(100 * r.recalled) if r.recalled is not None else None, r.cards, r.missed)
                     for skill, r in recalls.items()}
    assert shown[known.first_skill][1:] == (3, 0) and shown[known.second_skill][1:] == (2, 1)
    assert data["recall"]["accuracy"] == [{"week": "2026-03-02", "answers": 6, "correct": 5, "score": 83}]
    assert data["recall"]["totals"]["answers"] == 6
    skill = json.loads(skill_body)
    words = " ".join(span["text"] for line in skill["lines"] for span in line["spans"])
    learn = web_engine.kb.skills[known.first_skill].learn.get("en")
    assert skill["id"] == known.first_skill and learn in words and skill["name"] in words


async def test_a_heavy_learner_gets_under_200_kb(web_engine: Engine) -> None:
    learner_id = await heavy_learner(web_engine, LOOK_AT)
    from bot.features.dashboard_link import link_secret
    from bot.webauth import sign_link

    async with web_engine.db.transaction() as session:
        learner = (await Repository(session).learners_by_id([learner_id]))[learner_id]
        created = learner.created_at
    secret = link_secret(web_engine.settings)
    assert secret is not None
    token = "Bearer " + sign_link(secret, learner_id, created, LOOK_AT)
    async with Web(web_engine, lambda: LOOK_AT) as web:
        status, body, _ = await web.get("/api/v1/dashboard", token)
    assert status == 200
    data = json.loads(body)
    assert sum(data["streak"]["answers"]) > 8000 and data["recall"]["totals"]["answers"] == 10_000
    assert len(body) < MAX_JSON_BYTES, len(body)


async def test_headers_texts_static_files_and_nothing_secret_in_the_logs(web_engine: Engine,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    ani = Chat(web_engine, "5001", platform="telegram", now=LOOK_AT)
    await ani.onboard()
    data = init_data(5001, signed_at=LOOK_AT)
    caplog.set_level(logging.DEBUG)
    async with Web(web_engine, lambda: LOOK_AT) as web:
        status, page, headers = await web.get("/")
        assert status == 200 and b"static/app.js" in page
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'self' https://web.telegram.org" in csp and "default-src 'none'" in csp
        assert "script-src 'self' https://telegram.org" in csp and "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"
        status, _, headers = await web.get("/api/v1/dashboard", "tma " + data)
        assert status == 200 and headers["Cache-Control"] == "no-store" and "Content-Security-Policy" in headers
        status, _, headers = await web.get("/api/v1/dashboard", "tma " + data + "x")
        assert status == 401 and "Content-Security-Policy" in headers
        for lang, word in (("en", "Recall"), ("id", "Daya ingat")):
            status, body, _ = await web.get(f"/api/v1/texts/{lang}")
            assert status == 200 and json.loads(body)["dashboard.tab_recall"] == word
        assert (await web.get("/api/v1/texts/fr"))[0] == 404
        assert (await web.get("/static/app.js"))[0] == 200
        for path in ("/static/server.py", "/static/..%2Fserver.py", "/api/v1/learners/1/dashboard"):
            assert (await web.get(path))[0] == 404, path
    assert "api/v1/dashboard" in caplog.text  # requests are logged...
    assert data not in caplog.text and data[:40] not in caplog.text and BOT_TOKEN not in caplog.text  # ...not secrets


async def test_a_study_group_member_sees_the_weeks_ranking_and_the_group_streak(web_engine: Engine) -> None:
    def member(name: str, admin: bool = False) -> Chat:
        return Chat(web_engine, name, platform="discord", group="server-1", admin=admin)

    boss = member("boss", admin=True)
    await boss.say("/setup channel=900 name=belajar time=19:00 timezone=Asia/Jakarta members=2")
    assert "Saved" in boss.text, boss.text
    await boss.say("/groupquiz")
    payload = next(b.payload for b in boss.replies[0].flat_buttons if b.payload.endswith(" ?"))
    quiz_id = payload.split()[1]
    ani, budi = member("ani"), member("budi")
    await ani.onboard()
    await budi.onboard()
    await ani.say(f"/group_answer {quiz_id} ?")  # "I don't know": 0 points
    budi.wait(minutes=5)
    async with web_engine.db.transaction() as session:
        quiz = await session.get(GroupQuiz, int(quiz_id))
        assert quiz is not None
        question = web_engine.bank.get(quiz.question_id)
    assert question is not None
    right = str(question.answer + 1) if question.kind == "choice" and question.answer is not None \
        else (question.model_answer.get("en") if question.model_answer else "?")
    await budi.say(f"/group_answer {quiz_id} {right}")
    token = await _bearer(ani)
    async with Web(web_engine, lambda: ani.now + timedelta(minutes=10)) as web:
        status, body, _ = await web.get("/api/v1/dashboard", token)
    assert status == 200
    (group,) = json.loads(body)["groups"]
    assert group["name"] == "belajar" and group["week_start"] == "2026-03-02"
    assert group["streak"] == 1 and group["streak_members"] == 2
    assert [(s["rank"], s["name"], s["points"], s["me"]) for s in group["standings"]] == [
        (1, "Budi", 3, False), (2, "Ani", 0, True)]


async def test_links_signed_with_a_key_derived_from_the_bot_token_die_with_the_token(
        db: Database, kb: KnowledgeBase, settings: Settings) -> None:
    derived = settings.model_copy(update={"web_url": "https://jalur.example.org/", "web_secret": None,
                                          "discord_token": SecretStr("discord-token-1")})
    engine = Engine(db, kb, derived)
    ani = Chat(engine, "111", platform="discord", now=LOOK_AT)
    await ani.onboard()
    token = await _bearer(ani)
    async with Web(engine, lambda: LOOK_AT) as web:
        assert (await web.get("/api/v1/dashboard", token))[0] == 200
    engine.settings = derived.model_copy(update={"discord_token": SecretStr("discord-token-2")})  # a new token
    async with Web(engine, lambda: LOOK_AT) as web:
        assert (await web.get("/api/v1/dashboard", token))[0] == 401
    unset = Engine(db, kb, settings.model_copy(update={"web_url": "https://jalur.example.org/"}))
    chat = Chat(unset, "111", platform="discord", now=LOOK_AT)
    await chat.say("/dashboard")  # no bot token and no JALUR_WEB_SECRET: nothing to sign links with
    assert "not switched on" in chat.text and chat.buttons == []


async def test_a_failing_view_is_a_500_with_the_same_headers_and_no_details(
        web_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    ani = Chat(web_engine, "111", platform="discord", now=LOOK_AT)
    await ani.onboard()
    token = await _bearer(ani)

    async def broken(*args: object, **kwargs: object) -> None:
        raise ConnectionError("the database went away")

    monkeypatch.setattr(web_engine, "read_view", broken)
    async with Web(web_engine, lambda: LOOK_AT) as web:
        status, body, headers = await web.get("/api/v1/dashboard", token)
    assert status == 500 and json.loads(body) == {"error": "internal"} and "Content-Security-Policy" in headers
