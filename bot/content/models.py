"""Pydantic models for the YAML content under ``knowledge/``.

Every model forbids unknown fields, so a typo in a content file is an error
that names the field instead of a silently ignored key.
"""

from __future__ import annotations

import re
import string
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

LANGUAGES: tuple[str, ...] = ("en", "id")
TRACK_IDS: tuple[str, ...] = ("go", "python", "node", "java", "php")

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=40)]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Strict(BaseModel):
    """Base for content models: unknown keys are errors, values are frozen.

    Validators are built when a model first validates (``defer_build``), not when this module is
    imported: a file model builds its nested models' schemas with its own, and a model that never
    validates on its own (a ``Concept``) builds no validator at all. It halves the import time
    this module adds to every command that loads content.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Localized(Strict):
    """A text in every supported language."""

    en: NonEmpty
    id: NonEmpty

    def get(self, lang: str) -> str:
        """Return the text in ``lang``, falling back to English."""
        return self.id if lang == "id" else self.en


class TrackPointers(Strict):
    """Track-specific advice for one skill: one localized text per track."""

    go: Localized
    python: Localized
    node: Localized
    java: Localized
    php: Localized

    def for_track(self, track: str) -> Localized:
        """Return the pointer for ``track`` (a known track id)."""
        return getattr(self, track)


MIN_RESOURCES, MAX_RESOURCES = 2, 4
_URL_FORBIDDEN = re.compile(r"[\s()<>\[\]\"'`]")


class Resource(Strict):
    """A free, long-lived place to learn a skill: official documentation, a book, an RFC.

    ``language`` is the language the source is written in; ``track`` limits it to learners
    of one track (the Go tour is for the Go track).
    """

    title: NonEmpty
    url: NonEmpty
    language: Literal["en", "id"] = "en"
    track: Literal["go", "python", "node", "java", "php"] | None = None

    @field_validator("url")
    @classmethod
    def _https_url(cls, url: str) -> str:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.scheme != "https" or "." not in host or host.startswith(".") or host.endswith("."):
            raise ValueError(f"{url!r} is not a well-formed https URL (https://host.domain/path)")
        if _URL_FORBIDDEN.search(url):
            raise ValueError(f"{url!r}: a URL has no spaces, brackets, parentheses or quotes")
        return url


class Skill(Strict):
    """One skill of the roadmap, with what proves it and a small task."""

    id: Slug
    core: bool = True
    name: Localized
    learn: Localized
    why: Localized
    combo: Localized
    task: Localized
    prerequisites: list[Slug] = Field(default_factory=list)
    tracks: TrackPointers
    aliases: list[NonEmpty] = Field(default_factory=list)
    resources: list[Resource]

    @field_validator("resources")
    @classmethod
    def _resources_per_track(cls, resources: list[Resource]) -> list[Resource]:
        for track in TRACK_IDS:
            shown = len(resources_for(resources, track))
            if not MIN_RESOURCES <= shown <= MAX_RESOURCES:
                raise ValueError(f"the {track} track sees {shown} resource(s); a skill needs "
                                 f"{MIN_RESOURCES}-{MAX_RESOURCES} for every track")
        return resources

    def resources_for(self, track: str | None) -> list[Resource]:
        """The resources a learner of ``track`` sees."""
        return resources_for(self.resources, track)


def resources_for(resources: list[Resource], track: str | None) -> list[Resource]:
    """The general resources plus those for ``track``, in file order (all of them without a track)."""
    return [r for r in resources if track is None or r.track is None or r.track == track]


class SkillFile(Strict):
    """A file of skills that all belong to one phase."""

    phase: Annotated[int, Field(ge=1, le=4)]
    skills: list[Skill] = Field(min_length=1)


class ProjectItem(Strict):
    """One must-have of a portfolio project."""

    id: Slug
    text: Localized


class Project(Strict):
    """The portfolio project that completes a phase."""

    id: Slug
    title: Localized
    summary: Localized
    must_haves: list[ProjectItem] = Field(min_length=1)

    @field_validator("must_haves")
    @classmethod
    def _unique_items(cls, items: list[ProjectItem]) -> list[ProjectItem]:
        seen: set[str] = set()
        for item in items:
            if item.id in seen:
                raise ValueError(f"duplicate must-have id {item.id!r}")
            seen.add(item.id)
        return items


class Phase(Strict):
    """One phase of the 40-week plan."""

    number: Annotated[int, Field(ge=1, le=4)]
    weeks: tuple[int, int]
    title: Localized
    goal: Localized
    project: Project

    @field_validator("weeks")
    @classmethod
    def _ordered_weeks(cls, weeks: tuple[int, int]) -> tuple[int, int]:
        first, last = weeks
        if not 1 <= first <= last <= 40:
            raise ValueError("weeks must be [first, last] with 1 <= first <= last <= 40")
        return weeks


class PhaseFile(Strict):
    """The file that lists the four phases in order."""

    phases: list[Phase]

    @model_validator(mode="after")
    def _contiguous(self) -> PhaseFile:
        numbers = [p.number for p in self.phases]
        if numbers != [1, 2, 3, 4]:
            raise ValueError(f"phases: must be numbered 1, 2, 3, 4 in order, got {numbers}")
        expected_start = 1
        for index, phase in enumerate(self.phases):
            if phase.weeks[0] != expected_start:
                raise ValueError(
                    f"phases[{index}].weeks: phase {phase.number} starts in week {phase.weeks[0]}, "
                    f"expected {expected_start}"
                )
            expected_start = phase.weeks[1] + 1
        if expected_start != 41:
            raise ValueError("phases[3].weeks: the phases must cover weeks 1 to 40")
        return self


class Track(Strict):
    """A language track with the frameworks and databases the seeds recommend."""

    id: Annotated[str, Field(pattern="^(go|python|node|java|php)$")]
    name: NonEmpty
    frameworks: list[NonEmpty] = Field(min_length=1)
    databases: list[NonEmpty] = Field(min_length=1)
    best_for: Localized
    aliases: list[NonEmpty] = Field(default_factory=list)


class TrackFile(Strict):
    """The file that lists the five tracks."""

    tracks: list[Track]

    @model_validator(mode="after")
    def _all_tracks(self) -> TrackFile:
        ids = sorted(t.id for t in self.tracks)
        if ids != sorted(TRACK_IDS):
            raise ValueError(f"tracks: must be exactly {', '.join(TRACK_IDS)}; got {', '.join(ids)}")
        return self


_PLACEHOLDER = re.compile(r"^[a-z_][a-z0-9_]*$")


def placeholders(text: str) -> set[str]:
    """Return the ``{name}`` placeholders used in a message template."""
    names = {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}
    for name in names:
        if not _PLACEHOLDER.match(name):
            raise ValueError(f"placeholder {{{name}}} must be a plain lower-case name")
    return names


class Message(Localized):
    """A user-facing message; both languages must use the same placeholders."""

    @model_validator(mode="after")
    def _same_placeholders(self) -> Message:
        en, id_ = placeholders(self.en), placeholders(self.id)
        if en != id_:
            raise ValueError(
                f"placeholders differ between en {sorted(en)} and id {sorted(id_)}"
            )
        return self


class MessageFile(Strict):
    """The catalogue of user-facing messages, keyed by message id."""

    messages: dict[Annotated[str, Field(pattern=r"^[a-z0-9_.]+$")], Message]


class IntentPhrases(Strict):
    """Free-text phrases that mean one command, per language."""

    command: Annotated[str, Field(pattern=r"^[a-z_]+$")]
    en: list[NonEmpty] = Field(min_length=1)
    id: list[NonEmpty] = Field(min_length=1)


class IntentFile(Strict):
    """Free-text intents and command aliases."""

    intents: list[IntentPhrases]
    command_aliases: dict[Annotated[str, Field(pattern=r"^[a-z_]+$")], Annotated[str, Field(pattern=r"^[a-z_]+$")]] = Field(
        default_factory=dict
    )


class Phrases(Strict):
    """Words and phrases that express a concept, per language."""

    en: list[NonEmpty] = Field(min_length=1)
    id: list[NonEmpty] = Field(min_length=1)


class Concept(Strict):
    """One key concept of an open question's rubric.

    ``core`` concepts carry the question's central idea: an answer that meets
    every core concept is ``correct`` even when it skips the supporting ones.
    Core concepts that share a ``group`` are alternatives: any one of them
    meets the group. ``ordered`` phrases only match with their words in the
    written order ("left root right" is not "right root left").
    """

    id: Slug
    weight: Annotated[int, Field(ge=1, le=5)] = 1
    core: bool = False
    group: Slug | None = None
    ordered: bool = False
    label: Localized
    phrases: Phrases

    @model_validator(mode="after")
    def _group_only_for_core(self) -> Concept:
        if self.group is not None and not self.core:
            raise ValueError(f"concept {self.id!r}: group: only core concepts have a group (add `core: true`)")
        return self


class Misconception(Strict):
    """A wrong statement a learner may make: saying it keeps an answer from ``correct``."""

    id: Slug
    label: Localized
    phrases: Phrases


class Question(Strict):
    """An interview question: ``choice`` (options, answer, explanation) or ``open`` (rubric).

    A question with a ``track`` is about one language's ecosystem (goroutines, the GIL,
    the event loop, the JVM, Eloquent) and is only asked to learners of that track.
    """

    id: Slug
    skill: Slug
    kind: Literal["choice", "open"]
    track: Literal["go", "python", "node", "java", "php"] | None = None
    prompt: Localized
    options: list[Localized] = Field(default_factory=list)
    answer: int | None = None
    explanation: Localized | None = None
    rubric: list[Concept] = Field(default_factory=list)
    misconceptions: list[Misconception] = Field(default_factory=list)
    model_answer: Localized | None = None

    @model_validator(mode="after")
    def _complete_for_kind(self) -> Question:
        if self.kind == "choice":
            if not 2 <= len(self.options) <= 6:
                raise ValueError(f"question {self.id!r}: options: a choice question needs 2-6 options")
            if self.answer is None or not 0 <= self.answer < len(self.options):
                raise ValueError(f"question {self.id!r}: answer: must be the index of one of the options")
            if self.explanation is None:
                raise ValueError(f"question {self.id!r}: explanation: required for a choice question")
            if self.rubric or self.model_answer or self.misconceptions:
                raise ValueError(
                    f"question {self.id!r}: a choice question has no rubric, misconceptions or model_answer"
                )
        else:
            if not self.rubric:
                raise ValueError(f"question {self.id!r}: rubric: an open question needs at least one concept")
            if self.model_answer is None:
                raise ValueError(f"question {self.id!r}: model_answer: required for an open question")
            if self.options or self.answer is not None:
                raise ValueError(f"question {self.id!r}: an open question has no options or answer")
            ids = [c.id for c in self.rubric] + [m.id for m in self.misconceptions]
            if len(ids) != len(set(ids)):
                raise ValueError(f"question {self.id!r}: rubric: duplicate concept or misconception ids")
        return self


class QuestionFile(Strict):
    """A file (or a study group's pack) of questions."""

    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> QuestionFile:
        seen: set[str] = set()
        for index, question in enumerate(self.questions):
            if question.id in seen:
                raise ValueError(f"questions[{index}].id: duplicate question id {question.id!r}")
            seen.add(question.id)
        return self


class PackFile(QuestionFile):
    """A study group's question pack: an optional name (default: the file name) and questions."""

    pack: Slug | None = None
