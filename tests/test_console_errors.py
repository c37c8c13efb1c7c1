"""No traceback on a learner's screen: ``jalur chat --now`` with a question asked and answered twice
at one fixed time, the chat's logs in a file, and apologies in the learner's own language."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from chat import Chat

from bot.conversation import Reply
from bot.engine import COMMANDS, Command, Engine
from bot.features.context import Context

BIN = Path(sys.executable).parent / "jalur"
JALUR = [str(BIN)] if BIN.exists() else [sys.executable, "-m", "adapters"]
NOW = "2026-03-02T09:00+07:00"


def jalur_chat(lines: list[str], *, database_url: str, env: dict[str, str], cwd: Path,
               log: Path) -> subprocess.CompletedProcess[str]:
    """``jalur chat --now NOW`` as a learner types ``lines``."""
    return subprocess.run([*JALUR, "chat", "--user", "wulan", "--db", database_url, "--now", NOW, "--log", str(log)],
                          input="\n".join(lines) + "\n", capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=120, check=False)


@pytest.mark.parametrize(("lang", "dont_know", "wrong", "already"), [
    ("id", "tidak tahu", "Belum tepat", "Pertanyaan itu sudah kamu jawab"),
    ("en", "I don't know", "Not yet", "You already answered that question"),
])
def test_the_same_question_twice_at_one_fixed_time_is_graded_twice(
        database_url: str, fresh_env: dict[str, str], tmp_path: Path, lang: str, dont_know: str, wrong: str,
        already: str) -> None:
    log = tmp_path / "logs" / "chat.log"
    env = {**fresh_env, "JALUR_LOG_LEVEL": "INFO"}
    result = jalur_chat(["/start", f"/lang {lang}", "/track go", "/level 0", "/tz WIB",
                         "/quiz cap-theorem", dont_know, "/quiz cap-theorem", dont_know, "/answer cap-theorem ?"],
                        database_url=database_url, env=env, cwd=tmp_path, log=log)
    assert result.returncode == 0
    assert result.stdout.count(wrong) == 2, result.stdout[-3000:]
    assert already in result.stdout.split("> /answer cap-theorem ?")[-1]
    for screen in (result.stdout, result.stderr):
        assert "Traceback" not in screen and "IntegrityError" not in screen
        assert "Sorry" not in screen and "Maaf" not in screen
    assert result.stderr == ""
    assert "answered cap-theorem" in log.read_text(encoding="utf-8")  # the logs went to the file


def test_an_unwritable_chat_log_is_a_short_error(fresh_env: dict[str, str], tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    result = subprocess.run([*JALUR, "chat", "--log", str(blocker / "chat.log")], input="", capture_output=True,
                            text=True, env=fresh_env, cwd=tmp_path, timeout=120, check=False)
    assert result.returncode != 0 and "cannot write the chat log" in result.stderr
    assert "Traceback" not in result.stderr


async def _broken(ctx: Context, args: str) -> list[Reply]:
    raise RuntimeError("a bug in a feature")


@pytest.mark.parametrize(("lang", "hint", "apology"), [("id", "en", "Maaf"), ("en", "id", "Sorry")])
async def test_an_apology_is_in_the_learners_language_not_the_platforms(
        engine: Engine, monkeypatch: pytest.MonkeyPatch, lang: str, hint: str, apology: str) -> None:
    chat = Chat(engine, language_hint=hint)
    await chat.onboard(lang=lang)
    monkeypatch.setitem(COMMANDS, "stats", Command(_broken))
    await chat.say("/stats")
    assert chat.text.startswith(f"😵 {apology}"), chat.text
    assert chat.replies[0].language == lang
