"""Browsing the path: /roadmap (/peta) and /skill (/materi) as conversations in both
languages, the learning resources of every skill, and replies that fit every platform."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from chat import Chat
from discord_harness import Discord

from adapters.discord.bot import SLASH_COMMANDS
from adapters.telegram.bot import MENU
from bot.content.loader import ContentError, KnowledgeBase, default_knowledge_dir, load_knowledge
from bot.content.models import MAX_RESOURCES, MIN_RESOURCES, TRACK_IDS
from bot.conversation import MAX_PAYLOAD_BYTES
from bot.engine import Engine

DISCORD_LIMIT = 2000  # characters in one Discord message (Telegram allows 4096): one message each
DISCORD_ROWS, DISCORD_PER_ROW = 5, 5
LINK = re.compile(r"\[[^\]]+\]\((https://[^)\s]+)\)")


def _links(chat: Chat) -> list[str]:
    return [url for r in chat.replies for url in LINK.findall(r.text)]


async def test_roadmap_shows_every_phase_with_statuses_right_after_done_and_skip(chat: Chat) -> None:
    await chat.onboard(track="python")
    await chat.say("/next")  # Main Language is now being learned
    await chat.say("/done git-workflow")
    await chat.say("/skip sql-deep")
    await chat.say("/roadmap")
    text = chat.text
    assert "Week 1 of 40" in text
    assert "📖 Main Language" in text and "✅ Git Workflow" in text and "⏭ SQL Deep Dive" in text
    assert "⬜ Linux CLI" in text and "⬜ Clean Architecture" in text and "⬜ Apache Kafka" in text
    for number in (1, 2, 3, 4):
        assert f"Phase {number}:" in text
    assert [b.payload for b in chat.buttons] == ["/roadmap 1", "/roadmap 2", "/roadmap 3", "/roadmap 4"]
    await chat.press("Phase 1")
    assert "- ✅ **Git Workflow** `/skill git-workflow`" in chat.replies[0].text
    assert "- ⏭ **SQL Deep Dive**" in chat.replies[0].text
    assert "Main Language** `/skill main-language` ← learning now" in chat.replies[0].text
    assert "/skill linux-cli" in [b.payload for b in chat.buttons]


async def test_peta_in_indonesian_by_alias_and_free_text(chat: Chat) -> None:
    await chat.onboard(lang="id", track="go")
    await chat.say("/selesai git-workflow")
    await chat.say("/lewati sql-deep")
    for said in ("/peta", "lihat roadmap", "peta belajar", "liat roadmap dong"):
        await chat.say(said)
        text = chat.text
        assert "Peta belajar kamu" in text, (said, text)
        assert "✅ Git Workflow" in text and "⏭ SQL Mendalam" in text and "⬜ Linux CLI" in text
        assert "Minggu ke-1 dari 40" in text and "Fase 2:" in text
        assert "Week" not in text and "Phase" not in text  # no English leaks
    await chat.say("/peta 3")
    assert "Skill inti" in chat.text and "Tambahan opsional" in chat.text
    assert "Redis & Caching" in chat.text and "Fase 3" in chat.text


async def test_show_me_the_roadmap_in_english(chat: Chat) -> None:
    await chat.onboard()
    await chat.say("show me the roadmap")
    assert "Your roadmap" in chat.text and "Phase 4:" in chat.text


async def test_a_phase_argument_that_is_not_a_phase_gets_a_way_on(chat: Chat) -> None:
    await chat.onboard(lang="id")
    await chat.say("/peta 9")
    assert "4 fase" in chat.text
    assert [b.payload for b in chat.buttons] == ["/roadmap 1", "/roadmap 2", "/roadmap 3", "/roadmap 4"]
    await chat.say("/roadmap docker")  # a skill's name: that is what the learner is after
    assert "📘 **Docker**" in chat.replies[0].text


async def test_skill_shows_learn_why_combo_track_task_and_resources(chat: Chat, kb: KnowledgeBase) -> None:
    await chat.onboard(track="python")
    await chat.say("/skill sql")
    skill = kb.skills["sql-deep"]
    text = chat.text
    assert "SQL Deep Dive" in text and "phase 1, core skill" in text and "Your status: ⬜ open" in text
    for part in (skill.learn.en, skill.why.en, skill.combo.en, skill.tracks.python.en):
        assert part in text
    assert "Your task:" in text and "Where to learn it" in text
    assert _links(chat) == [r.url for r in skill.resources_for("python")]
    assert {b.payload for b in chat.buttons} >= {"/done sql-deep", "/skip sql-deep", "/roadmap 1"}
    await chat.press("Done")
    await chat.say("/skill sql-deep")
    assert "Your status: ✅ done" in chat.text
    assert "/done sql-deep" not in [b.payload for b in chat.buttons]


@pytest.mark.parametrize(("typed", "name"), [("dokcer", "Docker"), ("kubernets", "Kubernetes Basics"),
                                             ("postgre sql", "PostgreSQL"), ("git", "Git Workflow")])
async def test_skill_finds_a_skill_by_a_typo(chat: Chat, typed: str, name: str) -> None:
    await chat.onboard()
    await chat.say(f"/skill {typed}")
    assert f"📘 **{name}**" in chat.replies[0].text, chat.text


async def test_materi_in_indonesian_finds_by_typo_and_shows_indonesian_sources_first(chat: Chat) -> None:
    await chat.onboard(lang="id", track="go")
    await chat.say("/materi bahasa utma")
    text = chat.text
    assert "📘 Bahasa Utama" in text and "skill inti" in text and "Status kamu: ⬜ belum mulai" in text
    assert "Di Go:" in text and "Tugas kamu" in text and "Belajar dari mana" in text
    links = _links(chat)
    assert links[0] == "https://dasarpemrogramangolang.novalagung.com/"  # the Indonesian source first
    assert "https://go.dev/tour/" in links and "https://docs.python.org/3/tutorial/" not in links
    assert "(bahasa Indonesia)" in chat.replies[0].text
    assert "What to learn" not in text


async def test_an_unknown_skill_gets_a_clear_reply_in_the_learners_language(chat: Chat) -> None:
    await chat.onboard(lang="id")
    await chat.say("/materi xyzzy")
    assert "xyzzy" in chat.text and "Aku tidak kenal skill" in chat.text
    assert "Traceback" not in chat.text and "Sorry" not in chat.text
    await chat.say("/skill")  # nothing current yet: ask which, and show the map
    assert "Skill yang mana?" in chat.text and "Peta belajar kamu" in chat.text


async def test_next_shows_the_first_two_resources(chat: Chat, kb: KnowledgeBase) -> None:
    await chat.onboard(track="java")
    await chat.say("/next")
    assert "Start here:" in chat.text
    expected = [r.url for r in kb.skills["main-language"].resources_for("java")[:2]]
    assert _links(chat) == expected and "https://dev.java/learn/" in expected


async def test_roadmap_after_the_plan_says_so(chat: Chat) -> None:
    await chat.onboard()
    chat.wait(days=7 * 52)
    await chat.say("/roadmap")
    assert "Week 53: past the 40-week plan" in chat.text


@pytest.mark.parametrize("lang", ["en", "id"])
async def test_every_roadmap_and_skill_reply_fits_the_platforms(engine: Engine, kb: KnowledgeBase,
                                                                lang: str) -> None:
    chat = Chat(engine, user=f"long-{lang}")
    await chat.onboard(lang=lang, track="node")
    for command in ["/roadmap", *(f"/roadmap {p.number}" for p in kb.phases)]:
        await chat.say(command)
        for reply in chat.replies:
            assert len(reply.text) <= DISCORD_LIMIT, (command, len(reply.text))
            assert len(reply.buttons) <= DISCORD_ROWS and all(len(r) <= DISCORD_PER_ROW for r in reply.buttons)
        if command != "/roadmap":
            skill_payloads = {b.payload for b in chat.buttons if b.payload.startswith("/skill ")}
            number = int(command.split()[1])
            assert skill_payloads == {f"/skill {s.id}" for s in kb.skills_in_phase(number)}
    for skill_id in kb.skills:
        await chat.say(f"/skill {skill_id}")
        assert len(chat.replies) == 1 and len(chat.replies[0].text) <= DISCORD_LIMIT, skill_id
        assert all(len(b.payload.encode()) <= MAX_PAYLOAD_BYTES for b in chat.buttons)


def test_every_core_skill_and_elective_has_2_to_4_resources_for_every_track(kb: KnowledgeBase) -> None:
    assert any(not s.core for s in kb.skills.values())
    for skill in kb.skills.values():
        for track in TRACK_IDS:
            shown = skill.resources_for(track)
            assert MIN_RESOURCES <= len(shown) <= MAX_RESOURCES, (skill.id, track, len(shown))
        for resource in skill.resources:
            assert resource.url.startswith("https://") and resource.title.strip(), skill.id
            assert "roadmap.sh" not in resource.url, skill.id
        urls = [r.url for r in skill.resources]
        assert len(urls) == len(set(urls)), skill.id


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped knowledge directory."""
    copy = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_dir(), copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return copy


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('url: "https://docs.docker.com/compose/"', 'url: "http://docs.docker.com/compose/"',
         r"phase-2-skills\.yaml: skills\[5\]\.resources\[3\]\.url: .*not a well-formed https URL"),
        ('url: "https://docs.docker.com/compose/"', 'url: "https://docs.docker.com/a (b)"',
         r"phase-2-skills\.yaml: skills\[5\]\.resources\[3\]\.url: .*no spaces"),
        ('title: "Docker Compose"', 'title: "  "', r"phase-2-skills\.yaml: skills\[5\]\.resources\[3\]\.title"),
        ('        url: "https://docs.docker.com/compose/"\n', '        url: "https://docs.docker.com/compose/"\n'
         '      - title: "Fifth"\n        url: "https://docs.docker.com/"\n',
         r"phase-2-skills\.yaml: skills\[5\]\.resources: .*5 resource\(s\)"),
    ],
)
def test_a_broken_resource_names_the_file_and_the_field(knowledge_copy: Path, old: str, new: str,
                                                        expected: str) -> None:
    path = knowledge_copy / "roadmap/phase-2-skills.yaml"
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ContentError, match=expected):
        load_knowledge(knowledge_copy)


