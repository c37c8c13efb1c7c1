"""Track questions: every track file holds enough questions of its own track, a learner's /quiz
never strays into another track, and /quiz TRACK serves that track through the engine."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml
from chat import Chat

from bot.content.loader import KnowledgeBase, default_knowledge_dir, load_model
from bot.content.models import TRACK_IDS, QuestionFile
from bot.quiz.grader import grade

TRACK_FILES = sorted((default_knowledge_dir() / "questions").glob("track-*.yaml"))
TRACKS = [path.stem.removeprefix("track-") for path in TRACK_FILES]
MIN_PER_TRACK = 16
SAMPLE_ANSWERS = yaml.safe_load((Path(__file__).parent / "data" / "track_answers.yaml").read_text())["answers"]


def _asked_id(chat: Chat) -> str | None:
    """The id of the question just asked (between backticks in its header), if one was asked."""
    for reply in chat.replies:
        header = reply.text.splitlines()[0] if reply.text else ""
        if header.count("`") >= 2:
            return header.split("`")[1]
    return None


def test_there_are_track_files() -> None:
    assert {"go", "python"} <= set(TRACKS)


@pytest.mark.parametrize("path", TRACK_FILES, ids=TRACKS)
def test_a_track_file_holds_enough_questions_of_its_track_over_every_phase(path: Path, kb: KnowledgeBase) -> None:
    track = path.stem.removeprefix("track-")
    assert track in TRACK_IDS
    questions = load_model(path, QuestionFile).questions
    assert len(questions) >= MIN_PER_TRACK
    assert {q.track for q in questions} == {track}
    assert all(q.id in kb.questions for q in questions)  # loaded into the bank, not shadowed
    for question in questions:
        assert question.prompt.en.strip() and question.prompt.id.strip()
        assert question.prompt.en != question.prompt.id, question.id
        if question.kind == "open":
            assert question.model_answer is not None and question.model_answer.en != question.model_answer.id
            assert any(c.core for c in question.rubric), question.id
        else:
            assert question.explanation is not None and question.explanation.en != question.explanation.id
    kinds = Counter(q.kind for q in questions)
    assert kinds["open"] >= len(questions) // 2 and kinds["choice"] >= 3
    phases = {kb.skill_phase[q.skill] for q in questions}
    assert phases == {1, 2, 3, 4}
    assert len({q.skill for q in questions}) >= 8  # not all on main-language


async def test_a_python_learners_quiz_never_asks_another_tracks_question(chat: Chat, kb: KnowledgeBase) -> None:
    await chat.onboard(track="python")
    asked: list[str] = []
    for _ in range(80):
        await chat.say("/quiz")
        question_id = _asked_id(chat)
        if question_id is None:  # caught up with everything the current phase offers
            break
        asked.append(question_id)
        await chat.press("I don't know")
    tracks = Counter(kb.questions[q].track for q in asked)
    assert set(tracks) == {None, "python"}, tracks  # general questions and their own track, nothing else
    own_in_phase_1 = {q.id for q in kb.questions.values()
                      if q.track == "python" and kb.skill_phase[q.skill] == 1}
    assert own_in_phase_1 <= set(asked)


@pytest.mark.parametrize("track", TRACKS)
async def test_quiz_track_serves_that_tracks_questions_from_every_phase(chat: Chat, kb: KnowledgeBase,
                                                                        track: str) -> None:
    other = next(t for t in TRACK_IDS if t != track)
    await chat.onboard(track=other)  # any learner may ask for another track by name
    asked: list[str] = []
    for _ in range(MIN_PER_TRACK):
        await chat.say(f"/quiz {track}")
        question_id = _asked_id(chat)
        assert question_id is not None, chat.text
        asked.append(question_id)
        await chat.press("I don't know")
    assert len(set(asked)) == MIN_PER_TRACK  # new questions each time, not the same one again
    assert {kb.questions[q].track for q in asked} == {track}
    assert len({kb.skill_phase[kb.questions[q].skill] for q in asked}) >= 3


async def test_quiz_track_by_alias_in_indonesian_shows_the_indonesian_prompt(chat: Chat, kb: KnowledgeBase) -> None:
    await chat.onboard(lang="id", track="go")
    await chat.say("/kuis golang")
    question_id = _asked_id(chat)
    assert question_id is not None and kb.questions[question_id].track == "go"
    assert "Pertanyaan baru" in chat.text
    assert kb.questions[question_id].prompt.id.split("`")[0][:40] in chat.text


def _interview_question(kb: KnowledgeBase, chat: Chat) -> str:
    """The id of the mock-interview question just asked, found by its prompt."""
    prompt = chat.replies[-1].text.split("\n\n")[1]
    return next(q.id for q in kb.questions.values() if q.prompt.en == prompt)


@pytest.mark.parametrize("track", TRACKS)
async def test_a_mock_interview_past_week_4_asks_about_the_learners_own_track(chat: Chat, kb: KnowledgeBase,
                                                                           track: str) -> None:
    await chat.onboard(track=track)
    chat.wait(days=5 * 7)  # week 6 of the plan
    await chat.say("/interview")
    asked = []
    for number in range(1, 6):
        assert f"Question {number} of 5" in chat.replies[-1].text, chat.text
        asked.append(_interview_question(kb, chat))
        await chat.press("I don't know")
    assert "Scorecard" in chat.text
    tracks = {kb.questions[q].track for q in asked}
    assert track in tracks and tracks <= {None, track}, asked


def test_learner_answers_to_track_questions_get_an_interviewers_verdict(kb: KnowledgeBase) -> None:
    wrong = []
    for sample in SAMPLE_ANSWERS:
        verdict = grade(kb.questions[sample["question"]], sample["answer"]).verdict
        if verdict != sample["verdict"]:
            wrong.append(f"{sample['question']}: {verdict}, expected {sample['verdict']}: {sample['answer'][:60]!r}")
    assert wrong == []
    graded = {sample["question"] for sample in SAMPLE_ANSWERS}
    assert {q.id for q in kb.questions.values() if q.track in ("go", "python") and q.kind == "open"} <= graded
