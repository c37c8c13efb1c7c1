"""When Jalur asks a question, a typed answer works; times and timezones read as people write them.

A reminder button asks "at what time?", /settings asks for a language, a track, a
timezone: the next typed message answers it (for 10 minutes), unless it is clearly
a command or a different request. A new learner is greeted in the language they
wrote in, and /help in Indonesian lists the Indonesian command names.
"""

from __future__ import annotations

import pytest
from chat import Chat

from bot.engine import Engine
from bot.localtime import parse_clock


@pytest.mark.parametrize(("text", "minute"), [
    ("setengah 8 malam", 19 * 60 + 30), ("setengah 8", 7 * 60 + 30), ("setengah delapan malam", 19 * 60 + 30),
    ("0700", 7 * 60), ("07.00", 7 * 60), ("jam 8 malam", 20 * 60), ("8 pagi", 8 * 60),
    ("20.30", 20 * 60 + 30), ("8:30pm", 20 * 60 + 30), ("8:30 p.m.", 20 * 60 + 30), ("jam 20", 20 * 60),
    ("pukul 19.00 WIB", 19 * 60), ("Pukul 19.00 malam", 19 * 60), ("jam 12 malam", 0), ("jam 12 siang", 12 * 60),
    ("jam 2 malam", 2 * 60), ("noon", 12 * 60), ("730", 7 * 60 + 30),
])
def test_times_as_people_write_them(text: str, minute: int) -> None:
    assert parse_clock(text) == minute


@pytest.mark.parametrize("text", ["banana", "jam", "setengah", "2400", "13pm", "19 pagi", "setengah 8.15",
                                  "12345", "jam tujuh belas"])
def test_nonsense_is_not_a_time(text: str) -> None:
    assert parse_clock(text) is None


async def _reminders(chat: Chat) -> str:
    await chat.say("/reminders")
    return chat.text


@pytest.mark.parametrize(("lang", "button", "typed", "shown"), [
    ("en", "Quiz time", "20:00", "20:00"),
    ("en", "Quiz time", "8:30pm", "20:30"),
    ("en", "Quiz time", "0700", "07:00"),
    ("id", "Jam kuis", "jam 8 malam", "20:00"),
    ("id", "Jam kuis", "setengah 8 malam", "19:30"),
    ("id", "Jam kuis", "pukul 19.00 WIB", "19:00"),
])
async def test_a_typed_quiz_time_answers_the_button(chat: Chat, lang: str, button: str, typed: str,
                                                   shown: str) -> None:
    await chat.onboard(lang=lang)
    await chat.say("/reminders")
    await chat.press(button)
    await chat.say(typed)
    assert f"**{shown}**" in chat.replies[0].text, chat.text
    assert shown in await _reminders(chat)


@pytest.mark.parametrize(("tz", "typed", "shown", "note"), [
    ("Asia/Makassar", "19.00 WIB", "20:00", "\"19.00 WIB\" = jam 20:00"),   # WITA is an hour ahead of WIB
    ("Asia/Jakarta", "pukul 19.00 WIB", "19:00", None),                  # the learner's own zone: no note
    ("Asia/Jakarta", "jam 8 malam WIT", "18:00", "= jam 18:00"),         # WIT is two hours ahead
])
async def test_a_time_in_another_indonesian_zone_is_converted(chat: Chat, tz: str, typed: str, shown: str,
                                                             note: str | None) -> None:
    await chat.onboard(lang="id")
    await chat.say(f"/tz {tz}")
    await chat.say("/reminders quiz")
    await chat.say(typed)
    assert f"**{shown}**" in chat.replies[0].text, chat.text
    assert (note in chat.text) if note else ("zona waktumu" not in chat.text), chat.text
    assert shown in await _reminders(chat)


async def test_a_weekly_nudge_in_wib_moves_to_the_next_day_in_papua(chat: Chat) -> None:
    await chat.onboard(lang="id")
    await chat.say("/tz Asia/Jayapura")
    await chat.send_payload("/reminders nudge")
    await chat.say("minggu 23.00 WIB")
    assert "Senin 01:00" in chat.text, chat.text


@pytest.mark.parametrize(("lang", "button", "typed", "shown"), [
    ("en", "Quiet hours", "22-06", "22:00–06:00"),
    ("en", "Quiet hours", "11pm to 6:30am", "23:00–06:30"),
    ("id", "Jam tenang", "22-06", "22:00–06:00"),
    ("id", "Jam tenang", "jam 10 malam sampai jam 6 pagi", "22:00–06:00"),
])
async def test_typed_quiet_hours_answer_the_button(chat: Chat, lang: str, button: str, typed: str,
                                                  shown: str) -> None:
    await chat.onboard(lang=lang)
    await chat.say("/reminders")
    await chat.press(button)
    await chat.say(typed)
    assert shown in chat.text
    assert shown in await _reminders(chat)


@pytest.mark.parametrize(("lang", "typed", "shown"), [
    ("en", "friday 18:00", "Friday 18:00"),
    ("id", "jumat jam 7 malam", "Jumat 19:00"),
])
async def test_a_typed_day_and_time_answers_the_weekly_nudge(chat: Chat, lang: str, typed: str,
                                                            shown: str) -> None:
    await chat.onboard(lang=lang)
    await chat.say("/reminders")
    await chat.send_payload("/reminders nudge")
    await chat.say(typed)
    assert shown in chat.text


@pytest.mark.parametrize(("lang", "refusal"), [("en", "can't read \"banana o'clock\""),
                                               ("id", "tidak bisa membaca \"banana o'clock\"")])
