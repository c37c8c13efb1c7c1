"""The Telegram adapter: python-telegram-bot's Application in front of Jalur's engine.

Every update goes through one handler that turns it into an ``Incoming``,
asks the engine, and sends the replies: HTML text, inline keyboards, long
replies split, a quiz verdict edited into the message whose button was
pressed. A choice question goes out as a native quiz poll when it fits one (``polls``); the
learner's ``PollAnswer`` is routed through the stored poll to the same ``/answer`` a button
sends, once per voter. Outgoing messages, replies and pushes alike, are paced
by ``pacing.PacedRateLimiter`` (never more than ``JALUR_TELEGRAM_RATE`` in any
second, 20 a minute per group; a ``RetryAfter`` pauses the lane and the message
is tried again); with ``JALUR_TELEGRAM_PAID_BROADCAST`` pushes go out as paid
broadcasts in a lane of their own. A user who blocked the bot is marked
unreachable; network errors are retried with backoff.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from functools import partial
from typing import Any

from telegram import (
    BotCommand,
    CallbackQuery,
    MenuButtonWebApp,
    Message,
    PollAnswer,
    Update,
    WebAppInfo,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes, TypeHandler
from telegram.request import BaseRequest

from adapters.telegram.flood import FloodGate
from adapters.telegram.pacing import PacedRateLimiter
from adapters.telegram.polls import QuizPoll, quiz_poll
from adapters.telegram.render import Markup, keyboard, messages, without_tags
from adapters.telegram.transport import AiohttpRequest, JsonBody
from adapters.telegram.webhook import TelegramWebhook
from bot.conversation import Incoming, Reply
from bot.engine import Engine
from bot.features.dashboard_link import mini_app
from bot.i18n import pick_language
from bot.metrics import PLATFORM_ERRORS
from bot.outbound import Senders, SendResult
from bot.settings import Settings
from bot.storage.poll_store import PollRoute

log = logging.getLogger(__name__)

PLATFORM = "telegram"
SEND_ATTEMPTS = 3
SEEN_UPDATES = 10_000
MENU = ("start", "next", "roadmap", "skill", "quiz", "interview", "progress", "dashboard", "streak", "stats",
        "project",
        "settings", "reminders", "link", "help", "cancel", "delete_me")
ATTACHMENTS = ("sticker", "photo", "voice", "video", "video_note", "audio", "document", "animation",
               "location", "contact", "poll", "dice")

HTML = ParseMode.HTML.value
NO_PREVIEW = {"is_disabled": True}  # link_preview_options: no page previews under Jalur's messages

Clock = Callable[[], datetime]


def _now() -> datetime:
    return datetime.now(UTC)


class TelegramAdapter:
    """Serves one Telegram bot with the engine, by long polling or by webhook."""

    def __init__(self, engine: Engine, settings: Settings, *, request: BaseRequest | None = None,
                 clock: Clock = _now, flood: FloodGate | None = None) -> None:
        if settings.telegram_token is None:
            raise ValueError("JALUR_TELEGRAM_TOKEN is not set")
        self.engine = engine
        self.settings = settings
        self.clock = clock
        self.flood = flood or FloodGate()
        self._seen: OrderedDict[int, None] = OrderedDict()
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()
        builder = (
            ApplicationBuilder()
            .token(settings.telegram_token.get_secret_value())
            .base_url(settings.telegram_api_url)
            .rate_limiter(PacedRateLimiter(settings.telegram_rate, max_retries=SEND_ATTEMPTS))
            .concurrent_updates(True)
        )
        if request is not None:
            builder = builder.request(request).get_updates_request(request)
        else:  # Bot API calls on aiohttp (long polling keeps PTB's own transport)
            builder = builder.request(AiohttpRequest())
        self.app: Application = builder.build()  # type: ignore[type-arg]
        self.app.add_handler(TypeHandler(Update, self._on_update))
        self.app.add_error_handler(self._on_error)

    # --- lifecycle ----------------------------------------------------------

    async def initialize(self) -> None:
        """``Application.initialize``; when Telegram refuses (a rejected token, no answer), the
        connections it opened are closed again before the error goes up."""
        try:
            await self.app.initialize()
        except BaseException:
            await self.app.bot.request.shutdown()
            raise

    async def run(self, senders: Senders | None = None) -> None:
        """Start, serve until cancelled, then stop cleanly; deliver pushes meanwhile."""
        app = self.app
        webhook: TelegramWebhook | None = None
        await self.initialize()
        try:
            await self._register_menu()
            await app.start()
            if senders is not None:
                senders.add(PLATFORM, self)
            assert app.updater is not None
            if self.settings.telegram_webhook_url:
                webhook = TelegramWebhook(app, self.engine, self.settings)  # secret checked first, size capped
                await webhook.start()
            else:
                await app.updater.start_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
                log.info("telegram: long polling")
            self.engine.health.up(PLATFORM)
            await asyncio.Event().wait()  # until cancelled
        finally:
            self.engine.health.down(PLATFORM)
            if senders is not None:
                senders.remove(PLATFORM)
            if webhook is not None:
                await webhook.stop()
            if app.updater is not None and app.updater.running:
                await app.updater.stop()  # no new updates; those being answered finish below
            await self.engine.drain(self.settings.shutdown_grace)
            if app.running:
                await app.stop()
            await app.shutdown()

    async def _register_menu(self) -> None:
        texts = self.engine.texts
        for lang, code in (("en", None), ("id", "id")):
            commands = [BotCommand(name, texts(lang, f"menu.{name}")) for name in MENU]
            try:
                await self.app.bot.set_my_commands(commands, language_code=code)
            except TelegramError as exc:
                log.warning("telegram: could not register the %s command menu: %s", lang, exc)
        if self.settings.web_url and mini_app(self.settings):  # the menu button opens the dashboard (Mini App)
            label = texts(self.settings.default_language, "button.dashboard")
            try:
                await self.app.bot.set_chat_menu_button(
                    menu_button=MenuButtonWebApp(label, WebAppInfo(self.settings.web_url)))
            except TelegramError as exc:
                log.warning("telegram: could not set the dashboard menu button: %s", exc)

    # --- inbound --------------------------------------------------------------

    def _first_time(self, update_id: int) -> bool:
        """False for an update already handled (Telegram may deliver one twice)."""
        if update_id in self._seen:
            return False
        self._seen[update_id] = None
        if len(self._seen) > SEEN_UPDATES:
            self._seen.popitem(last=False)
        return True

    async def _on_update(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if not self._first_time(update.update_id):
            log.info("telegram: update %s seen before; skipped", update.update_id)
            return
        user = update.effective_user
        if user is None:
            return  # channel posts and other updates without a person
        lock = self._locks.get(user.id)
        if lock is None:
            lock = self._locks[user.id] = asyncio.Lock()
        async with lock:  # one learner's messages in order; different learners in parallel
            if update.callback_query is not None:
                await self._on_button(update.callback_query)
            elif update.message is not None:
                await self._on_message(update.message)
            elif update.poll_answer is not None:
                await self._on_poll_answer(update.poll_answer)
        # edited messages, channel posts, reactions, member updates...: nothing to answer

    def _addressed(self, message: Message) -> bool:
        """In a group, only commands for this bot, mentions of it and replies to it count."""
        if message.chat.type == ChatType.PRIVATE:
            return True
        username = (self.app.bot.username or "").lower()
        text = message.text or ""
        if text.startswith("/"):
            head = text.split(maxsplit=1)[0]
            return "@" not in head or head.split("@", 1)[1].lower() == username
        if username and f"@{username}" in text.lower():
            return True
        replied = message.reply_to_message
        return replied is not None and replied.from_user is not None and replied.from_user.id == self.app.bot.id

    async def _on_message(self, message: Message) -> None:
        user = message.from_user
        if user is None or user.is_bot or message.chat.type == ChatType.CHANNEL:
            return
        if not self._addressed(message):
            return
        text = message.text or message.caption or ""
        if text and message.chat.type != ChatType.PRIVATE and self.app.bot.username:
            text = text.replace(f"@{self.app.bot.username}", "").strip() or text
        attachment = next((kind for kind in ATTACHMENTS if getattr(message, kind, None)), None)
        if not text and attachment is None:
            return  # service messages: joins, pins, title changes
        if not await self._admit(user.id, message.chat.id, user.language_code):
            return
        incoming = Incoming(platform=PLATFORM, user_id=str(user.id), chat_id=str(message.chat.id), text=text,
                            language_hint=user.language_code, attachment=None if text else attachment,
                            shared_chat=message.chat.type != ChatType.PRIVATE)
        replies = await self.engine.handle(incoming, now=self.clock())
        reply_to = message.message_id if message.chat.type != ChatType.PRIVATE else None
        await self._send_all(message.chat.id, user.id, replies, reply_to=reply_to)

    async def _on_button(self, query: CallbackQuery) -> None:
        user = query.from_user
        data = query.data if isinstance(query.data, str) else None
        message = query.message
        chat_id = message.chat.id if message is not None else user.id
        if not await self._admit(user.id, chat_id, user.language_code):
            await self._answer(query)
            return
        if data is None or not data.startswith("/") or len(data.encode()) > 64:
            lang = pick_language(user.language_code, self.settings.default_language)
            await self._answer(query, self.engine.texts(lang, "input.unknown_button"))
            return
        await self._answer(query)
        shared = isinstance(message, Message) and message.chat.type != ChatType.PRIVATE
        incoming = Incoming(platform=PLATFORM, user_id=str(user.id), chat_id=str(chat_id), payload=data,
                            language_hint=user.language_code, shared_chat=shared)
        replies = await self.engine.handle(incoming, now=self.clock())
        if (replies and replies[0].edits_pressed and isinstance(message, Message) and message.text
                and await self._edit_in_place(message, replies[0])):
            replies = replies[1:]
        await self._send_all(chat_id, user.id, replies)

    async def _on_poll_answer(self, answer: PollAnswer) -> None:
        """A tapped option of a quiz poll: graded as the option's button would be, once per voter.

        Another member of a group who answers a poll someone else asked for is asked the
        question first (``/quiz ID``, its reply not shown: the poll is on their screen), so the
        answer counts for them.
        """
        user = answer.user
        if user is None or user.is_bot or not answer.option_ids:
            return  # an anonymous voter (a channel) or a retracted vote: nothing to grade
        now = self.clock()
        route = await self.engine.claim_poll_vote(PLATFORM, answer.poll_id, str(user.id), now=now)
        if route is None:
            log.info("telegram: poll %s unknown or already answered by this voter; skipped", answer.poll_id)
            return
        asked = Incoming(platform=PLATFORM, user_id=str(user.id), chat_id=route.chat_id,
                         language_hint=user.language_code, shared_chat=route.shared_chat)
        if str(user.id) != route.user_id:
            await self.engine.handle(replace(asked, payload=route.ask_command), now=now)
        replies = await self.engine.handle(replace(asked, payload=f"{route.answer_command} {answer.option_ids[0] + 1}"),
                                           now=now)
        reply_to = int(route.message_id) if route.shared_chat else None
        await self._send_all(int(route.chat_id), user.id, replies, reply_to=reply_to)

    async def _admit(self, user_id: int, chat_id: int, language_code: str | None) -> bool:
        """Flood control: False (after one polite warning) while a user sends too fast."""
        verdict = self.flood.check(user_id, self.clock())
        if verdict == "warn":
            lang = pick_language(language_code, self.settings.default_language)
            await self._send_all(chat_id, user_id, [Reply(self.engine.texts(lang, "input.slow_down"))])
        return verdict == "ok"

    async def _answer(self, query: CallbackQuery, text: str | None = None) -> None:
        try:
            await query.answer(text=text)
        except TelegramError as exc:  # an old query can no longer be answered; nothing to do
            log.info("telegram: could not answer a callback query: %s", exc)

    # --- outbound -------------------------------------------------------------

    async def _api(self, method: str, params: dict[str, Any]) -> Any:
        """One Bot API call without python-telegram-bot's objects: the answer's ``result`` as JSON.

        The call passes the bot's rate limiter and its transport (``AiohttpRequest.send_json``),
        and raises the errors python-telegram-bot raises for the same answers (``Forbidden``,
        ``RetryAfter``, ``BadRequest``, ``NetworkError``), as ``Bot.send_message`` does; but
        the parameters are encoded once as one JSON body and no ``Message`` or request object
        is built (together about 0.65 ms of CPU a message).
        """
        bot = self.app.bot
        url, request = f"{bot.base_url}/{method}", bot.request
        if isinstance(request, AiohttpRequest):
            call = partial(request.send_json, url, params)
        else:  # long polling keeps python-telegram-bot's own transport
            call = partial(request.post, url, request_data=JsonBody(params))
        if bot.rate_limiter is None:
            return await call()
        return await bot.rate_limiter.process_request(call, (), {}, method, params, None)

    async def _edit_in_place(self, message: Message, reply: Reply) -> bool:
        """Append the verdict to the question message and swap its buttons; False if Telegram refuses."""
        parts = messages(reply)
        if len(parts) != 1:
            return False
        body, markup = parts[0]
        text = f"{message.text_html}\n\n{body}"
        if len(text) > 4096:
            return False
        params: dict[str, Any] = {"chat_id": message.chat.id, "message_id": message.message_id, "text": text,
                                  "parse_mode": HTML, "link_preview_options": NO_PREVIEW}
        if markup is not None:
            params["reply_markup"] = markup
        try:
            await self._api("editMessageText", params)
        except BadRequest as exc:
            log.info("telegram: could not edit message %s: %s", message.message_id, exc)
            return False
        except Forbidden:
            return False
        return True

    async def push(self, user_id: str, replies: Sequence[Reply]) -> SendResult:
        """Send a push to a user's private chat (the scheduler's way in); a paid broadcast when
        ``JALUR_TELEGRAM_PAID_BROADCAST`` is on."""
        return await self._deliver_to(user_id, replies)

    async def post(self, channel_id: str, replies: Sequence[Reply]) -> SendResult:
        """Post in a group chat (study groups are set up on Discord; this keeps the sender whole).

        Edits of earlier posts (``Reply.edits``, a group quiz's count) are Discord's; none are made here.
        """
        replies = [reply for reply in replies if reply.edits is None]
        return await self._deliver_to(channel_id, replies) if replies else SendResult.SENT

    async def _deliver_to(self, chat: str, replies: Sequence[Reply]) -> SendResult:
        try:
            chat_id = int(chat)
        except ValueError:
            return SendResult.FAILED
        return await self._deliver(chat_id, replies, paid=self.settings.telegram_paid_broadcast, pushed=True)

    async def _deliver(self, chat_id: int, replies: Sequence[Reply], *, reply_to: int | None = None,
                       user_id: int | None = None, paid: bool = False, pushed: bool = False) -> SendResult:
        """Send replies in order (a choice question as a quiz poll where it fits one); stop at the first
        message that does not go out. ``user_id`` is who the replies answer (None: the private chat's user);
        ``paid`` sends them as paid broadcasts (pushes only); ``pushed``: a push pass sends them, and a
        quiz poll's route is stored with the push's outcome (not waited for here)."""
        for reply in replies:
            poll = quiz_poll(reply) if self.settings.telegram_quiz_polls else None
            if poll is not None and reply.expects is not None:
                sent = await self._send_quiz(chat_id, user_id or chat_id, poll, reply, reply_to=reply_to, paid=paid,
                                             pushed=pushed)
                if sent is not None:
                    if sent is not SendResult.SENT:
                        return sent
                    reply_to = None
                    continue
            for body, markup in messages(reply):
                result = await self._send(chat_id, body, markup, reply_to=reply_to, paid=paid)
                if result is not SendResult.SENT:
                    return result
                reply_to = None
        return SendResult.SENT

    async def _send_all(self, chat_id: int, user_id: int, replies: list[Reply], *, reply_to: int | None = None) -> None:
        if await self._deliver(chat_id, replies, reply_to=reply_to, user_id=user_id) is SendResult.UNREACHABLE:
            await self.engine.mark_unreachable(PLATFORM, str(user_id), now=self.clock())

    async def _send_quiz(self, chat_id: int, user_id: int, poll: QuizPoll, reply: Reply, *,
                         reply_to: int | None, paid: bool = False, pushed: bool = False) -> SendResult | None:
        """The intro, then the quiz poll, and its route stored; None when Telegram refuses the poll
        before anything was sent (the caller sends the question with buttons instead)."""
        assert reply.expects is not None and reply.expects.choice is not None
        intro_sent = False
        if poll.intro.strip():
            for body, _ in messages(replace(reply, text=poll.intro, buttons=())):
                result = await self._send(chat_id, body, None, reply_to=reply_to, paid=paid)
                if result is not SendResult.SENT:
                    return result
                intro_sent, reply_to = True, None
        params: dict[str, Any] = {
            "chat_id": chat_id, "question": poll.question, "options": [{"text": o} for o in poll.options],
            "is_anonymous": False, "type": "quiz", "correct_option_ids": [poll.correct]}
        if poll.explanation:
            params["explanation"] = poll.explanation
        markup = keyboard(replace(reply, buttons=poll.buttons))
        _extras(params, markup, reply_to, paid)
        try:
            message = await self._attempts(chat_id, "a quiz poll", partial(self._api, "sendPoll", params))
        except BadRequest as exc:
            PLATFORM_ERRORS.labels(PLATFORM, "bad_request").inc()
            log.warning("telegram: quiz poll to chat %s refused (%s); sending buttons", chat_id, exc)
            if intro_sent:  # the intro is out: the question with its buttons, without the intro again
                return await self._deliver(chat_id, [replace(reply, expects=None)], user_id=user_id, paid=paid,
                                           pushed=pushed)
            return None
        if isinstance(message, SendResult):
            return message
        sent_poll = message.get("poll") if isinstance(message, dict) else None
        if not sent_poll:
            return SendResult.SENT
        route = PollRoute(platform=PLATFORM, poll_id=str(sent_poll["id"]), chat_id=str(chat_id),
                          message_id=str(message["message_id"]), user_id=str(user_id),
                          question_id=reply.expects.question, answer_command=reply.expects.command,
                          ask_command=reply.expects.choice.ask, shared_chat=chat_id != user_id)
        await self.engine.remember_poll(route, now=self.clock(), wait=not pushed)
        return SendResult.SENT

    async def _attempts(self, chat_id: int, what: str, call: Callable[[], Awaitable[Any]]) -> Any:
        """One Bot API send, tried again after a network error (1 s, 2 s, ...): the sent message (JSON), or
        unreachable (blocked), or retry later (network, rate). A refusal (BadRequest) is raised."""
        delay = 1.0
        for attempt in range(1, SEND_ATTEMPTS + 1):
            try:
                return await call()
            except BadRequest:
                raise
            except Forbidden:
                PLATFORM_ERRORS.labels(PLATFORM, "forbidden").inc()
                return SendResult.UNREACHABLE
            except RetryAfter as exc:  # the rate limiter already retried; give up on this one
                PLATFORM_ERRORS.labels(PLATFORM, "rate_limited").inc()
                log.warning("telegram: still rate limited after retries: %s", exc)
                return SendResult.RETRY
            except NetworkError as exc:
                PLATFORM_ERRORS.labels(PLATFORM, "network").inc()
                if attempt == SEND_ATTEMPTS:
                    log.warning("telegram: network error sending %s to chat %s, giving up: %s", what, chat_id, exc)
                    return SendResult.RETRY
                log.info("telegram: network error (%s); retrying in %.0f s", exc, delay)
                await asyncio.sleep(delay)
                delay *= 2
        return SendResult.RETRY

    async def _send(self, chat_id: int, html: str, markup: Markup | None, *,
                    reply_to: int | None = None, paid: bool = False) -> SendResult:
        """Send one message: sent, unreachable (blocked), retry later (network, rate) or failed."""
        for body in (html, without_tags(html)):
            params: dict[str, Any] = {"chat_id": chat_id, "text": body, "parse_mode": HTML,
                                      "link_preview_options": NO_PREVIEW}
            _extras(params, markup, reply_to, paid)
            try:
                result = await self._attempts(chat_id, "a message", partial(self._api, "sendMessage", params))
            except BadRequest as exc:
                PLATFORM_ERRORS.labels(PLATFORM, "bad_request").inc()
                if "parse entities" in str(exc).lower() and body == html != without_tags(html):
                    log.warning("telegram: HTML refused (%s); sending plain text", exc)
                    continue
                if "chat not found" in str(exc).lower():
                    return SendResult.UNREACHABLE
                log.warning("telegram: message to chat %s refused: %s", chat_id, exc)
                return SendResult.FAILED
            return result if isinstance(result, SendResult) else SendResult.SENT
        return SendResult.FAILED

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("telegram: error handling update %s", update_id, exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat is not None and update.effective_user is not None:
            lang = pick_language(update.effective_user.language_code, self.settings.default_language)
            try:
                await self.app.bot.send_message(update.effective_chat.id, self.engine.texts(lang, "error.internal"))
            except TelegramError:
                log.info("telegram: could not send the apology for update %s", update_id)



def _extras(params: dict[str, Any], markup: Markup | None, reply_to: int | None, paid: bool) -> None:
    """The optional parts of a sent message, as python-telegram-bot would send them: its keyboard, the
    message it replies to (sent anyway if that one is gone) and the paid-broadcast flag."""
    if markup is not None:
        params["reply_markup"] = markup
    if reply_to is not None:
        params["reply_parameters"] = {"message_id": reply_to, "allow_sending_without_reply": True}
    if paid:
        params["allow_paid_broadcast"] = True


async def run_telegram(engine: Engine, settings: Settings, senders: Senders) -> None:
    """``jalur run`` entry point."""
    await TelegramAdapter(engine, settings).run(senders)


@asynccontextmanager
async def telegram_sender(engine: Engine, settings: Settings) -> AsyncIterator[TelegramAdapter]:
    """The bot opened only for sending pushes (``jalur pushes tick``): no polling, no webhook."""
    adapter = TelegramAdapter(engine, settings)
    await adapter.initialize()
    try:
        yield adapter
    finally:
        await adapter.app.shutdown()


def configured(settings: Settings) -> bool:
    """Telegram runs when a token is set."""
    return settings.telegram_token is not None
