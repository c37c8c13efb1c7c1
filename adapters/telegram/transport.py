"""python-telegram-bot's HTTP transport on aiohttp instead of httpx.

PTB's default ``HTTPXRequest`` spends about 2 ms of CPU per Bot API call
with a dozen calls in flight (httpcore's pool looks at every waiting request
each time a connection frees up); aiohttp, which discord.py already brings,
spends about 0.2 ms. Jalur's own sends (a ``JsonBody``: messages, polls,
edits) take ``keepalive.KeepAlive`` instead, about half of aiohttp's CPU again.
The Bot API calls and their errors are the same: network failures become
``NetworkError``, timeouts ``TimedOut``.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

import aiohttp
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import BaseRequest, RequestData

from adapters.telegram.keepalive import FAILURES, KeepAlive

log = logging.getLogger(__name__)

JSON = {"Content-Type": "application/json"}
CONNECTIONS = 256  # open connections at most (pushes in flight and replies together)


class JsonBody(RequestData):  # type: ignore[misc]  # final for typing; PTB's requests read only these
    """A Bot API call's parameters as they are sent: one JSON object, encoded once (no files).

    Jalur's own sends (``TelegramAdapter._api``) build these from plain values instead of
    python-telegram-bot's ``RequestParameter`` for each parameter.
    """

    def __init__(self, params: dict[str, Any]) -> None:
        super().__init__()
        self._params = params

    @property
    def parameters(self) -> dict[str, Any]:
        """The parameters as given."""
        return self._params

    @property
    def json_parameters(self) -> dict[str, str]:
        """Each parameter JSON-encoded (strings as they are), as a form carries them."""
        return {k: v if isinstance(v, str) else json.dumps(v) for k, v in self._params.items()}

    @property
    def json_payload(self) -> bytes:
        """The parameters as one JSON object."""
        return json.dumps(self._params).encode()


def _seconds(value: object, default: float | None) -> float | None:
    """A timeout PTB passed (``DEFAULT_NONE``: not given, use ours)."""
    if value is BaseRequest.DEFAULT_NONE:
        return default
    return value if isinstance(value, int | float) or value is None else default


class AiohttpRequest(BaseRequest):
    """Sends Bot API requests with one ``aiohttp.ClientSession``: a JSON body (each parameter JSON-encoded,
    as in PTB's form), a multipart form when files are uploaded."""

    def __init__(self, *, connect_timeout: float = 5.0, read_timeout: float | None = 5.0,
                 connections: int = CONNECTIONS) -> None:
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._connections = connections
        self._session: aiohttp.ClientSession | None = None
        self._sends: KeepAlive | None = None

    @property
    def read_timeout(self) -> float | None:
        """The read timeout used when a call gives none."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (once)."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=self._connections),
                                                  headers={"User-Agent": self.USER_AGENT})
            self._sends = KeepAlive(limit=self._connections, user_agent=self.USER_AGENT)

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()
        if self._sends is not None:
            await self._sends.close()
        self._session, self._sends = None, None

    async def send_json(self, url: str, params: dict[str, Any]) -> Any:
        """One of Jalur's own sends (a message, a poll, an edit): ``params`` as one JSON body on a
        kept-alive connection; the answer's ``result``.

        What ``post(url, JsonBody(params))`` does, without python-telegram-bot's request objects
        and wrappers around it (about 50 microseconds of CPU a message): the errors are the ones
        ``BaseRequest`` raises for the same answers (``api_error``).
        """
        try:
            status, payload = await self._kept_alive(url, json.dumps(params).encode(), self._connect_timeout,
                                                     self._read_timeout)
        except TelegramError:
            raise
        except Exception as exc:  # as python-telegram-bot reports any other failure
            raise NetworkError(f"Unknown error in HTTP implementation: {exc!r}") from exc
        if HTTPStatus.OK <= status <= 299:
            return self.parse_json_payload(payload)["result"]
        raise api_error(status, payload)

    async def _kept_alive(self, url: str, body: bytes, connect: float | None, read: float | None) -> tuple[int, bytes]:
        """POST a JSON ``body`` on a kept-alive connection: the status and the answer's body; a timeout
        or a broken connection raised as python-telegram-bot's ``TimedOut`` / ``NetworkError``."""
        if self._sends is None:
            raise RuntimeError("AiohttpRequest is not initialized")
        try:
            return await self._sends.post(url, body, connect_timeout=connect, read_timeout=read)
        except TimeoutError as exc:
            raise TimedOut from exc
        except FAILURES as exc:
            raise NetworkError(f"{type(exc).__name__}: {exc}") from exc

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: object = BaseRequest.DEFAULT_NONE,
                         write_timeout: object = BaseRequest.DEFAULT_NONE,
                         connect_timeout: object = BaseRequest.DEFAULT_NONE,
                         pool_timeout: object = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        """One HTTP request: the status code and the body."""
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        connect, read = _seconds(connect_timeout, self._connect_timeout), _seconds(read_timeout, self._read_timeout)
        if isinstance(request_data, JsonBody) and method == "POST" and self._sends is not None:
            return await self._kept_alive(url, request_data.json_payload, connect, read)
        timeout = aiohttp.ClientTimeout(sock_connect=connect, sock_read=read)
        data: aiohttp.FormData | bytes | None = None
        headers = None
        if request_data is not None:
            files = request_data.multipart_data
            if not files:  # one JSON body: much cheaper to build than a form (same parameters, same values)
                data, headers = request_data.json_payload, JSON
            else:
                form = aiohttp.FormData(request_data.json_parameters)
                for name, field in files.items():
                    filename, content, mime = (field + (None,) * 3)[:3] if isinstance(field, tuple) else (
                        None, field, None)
                    form.add_field(name, content, filename=filename, content_type=mime)
                data = form
        try:
            async with self._session.request(method, url, data=data, headers=headers, timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc


def api_error(status: int, payload: bytes) -> TelegramError:
    """The error python-telegram-bot's ``BaseRequest`` raises for an answer with this status and body.

    Kept to its rules: ``retry_after`` and ``migrate_to_chat_id`` in the answer's parameters first,
    then 403 ``Forbidden``, 401 and 404 ``InvalidToken``, 400 ``BadRequest``, 409 ``Conflict``, and
    ``NetworkError`` for anything else; the message is Telegram's description when there is one.
    """
    try:
        message = f"{HTTPStatus(status).phrase} ({status})"
    except ValueError:
        message = f"Unknown HTTPError ({status})"
    try:
        answer = json.loads(payload.decode("utf-8", "replace"))
    except ValueError:
        answer = None
    if isinstance(answer, dict):
        message = answer.get("description") or message
        parameters = answer.get("parameters")
        if isinstance(parameters, dict) and parameters:
            if parameters.get("migrate_to_chat_id"):
                return ChatMigrated(parameters["migrate_to_chat_id"])
            if parameters.get("retry_after"):
                return RetryAfter(parameters["retry_after"])
            message += f". The server response contained unknown parameters: {parameters}"
    else:
        message += f". Parsing the server response {payload!r} failed"
    if status == HTTPStatus.FORBIDDEN:
        return Forbidden(message)
    if status in (HTTPStatus.NOT_FOUND, HTTPStatus.UNAUTHORIZED):
        return InvalidToken(message)
    if status == HTTPStatus.BAD_REQUEST:
        return BadRequest(message)
    if status == HTTPStatus.CONFLICT:
        return Conflict(message)
    return NetworkError(message)
