"""Every content file under knowledge/ loads; a broken one names its file and field."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.content import yaml_cache
from bot.content.loader import ContentError, KnowledgeBase, default_knowledge_dir, load_knowledge
from bot.content.models import TRACK_IDS
from bot.conversation import MAX_PAYLOAD_BYTES
from bot.engine import COMMANDS

ROOT = default_knowledge_dir()


def test_every_shipped_file_loads(kb: KnowledgeBase) -> None:
    files = sorted(p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*.yaml"))
    assert "roadmap/phases.yaml" in files and "tracks.yaml" in files
    assert len(files) >= 8
    assert [p.weeks for p in kb.phases] == [(1, 8), (9, 18), (19, 28), (29, 40)]
    assert set(kb.tracks) == set(TRACK_IDS)


def test_the_roadmap_covers_the_seed_skills_and_topics(kb: KnowledgeBase) -> None:
    core = {n: {s.id for s in kb.skills_in_phase(n, core=True)} for n in range(1, 5)}
    assert {"main-language", "git-workflow", "sql-deep", "linux-cli"} <= core[1]
    assert {"rest-api-design", "authentication", "database-design", "testing", "docker"} <= core[2]
    assert {"redis-caching", "message-queues", "ci-cd", "monitoring", "security-basics"} <= core[3]
    assert {"system-design", "microservices", "event-driven", "ddd"} <= core[4]
    topics = " ".join(f"{s.name.en} {s.learn.en}" for s in kb.skills.values()).lower()
    for topic in ("graphql", "grpc", "kafka", "kubernetes", "aws", "tcp", "virtual memory", "raft",
                  "xss", "csrf", "ssrf", "ticket"):
        assert topic in topics, topic
    must = {i.id for i in kb.phase(2).project.must_haves}
    assert {"jwt-refresh", "rbac", "crud", "pagination", "search-filter", "tests", "dockerfile",
            "api-docs"} <= must


def test_tracks_name_the_seed_frameworks_and_databases(kb: KnowledgeBase) -> None:
    assert "Gin" in kb.tracks["go"].frameworks and "PostgreSQL" in kb.tracks["go"].databases
    assert "Laravel" in kb.tracks["php"].frameworks and "MySQL" in kb.tracks["php"].databases
    assert "Spring Boot" in kb.tracks["java"].frameworks
    assert "FastAPI" in kb.tracks["python"].frameworks
    assert "NestJS" in kb.tracks["node"].frameworks


def test_every_skill_is_complete_in_both_languages(kb: KnowledgeBase) -> None:
    for skill in kb.skills.values():
        for field in (skill.name, skill.learn, skill.why, skill.combo, skill.task):
            assert field.en.strip() and field.id.strip(), skill.id
            assert field.en != field.id or len(field.en) < 30, f"{skill.id}: untranslated text"
        for track in TRACK_IDS:
            assert skill.tracks.for_track(track).id, (skill.id, track)


def test_every_button_payload_fits_64_bytes(kb: KnowledgeBase) -> None:
    longest_skill = max(kb.skills, key=len)
    for command in ("done", "skip", "another"):
        assert len(f"/{command} {longest_skill}".encode()) <= MAX_PAYLOAD_BYTES
    for phase in kb.phases:
        for item in phase.project.must_haves:
            assert len(f"/check {phase.number} {item.id}".encode()) <= MAX_PAYLOAD_BYTES


def test_messages_exist_for_every_key_the_code_uses(kb: KnowledgeBase) -> None:
    source = "\n".join(p.read_text() for p in Path(__file__).parents[1].joinpath("bot").rglob("*.py"))
    used = set(re.findall(r'\.t\(\s*"([a-z0-9_.]+)"', source))
    used |= set(re.findall(r'Reason\("([a-z0-9_.]+)"', source))
    assert used, "the scan found no message keys"
    missing = sorted(k for k in used if k not in kb.messages)
    assert not missing


def test_intents_point_at_real_commands(kb: KnowledgeBase) -> None:
    for intent in kb.intents:
        assert intent.command in COMMANDS
    for alias, command in kb.command_aliases.items():
        assert command in COMMANDS and alias not in COMMANDS


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A writable copy of the shipped knowledge directory."""
    copy = tmp_path / "knowledge"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return copy


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    ("file", "old", "new", "expected"),
    [
        ("roadmap/phase-2-skills.yaml", "    combo:", "    kombo:", r"phase-2-skills\.yaml: skills\[0\]"),
        ("roadmap/phase-1-skills.yaml", "prerequisites: [main-language]", "prerequisites: [nope]",
         r"phase-1-skills\.yaml: skill 'dsa-basics': prerequisites: unknown skill 'nope'"),
        ("roadmap/phases.yaml", "weeks: [9, 18]", "weeks: [10, 18]", r"phases\.yaml: phases\[1\]\.weeks: phase 2 starts in week 10"),
        ("tracks.yaml", "  - id: php", "  - id: cobol", r"tracks\.yaml: tracks\[4\]\.id"),
        ("ui/messages.yaml", 'id: "Bahasa: **{language}**."', 'id: "Bahasa: **{bahasa}**."',
         r"messages\.yaml: messages\.lang\.set: .*placeholders differ"),
        ("roadmap/phases.yaml", "phases:\n", "phases: [\n", r"phases\.yaml: invalid YAML at line"),
    ],
)
def test_a_broken_file_names_the_file_and_the_field(
    broken: Path, file: str, old: str, new: str, expected: str
) -> None:
    _edit(broken / file, old, new)
    with pytest.raises(ContentError, match=expected):
        load_knowledge(broken)


