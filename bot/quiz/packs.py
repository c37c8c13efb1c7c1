"""Question packs: a study group's own questions in one YAML file.

The format is the one of ``knowledge/questions/*.yaml`` plus an optional
``pack:`` name (default: the file name). ``jalur pack validate`` checks a
file; ``jalur pack add`` stores it in the database, where every running bot
picks it up (see ``QuestionBank.refresh``).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.content.loader import ContentError, KnowledgeBase, check_questions, load_model
from bot.content.models import PackFile, Question
from bot.quiz.grader import grade

if TYPE_CHECKING:
    from bot.storage.quiz_store import QuizStore

log = logging.getLogger(__name__)

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_PACK_BYTES = 5_000_000


class PackError(ContentError):
    """A pack that cannot be used, with a message naming the file, question and field."""


@dataclass(frozen=True)
class Pack:
    """A validated pack: its name, where it came from, and its questions."""

    name: str
    source: str
    questions: tuple[Question, ...]


def read_pack(path: Path, kb: KnowledgeBase) -> Pack:
    """Read and validate a pack file against the roadmap and the built-in questions."""
    source = str(path)
    if path.is_dir():
        raise PackError(f"{source}: is a directory; give the pack's YAML file")
    if not path.is_file():
        raise PackError(f"{source}: no such file")
    if path.stat().st_size > MAX_PACK_BYTES:
        raise PackError(f"{source}: the file is larger than {MAX_PACK_BYTES // 1_000_000} MB")
    try:
        model = load_model(path.resolve(), PackFile, path.resolve().parent)
    except ContentError as exc:
        raise PackError(str(exc).replace(f"{path.resolve().parent.name}/{path.name}", source, 1)) from exc
    name = model.pack or path.stem.lower()
    if not _SLUG.match(name) or len(name) > 40:
        raise PackError(
            f"{source}: pack: the file name {path.stem!r} is not a usable pack name; "
            "add a line like `pack: my-study-group` (lower-case letters, digits and dashes)"
        )
    check_questions(source, model.questions, kb.skills, {qid: "the built-in question bank" for qid in kb.questions})
    return Pack(name, source, tuple(model.questions))


def rubric_notes(pack: Pack) -> list[str]:
    """What a pack author should look at: open questions without core concepts, model answers not correct."""
    notes = []
    for index, question in enumerate(pack.questions):
        if question.kind != "open":
            continue
        where = f"{pack.source}: questions[{index}] ({question.id})"
        if not any(concept.core for concept in question.rubric):
            notes.append(f"{where}: rubric: no concept has `core: true`, so answers are judged by weight alone "
                         "(70% correct, 30% partial); mark the central idea core")
        assert question.model_answer is not None
        for lang in ("en", "id"):
            result = grade(question, question.model_answer.get(lang))
            if result.verdict != "correct":
                missed = ", ".join((*result.missed, *result.hinted)) or "-"
                wrong = ", ".join(m for m, _ in result.wrong)
                detail = f"missed: {missed}" + (f"; states misconception {wrong}" if wrong else "")
                notes.append(f"{where}: model_answer.{lang} grades {result.verdict} with this rubric ({detail}); "
                             "add phrases that say it the way the model answer does")
    return notes


async def store_pack(store: QuizStore, pack: Pack, now: datetime) -> int:
    """Store (or replace) a pack; returns how many of its questions were there before."""
    from bot.storage.tables import PackQuestion  # here: reading and grading a pack needs no database

    owners = await store.pack_owners(q.id for q in pack.questions)
    for index, question in enumerate(pack.questions):
        owner = owners.get(question.id)
        if owner is not None and owner != pack.name:
            raise PackError(
                f"{pack.source}: questions[{index}].id: duplicate question id {question.id!r} "
                f"(already in pack {owner!r})"
            )
    rows = [
        PackQuestion(question_id=q.id, pack=pack.name, skill_id=q.skill, data=q.model_dump_json(), added_at=now)
        for q in pack.questions
    ]
    replaced = await store.replace_pack(pack.name, rows)
    log.info("pack %s stored: %d questions (%d replaced)", pack.name, len(rows), replaced)
    return replaced
