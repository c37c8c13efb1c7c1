"""The Discord adapter: discord.py's ``AutoShardedBot`` in front of Jalur's engine.

Slash commands (descriptions in English and Indonesian) and button presses
become an ``Incoming`` for the engine; replies go back as follow-up messages,
ephemeral inside a server (only the learner sees their progress) and normal
in DMs. Every interaction is deferred at once, so Discord's 3-second window
is always met. A press on a button of the learner's own message (a DM or an
ephemeral reply) is deferred as an update, with no "thinking..." message,
and updates that message: a reply that answers the press (``edits_pressed``,
a quiz verdict) is added to it with the reply's buttons; otherwise the
message's buttons are disabled, the pressed one marked, so a finished step
(an onboarding question) cannot run again; the other replies follow as new
messages. A shared channel post (a group quiz) is never changed by one
member's press; Jalur edits it itself with the count of answers (at most one
edit per post every few seconds, ``edits.py``) and, when it closes, with the
answer and the results. No message may ping anyone (``allowed_mentions``).
Buttons are ``DynamicItem`` components whose custom id holds the payload, so
a button works after a restart. A reply that expects a typed
answer (``Reply.expects``, an open question) also gets an "Answer" button,
labelled in the reply's language, that opens a text box (Discord bots do not
read messages); a multiple-choice question gets none.

A server is a study group: the interaction's server id, whether the member
may manage the server, and their display name go to the engine with each
message. Replies the engine addresses to the group's channel (a group quiz,
the setup notice) are posted there first; when Discord refuses (the channel
is gone or the bot may not write there) the group's posts pause and the
member is told why.
"""

from __future__ import annotations

import asyncio
import logging
import re
import weakref
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from adapters.discord.edits import POST_EDIT_SECONDS, PostEdits
from adapters.discord.render import CUSTOM_ID_PREFIX, MAX_CONTENT_CHARS, MAX_LABEL_CHARS, custom_id, messages
from bot.conversation import MAX_PAYLOAD_BYTES, Button, Expect, Incoming, Reply
from bot.engine import Engine
from bot.i18n import Texts, pick_language
from bot.metrics import PLATFORM_ERRORS, RATE_LIMIT_WAITS
from bot.outbound import Senders, SendResult
from bot.settings import Settings

log = logging.getLogger(__name__)


class _NoVoiceWarnings(logging.Filter):
    """Jalur never uses voice, so discord.py's "voice will NOT be supported" warnings are noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "voice will NOT be supported" not in record.getMessage()


class _RateLimitCounter(logging.Filter):
    """discord.py waits out 429s itself and says so in a warning; each one is counted (a metric)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        if "rate limited" in message or "rate limit has been hit" in message:
            RATE_LIMIT_WAITS.labels(PLATFORM).inc()
        return True


def _install_log_filters() -> None:
    """Quiet discord.py's voice warnings and count its rate-limit waits (once per process).

    Called when an adapter is made (discord.py warns about voice as its client is built),
    so importing this module changes no logging.
    """
    for name, kind in (("discord.client", _NoVoiceWarnings), ("discord.http", _RateLimitCounter)):
        logger = logging.getLogger(name)
        if not any(isinstance(f, kind) for f in logger.filters):
            logger.addFilter(kind())


class _ApiBase:
    """Points discord.py at ``JALUR_DISCORD_API_URL`` while a Jalur client is logged in.

    discord.py builds every URL (REST calls and interaction responses alike) from the
    class attribute ``discord.http.Route.BASE``. It is set when a client logs in and the
    library's value is put back when the last client closes; two clients that want
    different URLs at once are refused rather than silently redirected.
    """

    def __init__(self) -> None:
        self._clients = 0
        self._saved = ""

    def acquire(self, url: str) -> None:
        route = discord.http.Route
        if self._clients == 0:
            self._saved = route.BASE
            route.BASE = url
        elif url != route.BASE:
            raise RuntimeError(f"a Discord client already uses {route.BASE}; cannot also use {url}")
        self._clients += 1

    def release(self) -> None:
        self._clients -= 1
        if self._clients == 0:
            discord.http.Route.BASE = self._saved


_API_BASE = _ApiBase()

