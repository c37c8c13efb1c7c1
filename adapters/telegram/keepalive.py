"""A small HTTP/1.1 client for Jalur's own Bot API sends: a JSON POST on a kept-alive connection.

At 200 pushes a second each request goes out alone, and aiohttp then spent about
0.5 ms of CPU on one (its request and response objects, tracing hooks, the
connector's bookkeeping); writing the request and reading the answer on asyncio
streams costs about half. It speaks only what the Bot API needs: POST with a
JSON body, answers with ``Content-Length``, chunked or read to the end, over TCP
or TLS (certificates checked), no proxy (as the aiohttp session). Failures are
the ``FAILURES`` (a refused or dropped connection, an answer cut short or not
HTTP) or ``TimeoutError``; the caller maps them to python-telegram-bot's errors.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]
Origin = tuple[str, int, bool]  # host, port, TLS


class BadResponse(OSError):
    """The server's answer is not HTTP/1.x as expected."""


FAILURES = (OSError, EOFError, ValueError, asyncio.LimitOverrunError)  # EOFError: IncompleteReadError


class KeepAlive:
    """Kept-alive connections per origin, at most ``limit`` in use at once."""

    def __init__(self, *, limit: int, user_agent: str) -> None:
        self._slots = asyncio.Semaphore(limit)
        self._user_agent = user_agent
        self._idle: dict[Origin, list[Stream]] = {}
        self._targets: dict[str, tuple[Origin, bytes]] = {}
        self._tls: ssl.SSLContext | None = None

    def _target(self, url: str) -> tuple[Origin, bytes]:
        """The origin of ``url`` and the start of its request head (parsed once per URL)."""
        found = self._targets.get(url)
        if found is None:
            parts = urlsplit(url)
            tls = parts.scheme == "https"
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise BadResponse(f"not an http(s) URL: {parts.scheme}://{parts.hostname}")
            port = parts.port or (443 if tls else 80)
            host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            head = (f"POST {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {self._user_agent}\r\n"
                    "Content-Type: application/json\r\nConnection: keep-alive\r\n").encode()
            found = self._targets[url] = ((parts.hostname, port, tls), head)
        return found

    async def post(self, url: str, body: bytes, *, connect_timeout: float | None,
                   read_timeout: float | None) -> tuple[int, bytes]:
        """POST ``body`` (JSON) to ``url``: the status code and the answer's body."""
        origin, head = self._target(url)
        async with self._slots:
            reader, writer = await self._connection(origin, connect_timeout)
            keep = False
            try:
                writer.write(b"%sContent-Length: %d\r\n\r\n%s" % (head, len(body), body))
                async with asyncio.timeout(read_timeout):
                    status, answer, keep = await _response(reader)
                return status, answer
            finally:
                if keep:
                    self._idle.setdefault(origin, []).append((reader, writer))
                else:
                    writer.close()

    async def _connection(self, origin: Origin, timeout: float | None) -> Stream:
        """An idle connection to ``origin`` that is still open, or a new one."""
        idle = self._idle.get(origin)
        while idle:
            reader, writer = idle.pop()
            if not reader.at_eof() and not writer.is_closing():
                return reader, writer
            writer.close()  # the server closed it while it was idle
        host, port, tls = origin
        if tls and self._tls is None:
            self._tls = ssl.create_default_context()
        async with asyncio.timeout(timeout):
            return await asyncio.open_connection(host, port, ssl=self._tls if tls else None)

    async def close(self) -> None:
        """Close the idle connections."""
        idle, self._idle = self._idle, {}
        for streams in idle.values():
            for _, writer in streams:
                writer.close()


async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Read one answer: its status, its body, and whether the connection may be used again."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status_line = lines[0].split(None, 2)
    if len(status_line) < 2 or not status_line[0].startswith(b"HTTP/1.") or not status_line[1].isdigit():
        raise BadResponse(f"not an HTTP/1.x answer: {lines[0][:40]!r}")
    keep = status_line[0] == b"HTTP/1.1"
    length, chunked = None, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding":
            chunked = b"chunked" in value
        elif name == b"connection":
            keep = value == b"keep-alive" or (keep and value != b"close")
    status = int(status_line[1])
    if status in (204, 304) or status < 200:  # no body, whatever the headers say
        body = b""
    elif chunked:
        body = await _chunks(reader)
    elif length is not None:
        body = await reader.readexactly(length)
    else:  # the body ends with the connection
        body, keep = await reader.read(), False
    return status, body, keep


async def _chunks(reader: asyncio.StreamReader) -> bytes:
    """A chunked body."""
    parts: list[bytes] = []
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers, then the empty line
                pass
            return b"".join(parts)
        parts.append(await reader.readexactly(size))
        await reader.readexactly(2)
