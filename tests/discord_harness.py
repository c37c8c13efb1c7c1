"""The real discord.py client against the fake Discord API, for tests: log in, hand it
interactions as the gateway would, and read what it sent."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fake_discord import TOKEN, FakeDiscord
from pydantic import SecretStr

from adapters.discord.bot import DiscordAdapter
from bot.engine import Engine
from bot.settings import Settings


async def finished(event: Callable[[], None], timeout: float = 60.0) -> None:
    """Run ``event()`` (hand the client something from the gateway) and wait for the tasks it started.

    discord.py answers an interaction or a gateway event in tasks it creates right away (the
    command tree's invoker, a button's or a text box's dispatch, event listeners); once they are
    done, everything the client does for it, replies included, is done.
    """
    started = asyncio.all_tasks()
    event()
    tasks = asyncio.all_tasks() - started
    if tasks:
        _, pending = await asyncio.wait(tasks, timeout=timeout)
        assert not pending, f"the Discord client was still busy after {timeout} s: {pending}"


class Discord:
    """A logged-in adapter and the fake it talks to."""

    def __init__(self, fake: FakeDiscord, adapter: DiscordAdapter) -> None:
        self.fake = fake
        self.adapter = adapter

    async def interact(self, payload: dict[str, Any]) -> None:
        """Hand an interaction to the client as the gateway would; wait until the client is done with it."""
        await finished(lambda: self.adapter.client._connection.parse_interaction_create(payload))

    async def deliver(self, payload: dict[str, Any], *, replies: int = 1) -> list[Any]:
        """Hand an interaction to the client; the messages it changed for it (at least ``replies``):
        the message a button was pressed on when the client edited it, then the new messages."""
        before = len(self.fake.messages())
        edits = {id(sent): sent.edits for sent in self.fake.messages()}
        await self.interact(payload)
        messages = self.fake.messages()
        edited = [sent for sent in messages[:before] if sent.edits > edits[id(sent)]]
        sent = edited + messages[before:]
        assert len(sent) >= replies, (f"expected at least {replies} message(s)", sent)
        return sent

    async def slash(self, user: int, name: str, options: dict[str, Any] | None = None, **kw: Any) -> list[Any]:
        replies = kw.pop("replies", 1)
        return await self.deliver(self.fake.slash(user, name, options, **kw), replies=replies)

    async def press(self, user: int, label: str, **kw: Any) -> list[Any]:
        replies = kw.pop("replies", 1)
        ids = {}
        for sent in reversed(self.fake.messages()):
            ids = {k: v for k, v in self.fake.custom_ids(sent).items() if label.lower() in k.lower()}
            if ids:
                break
        assert len(ids) == 1, (label, ids)
        return await self.deliver(self.fake.press(user, next(iter(ids.values())), **kw), replies=replies)


def _settings(settings: Settings, fake: FakeDiscord) -> Settings:
    return settings.model_copy(update={"discord_token": SecretStr(TOKEN), "discord_api_url": fake.api_url})


async def until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Wait until ``condition()`` holds (something the client does on its own time, such as a post's edit)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, f"still not true after {timeout} s"
        await asyncio.sleep(0.02)


async def login(engine: Engine, settings: Settings, fake: FakeDiscord,
                clock: Callable[[], datetime] | None = None, **options: Any) -> Discord:
    """A logged-in adapter; ``options`` go to ``DiscordAdapter`` (``edit_interval``)."""
    adapter = DiscordAdapter(engine, _settings(settings, fake), **({"clock": clock} if clock else {}), **options)
    await adapter.client.login(TOKEN)
    return Discord(fake, adapter)