PLATFORM = "discord"
# An Answer button's custom id: the prefix, the reply's language and the command the typed
# answer is sent with ("jalur-answer:id/answer sql-injection-prevention").
ANSWER_PREFIX = "jalur-answer:"
ANSWER_ID = re.compile(r"(?:(?P<lang>[a-z]{2})?(?P<command>/.+)|(?P<legacy>[^/]\S*))")
MAX_ANSWER_CHARS = 1500
MAX_NAME_CHARS = 100

# Slash commands: name -> the option a learner may add (None: no option).
SLASH_COMMANDS: dict[str, str | None] = {
    "next": None, "roadmap": "topic", "skill": "topic", "quiz": "topic", "progress": None, "dashboard": None,
    "streak": None,
    "stats": None, "interview": None, "project": None, "settings": None, "reminders": None, "help": None,
    "cancel": None, "start": None,
    "leaderboard": None, "link": "code",
}
SERVER_ONLY = frozenset({"leaderboard", "groupquiz", "setup"})  # study-group commands
FOR_ADMINS = frozenset({"groupquiz", "setup"})  # Discord shows them to Manage Server members only

Clock = Callable[[], datetime]
# Every message Jalur sends pings nobody: a learner's name or an echoed answer may contain
# "@everyone", "@here", a role or a user mention, and none of them may notify anyone.
NO_MENTIONS = discord.AllowedMentions.none()


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


def _legacy_command(target: str) -> str:
    """The command of an Answer button sent before replies declared it ("#12": group quiz 12).

    Such buttons may sit on open questions for two days after an upgrade.
    """
    return f"/group_answer {target[1:]}" if target.startswith("#") else f"/answer {target}"


class AnswerButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                   template=re.escape(ANSWER_PREFIX) + ANSWER_ID.pattern):
    """Opens a text box to type an answer; the typed text is sent after ``command``."""

    def __init__(self, label: str, command: str, lang: str | None, row: int | None = None) -> None:
        super().__init__(discord.ui.Button(label=label[:MAX_LABEL_CHARS], style=discord.ButtonStyle.primary,
                                           custom_id=f"{ANSWER_PREFIX}{lang or ''}{command}", row=row))
        self.command = command
        self.lang = lang

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> AnswerButton:
        command = match["command"] or _legacy_command(match["legacy"])
        return cls(getattr(item, "label", None) or "…", command, match["lang"])

    async def callback(self, interaction: discord.Interaction) -> None:
        adapter = _adapter(interaction)
        lang = pick_language(self.lang or _language(interaction.locale), adapter.settings.default_language)
        await interaction.response.send_modal(AnswerModal(adapter, self.command, lang))


class AnswerModal(discord.ui.Modal):
    """The text box for an answer, in the question's language; submitting sends ``COMMAND TEXT``."""

    def __init__(self, adapter: DiscordAdapter, command: str, lang: str) -> None:
        super().__init__(title=adapter.texts(lang, "discord.answer_title")[:45], timeout=None)
        self.adapter = adapter
        self.command = command
        self.answer: discord.ui.TextInput[AnswerModal] = discord.ui.TextInput(
            label=adapter.texts(lang, "discord.answer_label")[:45], style=discord.TextStyle.paragraph,
            max_length=MAX_ANSWER_CHARS)
        self.add_item(self.answer)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        text = " ".join(str(self.answer.value).split()) or "?"
        await self.adapter.on_payload(interaction, f"{self.command} {text}")


def _error_kind(exc: discord.HTTPException) -> str:
    """A small label for a Discord error: forbidden, not_found, rate_limited, server_error, bad_request."""
    if isinstance(exc, discord.Forbidden):
        return "forbidden"
    if isinstance(exc, discord.NotFound):
        return "not_found"
    if exc.status == 429:
        return "rate_limited"
    return "server_error" if exc.status >= 500 else "bad_request"


def _pressed_message(interaction: discord.Interaction) -> discord.Message | None:
    """The learner's own message (in a DM, or an ephemeral reply) whose button or text box was used.

    ``None`` for a slash command and for a post others share (a group quiz in a channel).
    """
    message = interaction.message
    if message is None or (interaction.guild_id is not None and not message.flags.ephemeral):
        return None
    return message


def _pressed_id(interaction: discord.Interaction) -> str | None:
    """The custom id of the pressed button (``None`` for a text box)."""
    data: dict[str, Any] = dict(interaction.data or {})
    custom = data.get("custom_id") if interaction.type is discord.InteractionType.component else None
    return custom if isinstance(custom, str) else None


