"""The dashboard in a real headless Chromium: the roadmap, the streak heatmap and the recall chart of a
learner with a known history show the right figures, in English and in Indonesian, from a signed link
and as a Telegram Mini App (dark theme, without Telegram's script). Each view is saved as a screenshot
under tests/artifacts/dashboard/."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from browser import run, screenshot, start, wait_for
from dashboard_history import KNOWN_COUNTS, LOOK_AT, known_history
from dashboard_web import Web, init_data, link_of, web_settings

from bot.content.loader import KnowledgeBase
from bot.engine import Engine
from bot.settings import Settings
from bot.storage.database import Database

WORDS = {"en": {"tab": "Recall", "streak": "1 day", "longest": "2 days", "summary": "6 answers on 3 days"},
         "id": {"tab": "Daya ingat", "streak": "1 hari", "longest": "2 hari", "summary": "6 jawaban dalam 3 hari"}}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    driver = start()
    yield driver
    driver.quit()


@pytest.fixture
def web_engine(db: Database, kb: KnowledgeBase, settings: Settings) -> Engine:
    return Engine(db, kb, web_settings(settings))


def _css(selector: str) -> Any:
    from selenium.webdriver.common.by import By

    return lambda driver: driver.find_elements(By.CSS_SELECTOR, selector)


async def _open(browser: Any, url: str) -> None:
    await run(browser.get, "about:blank")
    await run(browser.get, url)
    await wait_for(browser, _css("body[data-ready='true']"))


async def _attr(browser: Any, selector: str, name: str) -> list[str]:
    return await run(browser.execute_script,
                     "return [...document.querySelectorAll(arguments[0])].map(e => e.getAttribute(arguments[1]))",
                     selector, name)


async def _text(browser: Any, selector: str) -> str:
    return await run(browser.execute_script, "return document.querySelector(arguments[0]).textContent", selector)


async def _tab(browser: Any, view: str) -> None:
    await run(browser.execute_script, "document.getElementById(arguments[0]).click()", f"tab-{view}")
    await wait_for(browser, lambda d: d.execute_script(
        "return !document.getElementById(arguments[0]).hidden", f"view-{view}"))


@pytest.mark.parametrize("backend", ["sqlite"])  # the page is the same on both databases: the API tests cover them
@pytest.mark.parametrize("lang", ["en", "id"])
async def test_roadmap_heatmap_and_recall_show_a_known_history(web_engine: Engine, browser: Any, lang: str) -> None:
    known = await known_history(web_engine, lang=lang)
    await known.chat.say("/dashboard")
    token = link_of(known.chat.replies).split("#t=", 1)[1]
    async with Web(web_engine, lambda: LOOK_AT) as web:
        status, body, _ = await web.get("/api/v1/dashboard", f"Bearer {token}")
        assert status == 200
        api = json.loads(body)
        await _open(browser, web.url("/") + "#t=" + token)
        words = WORDS[lang]
        assert await _text(browser, "#tab-recall") == words["tab"]

        # the roadmap: the plan's week and the learned week, each skill's status, the project
        assert await _attr(browser, "#marker-week", "data-week") == ["1"]
        assert await _attr(browser, "#marker-learned", "data-week") == [str(api["roadmap"]["plan"]["steps_week"])]
        statuses = dict(zip(await _attr(browser, ".chip", "data-skill"), await _attr(browser, ".chip", "data-status"),
                            strict=True))
        assert statuses[known.done_skill] == "done" and len(statuses) == len(web_engine.kb.skills)
        assert list(statuses.values()).count("done") == 1
        await screenshot(browser, f"roadmap-{lang}")
        # a tap on a skill shows what /skill shows
        await run(browser.execute_script, "document.querySelector(arguments[0]).click()",
                  f".chip[data-skill='{known.first_skill}']")
        await wait_for(browser, _css(f"#skill-body[data-skill='{known.first_skill}']"))
        learn = web_engine.kb.skills[known.first_skill].learn.get(lang)
        assert learn in await _text(browser, "#skill-body")
        await screenshot(browser, f"skill-{lang}")
        await run(browser.execute_script, "document.getElementById('skill-close').click()")

        # the streak: the answers of each known day in the heatmap, the current and longest streak
        await _tab(browser, "streak")
        counts = dict(zip(await _attr(browser, "#heatmap rect", "data-date"),
                          await _attr(browser, "#heatmap rect", "data-count"), strict=True))
        assert len(counts) == 365 and {day: int(counts[day]) for day in KNOWN_COUNTS} == KNOWN_COUNTS
        assert sum(int(c) for c in counts.values()) == 6
        assert await _attr(browser, "#heatmap rect.cellt", "data-date") == ["2026-03-05"]  # today, Jakarta time
        assert (await _text(browser, "#streak-current .value")) == words["streak"]
        assert (await _text(browser, "#streak-longest .value")) == words["longest"]
        assert words["summary"] in await _text(browser, "#heatmap-summary")
        await screenshot(browser, f"streak-{lang}")

        # recall: one bar per reviewed skill with the API's (FSRS) figure, and the weekly accuracy
        await _tab(browser, "recall")
        bars = dict(zip(await _attr(browser, ".recall-bar", "data-skill"),
                        await _attr(browser, ".recall-bar", "data-recall"), strict=True))
        assert bars == {s["id"]: str(s["recall"]) for s in api["recall"]["skills"]}
        assert set(bars) == {known.first_skill, known.second_skill}
        assert await _attr(browser, ".accuracy-point", "data-score") == ["83"]
        assert await _text(browser, "#recall-overall .value") == f"{api['recall']['overall']}%"
        await screenshot(browser, f"recall-{lang}")
        await _tab(browser, "group")
        await screenshot(browser, f"group-{lang}")


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_as_a_telegram_mini_app_in_dark_theme_without_telegrams_script(web_engine: Engine,
                                                                              browser: Any) -> None:
    await known_history(web_engine, user="5001", platform="telegram", lang="id")
    theme = {"bg_color": "#17212b", "text_color": "#f5f5f5", "hint_color": "#708499", "link_color": "#6ab3f3",
             "button_color": "#5288c1", "button_text_color": "#ffffff", "secondary_bg_color": "#232e3c"}
    fragment = (f"tgWebAppData={quote(init_data(5001, signed_at=LOOK_AT, lang='id'), safe='')}"
                f"&tgWebAppVersion=7.0&tgWebAppPlatform=android&tgWebAppThemeParams={quote(json.dumps(theme))}")
    async with Web(web_engine, lambda: LOOK_AT) as web:
        await _open(browser, web.url("/") + "#" + fragment)
        background = await run(browser.execute_script, "return getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(23, 33, 43)"
        assert await _text(browser, "#tab-streak") == "Streak" and await _text(browser, "#tab-recall") == "Daya ingat"
        await _tab(browser, "streak")
        assert (await _text(browser, "#streak-current .value")) == "1 hari"
        await screenshot(browser, "telegram-dark-streak-id")

        # a stale initData: the page says so, in the learner's language, and shows nothing else
        stale = fragment.replace(quote(init_data(5001, signed_at=LOOK_AT, lang="id"), safe=""),
                                 quote(init_data(5001, signed_at=LOOK_AT.replace(year=2025), lang="id"), safe=""))
        await run(browser.get, "about:blank")
        await run(browser.get, web.url("/") + "#" + stale)
        await wait_for(browser, _css("#status.error"))
        assert "kedaluwarsa" in await _text(browser, "#status")
        assert await run(browser.execute_script, "return document.getElementById('tabs').hidden") is True
