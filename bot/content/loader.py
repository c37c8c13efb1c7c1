"""Load and validate the YAML content under ``knowledge/`` into a KnowledgeBase.

Each file is validated by its pydantic model; a broken file raises
``ContentError`` naming the file and the field that is wrong. Cross-file
rules (unique skill ids, prerequisites that exist and come no later than the
skill) are checked after every file has loaded.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bot.content import yaml_cache
from bot.content.models import (
    IntentFile,
    IntentPhrases,
    Message,
    MessageFile,
    Phase,
    PhaseFile,
    Question,
    QuestionFile,
    SeedTopicFile,
    Skill,
    SkillFile,
    Track,
    TrackFile,
)

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)


class ContentError(ValueError):
    """A content file is missing, unreadable or does not match its schema."""


def default_knowledge_dir() -> Path:
    """Return the ``knowledge/`` directory shipped with the installed package."""
    return Path(str(resources.files("knowledge")))


def _format_location(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def _item_name(loc: tuple[Any, ...], data: Any) -> str:
    """`` (question 'n-plus-one')`` for an error inside a list item that has an id."""
    if len(loc) < 2 or not isinstance(loc[0], str) or not isinstance(loc[1], int):
        return ""
    try:
        item = data[loc[0]][loc[1]]
    except (KeyError, IndexError, TypeError):
        return ""
    if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"].strip():
        kind = loc[0][:-1] if loc[0].endswith("s") else loc[0]
        return f" ({kind} {item['id'].strip()[:60]!r})"
    return ""


def _format_error(err: Any, data: Any = None) -> str:
    message = str(err["msg"]).removeprefix("Value error, ")
    if not err["loc"]:
        return message
    item = _item_name(err["loc"], data)
    if item and item.split(" ", 2)[-1].rstrip(")") in message:
        item = ""  # the message names it already
    return f"{_format_location(err['loc'])}: {message}{item}"


def _read_yaml(path: Path, root: Path) -> Any:
    name = _display_name(path, root)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ContentError(f"{name}: cannot read the file ({exc.strerror or exc})") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ContentError(f"{name}: not UTF-8 text (byte {exc.start})") from exc

    def parse() -> Any:
        import yaml  # only when the file is not in the parse cache (``yaml_cache``)

        try:
            # A safe loader; libyaml's when PyYAML was built with it: content loads about ten times faster.
            return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
            problem = getattr(exc, "problem", None) or str(exc)
            raise ContentError(f"{name}: invalid YAML{where}: {problem}") from exc

    data = yaml_cache.parsed(raw, parse)
    if data is None:
        raise ContentError(f"{name}: the file is empty")
    return data


def _display_name(path: Path, root: Path) -> str:
    try:
        return f"{root.name}/{path.relative_to(root).as_posix()}"
    except ValueError:
        return str(path)


def load_model(path: Path, model: type[M], root: Path | None = None) -> M:
    """Read ``path`` and validate it as ``model``; errors name the file and field."""
    root = root or path.parent
    data = _read_yaml(path, root)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(_format_error(err, data) for err in exc.errors()[:5])
        more = len(exc.errors()) - 5
        suffix = f" (and {more} more)" if more > 0 else ""
        raise ContentError(f"{_display_name(path, root)}: {problems}{suffix}") from exc


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything Jalur knows: phases, skills, tracks, messages and intents."""

    phases: tuple[Phase, ...]
    skills: dict[str, Skill]
    skill_phase: dict[str, int]
    tracks: dict[str, Track]
    messages: dict[str, Message]
    intents: tuple[IntentPhrases, ...]
    command_aliases: dict[str, str]
    root: Path
    questions: dict[str, Question] = field(default_factory=dict)
    _by_phase: dict[int, tuple[Skill, ...]] = field(default_factory=dict, repr=False)

    def phase(self, number: int) -> Phase:
        """Return phase ``number`` (1-4)."""
        return self.phases[number - 1]

    def skills_in_phase(self, number: int, *, core: bool | None = None) -> tuple[Skill, ...]:
        """Skills of a phase in roadmap order; ``core`` filters core or electives."""
        skills = self._by_phase.get(number, ())
        if core is None:
            return skills
        return tuple(s for s in skills if s.core is core)

    def phase_of_week(self, week: int) -> Phase:
        """Return the phase that week ``week`` of the plan belongs to."""
        for phase in self.phases:
            if week <= phase.weeks[1]:
                return phase
        return self.phases[-1]


_SKILL_GLOB = "roadmap/phase-*-skills.yaml"
_QUESTION_GLOB = "questions/*.yaml"
_KNOWN = {"roadmap/phases.yaml", "tracks.yaml", "ui/messages.yaml", "ui/intents.yaml"}
# Optional: the map of the seed roadmaps' topics to where they live (tests/test_seed_topics.py
# checks every home); the bot does not use it, the loader only checks its shape.
_TOPIC_MAP = "seed-topic-map.yaml"