async def test_nonsense_is_refused_by_name_and_the_question_stays_open(chat: Chat, lang: str,
                                                                      refusal: str) -> None:
    await chat.onboard(lang=lang)
    await chat.say("/reminders quiz")
    await chat.say("banana o'clock")
    assert refusal in chat.text
    await chat.say("21.15")  # a second try still answers the question
    assert "**21:15**" in chat.replies[0].text


@pytest.mark.parametrize(("lang", "asked"), [("en", "what should I learn next?"),
                                               ("id", "habis ini apa")])
async def test_a_different_request_is_answered_as_usual(chat: Chat, lang: str, asked: str) -> None:
    await chat.onboard(lang=lang)
    await chat.say("/reminders quiz")
    await chat.say(asked)
    assert chat.buttons and any(b.payload.startswith("/done") for b in chat.buttons), chat.text
    await chat.say("20:00")  # the question was dropped: a bare time is no longer an answer
    assert "20:00" not in await _reminders(chat)


async def test_a_command_while_waiting_runs(chat: Chat) -> None:
    await chat.onboard(lang="id")
    await chat.say("/reminders quiz")
    await chat.say("/streak")
    assert "streak" in chat.text.lower()
    await chat.say("20:00")
    assert "20:00" not in await _reminders(chat)


@pytest.mark.parametrize("lang", ["en", "id"])
async def test_the_question_expires_after_ten_minutes(chat: Chat, lang: str) -> None:
    await chat.onboard(lang=lang)
    await chat.say("/reminders quiz")
    chat.wait(minutes=11)
    await chat.say("20:00")
    assert "20:00" not in await _reminders(chat)
    await chat.say("/reminders quiz")
    chat.wait(minutes=9)
    await chat.say("20:00")
    assert "**20:00**" in chat.replies[0].text


@pytest.mark.parametrize(("lang", "language_button", "typed_language", "confirmed"), [
    ("en", "Language", "indonesia", "Bahasa: Bahasa Indonesia"),
    ("id", "Bahasa", "inggris", "Language: English"),
])
async def test_settings_questions_take_typed_answers(chat: Chat, lang: str, language_button: str,
                                                     typed_language: str, confirmed: str) -> None:
    await chat.onboard(lang=lang, track="go")
    await chat.say("/settings")
    await chat.press("Track")
    await chat.say("python")
    assert "**Python**" in chat.replies[0].text
    await chat.say("/settings")
    await chat.press(language_button)
    await chat.say(typed_language)
    assert confirmed in chat.text


@pytest.mark.parametrize(("lang", "settings_line"), [("en", "Timezone: `UTC+9`"), ("id", "Zona waktu: `UTC+9`")])
async def test_a_utc_offset_is_shown_the_way_it_was_typed(chat: Chat, lang: str, settings_line: str) -> None:
    await chat.onboard(lang=lang)
    await chat.say("/tz UTC+9")
    assert "`UTC+9`" in chat.replies[0].text and "GMT" not in chat.text
    await chat.say("/settings")
    assert settings_line in chat.replies[0].text and "GMT" not in chat.text
    await chat.say("/reminders")
    assert "UTC+9" in chat.text and "GMT" not in chat.text
    await chat.say("/tz")
    await chat.say("utc-5")  # typed after the prompt
    assert "`UTC-5`" in chat.replies[0].text and "GMT" not in chat.text


async def _deleted(chat: Chat) -> None:
    await chat.onboard(lang="en")
    await chat.say("/delete_me")
    await chat.press("delete")
    assert chat.button("/start")


@pytest.mark.parametrize(("first", "lang", "greeting"), [
    ("aku mau belajar backend dong", "id", "Selamat datang di Jalur"),
    ("hi, I want to learn backend", "en", "Welcome to Jalur"),
])
async def test_after_delete_the_first_reply_follows_the_learners_language(
        engine: Engine, first: str, lang: str, greeting: str) -> None:
    chat = Chat(engine)
    await _deleted(chat)
    await chat.say(first)
    assert chat.replies[0].language == lang
    assert chat.text.startswith(f"👋 {greeting}")  # their language first, the question still in both
    assert "Welcome to Jalur" in chat.text and "Selamat datang di Jalur" in chat.text
    assert chat.button("English") and chat.button("Bahasa Indonesia")


@pytest.mark.parametrize(("first", "reply"), [("/lanjut", "Sedikit lagi!"), ("/next", "Almost there!")])
async def test_a_command_before_setup_is_answered_in_the_language_of_its_name(
        engine: Engine, first: str, reply: str) -> None:
    chat = Chat(engine, "budi")
    await chat.say(first)
    assert reply in chat.text


async def test_a_platform_hint_still_wins(engine: Engine) -> None:
    chat = Chat(engine, "siti", language_hint="en")
    await chat.say("/lanjut dong")
    assert "Almost there!" in chat.text


async def test_help_in_indonesian_lists_every_indonesian_command_name(chat: Chat, engine: Engine) -> None:
    await chat.onboard(lang="id")
    await chat.say("/bantuan")
    for alias in engine.kb.command_aliases:
        assert f"/{alias}" in chat.text, alias
    assert "/lanjut, /selanjutnya = /next" in chat.text and "/kuis = /quiz" in chat.text
    english = Chat(engine, "emma")
    await english.onboard(lang="en")
    await english.say("/help")
    assert "/lanjut" not in english.text and "/next" in english.text