def finished_view(message: discord.Message, pressed: str | None) -> discord.ui.View:
    """The message's buttons, disabled; the pressed one is marked (green)."""
    view = discord.ui.View(timeout=None)
    for index, row in enumerate(message.components):
        for item in getattr(row, "children", []):
            if isinstance(item, discord.components.Button) and item.custom_id:
                style = discord.ButtonStyle.success if item.custom_id == pressed else discord.ButtonStyle.secondary
                view.add_item(discord.ui.Button(label=item.label, emoji=item.emoji, custom_id=item.custom_id,
                                                style=style, disabled=True, row=index))
            elif isinstance(item, discord.components.Button) and item.url:  # a link still opens its page
                view.add_item(discord.ui.Button(label=item.label, url=item.url, style=discord.ButtonStyle.link,
                                                row=index))
    return view


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


class TextChannelOption(app_commands.transformers.RawChannelTransformer):  # type: ignore[type-arg]
    """A slash-command option that offers text channels and needs no channel cache."""

    def __init__(self) -> None:
        super().__init__(app_commands.AppCommandChannel)
        self._channel_types = [discord.ChannelType.text, discord.ChannelType.news]


TextChannel = app_commands.Transform[app_commands.AppCommandChannel, TextChannelOption]


async def setup_command(interaction: discord.Interaction, channel: TextChannel | None = None,
                        time: str | None = None, timezone: str | None = None,
                        members: app_commands.Range[int, 1, 50] | None = None,
                        language: Literal["en", "id"] | None = None,
                        phase: app_commands.Range[int, 0, 4] | None = None) -> None:
    """/setup: the study group's channel, time, timezone, streak rule, language and phase."""
    parts = ["/setup"]
    if channel is not None:
        parts.append(f"channel={channel.id} name={channel.name}")
    for key, value in (("time", time), ("timezone", timezone), ("members", members), ("language", language),
                       ("phase", phase)):
        if value is not None:
            parts.append(f"{key}={value}")
    await _adapter(interaction).on_payload(interaction, " ".join(parts))


class JalurClient(commands.AutoShardedBot):
    """discord.py's sharded bot with Jalur's slash commands and persistent buttons.

    Jalur reads no messages (no message content intent): everything comes as
    slash commands, buttons and text boxes.
    """

    def __init__(self, adapter: DiscordAdapter, **options: Any) -> None:
        super().__init__(command_prefix=commands.when_mentioned, help_command=None,
                         intents=discord.Intents.default(), allowed_mentions=NO_MENTIONS, **options)
        self.adapter = adapter
        self._api_url: str | None = None  # the API URL this client holds while logged in

    async def login(self, token: str) -> None:
        """Log in against ``JALUR_DISCORD_API_URL`` (discord.py's own URL is put back at close)."""
        if self._api_url is None:
            self._api_url = self.adapter.settings.discord_api_url.rstrip("/")
            _API_BASE.acquire(self._api_url)
        try:
            await super().login(token)
        except BaseException:
            self._release_api()
            raise

    async def close(self) -> None:
        try:
            await self.adapter.edits.close()
            await super().close()
        finally:
            self._release_api()

    def _release_api(self) -> None:
        if self._api_url is not None:
            self._api_url = None
            _API_BASE.release()

    async def setup_hook(self) -> None:
        self.add_dynamic_items(JalurButton, AnswerButton)
        await self.adapter.setup(self)

    async def on_ready(self) -> None:
        """Every shard is connected: the platform is ready."""
        self.adapter.engine.health.up(PLATFORM)

    async def on_resumed(self) -> None:
        """A shard reconnected."""
        self.adapter.engine.health.up(PLATFORM)

    async def on_disconnect(self) -> None:
        """A shard lost the gateway; discord.py reconnects on its own."""
        self.adapter.engine.health.down(PLATFORM)

    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        """A deleted quiz channel pauses the server's group posts at once."""
        await self.adapter.engine.channel_unusable(PLATFORM, str(channel.guild.id), str(channel.id),
                                                   now=self.adapter.clock())