def load_knowledge(root: Path | None = None) -> KnowledgeBase:
    """Load and validate every content file under ``root`` (default: the shipped one)."""
    root = Path(root) if root is not None else default_knowledge_dir()
    if not root.is_dir():
        raise ContentError(f"{root}: knowledge directory not found")

    skill_paths = sorted(root.glob(_SKILL_GLOB))
    question_paths = sorted(root.glob(_QUESTION_GLOB))
    known = {root / rel for rel in (*_KNOWN, _TOPIC_MAP)} | set(skill_paths) | set(question_paths)
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in {".yaml", ".yml"} and path not in known:
            raise ContentError(
                f"{_display_name(path, root)}: unknown content file (expected one of "
                f"{', '.join(sorted((*_KNOWN, _TOPIC_MAP)))}, {_SKILL_GLOB} or {_QUESTION_GLOB})"
            )
    for rel in sorted(_KNOWN):
        if not (root / rel).is_file():
            raise ContentError(f"{root.name}/{rel}: required content file is missing")
    if not skill_paths:
        raise ContentError(f"{root.name}/{_SKILL_GLOB}: no skill files found")

    phases = load_model(root / "roadmap/phases.yaml", PhaseFile, root).phases
    tracks = load_model(root / "tracks.yaml", TrackFile, root).tracks
    messages = load_model(root / "ui/messages.yaml", MessageFile, root).messages
    intents = load_model(root / "ui/intents.yaml", IntentFile, root)
    if (root / _TOPIC_MAP).is_file():
        load_model(root / _TOPIC_MAP, SeedTopicFile, root)

    skills: dict[str, Skill] = {}
    skill_phase: dict[str, int] = {}
    skill_file: dict[str, str] = {}
    by_phase: dict[int, list[Skill]] = {1: [], 2: [], 3: [], 4: []}
    for path in skill_paths:
        name = _display_name(path, root)
        skill_file_model = load_model(path, SkillFile, root)
        for index, skill in enumerate(skill_file_model.skills):
            if skill.id in skills:
                raise ContentError(
                    f"{name}: skills[{index}].id: duplicate skill id {skill.id!r} "
                    f"(already in {skill_file[skill.id]})"
                )
            skills[skill.id] = skill
            skill_phase[skill.id] = skill_file_model.phase
            skill_file[skill.id] = name
            by_phase[skill_file_model.phase].append(skill)

    _check_prerequisites(skills, skill_phase, skill_file)
    for number, phase_skills in by_phase.items():
        if not any(s.core for s in phase_skills):
            raise ContentError(f"{root.name}/{_SKILL_GLOB}: phase {number} has no core skills")

    questions = load_questions(question_paths, skills, root)

    kb = KnowledgeBase(
        phases=tuple(phases),
        skills=skills,
        skill_phase=skill_phase,
        tracks={t.id: t for t in tracks},
        messages=dict(messages),
        intents=tuple(intents.intents),
        command_aliases=dict(intents.command_aliases),
        root=root,
        questions=questions,
        _by_phase={n: tuple(s) for n, s in by_phase.items()},
    )
    log.debug("loaded %d skills, %d messages from %s", len(skills), len(messages), root)
    return kb


def check_questions(
    name: str, questions: list[Question], skills: dict[str, Skill], taken: dict[str, str]
) -> None:
    """Every id new (``taken`` maps ids to where they already are) and every skill known."""
    for index, question in enumerate(questions):
        if question.id in taken:
            raise ContentError(
                f"{name}: questions[{index}].id: duplicate question id {question.id!r} "
                f"(already in {taken[question.id]})"
            )
        if question.skill not in skills:
            raise ContentError(
                f"{name}: questions[{index}].skill: unknown skill {question.skill!r} "
                f"(question {question.id!r})"
            )
        taken[question.id] = name


def load_questions(
    paths: list[Path], skills: dict[str, Skill], root: Path | None = None,
    existing: dict[str, Question] | None = None,
) -> dict[str, Question]:
    """Load question files; ids must be unique and every question's skill must exist."""
    questions: dict[str, Question] = {}
    taken = {qid: "the question bank" for qid in existing or {}}
    for path in paths:
        name = _display_name(path, root) if root else str(path)
        loaded = load_model(path, QuestionFile, root).questions
        check_questions(name, loaded, skills, taken)
        questions.update((q.id, q) for q in loaded)
    return questions


def _check_prerequisites(
    skills: dict[str, Skill], skill_phase: dict[str, int], skill_file: dict[str, str]
) -> None:
    for skill_id, skill in skills.items():
        for prereq in skill.prerequisites:
            where = f"{skill_file[skill_id]}: skill {skill_id!r}: prerequisites"
            if prereq not in skills:
                raise ContentError(f"{where}: unknown skill {prereq!r}")
            if prereq == skill_id:
                raise ContentError(f"{where}: a skill cannot require itself")
            if skill_phase[prereq] > skill_phase[skill_id]:
                raise ContentError(
                    f"{where}: {prereq!r} is in a later phase ({skill_phase[prereq]})"
                )
            if skill.core and not skills[prereq].core:
                raise ContentError(f"{where}: a core skill cannot require the elective {prereq!r}")
    # Detect cycles with a depth-first search.
    state: dict[str, int] = {}

    def visit(skill_id: str, trail: list[str]) -> None:
        if state.get(skill_id) == 2:
            return
        if state.get(skill_id) == 1:
            cycle = " -> ".join([*trail[trail.index(skill_id):], skill_id])
            raise ContentError(f"{skill_file[skill_id]}: prerequisites form a cycle: {cycle}")
        state[skill_id] = 1
        for prereq in skills[skill_id].prerequisites:
            visit(prereq, [*trail, skill_id])
        state[skill_id] = 2

    for skill_id in skills:
        visit(skill_id, [])