async def test_help_lists_roadmap_and_skill_in_both_languages(engine: Engine) -> None:
    for lang in ("en", "id"):
        chat = Chat(engine, user=f"help-{lang}")
        await chat.onboard(lang=lang)
        await chat.say("/help")
        assert "/roadmap" in chat.text and "/skill" in chat.text, lang


def test_the_command_menus_offer_roadmap_and_skill(kb: KnowledgeBase) -> None:
    assert {"roadmap", "skill"} <= set(MENU)
    assert SLASH_COMMANDS["roadmap"] == "topic" and SLASH_COMMANDS["skill"] == "topic"
    for key in ("menu.roadmap", "menu.skill", "menu.roadmap_topic", "menu.skill_topic"):
        assert len(kb.messages[key].en) <= 100 and len(kb.messages[key].id) <= 100


async def test_roadmap_and_skill_on_discord(discord_bot: Discord) -> None:
    names = {c["name"]: c for c in discord_bot.fake.commands}
    assert names["roadmap"]["description_localizations"]["id"] == "Semua fase dan skill, dengan status kamu"
    assert names["skill"]["options"][0]["name"] == "topic"
    await discord_bot.slash(4101, "start")
    for label in ("English", "Go", "Fresh", "WIB"):
        await discord_bot.press(4101, label, replies=2)
    out = await discord_bot.slash(4101, "roadmap", {"topic": "3"})
    assert "Redis & Caching" in out[-1].text and all(len(s.text) <= DISCORD_LIMIT for s in out)
    out = await discord_bot.slash(4101, "skill", {"topic": "dokcer"})
    assert "Docker" in out[-1].text and "docs.docker.com" in "".join(s.text for s in out)
