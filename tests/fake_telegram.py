"""A fake Telegram Bot API on a local port: enough of Telegram to drive the real
python-telegram-bot ``Application`` and ``Bot`` objects in tests.

Tests queue updates (a learner's messages, button presses and quiz poll
answers), the bot fetches them with ``getUpdates`` and calls ``sendMessage``,
``sendPoll``, ``editMessageText`` and ``answerCallbackQuery``; every call is recorded. Errors can be scripted:
``403 Forbidden`` for a chat, or ``429 Too Many Requests`` for the next sends.

With ``rate`` set it also enforces Telegram's limits strictly: at most ``rate``
messages in any sliding second for the bot, ``paid_rate`` more for messages
sent with ``allow_paid_broadcast``, and ``group_rate`` a minute per group
chat; a message over a limit gets ``429`` with ``retry_after`` and is
counted. It also keeps the most messages that arrived in any one-second
window (per lane) and in any minute for one group, and how many chats got
the same kind of message more than once (duplicates). Run as a script
(``python tests/fake_telegram.py --rate 1000``) it serves in its own process
and prints its port, for benchmarks; ``POST .../benchStats`` returns the counts.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from local_server import serve, shut
from tornado.httpserver import HTTPServer
from tornado.web import Application, RequestHandler

BOT_ID = 777000
BOT_USERNAME = "JalurTestBot"
TOKEN = "123456:TEST-token"
SENDS = frozenset({"sendMessage", "sendPoll", "editMessageText"})  # the methods the rate limit counts


@dataclass
class Call:
    """One Bot API call the bot made."""

    method: str
    params: dict[str, Any]
    poll_id: str | None = None  # a sent poll's id, as Telegram answered

    @property
    def text(self) -> str:
        """The message text without HTML tags."""
        return re.sub(r"<[^>]+>", "", str(self.params.get("text", ""))).replace("&lt;", "<").replace(
            "&gt;", ">").replace("&amp;", "&")

    @property
    def buttons(self) -> list[dict[str, str]]:
        """The inline keyboard's buttons, row by row."""
        markup = self.params.get("reply_markup")
        if not markup:
            return []
        return [b for row in json.loads(markup)["inline_keyboard"] for b in row]

    def _json(self, name: str) -> Any:
        value = self.params.get(name)
        return json.loads(value) if isinstance(value, str) else value

    @property
    def poll_options(self) -> list[str]:
        """A sent poll's option texts."""
        return [o["text"] if isinstance(o, dict) else str(o) for o in self._json("options") or []]

    @property
    def correct_option_ids(self) -> list[int]:
        """A sent quiz poll's correct options (Bot API 9.6+)."""
        return list(self._json("correct_option_ids") or [])


