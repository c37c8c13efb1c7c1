""""What next?" read as conversations: recommendations, Done, Skip, Another,
free text in both languages, and the portfolio project that closes a phase."""

from __future__ import annotations

import pytest
from chat import Chat

from bot.content.loader import KnowledgeBase


async def test_first_recommendation_is_a_phase_one_skill_with_reason_combo_and_task(chat: Chat, kb: KnowledgeBase) -> None:
    await chat.onboard(track="python")
    await chat.say("/next")
    text = chat.text
    assert "Next: Main Language (phase 1)" in text
    assert "Why this one" in text and "no prerequisites" in text
    assert "Prove it (combo):" in text and "Your task:" in text
    assert "On Python:" in text and kb.skills["main-language"].tracks.python.en in text
    assert [b.payload for b in chat.buttons] == [
        "/done main-language", "/skip main-language", "/another main-language"
    ]


async def test_done_moves_on_to_a_different_skill_whose_prerequisites_are_met(chat: Chat, kb: KnowledgeBase) -> None:
    await chat.onboard()
    await chat.say("/next")
    await chat.press("Done")
    assert "**Main Language** done" in chat.replies[0].text
    assert "1/5 core skills closed" in chat.text
    second = chat.buttons[0].payload.removeprefix("/done ")
    assert second != "main-language"
    skill = kb.skills[second]
    assert kb.skill_phase[second] == 1 and skill.core
    # asking again gives the same skill: the recommendation is stable
    await chat.say("/next")
    assert chat.buttons[0].payload == f"/done {second}"


async def test_prerequisites_name_what_was_done(chat: Chat) -> None:
    await chat.onboard()
    for skill in ("main-language", "git-workflow", "sql-deep", "linux-cli"):
        await chat.say(f"/done {skill}")
    assert "Next: Data Structures" in chat.text
    assert "Its prerequisites are done: Main Language" in chat.text


@pytest.mark.parametrize(
    "question",
    ["what should I learn next?", "wat shuld i lern nxt", "WHAT NEXT!!", "apa selanjutnya?",
     "apa selanjutny", "belajar apa lagi ya", "ok, what next then"],
)
async def test_free_text_asks_what_next(chat: Chat, question: str) -> None:
    await chat.onboard()
    await chat.say(question)
    assert "Main Language" in chat.text and "Your task" in chat.text


async def test_indonesian_learner_gets_indonesian_answers(chat: Chat) -> None:
    await chat.onboard(lang="id", track="php")
    await chat.say("apa selanjutnya?")
    assert "Berikutnya: Bahasa Utama (fase 1)" in chat.text
    assert "Di PHP / Laravel:" in chat.text and "Tugas kamu" in chat.text
    await chat.press("Selesai")
    assert "Bahasa Utama** selesai" in chat.replies[0].text


async def test_another_offers_each_open_skill_in_turn(chat: Chat) -> None:
    await chat.onboard()
    await chat.say("/next")
    seen = [chat.buttons[0].payload]
    for _ in range(3):
        await chat.press("Another")
        seen.append(chat.buttons[0].payload)
    assert len(set(seen)) == 4, seen
    # the last one offered is now the current skill
    await chat.say("/next")
    assert chat.buttons[0].payload == seen[-1]


async def test_skip_closes_a_skill_without_blocking(chat: Chat) -> None:
    await chat.onboard()
    await chat.say("/skip main-language")
    assert "Skipped **Main Language**" in chat.replies[0].text
    await chat.say("/progress")
    assert "0/5 skills" in chat.text  # skipped is closed, not learned
    assert "Skipped, not counted as learned: 1" in chat.text


async def test_done_accepts_names_and_typos_but_rejects_unknown_skills(chat: Chat) -> None:
    await chat.onboard()
    await chat.say("/done sql")
    assert "SQL" in chat.replies[0].text and "done" in chat.replies[0].text
    await chat.say("/done Git Workflw")
    assert "Git Workflow** done" in chat.replies[0].text
    await chat.send_payload("/done no-such-skill")
    assert "don't know a skill called" in chat.text
    await chat.say("/progress")
    assert "2/5 skills" in chat.text


async def test_finishing_a_phase_goes_through_its_project(chat: Chat, kb: KnowledgeBase) -> None:
    await chat.onboard()
    for skill in kb.skills_in_phase(1, core=True):
        await chat.say(f"/done {skill.id}")
    assert "Every core skill of phase 1 is closed" in chat.text
    assert "Phase 1 project" in chat.text
    items = kb.phase(1).project.must_haves
    assert f"(0/{len(items)})" in chat.text

    await chat.press(items[0].text.en[:20])
    assert f"(1/{len(items)})" in chat.text
    await chat.press("Project done")
    assert "not ticked yet" in chat.text
    await chat.press("Yes, it's done")
    assert "Phase 1 complete" in chat.text
    assert "Next: REST" in chat.text  # phase 2 begins
    await chat.say("/progress")
    assert "project ✅" in chat.text


async def test_project_done_needs_the_phase_skills_first(chat: Chat) -> None:
    await chat.onboard()
    await chat.say("/project_done 1")
    assert "still has open core skills" in chat.text
    await chat.say("/project")
    assert "Phase 1 project" in chat.text


async def test_another_from_the_project_offers_an_elective(chat: Chat, kb: KnowledgeBase) -> None:
    await chat.onboard()
    for skill in kb.skills_in_phase(1, core=True):
        await chat.say(f"/done {skill.id}")
    await chat.press("optional extra")
    electives = {s.id for s in kb.skills_in_phase(1, core=False)}
    assert chat.buttons[0].payload.removeprefix("/done ") in electives
    assert "optional extra for phase 1" in chat.text


async def test_the_end_of_the_roadmap(chat: Chat, kb: KnowledgeBase) -> None:
    await chat.onboard(level=3)
    for skill in kb.skills.values():
        await chat.say(f"/done {skill.id}")
    await chat.say("/project_done 4 yes")
    assert "Phase 4 complete" in chat.text
    assert "Phase 1 project" in chat.text  # placement left the earlier projects open
    for phase in (1, 2, 3):
        await chat.say(f"/project_done {phase} yes")
    assert "finished all four phases" in chat.text
