"""Every notable topic of the five seed roadmaps has a home where a learner meets it.

``knowledge/seed-topic-map.yaml`` lists each topic, its seed and its home (a skill's field,
a phase's field, a message, a question or a track). This test reads the raw YAML files,
without the content loader, and fails when a home is gone or no longer names its topic in
each of its languages, so an edit cannot silently drop one.
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from chat import Chat

from bot.content.loader import default_knowledge_dir, load_knowledge

ROOT = default_knowledge_dir()
LANGS = ("en", "id")
SKILL_TEXT_FIELDS = ("name", "learn", "why", "combo", "task")


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _content(root: Path) -> dict[str, Any]:
    """The raw content a home can point at, keyed by kind and id."""
    skills = {s["id"]: s for p in sorted(root.glob("roadmap/phase-*-skills.yaml")) for s in _load(p)["skills"]}
    questions = {q["id"]: q for p in sorted(root.glob("questions/*.yaml")) for q in _load(p)["questions"]}
    return {
        "skill": skills,
        "question": questions,
        "phase": {p["number"]: p for p in _load(root / "roadmap/phases.yaml")["phases"]},
        "message": _load(root / "ui/messages.yaml")["messages"],
        "track": {t["id"]: t for t in _load(root / "tracks.yaml")["tracks"]},
    }


def _both(text: str) -> dict[str, str]:
    return {lang: text for lang in LANGS}


def _join(*texts: dict[str, str] | None) -> dict[str, str]:
    return {lang: "\n".join(t[lang] for t in texts if t) for lang in LANGS}


def _home_text(content: dict[str, Any], home: dict[str, Any]) -> dict[str, str] | str:
    """The text of a home per language, or a string saying why there is none."""
    kind = next(k for k in ("skill", "phase", "message", "question", "track") if k in home)
    item = content[kind].get(home[kind])
    if item is None:
        return f"no {kind} {home[kind]!r}"
    field = home.get("field")
    if kind == "message":
        return {lang: item[lang] for lang in LANGS}
    if kind == "question":
        parts = [item["prompt"], *item.get("options", []), item.get("explanation"), item.get("model_answer")]
        return _join(*parts)
    if kind == "skill" and field in ("aliases", "resources"):
        values = item.get(field, [])
        return _both(" ".join(v if isinstance(v, str) else f"{v['title']} {v['url']}" for v in values))
    if kind == "skill" and field and field.startswith("tracks."):
        pointer = item["tracks"].get(field.removeprefix("tracks."))
        return pointer if pointer else f"skill {home['skill']!r} has no {field}"
    if kind == "phase" and field == "project":
        project = item["project"]
        return _join(project["title"], project["summary"], *(m["text"] for m in project["must_haves"]))
    if kind == "track" and field in ("frameworks", "databases"):
        return _both(" ".join(item[field]))
    value = item.get(field)
    if not isinstance(value, dict) or set(LANGS) - set(value):
        return f"{kind} {home[kind]!r} has no localized field {field!r}"
    return {lang: value[lang] for lang in LANGS}


def _words(entry: dict[str, Any], lang: str) -> list[str]:
    keywords = entry["keywords"]
    return [str(w) for w in (keywords[lang] if isinstance(keywords, dict) else keywords)]


def problems(root: Path) -> list[str]:
    """Each map entry whose home is missing or does not name its topic in every language."""
    content = _content(root)
    found = []
    for entry in _load(root / "seed-topic-map.yaml")["topics"]:
        text = _home_text(content, entry["home"])
        if isinstance(text, str):
            found.append(f"{entry['topic']}: {text}")
            continue
        for lang in LANGS:
            missing = [w for w in _words(entry, lang) if w.lower() not in text[lang].lower()]
            if missing:
                found.append(f"{entry['topic']} ({lang}): {entry['home']} does not mention {missing}")
    return found


def test_every_seed_topic_lives_where_the_map_says() -> None:
    assert problems(ROOT) == []


def test_the_map_covers_all_five_seeds_and_every_kind_of_home() -> None:
    topics = _load(ROOT / "seed-topic-map.yaml")["topics"]
    per_seed = Counter(t["seed"] for t in topics)
    assert set(per_seed) == {"000", "001", "002", "003", "004"}
    assert len(topics) >= 200 and min(per_seed.values()) >= 10, per_seed
    kinds = {next(k for k in ("skill", "phase", "message", "question", "track") if k in t["home"]) for t in topics}
    assert kinds == {"skill", "phase", "message", "question", "track"}
    names = [t["topic"] for t in topics]
    assert len(names) == len(set(names)), [n for n, c in Counter(names).items() if c > 1]


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "knowledge"
    shutil.copytree(ROOT, target)
    return target


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_dropping_a_topic_from_its_home_fails_the_check(copy: Path) -> None:
    _replace(copy / "roadmap/phase-2-skills.yaml", " and BCNF", "")
    _replace(copy / "roadmap/phases.yaml", "freeCodeCamp", "a")
    _replace(copy / "tracks.yaml", "Gojek, ", "")
    found = problems(copy)
    assert any(p.startswith("BCNF (en)") for p in found), found
    assert any("freeCodeCamp" in p and "(en)" in p for p in found), found
    assert any(p.startswith("Why Go") and "Gojek" in p for p in found), found
    assert len(found) == 5  # BCNF in English; freeCodeCamp and Gojek in both languages


def test_a_topic_missing_in_one_language_fails_the_check(copy: Path) -> None:
    _replace(copy / "roadmap/phase-1-skills.yaml", "dynamic programming (memecah", "pemrograman dinamis (memecah")
    found = problems(copy)
    assert found == [
        "Dynamic programming (id): {'skill': 'dsa-basics', 'field': 'learn'} does not mention ['dynamic programming']"
    ]


def test_a_removed_home_fails_the_check(copy: Path) -> None:
    _replace(copy / "questions/seed-topics.yaml", "id: trie-for-autocomplete", "id: trie-autocomplete")
    assert problems(copy) == ["Tries in practice: autocomplete: no question 'trie-for-autocomplete'"]


def test_the_loader_checks_the_map_shape(copy: Path) -> None:
    load_knowledge(copy)  # the map is a known content file
    _replace(copy / "seed-topic-map.yaml", "home: {message: track.prompt}", "home: {message: track.prompt, skill: ddd}")
    with pytest.raises(ValueError, match=r"seed-topic-map\.yaml: topics\[\d+\]\.home: a home is exactly one of"):
        load_knowledge(copy)


async def test_a_learner_meets_the_credentials_and_the_dev_setup(chat: Chat) -> None:
    await chat.say("/start")
    await chat.send_payload("/lang en")
    await chat.send_payload("/track go")
    await chat.send_payload("/level 0")
    assert "WSL2" in chat.text and "Ubuntu VM" in chat.text and "8 GB" in chat.text
    await chat.send_payload("/tz Asia/Jakarta")
    await chat.say("/roadmap 3")
    assert "AWS Certified Developer - Associate" in chat.text and "Mid-level" in chat.text
    for skill in ("main-language", "git-workflow", "sql-deep", "linux-cli", "dsa-basics"):
        await chat.say(f"/done {skill}")
    await chat.say("/project_done 1 yes")
    assert "Phase 1 complete" in chat.text and "GitHub profile" in chat.text


async def test_credentials_in_indonesian(chat: Chat) -> None:
    await chat.onboard(lang="id", level=1)
    assert "WSL2" not in chat.text  # the setup tip is for people starting fresh
    await chat.say("/peta 2")
    assert "freeCodeCamp" in chat.text and "Siap melamar posisi junior backend" in chat.text
    assert "Where it takes you" not in chat.text and "What to show" not in chat.text
