"""English counts read right ("1 skill", "2 skills", never "skill(s)"); Indonesian needs no plural."""

from __future__ import annotations

import re
import string

import pytest
from chat import Chat

from bot.content.loader import KnowledgeBase
from bot.engine import Engine
from bot.i18n import Texts


def test_no_message_falls_back_to_s_in_brackets(kb: KnowledgeBase) -> None:
    lazy = [f"{key}.{lang}" for key, message in kb.messages.items() for lang in ("en", "id")
            if re.search(r"\w\(s\)", message.get(lang))]
    assert not lazy, lazy


def test_every_plural_form_has_one_and_other(kb: KnowledgeBase) -> None:
    bad = []
    for key, message in kb.messages.items():
        for lang in ("en", "id"):
            for _, field, spec, _ in string.Formatter().parse(message.get(lang)):
                if field and spec and "|" in spec and (spec.count("|") != 1 or "" in spec.split("|")):
                    bad.append(f"{key}.{lang}: {{{field}:{spec}}}")
    assert not bad, bad


def test_plural_forms_follow_the_number(kb: KnowledgeBase) -> None:
    texts = Texts(kb.messages)
    assert texts("en", "link.too_many", minutes=1) == "🔒 Too many wrong codes. Please wait 1 minute and try again."
    assert "wait 15 minutes" in texts("en", "link.too_many", minutes=15)
    assert "Tunggu 1 menit" in texts("id", "link.too_many", minutes=1)
    assert texts("en", "push.nudge_streak", days=1).endswith("1 day")
    assert texts("en", "push.nudge_streak", days=0).endswith("0 days")


@pytest.mark.parametrize(("lang", "expected"), [
    ("en", "1 skill done, 1 question in your reviews"),
    ("id", "1 skill selesai, 1 pertanyaan di daftar review kamu"),
])
async def test_linking_counts_one_skill_and_one_question(engine: Engine, lang: str, expected: str) -> None:
    telegram = Chat(engine, "111", platform="telegram")
    await telegram.onboard(lang=lang, track="python")
    await telegram.say("/done git-workflow")
    await telegram.say("/quiz n-plus-one")
    await telegram.send_payload("/answer n-plus-one ?")
    discord = Chat(engine, "222", platform="discord")
    await discord.onboard(lang=lang, track="python")
    await telegram.say("/link")
    code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}", telegram.text)
    assert code, telegram.text
    await discord.say(f"/link {code.group(0)}")
    assert expected in discord.text, discord.text
    assert "(s)" not in discord.text