@dataclass
class FakeTelegram:
    """The fake server's state: queued updates, recorded calls, scripted failures."""

    updates: list[dict[str, Any]] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    blocked_chats: set[int] = field(default_factory=set)
    rate_limit_next: int = 0
    refuse_html_next: int = 0  # answer that many HTML messages with "can't parse entities"
    rate: float | None = None  # enforced messages in any second (None: no limit enforced)
    paid_rate: float = 1000.0  # messages with allow_paid_broadcast in any second (when ``rate`` is set)
    group_rate: float = 20.0  # messages to one group chat in any minute (when ``rate`` is set)
    retry_after: int = 1  # seconds a 429 asks the bot to wait
    record: bool = True  # False keeps memory flat in long benchmark runs
    send_delay: float = 0.0  # seconds each message, poll or edit takes to answer (a slow Telegram)
    handled: list[int] = field(default_factory=list)  # update ids the bot has finished with (see ``tracking``)
    tracking: bool = False  # True when a test reports finished updates into ``handled``
    accepted: int = 0
    too_many: int = 0
    peak: int = 0  # most messages (accepted or not) that arrived in one sliding second
    paid_peak: int = 0  # the same for paid broadcasts
    group_peak: int = 0  # most messages to one group chat in one sliding minute
    per_chat: Counter[int] = field(default_factory=Counter)  # messages and polls accepted per chat
    _lanes: dict[str, deque[float]] = field(default_factory=dict)  # arrival times per lane (accepted)
    _arrivals: dict[str, deque[float]] = field(default_factory=dict)  # arrival times per lane (all)
    _update_ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _message_ids: itertools.count = field(default_factory=lambda: itertools.count(1000))
    _poll_ids: itertools.count = field(default_factory=lambda: itertools.count(5_000_000_000))
    port: int = 0
    _server: HTTPServer | None = None

    # --- what a learner does ------------------------------------------------

    def _user(self, user_id: int, language: str | None) -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": f"user{user_id}"}
        if language:
            user["language_code"] = language
        return user

    def _chat(self, chat_id: int, kind: str) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": chat_id, "type": kind}
        if kind != "private":
            chat["title"] = "Study group"
        return chat

    def push(self, update: dict[str, Any]) -> int:
        """Queue a raw update (an ``update_id`` is added when missing)."""
        update.setdefault("update_id", next(self._update_ids))
        self.updates.append(update)
        return int(update["update_id"])

    def say(self, user_id: int, text: str, *, chat_id: int | None = None, language: str | None = "en",
            **extra: Any) -> int:
        """A learner sends a text message (in a private chat unless ``chat_id`` is a group)."""
        chat = self._chat(chat_id or user_id, "private" if chat_id is None else "supergroup")
        message = {"message_id": next(self._message_ids), "date": int(time.time()), "chat": chat,
                   "from": self._user(user_id, language), "text": text, **extra}
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self.push({"message": message})

    def send_other(self, user_id: int, kind: str, content: Any, *, language: str | None = "en") -> int:
        """A learner sends something that is not text (a sticker, a photo...)."""
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": self._chat(user_id, "private"), "from": self._user(user_id, language), kind: content}
        return self.push({"message": message})

    def answer_poll(self, user_id: int, poll: Call, option: int, *, language: str | None = "en",
                    update_id: int | None = None) -> int:
        """A learner taps ``option`` (0-based) of a sent quiz poll: Telegram's ``poll_answer`` update."""
        poll_id = poll.poll_id
        assert poll_id is not None, "not a sent poll"
        answer = {"poll_id": poll_id, "user": self._user(user_id, language), "option_ids": [option],
                  "option_persistent_ids": [f"{poll_id}-{option}"]}
        update: dict[str, Any] = {"poll_answer": answer}
        if update_id is not None:
            update["update_id"] = update_id
        return self.push(update)

    def press(self, user_id: int, data: str, *, message: dict[str, Any] | None = None,
              language: str | None = "en") -> int:
        """A learner presses an inline button with ``data`` on ``message`` (a sent message)."""
        query: dict[str, Any] = {"id": str(next(self._message_ids)), "from": self._user(user_id, language),
                                 "chat_instance": "1", "data": data}
        if message is not None:
            query["message"] = message
        return self.push({"callback_query": query})

    # --- what the bot did -----------------------------------------------------

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """Messages sent (to one chat, or to all)."""
        return [c for c in self.calls if c.method == "sendMessage"
                and (chat_id is None or int(c.params["chat_id"]) == chat_id)]

    def polls(self, chat_id: int | None = None) -> list[Call]:
        """Polls sent (to one chat, or to all)."""
        return [c for c in self.calls if c.method == "sendPoll"
                and (chat_id is None or int(c.params["chat_id"]) == chat_id)]

    def methods(self, name: str) -> list[Call]:
        """Every call of one Bot API method."""
        return [c for c in self.calls if c.method == name]

    async def wait_for(self, predicate: Any, timeout: float = 30.0) -> None:
        """Wait until ``predicate()`` is true (the bot works asynchronously)."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out; calls: {[(c.method, c.text[:60]) for c in self.calls[-8:]]}")
            await asyncio.sleep(0.02)

    async def until_handled(self, *update_ids: int, times: int = 1, timeout: float = 30.0) -> None:
        """Wait until the bot has finished with each update (``times`` copies of it), replies sent."""
        assert self.tracking, "until_handled needs a bot that reports finished updates into `handled`"
        await self.wait_for(lambda: all(self.handled.count(u) >= times for u in update_ids), timeout)

    async def reply_to(self, send: Any, chat_id: int, *, count: int = 1) -> list[Call]:
        """Do ``send()`` (which returns the update id) and wait for its answer: ``count`` new messages
        to ``chat_id`` and, when ``tracking``, the bot finishing the update, so that every message of
        the answer is there. Without tracking, ``count`` must be the answer's exact length."""
        before = len(self.sent(chat_id))
        update_id = send()
        await self.wait_for(lambda: len(self.sent(chat_id)) >= before + count)
        if self.tracking:
            await self.until_handled(update_id)
        return self.sent(chat_id)[before:]

    # --- the server -------------------------------------------------------------

    def message_result(self, params: dict[str, Any], message_id: int | None = None) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        result = {"message_id": message_id or next(self._message_ids), "date": int(time.time()),
                  "chat": self._chat(chat_id, "private" if chat_id > 0 else "supergroup"),
                  "from": {"id": BOT_ID, "is_bot": True, "first_name": "Jalur", "username": BOT_USERNAME},
                  "text": Call("sendMessage", params).text}
        if params.get("reply_markup"):
            result["reply_markup"] = json.loads(params["reply_markup"])
        return result

    def poll_result(self, call: Call) -> dict[str, Any]:
        """The message a sent poll becomes, with a new poll id (remembered for ``answer_poll``)."""
        result = self.message_result(call.params)
        del result["text"]
        poll_id = call.poll_id = str(next(self._poll_ids))
        options = [{"text": text, "voter_count": 0, "persistent_id": f"{poll_id}-{i}"}
                   for i, text in enumerate(call.poll_options)]
        result["poll"] = {"id": poll_id, "question": call.params["question"], "options": options,
                          "total_voter_count": 0, "is_closed": False,
                          "is_anonymous": call._json("is_anonymous") in (True, "true", None),
                          "type": call.params.get("type", "regular"), "allows_multiple_answers": False,
                          "allows_revoting": False, "members_only": False,
                          "correct_option_ids": call.correct_option_ids}
        if call.params.get("explanation"):
            result["poll"]["explanation"] = call.params["explanation"]
        return result

    def _window(self, lane: str, now: float, span: float, store: dict[str, deque[float]]) -> deque[float]:
        times = store.setdefault(lane, deque())
        while times and times[0] <= now - span:
            times.popleft()
        return times

    def _over_rate(self, params: dict[str, Any]) -> bool:
        """Telegram's limits as sliding windows: True when this message would exceed one of them.

        Every arrival counts towards the peaks; only accepted messages count towards the limits.
        """
        now = time.monotonic()
        paid = str(params.get("allow_paid_broadcast", "")).lower() in {"true", "1"}
        lane, limit = ("paid", self.paid_rate) if paid else ("bot", self.rate)
        arrived = self._window(lane, now, 1.0, self._arrivals)
        arrived.append(now)
        if paid:
            self.paid_peak = max(self.paid_peak, len(arrived))
        else:
            self.peak = max(self.peak, len(arrived))
        chat = str(params.get("chat_id", ""))
        group = chat.startswith("-") or chat.startswith("@")
        if group:
            in_group = self._window(f"group{chat}", now, 60.0, self._arrivals)
            in_group.append(now)
            self.group_peak = max(self.group_peak, len(in_group))
        if self.rate is None or limit is None:
            return False
        accepted = self._window(lane, now, 1.0, self._lanes)
        group_accepted = self._window(f"group{chat}", now, 60.0, self._lanes) if group else deque()
        if len(accepted) >= limit or len(group_accepted) >= self.group_rate:
            return True
        accepted.append(now)
        if group:
            group_accepted.append(now)
        return False

    def stats(self) -> dict[str, int]:
        """Counts for benchmarks: accepted, 429s, peaks, chats reached and repeated messages."""
        return {"accepted": self.accepted, "too_many": self.too_many, "peak": self.peak,
                "paid_peak": self.paid_peak, "group_peak": self.group_peak, "chats": len(self.per_chat),
                "messages": sum(self.per_chat.values())}

    async def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            deadline = time.monotonic() + min(float(params.get("timeout") or 0), 0.3)
            while True:
                ready = [u for u in self.updates if u["update_id"] >= offset]
                if ready or time.monotonic() >= deadline:
                    return 200, {"ok": True, "result": ready}
                await asyncio.sleep(0.02)
        if method == "benchStats":
            return 200, {"ok": True, "result": self.stats()}
        if method == "benchChats":  # messages per chat, for counting duplicates
            return 200, {"ok": True, "result": {str(k): v for k, v in self.per_chat.items()}}
        if method in SENDS and self.send_delay:  # arrives now (the limit counts it now), answers late
            status, answer = self._answer(method, params)
            await asyncio.sleep(self.send_delay)
            return status, answer
        return self._answer(method, params)

    def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if self.record:
            self.calls.append(Call(method, params))
        if method == "getMe":
            return 200, {"ok": True, "result": {"id": BOT_ID, "is_bot": True, "first_name": "Jalur",
                                                "username": BOT_USERNAME, "can_join_groups": True,
                                                "can_read_all_group_messages": False,
                                                "supports_inline_queries": False}}
        if method in SENDS:
            if self._over_rate(params):
                self.too_many += 1
                return 429, {"ok": False, "error_code": 429,
                             "description": f"Too Many Requests: retry after {self.retry_after}",
                             "parameters": {"retry_after": self.retry_after}}
            if self.rate_limit_next > 0:
                self.rate_limit_next -= 1
                return 429, {"ok": False, "error_code": 429, "description": "Too Many Requests: retry after 1",
                             "parameters": {"retry_after": 1}}
            if method == "sendMessage" and params.get("parse_mode") == "HTML" and self.refuse_html_next > 0:
                self.refuse_html_next -= 1
                return 400, {"ok": False, "error_code": 400,
                             "description": "Bad Request: can't parse entities: unsupported start tag"}
            if int(params["chat_id"]) in self.blocked_chats:
                return 403, {"ok": False, "error_code": 403, "description": "Forbidden: bot was blocked by the user"}
            self.accepted += 1
            if method != "editMessageText":
                self.per_chat[int(params["chat_id"])] += 1
            if method == "sendPoll":
                call = self.calls[-1] if self.record else Call(method, params)
                return 200, {"ok": True, "result": self.poll_result(call)}
            message_id = int(params["message_id"]) if method == "editMessageText" else None
            return 200, {"ok": True, "result": self.message_result(params, message_id)}
        return 200, {"ok": True, "result": True}

    async def start(self) -> None:
        fake = self

        class Handler(RequestHandler):
            async def post(self, token: str, method: str) -> None:
                if token != TOKEN:
                    self.set_status(401)
                    self.finish({"ok": False, "error_code": 401, "description": "Unauthorized"})
                    return
                params: dict[str, Any] = {k: self.get_body_argument(k) for k in self.request.body_arguments}
                if self.request.headers.get("Content-Type", "").startswith("application/json") and self.request.body:
                    # a JSON body's objects, numbers and booleans, as a form would carry them
                    params = {k: v if isinstance(v, str) else json.dumps(v)
                              for k, v in json.loads(self.request.body).items()}
                status, body = await fake.handle(method, params)
                self.set_status(status)
                self.finish(body)

        self._server, self.port = serve(Application([(r"/bot([^/]+)/([A-Za-z]+)", Handler)]))

    async def stop(self) -> None:
        await shut(self._server)

    @property
    def api_url(self) -> str:
        """The value for ``JALUR_TELEGRAM_API_URL``."""
        return f"http://127.0.0.1:{self.port}/bot"


async def _serve(rate: float | None, delay: float) -> None:
    import logging

    logging.getLogger("tornado.access").setLevel(logging.ERROR)  # a 429 is counted, not logged
    fake = FakeTelegram(rate=rate, record=False, send_delay=delay)
    await fake.start()
    print(fake.port, flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description="a fake Telegram Bot API for benchmarks")
    parser.add_argument("--rate", type=float, default=None, help="enforced messages per second")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds each message, poll or edit takes to answer (after it is counted)")
    options = parser.parse_args()
    asyncio.run(_serve(options.rate, options.delay))
