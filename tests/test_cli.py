"""The ``jalur`` command as a user runs it: piped chat, restarts, errors, ``run``, ``db`` and ``pack``."""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from sample_pack import PACK

BIN = Path(sys.executable).parent / "jalur"
JALUR = [str(BIN)] if BIN.exists() else [sys.executable, "-m", "adapters"]


def jalur(*args: str, env: dict[str, str], cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run the ``jalur`` command and capture what it prints."""
    return subprocess.run([*JALUR, *args], input=stdin, capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=120, check=False)


def jalur_here(*args: str, env: dict[str, str], cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """``jalur`` as ``jalur()`` runs it, but in this process: the console script's own entry point with
    that environment, directory, arguments and input, without starting Python again.

    For the many runs of one command that check what it prints for different input (errors,
    validation); each command also runs for real as a process in some test. Process-wide state
    the command changes (environment, directory, logging set-up) is put back afterwards.
    """
    (script,) = entry_points(group="console_scripts", name="jalur")
    main = script.load()
    stdout, stderr = io.StringIO(), io.StringIO()
    saved_env, saved_cwd, saved_argv, saved_stdin = dict(os.environ), Path.cwd(), sys.argv, sys.stdin
    root = logging.getLogger()
    saved_handlers = root.handlers[:]
    saved_levels = {name: logger.level for name, logger in logging.Logger.manager.loggerDict.items()
                    if isinstance(logger, logging.Logger)}
    saved_root_level = root.level
    try:
        os.environ.clear()
        os.environ.update(env)
        os.chdir(cwd)
        sys.argv, sys.stdin = [JALUR[0], *args], io.StringIO(stdin)
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                main()
                code: object = 0
            except SystemExit as exc:
                code = exc.code
                if code is not None and not isinstance(code, int):
                    print(code, file=sys.stderr)  # as Python does for sys.exit("message")
                    code = 1
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)
        sys.argv, sys.stdin = saved_argv, saved_stdin
        root.handlers[:] = saved_handlers
        root.setLevel(saved_root_level)
        for name, level in saved_levels.items():
            logging.getLogger(name).setLevel(level)
    return subprocess.CompletedProcess([*JALUR, *args], int(code or 0), stdout.getvalue(), stderr.getvalue())


CONVERSATION = "\n".join([
    "/start",
    "1",                 # English
    "3",                 # Node.js / TypeScript
    "git, linux",        # placement by typing what I know
    "WIB",
    "what should i lern next?",
    "1",                 # Done
    "/progress",
]) + "\n"


def test_piped_chat_conversation_survives_a_restart(database_url: str, fresh_env: dict[str, str],
                                                    tmp_path: Path) -> None:
    first = jalur("chat", "--user", "sari", "--db", database_url, env=fresh_env, cwd=tmp_path,
                  stdin=CONVERSATION)
    assert first.returncode == 0, first.stderr
    out = first.stdout
    assert "Welcome to Jalur" in out and "Track: Node.js / TypeScript" in out
    assert "Marked as known: Git Workflow, Linux" in out
    assert "All set" in out
    # git and linux are known: the first open phase-1 skill without prerequisites
    assert "Next: Main Language (phase 1)" in out and "(pressed: ✅ Done)" in out
    assert "Main Language done! Phase 1: 3/5 core skills closed." in out
    after_done = out.split("Main Language done!")[1]
    assert "Next: SQL Deep Dive (phase 1)" in after_done
    assert "Phase 1 (weeks 1-8): 3/5 skills" in out
    assert first.stderr == ""

    second = jalur("chat", "--user", "sari", "--db", database_url, env=fresh_env, cwd=tmp_path,
                   stdin="/progress\n/next\n")
    assert second.returncode == 0, second.stderr
    assert "Phase 1 (weeks 1-8): 3/5 skills" in second.stdout
    assert "Now learning: SQL Deep Dive" in second.stdout
    assert "Next: SQL Deep Dive" in second.stdout


def test_chat_uses_a_per_user_sqlite_file_by_default(fresh_env: dict[str, str], tmp_path: Path) -> None:
    result = jalur("chat", "--user", "x", env=fresh_env, cwd=tmp_path, stdin="/start\n2\n")
    assert result.returncode == 0, result.stderr
    assert "Bahasa: Bahasa Indonesia" in result.stdout
    assert (Path(fresh_env["XDG_DATA_HOME"]) / "jalur" / "jalur.db").is_file()


def test_chat_survives_binary_junk_on_stdin(fresh_env: dict[str, str], tmp_path: Path) -> None:
    junk = "/start\n" + bytes(range(256)).decode("latin-1") + "\n🙂\n\n/help\n"
    result = subprocess.run([*JALUR, "chat", "--db", str(tmp_path / "j.db")], input=junk.encode("latin-1", "replace"),
                            capture_output=True, env=fresh_env, cwd=tmp_path, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("mysql://root@localhost/jalur", "JALUR_DATABASE_URL uses 'mysql'"),
        ("postgresql+asyncpg://jalur@127.0.0.1:1/jalur", "cannot reach the database from JALUR_DATABASE_URL"),
        ("postgresql://jalur@db:notaport/jalur", "JALUR_DATABASE_URL is not a valid database URL"),
        ("sqlite+aiosqlite://", "names no SQLite file"),
    ],
)
def test_a_bad_database_url_names_the_setting(setting: str, expected: str, fresh_env: dict[str, str],
                                              tmp_path: Path) -> None:
    env = {**fresh_env, "JALUR_DATABASE_URL": setting}
    result = jalur_here("chat", env=env, cwd=tmp_path, stdin="/start\n")
    assert result.returncode != 0
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_db_flag_is_named_in_errors_and_passwords_are_hidden(fresh_env: dict[str, str], tmp_path: Path) -> None:
    result = jalur_here("db", "upgrade", "--db", "postgresql://jalur:s3cret@127.0.0.1:1/jalur",
                   env=fresh_env, cwd=tmp_path)
    assert result.returncode == 1
    assert "cannot reach the database from --db" in result.stderr
    assert "s3cret" not in result.stderr and "***" in result.stderr


def test_db_upgrade_creates_the_schema(fresh_env: dict[str, str], tmp_path: Path) -> None:
    path = tmp_path / "data" / "jalur.db"
    result = jalur("db", "upgrade", "--db", str(path), env=fresh_env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "database is up to date" in result.stdout and path.is_file()
    again = jalur_here("db", "upgrade", "--db", str(path), env=fresh_env, cwd=tmp_path)
    assert again.returncode == 0


def test_run_without_a_platform_explains_how_to_configure_one(fresh_env: dict[str, str], tmp_path: Path) -> None:
    result = jalur("run", env=fresh_env, cwd=tmp_path)
    assert result.returncode == 2
    assert "No chat platform is configured" in result.stderr
    assert "jalur chat" in result.stderr


def test_an_invalid_setting_is_named(fresh_env: dict[str, str], tmp_path: Path) -> None:
    env = {**fresh_env, "JALUR_DEFAULT_TIMEZONE": "Mars/Olympus"}
    result = jalur_here("chat", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert "JALUR_DEFAULT_TIMEZONE" in result.stderr and "Mars/Olympus" in result.stderr


def test_content_check_validates_a_directory(fresh_env: dict[str, str], tmp_path: Path) -> None:
    ok = jalur("content", "check", env=fresh_env, cwd=tmp_path)
    assert ok.returncode == 0 and "ok (4 phases" in ok.stdout
    from bot.content.loader import default_knowledge_dir

    broken = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_dir(), broken)
    (broken / "tracks.yaml").write_text("tracks: 3\n")
    bad = jalur_here("content", "check", str(broken), env=fresh_env, cwd=tmp_path)
    assert bad.returncode == 1
    assert "tracks.yaml: tracks: Input should be a valid list" in bad.stderr


def test_quiz_grade_prints_json(fresh_env: dict[str, str], tmp_path: Path) -> None:
    import json

    good = jalur("quiz", "grade", "--question", "n-plus-one", "--json", "--answer",
                 "One query loads the list and then one more query runs for every row; fix it with "
                 "eager loading or a JOIN / IN query, and spot it by logging the number of queries.",
                 env=fresh_env, cwd=tmp_path)
    assert good.returncode == 0, good.stderr
    result = json.loads(good.stdout)
    assert set(result) == {"verdict", "score", "hit", "missed", "quotes", "misconceptions", "term_list", "hinted",
                           "brief", "unsure"}
    assert result["verdict"] == "correct" and 0.7 <= result["score"] <= 1

    bad = jalur_here("quiz", "grade", "--question", "n-plus-one", "--answer", "jangan pakai join", "--json",
                env=fresh_env, cwd=tmp_path)
    assert json.loads(bad.stdout)["verdict"] == "incorrect"

    text = jalur_here("quiz", "grade", "--question", "n-plus-one", "--answer", "pakai eager loading", "--lang",
                      "id", env=fresh_env, cwd=tmp_path)
    assert text.returncode == 0 and "model answer:" in text.stdout

    unknown = jalur_here("quiz", "grade", "--question", "n-plus-onee", "--answer", "x", env=fresh_env,
                         cwd=tmp_path)
    assert unknown.returncode == 2 and "did you mean n-plus-one" in unknown.stderr


def test_quiz_grade_with_a_pack(fresh_env: dict[str, str], tmp_path: Path) -> None:
    import json

    pack = tmp_path / "pack.yaml"
    pack.write_text(PACK, encoding="utf-8")
    ok = jalur("quiz", "grade", "--pack", str(pack), "--question", "kb-put-vs-patch", "--json",
               "--answer", "PUT mengganti seluruh resource", env=fresh_env, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["verdict"] == "correct"
    pack.write_text(pack.read_text().replace("skill: rest-api-design", "skill: basket-weaving"))
    broken = jalur_here("quiz", "grade", "--pack", str(pack), "--question", "kb-put-vs-patch", "--answer", "x",
                        env=fresh_env, cwd=tmp_path)
    assert broken.returncode == 1 and "questions[0].skill: unknown skill 'basket-weaving'" in broken.stderr


def _with_typo(phrase: str) -> str:
    """The phrase with one letter dropped from its longest word, as a hurried typist would."""
    words = phrase.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) >= 5:
        words[longest] = word[:2] + word[3:]
    return " ".join(words)


def test_piped_chat_quiz_in_indonesian_with_a_typo(database_url: str, fresh_env: dict[str, str],
                                                   tmp_path: Path) -> None:
    from bot.content.loader import load_knowledge

    kb = load_knowledge()
    setup = "\n".join(["/start", "/lang id", "/track python", "/level 0", "/tz WIB", "/quiz"]) + "\n"
    first = jalur("chat", "--user", "dewi", "--db", database_url, env=fresh_env, cwd=tmp_path, stdin=setup)
    assert first.returncode == 0, first.stderr
    asked = re.search(r"Pertanyaan baru · .+ · ([a-z0-9-]+)\n", first.stdout)
    assert asked, first.stdout
    question = kb.questions[asked.group(1)]
    if question.kind == "open":
        concepts = sorted(question.rubric, key=lambda c: -c.weight)[:2]
        answer = "menurut saya " + ", lalu ".join(_with_typo(c.phrases.id[0]) for c in concepts)
    else:
        assert question.answer is not None
        answer = "ABCDEF"[question.answer].lower()
    second = jalur("chat", "--user", "dewi", "--db", database_url, env=fresh_env, cwd=tmp_path,
                   stdin=f"{answer}\n/streak\n")
    assert second.returncode == 0, second.stderr
    out = second.stdout
    assert "Benar" in out or "Sebagian benar" in out, out
    if question.kind == "open":
        assert "Yang sudah kamu sebut:" in out and "Contoh jawaban:" in out
        assert concepts[0].label.id in out
    assert "Streak: hari ke-1." in out and "Streak: **hari ke-1**" not in out
    assert "🔥 Streak: hari ke-1 · terpanjang: 1" in out


def test_piped_chat_brings_a_question_back_when_its_review_is_due(database_url: str, fresh_env: dict[str, str],
                                                                  tmp_path: Path) -> None:
    def session(now: str, lines: list[str]) -> str:
        result = jalur("chat", "--user", "eko", "--db", database_url, "--now", now, env=fresh_env,
                       cwd=tmp_path, stdin="\n".join(lines) + "\n")
        assert result.returncode == 0, result.stderr
        return result.stdout

    first = session("2026-03-02T09:00+07:00", ["/start", "/lang en", "/track go", "/level 0", "/tz WIB",
                                               "/quiz cap-theorem", "I don't know"])
    assert "Not yet" in first and "Next review: tomorrow" in first
    same_day = session("2026-03-02T20:00+07:00", ["/quiz"])
    assert "New question" in same_day and "cap-theorem" not in same_day
    next_day = session("2026-03-03T09:00+07:00", ["/cancel", "/quiz"])
    assert "Review · System Design · cap-theorem" in next_day
    bad = jalur_here("chat", "--now", "next tuesday", env=fresh_env, cwd=tmp_path)
    assert bad.returncode == 2 and "not an ISO 8601 time" in bad.stderr




def test_pack_validate_names_the_file_question_and_field(fresh_env: dict[str, str], tmp_path: Path) -> None:
    good = tmp_path / "group.yaml"
    good.write_text(PACK, encoding="utf-8")
    ok = jalur("pack", "validate", str(good), env=fresh_env, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "pack 'kelompok-belajar': 2 questions (1 open, 1 choice)" in ok.stdout
    assert "note:" not in ok.stdout

    weak = tmp_path / "weak.yaml"
    weak.write_text(PACK.replace("        core: true\n", "").replace('["replace the whole", "full replacement"]',
                                                                    '["full replacement"]'), encoding="utf-8")
    noted = jalur_here("pack", "validate", str(weak), env=fresh_env, cwd=tmp_path)
    assert noted.returncode == 0, noted.stderr
    assert "questions[0] (kb-put-vs-patch): rubric: no concept has `core: true`" in noted.stdout
    assert "model_answer.en grades partial with this rubric (missed: replace)" in noted.stdout

    broken = {
        "dup.yaml": (PACK.replace("id: kb-status-created", "id: kb-put-vs-patch"),
                     "dup.yaml: questions[1].id: duplicate question id 'kb-put-vs-patch'"),
        "lang.yaml": (PACK.replace(', id: "Kapan pakai PUT, bukan PATCH?"', ""),
                      "lang.yaml: questions[0].prompt.id: Field required (question 'kb-put-vs-patch')"),
        "rubric.yaml": (PACK.replace(PACK[PACK.index("    rubric:"):PACK.index("    model_answer:")], "    rubric: []\n"),
                        "rubric.yaml: questions[0]: question 'kb-put-vs-patch': rubric: an open question needs"),
        "clash.yaml": (PACK.replace("id: kb-put-vs-patch", "id: n-plus-one"),
                       "clash.yaml: questions[0].id: duplicate question id 'n-plus-one' (already in the built-in"),
        "skill.yaml": (PACK.replace("skill: rest-api-design", "skill: knitting", 1),
                       "skill.yaml: questions[0].skill: unknown skill 'knitting' (question 'kb-put-vs-patch')"),
        "yaml.yaml": ("questions: [\n", "yaml.yaml: invalid YAML"),
        "group.yaml": (PACK.replace("        core: true\n", "        group: fixes\n"),
                       "group.yaml: questions[0].rubric[0]: concept 'replace': group: only core concepts"),
        "core.yaml": (PACK.replace("core: true", "core: maybe"),
                      "core.yaml: questions[0].rubric[0].core: Input should be a valid boolean"),
        "wrong.yaml": (PACK.replace("      - id: patch-replaces\n", "      - id: replace\n"),
                       "duplicate concept or misconception ids"),
    }
    for name, (text, expected) in broken.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        result = jalur_here("pack", "validate", name, env=fresh_env, cwd=tmp_path)
        assert result.returncode == 1, (name, result.stdout)
        assert expected in result.stderr, (name, result.stderr)
        assert "Traceback" not in result.stderr
    missing = jalur_here("pack", "validate", "nowhere.yaml", env=fresh_env, cwd=tmp_path)
    assert missing.returncode == 1 and "nowhere.yaml: no such file" in missing.stderr


def test_pack_add_list_remove_and_a_learner_gets_the_questions(database_url: str, fresh_env: dict[str, str],
                                                                tmp_path: Path) -> None:
    pack = tmp_path / "group.yaml"
    pack.write_text(PACK, encoding="utf-8")
    added = jalur("pack", "add", str(pack), "--db", database_url, env=fresh_env, cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    assert "added pack 'kelompok-belajar': 2 questions" in added.stdout
    again = jalur_here("pack", "add", str(pack), "--db", database_url, env=fresh_env, cwd=tmp_path)
    assert "replaced 2 questions of pack 'kelompok-belajar'" in again.stdout
    other = tmp_path / "other.yaml"
    other.write_text(PACK.replace("pack: kelompok-belajar", "pack: other-group"), encoding="utf-8")
    clash = jalur_here("pack", "add", str(other), "--db", database_url, env=fresh_env, cwd=tmp_path)
    assert clash.returncode == 1 and "already in pack 'kelompok-belajar'" in clash.stderr

    listed = jalur_here("pack", "list", "--db", database_url, env=fresh_env, cwd=tmp_path)
    assert re.search(r"^kelompok-belajar\t2 questions\tadded ", listed.stdout, re.M), listed.stdout
    assert "other-group" not in listed.stdout

    chat = jalur("chat", "--user", "rina", "--db", database_url, env=fresh_env, cwd=tmp_path,
                 stdin="/start\n/lang en\n/track go\n/level 0\n/tz UTC\n/quiz kb-status-created\nb\n")
    assert chat.returncode == 0, chat.stderr
    assert "Which status code fits a successful POST" in chat.stdout and "Correct" in chat.stdout

    removed = jalur_here("pack", "remove", "kelompok-belajar", "--db", database_url, env=fresh_env, cwd=tmp_path)
    assert removed.returncode == 0 and "removed pack 'kelompok-belajar' (2 questions)" in removed.stdout
    unknown = jalur_here("pack", "remove", "kelompok-belajar", "--db", database_url, env=fresh_env, cwd=tmp_path)
    assert unknown.returncode == 2 and "no pack named 'kelompok-belajar'; there are no packs here" in unknown.stderr
    after = jalur("chat", "--user", "rina", "--db", database_url, env=fresh_env, cwd=tmp_path,
                  stdin="/quiz kb-status-created\n/stats\n")
    assert "no questions on" in after.stdout and "Answers: 1" in after.stdout


def test_quiz_disputes_lists_what_learners_disagreed_with(database_url: str, fresh_env: dict[str, str],
                                                          tmp_path: Path) -> None:
    import json

    empty = jalur_here("quiz", "disputes", "--db", database_url, env=fresh_env, cwd=tmp_path)
    assert empty.returncode == 0 and "no disputed answers" in empty.stdout
    talk = "\n".join(["/start", "1", "1", "git, linux", "WIB", "/quiz cache-stampede",
                      "many requests rebuild the same expired key at once", "/dispute cache-stampede"]) + "\n"
    chat = jalur("chat", "--user", "budi", "--db", database_url, env=fresh_env, cwd=tmp_path, stdin=talk)
    assert chat.returncode == 0 and "Thanks, noted" in chat.stdout, chat.stdout[-2000:]
    listed = jalur("quiz", "disputes", "--db", database_url, env=fresh_env, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "cache-stampede (built-in)" in listed.stdout
    assert "answer: many requests rebuild the same expired key at once" in listed.stdout
    as_json = jalur_here("quiz", "disputes", "--json", "--db", database_url, env=fresh_env, cwd=tmp_path)
    entry = json.loads(as_json.stdout.splitlines()[0])
    assert entry["question"] == "cache-stampede" and entry["pack"] is None and entry["missed"]
    unknown = jalur_here("quiz", "disputes", "--pack", "nope", "--db", database_url, env=fresh_env, cwd=tmp_path)
    assert unknown.returncode == 2 and "no pack named 'nope'" in unknown.stderr


def test_quiz_grade_takes_an_answer_that_starts_with_a_dash(fresh_env: dict[str, str], tmp_path: Path) -> None:
    result = jalur_here("quiz", "grade", "--question", "n-plus-one", "--answer", "-_-", env=fresh_env,
                        cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("incorrect")


# --- commands import only what they use -------------------------------------------------------------

CHAT_SDKS = {"discord", "telegram", "aiohttp", "tornado", "httpx"}
DATABASE = {"sqlalchemy", "alembic", "aiosqlite", "asyncpg"}


def jalur_imports(*args: str, env: dict[str, str], cwd: Path,
                  stdin: str = "") -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run the command under ``python -X importtime``: what it printed, and every top-level package it loaded."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-m", "adapters.launcher", *args], input=stdin,
                            capture_output=True, text=True, env=env, cwd=cwd, timeout=120, check=False)
    loaded = {line.rsplit("|", 1)[1].strip().split(".")[0]
              for line in result.stderr.splitlines() if line.startswith("import time:")}
    return result, loaded


def test_quiz_grade_loads_no_chat_sdk_and_no_database(fresh_env: dict[str, str], tmp_path: Path) -> None:
    result, loaded = jalur_imports("quiz", "grade", "--question", "n-plus-one", "--answer", "use eager loading",
                                   env=fresh_env, cwd=tmp_path)
    assert result.returncode == 0 and result.stdout.startswith("partial"), result.stdout
    assert "bot" in loaded and not loaded & (CHAT_SDKS | DATABASE | {"apscheduler", "prometheus_client"})
    assert not loaded & {"pydantic_settings", "asyncio"}  # plain settings are read without Settings
    (tmp_path / "pack.yaml").write_text(PACK, encoding="utf-8")
    packed, loaded = jalur_imports("quiz", "grade", "--pack", str(tmp_path / "pack.yaml"), "--question",
                                   "kb-put-vs-patch", "--answer", "PUT mengganti seluruh resource",
                                   env=fresh_env, cwd=tmp_path)
    assert packed.returncode == 0 and packed.stdout.startswith("correct"), packed.stdout
    assert not loaded & (CHAT_SDKS | DATABASE)


def test_chat_loads_no_chat_sdk_and_no_alembic_on_a_migrated_database(fresh_env: dict[str, str],
                                                                       tmp_path: Path) -> None:
    env = {**fresh_env, "JALUR_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}"}
    assert jalur("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
    result, loaded = jalur_imports("chat", "--user", "ana", env=env, cwd=tmp_path, stdin="/help\n")
    assert result.returncode == 0 and result.stdout.startswith("> /help\n") and len(result.stdout) > 100
    assert "sqlalchemy" in loaded and not loaded & (CHAT_SDKS | {"alembic", "apscheduler"})


async def test_health_asks_the_endpoint_and_loads_almost_nothing(fresh_env: dict[str, str], tmp_path: Path) -> None:
    """`jalur health` (the container's healthcheck, every 30 s): no SDK, no database, not even pydantic."""
    import asyncio
    import json
    import socket

    from bot.health import OpsServer
    from bot.platform_status import PlatformHealth
    from bot.storage.database import Database

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    db, health = Database(f"sqlite+aiosqlite:///{tmp_path / 'ready.db'}"), PlatformHealth()
    server = OpsServer(db, health, listen="127.0.0.1", port=port)
    await server.start()
    env = {**fresh_env, "JALUR_METRICS_PORT": str(port)}
    try:
        alive, loaded = await asyncio.to_thread(jalur_imports, "health", env=env, cwd=tmp_path)
        ready = await asyncio.to_thread(jalur, "health", "--ready", env=env, cwd=tmp_path)
        health.stopping = True
        stopping = await asyncio.to_thread(jalur, "health", "--ready", "--url", f"http://127.0.0.1:{port}/",
                                           env=fresh_env, cwd=tmp_path)
    finally:
        await server.stop()
        await db.close()
    assert alive.returncode == 0 and json.loads(alive.stdout) == {"status": "alive"}
    assert not loaded & (CHAT_SDKS | DATABASE | {"pydantic", "pydantic_settings", "asyncio", "ssl"}), loaded
    assert ready.returncode == 0 and json.loads(ready.stdout)["status"] == "ready"
    assert stopping.returncode == 1 and json.loads(stopping.stdout)["stopping"] is True
    assert f"http://127.0.0.1:{port}/readyz answered 503" in stopping.stderr


def test_quiz_grade_reads_its_settings_like_the_settings_do(fresh_env: dict[str, str], tmp_path: Path) -> None:
    from typing import get_args

    from bot import cli
    from bot.settings import Settings

    fields = Settings.model_fields
    assert (fields["log_level"].default, get_args(fields["log_level"].annotation)) == (cli.DEFAULT_LOG_LEVEL,
                                                                                       cli.LOG_LEVELS)
    assert (fields["log_format"].default, get_args(fields["log_format"].annotation)) == (cli.DEFAULT_LOG_FORMAT,
                                                                                         cli.LOG_FORMATS)
    grade = ("quiz", "grade", "--question", "n-plus-one", "--answer", "eager loading")
    debug = jalur(*grade, env={**fresh_env, "jalur_log_level": "debug"}, cwd=tmp_path)
    assert debug.returncode == 0 and "loaded" in debug.stderr and '"level": "DEBUG"' in debug.stderr
    bad = jalur(*grade, env={**fresh_env, "JALUR_LOG_FORMAT": "xml"}, cwd=tmp_path)
    assert bad.returncode == 2 and "invalid setting: JALUR_LOG_FORMAT" in bad.stderr
    elsewhere = jalur(*grade, env={**fresh_env, "JALUR_KNOWLEDGE_DIR": str(tmp_path / "none")}, cwd=tmp_path)
    assert elsewhere.returncode == 1 and "knowledge directory not found" in elsewhere.stderr
    (tmp_path / ".env").write_text("JALUR_LOG_FORMAT=xml\n")  # a .env file counts, as for every command
    dotenv = jalur(*grade, env=fresh_env, cwd=tmp_path)
    assert dotenv.returncode == 2 and "invalid setting: JALUR_LOG_FORMAT" in dotenv.stderr


def test_health_reads_its_port_like_the_settings_do(fresh_env: dict[str, str], tmp_path: Path) -> None:
    from bot.cli import DEFAULT_METRICS_PORT
    from bot.settings import Settings

    assert Settings.model_fields["metrics_port"].default == DEFAULT_METRICS_PORT
    off = jalur("health", env=fresh_env, cwd=tmp_path)  # JALUR_METRICS_PORT=0
    assert off.returncode == 2 and "the health endpoints are off" in off.stderr
    bad = jalur("health", env={**fresh_env, "JALUR_METRICS_PORT": "nine"}, cwd=tmp_path)
    assert bad.returncode == 2 and "invalid setting: JALUR_METRICS_PORT" in bad.stderr
    (tmp_path / ".env").write_text("JALUR_METRICS_PORT=0\n")  # a .env file counts, as for every command
    dotenv = jalur("health", env={k: v for k, v in fresh_env.items() if k != "JALUR_METRICS_PORT"}, cwd=tmp_path)
    assert dotenv.returncode == 2 and "the health endpoints are off" in dotenv.stderr
