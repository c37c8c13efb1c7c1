"""The Discord adapter: discord.py's ``AutoShardedClient`` in front of Jalur's engine.

Slash commands (descriptions in English and Indonesian) and button presses
become an ``Incoming`` for the engine; replies go back as follow-up messages,
ephemeral inside a server (only the learner sees their progress) and normal
in DMs. Every interaction is deferred at once, so Discord's 3-second window
is always met. Buttons are ``DynamicItem`` components whose custom id holds
the payload, so a button works after a restart; an open question also gets an
"Answer" button that opens a text box (Discord bots do not read messages).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import discord
from discord import app_commands

from adapters.discord.render import CUSTOM_ID_PREFIX, MAX_LABEL_CHARS, custom_id, messages
from bot.conversation import Button, Incoming, Reply
from bot.engine import Engine
from bot.i18n import Texts, pick_language
from bot.pushes.delivery import Senders, SendResult
from bot.settings import Settings

log = logging.getLogger(__name__)


class _NoVoiceWarnings(logging.Filter):
    """Jalur never uses voice, so discord.py's "voice will NOT be supported" warnings are noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "voice will NOT be supported" not in record.getMessage()


logging.getLogger("discord.client").addFilter(_NoVoiceWarnings())

PLATFORM = "discord"
ANSWER_PREFIX = "jalur-answer:"
DONT_KNOW = re.compile(r"^/answer (?P<question>\S+) \?$")
MAX_ANSWER_CHARS = 1500

# Slash commands: name -> the option a learner may add (None: no option).
SLASH_COMMANDS: dict[str, str | None] = {
    "next": None, "quiz": "topic", "progress": None, "streak": None, "stats": None, "interview": None,
    "project": None, "settings": None, "reminders": None, "help": None, "cancel": None, "start": None,
}

Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


def _language(locale: discord.Locale | None) -> str | None:
    """Discord's locale as a language hint (``id`` for Indonesian, else English)."""
    if locale is None:
        return None
    return "id" if locale is discord.Locale.indonesian else "en"


class JalurButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=re.escape(CUSTOM_ID_PREFIX) + r"(?P<payload>/.+)"):
    """A reply button; its custom id carries the payload, so it outlives the process."""

    def __init__(self, label: str, payload: str, row: int | None = None) -> None:
        super().__init__(discord.ui.Button(label=label[:MAX_LABEL_CHARS] or "…", custom_id=custom_id(payload),
                                           style=discord.ButtonStyle.secondary, row=row))
        self.payload = payload

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> JalurButton:
        return cls(getattr(item, "label", None) or "…", match["payload"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await _adapter(interaction).on_payload(interaction, self.payload)


class AnswerButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=re.escape(ANSWER_PREFIX) + r"(?P<question>\S+)"):
    """Opens a text box to type the answer to an open question."""

    def __init__(self, label: str, question_id: str, row: int | None = None) -> None:
        super().__init__(discord.ui.Button(label=label, custom_id=f"{ANSWER_PREFIX}{question_id}",
                                           style=discord.ButtonStyle.primary, row=row))
        self.question_id = question_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> AnswerButton:
        return cls(getattr(item, "label", None) or "…", match["question"])

    async def callback(self, interaction: discord.Interaction) -> None:
        adapter = _adapter(interaction)
        lang = pick_language(_language(interaction.locale), adapter.settings.default_language)
        await interaction.response.send_modal(AnswerModal(adapter, self.question_id, lang))


class AnswerModal(discord.ui.Modal):
    """The text box for an answer; submitting sends ``/answer ID TEXT`` to the engine."""

    def __init__(self, adapter: DiscordAdapter, question_id: str, lang: str) -> None:
        super().__init__(title=adapter.texts(lang, "discord.answer_title")[:45], timeout=None)
        self.adapter = adapter
        self.question_id = question_id
        self.answer: discord.ui.TextInput[AnswerModal] = discord.ui.TextInput(
            label=adapter.texts(lang, "discord.answer_label")[:45], style=discord.TextStyle.paragraph,
            max_length=MAX_ANSWER_CHARS)
        self.add_item(self.answer)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        text = " ".join(str(self.answer.value).split()) or "?"
        await self.adapter.on_payload(interaction, f"/answer {self.question_id} {text}")


def _adapter(interaction: discord.Interaction) -> DiscordAdapter:
    client = interaction.client
    assert isinstance(client, JalurClient)
    return client.adapter


class JalurTranslator(app_commands.Translator):
    """Command and option descriptions in Indonesian from ``menu.*`` messages."""

    def __init__(self, texts: Texts) -> None:
        self.texts = texts

    async def translate(self, string: app_commands.locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContextTypes) -> str | None:
        key = string.extras.get("key")
        if key is None or locale is not discord.Locale.indonesian:
            return None
        return self.texts("id", key)[:100]


class JalurClient(discord.AutoShardedClient):
    """discord.py's sharded client with Jalur's command tree and persistent buttons."""

    def __init__(self, adapter: DiscordAdapter, **options: Any) -> None:
        super().__init__(intents=discord.Intents.default(), **options)
        self.adapter = adapter
        self.tree = app_commands.CommandTree(self)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(JalurButton, AnswerButton)
        await self.adapter.setup(self)


class DiscordAdapter:
    """Serves one Discord application with the engine."""

    def __init__(self, engine: Engine, settings: Settings, *, clock: Clock = _now) -> None:
        if settings.discord_token is None:
            raise ValueError("JALUR_DISCORD_TOKEN is not set")
        discord.http.Route.BASE = settings.discord_api_url.rstrip("/")
        self.engine = engine
        self.settings = settings
        self.texts = engine.texts
        self.clock = clock
        self._locks: dict[int, asyncio.Lock] = {}
        options: dict[str, Any] = {}
        if settings.discord_shard_count is not None:
            options["shard_count"] = settings.discord_shard_count
            if settings.discord_shard_ids:
                options["shard_ids"] = settings.discord_shard_ids
        self.client = JalurClient(self, **options)

    # --- lifecycle ------------------------------------------------------------

    async def setup(self, client: JalurClient) -> None:
        """Register the slash commands (and sync them with Discord when configured)."""
        for name, option in SLASH_COMMANDS.items():
            client.tree.add_command(self._slash_command(name, option))
        await client.tree.set_translator(JalurTranslator(self.texts))
        if self.settings.discord_sync_commands:
            try:
                await client.tree.sync()
            except discord.HTTPException as exc:
                log.warning("discord: could not sync the slash commands: %s", exc)

    def _slash_command(self, name: str, option: str | None) -> app_commands.Command[Any, Any, None]:
        description = app_commands.locale_str(self.texts("en", f"menu.{name}")[:100], key=f"menu.{name}")
        adapter = self
        if option is None:
            async def plain(interaction: discord.Interaction) -> None:
                await adapter.on_payload(interaction, f"/{name}")
            return app_commands.Command(name=name, description=description, callback=plain)

        async def with_text(interaction: discord.Interaction, topic: str | None = None) -> None:
            await adapter.on_payload(interaction, f"/{name} {topic or ''}".strip())
        with_text = app_commands.describe(
            topic=app_commands.locale_str(self.texts("en", f"menu.{name}_{option}")[:100], key=f"menu.{name}_{option}")
        )(with_text)
        return app_commands.Command(name=name, description=description, callback=with_text)

    async def run(self, senders: Senders | None = None) -> None:
        """Log in, connect the shards, serve until cancelled; deliver pushes meanwhile."""
        assert self.settings.discord_token is not None
        client = self.client
        try:
            await client.login(self.settings.discord_token.get_secret_value())
            if senders is not None:
                senders.add(PLATFORM, self)
            await client.connect(reconnect=True)
        finally:
            if senders is not None:
                senders.remove(PLATFORM)
            await client.close()

    # --- inbound ----------------------------------------------------------------

    async def on_payload(self, interaction: discord.Interaction, payload: str) -> None:
        """A slash command, button or answer: defer, ask the engine, send the replies."""
        ephemeral = interaction.guild is not None
        try:
            await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        except discord.HTTPException as exc:  # the interaction expired or was answered elsewhere
            log.info("discord: could not acknowledge an interaction: %s", exc)
            return
        user = interaction.user
        lock = self._locks.setdefault(user.id, asyncio.Lock())
        async with lock:
            incoming = Incoming(platform=PLATFORM, user_id=str(user.id), chat_id=str(interaction.channel_id or user.id),
                                payload=payload if len(payload.encode()) <= 64 else None,
                                text=payload if len(payload.encode()) > 64 else "",
                                language_hint=_language(interaction.locale))
            replies = await self.engine.handle(incoming, now=self.clock())
            await self._followups(interaction, replies, ephemeral)

    async def _followups(self, interaction: discord.Interaction, replies: Sequence[Reply], ephemeral: bool) -> None:
        lang = pick_language(_language(interaction.locale), self.settings.default_language)
        for reply in replies:
            for content, rows in messages(reply):
                try:
                    await interaction.followup.send(content, view=self.view(rows, lang), ephemeral=ephemeral)
                except discord.HTTPException as exc:
                    log.warning("discord: follow-up refused: %s", exc)
                    return

    def view(self, rows: list[list[Button]], lang: str) -> discord.ui.View:
        """Reply buttons as a persistent view; an open question also gets an Answer button."""
        view = discord.ui.View(timeout=None)
        for index, row in enumerate(rows):
            for button in row:
                view.add_item(JalurButton(button.label, button.payload, row=index))
        for row in rows:
            for button in row:
                match = DONT_KNOW.match(button.payload)
                if match and len(view.children) < 25:
                    view.add_item(AnswerButton(self.texts(lang, "button.answer"), match["question"]))
        return view

    # --- pushes -----------------------------------------------------------------

    async def push(self, user_id: str, replies: Sequence[Reply]) -> SendResult:
        """Send a push as a direct message."""
        try:
            user = await self.client.fetch_user(int(user_id))
            channel = await user.create_dm()
            for reply in replies:
                for content, rows in messages(reply):
                    await channel.send(content, view=self.view(rows, "en"))
        except ValueError:
            return SendResult.FAILED
        except discord.Forbidden:
            return SendResult.UNREACHABLE
        except discord.NotFound:
            return SendResult.UNREACHABLE
        except (discord.HTTPException, OSError) as exc:
            log.info("discord: push failed, will retry: %s", exc)
            return SendResult.RETRY
        return SendResult.SENT


async def run_discord(engine: Engine, settings: Settings, senders: Senders) -> None:
    """``jalur run`` entry point."""
    await DiscordAdapter(engine, settings).run(senders)


@asynccontextmanager
async def discord_sender(engine: Engine, settings: Settings) -> AsyncIterator[DiscordAdapter]:
    """The application logged in over HTTP only, for ``jalur pushes tick``."""
    adapter = DiscordAdapter(engine, settings)
    assert settings.discord_token is not None
    await adapter.client.login(settings.discord_token.get_secret_value())
    try:
        yield adapter
    finally:
        await adapter.client.close()


def configured(settings: Settings) -> bool:
    """Discord runs when a token is set."""
    return settings.discord_token is not None