class DiscordAdapter:
    """Serves one Discord application with the engine."""

    def __init__(self, engine: Engine, settings: Settings, *, clock: Clock = _now,
                 edit_interval: float = POST_EDIT_SECONDS) -> None:
        if settings.discord_token is None:
            raise ValueError("JALUR_DISCORD_TOKEN is not set")
        _install_log_filters()
        self.engine = engine
        self.settings = settings
        self.texts = engine.texts
        self.clock = clock
        # One learner's interactions in order; a lock lives only while someone holds or awaits it.
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        self.closing = False  # shutting down: new interactions are told to come back
        self.edits = PostEdits(self._patch, edit_interval)  # group quiz posts, at most one edit per window
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
        client.tree.add_command(self._slash_command("groupquiz", None))
        client.tree.add_command(self._setup_command())
        await client.tree.set_translator(JalurTranslator(self.texts))
        if self.settings.discord_sync_commands:
            try:
                await client.tree.sync()
            except discord.HTTPException as exc:
                log.warning("discord: could not sync the slash commands: %s", exc)

    def _described(self, key: str) -> app_commands.locale_str:
        """A description in English, translated to Indonesian by ``JalurTranslator``."""
        return app_commands.locale_str(self.texts("en", key)[:100], key=key)

    def _slash_command(self, name: str, option: str | None) -> app_commands.Command[Any, Any, None]:
        adapter = self

        async def plain(interaction: discord.Interaction) -> None:
            await adapter.on_payload(interaction, f"/{name}")

        async def with_topic(interaction: discord.Interaction, topic: str | None = None) -> None:
            await adapter.on_payload(interaction, f"/{name} {topic or ''}".strip())

        async def with_code(interaction: discord.Interaction, code: str | None = None) -> None:
            await adapter.on_payload(interaction, f"/{name} {code or ''}".strip())

        if option is None:
            return self._command(name, plain)
        if option == "topic":
            return self._command(name, app_commands.describe(topic=self._described(f"menu.{name}_topic"))(with_topic))
        return self._command(name, app_commands.describe(code=self._described(f"menu.{name}_code"))(with_code))

    def _setup_command(self) -> app_commands.Command[Any, Any, None]:
        described = app_commands.describe(**{
            option: self._described(f"menu.setup_{option}")
            for option in ("channel", "time", "timezone", "members", "language", "phase")})
        return self._command("setup", described(setup_command))

    def _command(self, name: str, callback: Any) -> app_commands.Command[Any, Any, None]:
        if name in SERVER_ONLY:
            callback = app_commands.guild_only()(callback)
        if name in FOR_ADMINS:
            callback = app_commands.default_permissions(manage_guild=True)(callback)
        return app_commands.Command(name=name, description=self._described(f"menu.{name}"), callback=callback)

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
            self.closing = True
            self.engine.health.down(PLATFORM)
            if senders is not None:
                senders.remove(PLATFORM)
            await self.engine.drain(self.settings.shutdown_grace)  # answers in flight still go out
            await client.close()

    # --- inbound ----------------------------------------------------------------

    async def on_payload(self, interaction: discord.Interaction, payload: str) -> None:
        """A slash command, button or answer: defer, ask the engine, send the replies."""
        ephemeral = interaction.guild is not None
        lang = pick_language(_language(interaction.locale), self.settings.default_language)
        pressed = _pressed_message(interaction)
        try:
            if self.closing:
                await interaction.response.send_message(self.texts(lang, "discord.restarting"), ephemeral=True)
                return
            if interaction.message is not None:  # a button or a text box on a message: no "thinking..."
                await interaction.response.defer()
            else:
                await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        except discord.HTTPException as exc:  # the interaction expired or was answered elsewhere
            PLATFORM_ERRORS.labels(PLATFORM, _error_kind(exc)).inc()
            log.info("discord: could not acknowledge an interaction: %s", exc)
            return
        user = interaction.user
        lock = self._locks.get(user.id)
        if lock is None:
            lock = self._locks[user.id] = asyncio.Lock()
        async with lock:
            replies = await self.engine.handle(self.incoming(interaction, payload), now=self.clock())
            replies = await self._post_in_channels(interaction, replies, lang)
            if pressed is not None:
                replies = await self._update_pressed(interaction, pressed, replies, lang)
            await self._followups(interaction, replies, ephemeral, lang)

    def incoming(self, interaction: discord.Interaction, payload: str) -> Incoming:
        """The engine's view of an interaction: who, where (which server), and what."""
        user = interaction.user
        guild_id = interaction.guild_id
        permissions = interaction.permissions
        fits = len(payload.encode()) <= MAX_PAYLOAD_BYTES
        return Incoming(platform=PLATFORM, user_id=str(user.id), chat_id=str(interaction.channel_id or user.id),
                        payload=payload if fits else None, text="" if fits else payload,
                        language_hint=_language(interaction.locale),
                        group_id=str(guild_id) if guild_id is not None else None,
                        group_admin=guild_id is not None and (permissions.manage_guild or permissions.administrator),
                        display_name=user.display_name[:MAX_NAME_CHARS] if guild_id is not None else None)

    async def _post_in_channels(self, interaction: discord.Interaction, replies: Sequence[Reply],
                                lang: str) -> list[Reply]:
        """Post the replies meant for a channel; the rest are for the member (or why posting failed)."""
        personal = [reply for reply in replies if reply.channel is None]
        for reply in replies:
            if reply.channel is None:
                continue
            if reply.edits is not None:  # a new version of a post (its count of answers): merged, sent soon
                if reply.channel.isdigit() and reply.edits.isdigit():
                    self.edits.submit(int(reply.channel), int(reply.edits), reply)
                continue
            result = await self.post(reply.channel, [reply])
            if result is SendResult.SENT:
                continue
            if result is SendResult.UNREACHABLE and interaction.guild_id is not None:
                await self.engine.channel_unusable(PLATFORM, str(interaction.guild_id), reply.channel,
                                                   now=self.clock())
                return [Reply(self.texts(lang, "discord.cannot_post"), language=lang)]
            return [Reply(self.texts(lang, "discord.post_failed"), language=lang)]
        return personal

    async def _update_pressed(self, interaction: discord.Interaction, message: discord.Message,
                              replies: Sequence[Reply], lang: str) -> list[Reply]:
        """Update the message whose button was pressed; the replies still to send as new messages.

        A first reply that answers the press is added below the message's text with its buttons
        (one without buttons, such as a setup step's ack, leaves the message's buttons disabled,
        the pressed one marked); otherwise the message's buttons are disabled (the pressed one marked).
        """
        first = replies[0] if replies else None
        if first is not None and first.edits_pressed and not message.embeds:
            parts = self.rendered(first, lang)
            if len(parts) == 1 and parts[0][1] is None:
                content, _, view = parts[0]
                if not view.children and message.components:  # an ack: the step's buttons stay, finished
                    view = finished_view(message, _pressed_id(interaction))
                content = f"{message.content}\n\n{content}" if message.content else content
                if len(content) <= MAX_CONTENT_CHARS and await self._edit_pressed(interaction, content, view):
                    return list(replies[1:])
        if message.components:
            await self._edit_pressed(interaction, discord.utils.MISSING, finished_view(message, _pressed_id(interaction)))
        return list(replies)

    async def _edit_pressed(self, interaction: discord.Interaction, content: str, view: discord.ui.View) -> bool:
        """Edit the message a button was pressed on; False when Discord refuses."""
        try:
            await interaction.edit_original_response(content=content, view=view)
        except discord.HTTPException as exc:
            PLATFORM_ERRORS.labels(PLATFORM, _error_kind(exc)).inc()
            log.info("discord: could not update the pressed message: %s", exc)
            return False
        return True

    async def _followups(self, interaction: discord.Interaction, replies: Sequence[Reply], ephemeral: bool,
                         lang: str) -> None:
        for reply in replies:
            for content, card, view in self.rendered(reply, lang):
                try:
                    await interaction.followup.send(content or discord.utils.MISSING, embed=card or discord.utils.MISSING,
                                                    view=view, ephemeral=ephemeral)
                except discord.HTTPException as exc:
                    PLATFORM_ERRORS.labels(PLATFORM, _error_kind(exc)).inc()
                    log.warning("discord: follow-up refused: %s", exc)
                    return

    def rendered(self, reply: Reply, lang: str) -> list[tuple[str, discord.Embed | None, discord.ui.View]]:
        """A reply as Discord messages (content, embed, view); ``lang`` if the reply names no language.

        The buttons go on the last message, with an Answer button when the reply expects a typed answer.
        """
        parts = messages(reply)
        lang = reply.language or lang
        return [(content, card, self.view(rows, reply.expects if index == len(parts) - 1 else None, lang))
                for index, (content, rows, card) in enumerate(parts)]

    def view(self, rows: list[list[Button]], expects: Expect | None, lang: str) -> discord.ui.View:
        """Reply buttons as a persistent view, and a text box button when a typed answer is expected."""
        view = discord.ui.View(timeout=None)
        for index, row in enumerate(rows):
            for button in row:
                if button.url:  # a link button opens the page; Discord sends the bot nothing for it
                    view.add_item(discord.ui.Button(label=button.label[:MAX_LABEL_CHARS] or "…", url=button.url,
                                                    style=discord.ButtonStyle.link, row=index))
                else:
                    view.add_item(JalurButton(button.label, button.payload, row=index))
        if expects is not None and expects.free_text and len(view.children) < 25:
            view.add_item(AnswerButton(self.texts(lang, "button.answer"), expects.command, lang))
        return view

    # --- pushes -----------------------------------------------------------------

    async def push(self, user_id: str, replies: Sequence[Reply]) -> SendResult:
        """Send a push as a direct message."""
        try:
            user = await self.client.fetch_user(int(user_id))
            return await self._send(await user.create_dm(), replies)
        except ValueError:
            return SendResult.FAILED
        except (discord.Forbidden, discord.NotFound):
            return SendResult.UNREACHABLE
        except (discord.HTTPException, OSError) as exc:
            log.info("discord: push failed, will retry: %s", exc)
            return SendResult.RETRY

    async def post(self, channel_id: str, replies: Sequence[Reply]) -> SendResult:
        """Post in a server's channel (a group quiz, the weekly leaderboard, the setup notice)."""
        try:
            channel = self.client.get_partial_messageable(int(channel_id))
        except ValueError:
            return SendResult.FAILED
        return await self._send(channel, replies)

    async def _send(self, channel: discord.abc.Messageable, replies: Sequence[Reply]) -> SendResult:
        """Send replies in order: unreachable when the channel is gone or closed to the bot.

        A reply that edits an earlier post (a group quiz closing) edits it instead; a post that is
        kept up to date (``post_key``) is reported to the engine with its message id.
        """
        try:
            for reply in replies:
                if reply.edits is not None:
                    if not await self._edit_post(channel, reply):
                        return SendResult.RETRY
                    continue
                message = None
                for content, card, view in self.rendered(reply, self.settings.default_language):
                    message = await channel.send(content or None, embed=card or discord.utils.MISSING, view=view)
                if reply.post_key is not None and message is not None:
                    await self._remember_post(reply.post_key, message)
        except (discord.Forbidden, discord.NotFound) as exc:
            PLATFORM_ERRORS.labels(PLATFORM, _error_kind(exc)).inc()
            log.info("discord: channel refused a message: %s", exc)
            return SendResult.UNREACHABLE
        except discord.HTTPException as exc:
            PLATFORM_ERRORS.labels(PLATFORM, _error_kind(exc)).inc()
            log.info("discord: message failed, will retry: %s", exc)
            return SendResult.RETRY
        except OSError as exc:
            PLATFORM_ERRORS.labels(PLATFORM, "network").inc()
            log.info("discord: message failed, will retry: %s", exc)
            return SendResult.RETRY
        return SendResult.SENT

    async def _edit_post(self, channel: discord.abc.Messageable, reply: Reply) -> bool:
        """Edit a post now (after any edit in its rate window); False when the client closed meanwhile."""
        channel_id = getattr(channel, "id", None)
        if not isinstance(channel_id, int) or reply.edits is None or not reply.edits.isdigit():
            raise ValueError(f"not a post to edit: {reply.edits!r} in {channel_id!r}")
        done = self.edits.submit(channel_id, int(reply.edits), reply, wait=True)
        await asyncio.wait({done})
        if done.cancelled():
            return False
        done.result()  # a refused edit raises here, like a refused send
        return True

    async def _patch(self, channel_id: int, message_id: int, reply: Reply) -> None:
        """One edit of a channel post: its text, card and buttons become the reply's."""
        content, card, view = self.rendered(reply, self.settings.default_language)[0]
        message = self.client.get_partial_messageable(channel_id).get_partial_message(message_id)
        await message.edit(content=content or None, embed=card, view=view)

    async def _remember_post(self, key: str, message: discord.Message) -> None:
        """Tell the engine where a post that will be edited went; a failure only costs its edits."""
        try:
            await self.engine.posted(PLATFORM, key, str(message.channel.id), str(message.id))
        except Exception:
            log.exception("discord: could not remember post %s", key)


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