def test_missing_language_is_reported(broken: Path) -> None:
    path = broken / "roadmap/phase-3-skills.yaml"
    text = path.read_text()
    first_id_line = re.search(r'\n(\s+)id: "[^"\n]*"\n', text)
    assert first_id_line
    path.write_text(text.replace(first_id_line.group(0), "\n", 1))
    with pytest.raises(ContentError, match=r"phase-3-skills\.yaml: skills\[0\]\.name\.id: Field required"):
        load_knowledge(broken)


def test_empty_binary_and_unknown_files_are_reported(broken: Path) -> None:
    (broken / "tracks.yaml").write_text("")
    with pytest.raises(ContentError, match=r"tracks\.yaml: the file is empty"):
        load_knowledge(broken)
    (broken / "tracks.yaml").write_bytes(b"\xff\xfe\x00junk")
    with pytest.raises(ContentError, match=r"tracks\.yaml: not UTF-8"):
        load_knowledge(broken)
    shutil.copy(ROOT / "tracks.yaml", broken / "tracks.yaml")
    (broken / "extra.yaml").write_text("a: 1\n")
    with pytest.raises(ContentError, match=r"extra\.yaml: unknown content file"):
        load_knowledge(broken)


def test_duplicate_skill_ids_and_cycles_are_reported(broken: Path) -> None:
    _edit(broken / "roadmap/phase-2-skills.yaml", "- id: graphql", "- id: docker")
    with pytest.raises(ContentError, match=r"duplicate skill id 'docker'"):
        load_knowledge(broken)


def test_cycles_are_reported(broken: Path) -> None:
    _edit(broken / "roadmap/phase-1-skills.yaml", "  - id: main-language\n", "  - id: main-language\n")
    path = broken / "roadmap/phase-1-skills.yaml"
    text = path.read_text()
    start = text.index("  - id: main-language")
    segment_end = text.index("  - id: git-workflow")
    segment = text[start:segment_end].replace("prerequisites: []", "prerequisites: [dsa-basics]")
    path.write_text(text[:start] + segment + text[segment_end:])
    with pytest.raises(ContentError, match=r"prerequisites form a cycle"):
        load_knowledge(broken)


def test_parsed_files_are_cached_by_their_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A command reads the parsed content back instead of parsing YAML again; a change is parsed anew."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = load_knowledge()
    entries = sorted(yaml_cache.cache_dir().glob("*.marshal"))
    assert len(entries) == len(list(ROOT.rglob("*.yaml")))
    assert load_knowledge() == first  # from the cache

    asked: list[str] = []

    def parse(value: object) -> object:
        asked.append(repr(value))
        return value

    where = tmp_path / "entries"
    assert yaml_cache.parsed(b"a: [1, x]", lambda: parse({"a": [1, "x"]}), where) == {"a": [1, "x"]}
    assert yaml_cache.parsed(b"a: [1, x]", lambda: parse("not asked"), where) == {"a": [1, "x"]}
    assert yaml_cache.parsed(b"a: 2", lambda: parse({"a": 2}), where) == {"a": 2}  # other bytes
    for entry in where.glob("*.marshal"):  # a damaged entry is parsed again
        entry.write_bytes(entry.read_bytes()[:-2])
    assert yaml_cache.parsed(b"a: 2", lambda: parse({"a": 3}), where) == {"a": 3}
    assert len(asked) == 3
