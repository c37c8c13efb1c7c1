"""The small HTTP/1.1 client of Jalur's own Bot API sends, against a local server that answers
the ways a server may: with a length, chunked, to the end of the connection, or not at all."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from telegram.error import Forbidden, NetworkError

from adapters.telegram.transport import AiohttpRequest, JsonBody

Answer = Callable[[bytes], bytes | None]  # the request's body -> the raw answer (None: hang up)


class Server:
    """A local HTTP server: each request is answered by ``answer``; counts connections and requests."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.connections = 0
        self.bodies: list[bytes] = []
        self.open: list[asyncio.StreamWriter] = []

    async def serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.open.append(writer)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length:"))
                body = await reader.readexactly(length)
                self.bodies.append(body)
                raw = self.answer(body)
                if raw is None:
                    break
                writer.write(raw)
                await writer.drain()
                if b"connection: close" in raw.lower() or raw.startswith(b"HTTP/1.0"):
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()


Make = Callable[[Answer], Awaitable[tuple[AiohttpRequest, "Server", str]]]


def ok(result: object, *, headers: str = "") -> bytes:
    body = json.dumps({"ok": True, "result": result}).encode()
    return b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n%sContent-Length: %d\r\n\r\n%s" % (
        headers.encode(), len(body), body)


@pytest.fixture
async def request_for() -> AsyncIterator[Make]:
    """Start a server that answers with ``answer``: an initialized transport, the server, a Bot API URL."""
    servers: list[asyncio.Server] = []
    requests: list[AiohttpRequest] = []

    async def make(answer: Answer) -> tuple[AiohttpRequest, Server, str]:
        server = Server(answer)
        listening = await asyncio.start_server(server.serve, "127.0.0.1", 0)
        servers.append(listening)
        port = listening.sockets[0].getsockname()[1]
        request = AiohttpRequest()
        await request.initialize()
        requests.append(request)
        return request, server, f"http://127.0.0.1:{port}/bot123:abc/sendMessage"

    yield make
    for request in requests:
        await request.shutdown()
    for listening in servers:
        listening.close()


async def test_answers_with_a_length_reuse_one_connection(request_for: Make) -> None:
    request, server, url = await request_for(lambda body: ok({"message_id": len(body)}))
    for n in range(3):
        result = await request.post(url, JsonBody({"chat_id": 5, "text": "x" * n, "reply_markup": {"a": [1]}}))
        assert isinstance(result, dict) and result["message_id"] == len(server.bodies[-1])
    assert server.connections == 1
    assert json.loads(server.bodies[0]) == {"chat_id": 5, "text": "", "reply_markup": {"a": [1]}}


async def test_a_chunked_answer_and_one_that_ends_with_the_connection(request_for: Make) -> None:
    body = json.dumps({"ok": True, "result": {"message_id": 7}}).encode()
    chunked = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n"
               % (10, body[:10], len(body) - 10, body[10:]))
    request, server, url = await request_for(lambda _: chunked)
    assert await request.post(url, JsonBody({"chat_id": 5})) == {"message_id": 7}
    assert await request.post(url, JsonBody({"chat_id": 5})) == {"message_id": 7}
    assert server.connections == 1

    closing = b"HTTP/1.0 200 OK\r\n\r\n" + body
    request, server, url = await request_for(lambda _: closing)
    assert await request.post(url, JsonBody({"chat_id": 5})) == {"message_id": 7}
    assert await request.post(url, JsonBody({"chat_id": 5})) == {"message_id": 7}
    assert server.connections == 2  # no length: the answer ended with its connection


async def test_a_connection_the_server_closed_while_idle_is_not_used(request_for: Make) -> None:
    request, server, url = await request_for(lambda _: ok(True))
    assert await request.post(url, JsonBody({"chat_id": 5})) is True
    for writer in server.open:
        writer.close()
    idle = request._sends._idle  # type: ignore[union-attr]  # the client's idle connections
    deadline = asyncio.get_running_loop().time() + 5
    while not all(reader.at_eof() for streams in idle.values() for reader, _ in streams):
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.001)  # until the client has seen the server hang up
    assert await request.post(url, JsonBody({"chat_id": 5})) is True
    assert server.connections == 2


async def test_errors_are_python_telegram_bots(request_for: Make) -> None:
    request, _, url = await request_for(lambda _: None)  # hangs up without an answer
    with pytest.raises(NetworkError):
        await request.post(url, JsonBody({"chat_id": 5}))
    refusal = json.dumps({"ok": False, "error_code": 403,
                          "description": "Forbidden: bot was blocked by the user"}).encode()
    request, _, url = await request_for(
        lambda _: b"HTTP/1.1 403 Forbidden\r\nContent-Length: %d\r\n\r\n%s" % (len(refusal), refusal))
    with pytest.raises(Forbidden, match="blocked"):
        await request.post(url, JsonBody({"chat_id": 5}))


def answer(status: int, body: bytes) -> bytes:
    return b"HTTP/1.1 %d X\r\nContent-Length: %d\r\n\r\n%s" % (status, len(body), body)


def refused(code: int, description: str, **parameters: object) -> bytes:
    body: dict[str, object] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return answer(code, json.dumps(body).encode())


@pytest.mark.parametrize("raw", [
    ok({"message_id": 7, "chat": {"id": 5}}),
    refused(403, "Forbidden: bot was blocked by the user"),
    refused(400, "Bad Request: chat not found"),
    refused(400, "Bad Request: can't parse entities: unsupported start tag"),
    refused(429, "Too Many Requests: retry after 7", retry_after=7),
    refused(400, "Bad Request: group chat was upgraded to a supergroup chat", migrate_to_chat_id=-1001),
    refused(401, "Unauthorized"),
    refused(409, "Conflict: terminated by other getUpdates request"),
    refused(500, "Internal Server Error", something_new=1),
    answer(404, b"Not Found"),
    answer(502, b"<html>Bad Gateway</html>"),
    answer(418, b""),
    None,  # hangs up
], ids=lambda raw: raw.split(b"\r\n")[0].decode() if raw else "hang-up")
async def test_jalurs_sends_answer_and_fail_as_python_telegram_bots_post(request_for: Make, raw: bytes | None) -> None:
    """``send_json`` skips python-telegram-bot's request objects; what it returns and raises does not change."""
    request, _, url = await request_for(lambda _: raw)
    outcomes = []
    for call in (request.post(url, JsonBody({"chat_id": 5, "text": "hi"})), request.send_json(url, {"chat_id": 5, "text": "hi"})):
        try:
            outcomes.append(("result", await call))
        except Exception as exc:  # noqa: BLE001 - the error is what is compared
            outcomes.append((type(exc).__name__, str(exc), getattr(exc, "retry_after", None),
                             getattr(exc, "new_chat_id", None)))
    ptb, ours = outcomes
    if raw is None:  # the transport's own wording of a dropped connection
        assert ptb[0] == ours[0] == "NetworkError"
    else:
        assert ours == ptb
