"""A tornado HTTP server on a free local port, for the fake platform APIs."""

from __future__ import annotations

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application


def serve(app: Application) -> tuple[HTTPServer, int]:
    """Start ``app`` on 127.0.0.1 at a free port; the server and its port."""
    sockets = bind_sockets(0, "127.0.0.1")
    server = HTTPServer(app)
    server.add_sockets(sockets)
    return server, sockets[0].getsockname()[1]


async def shut(server: HTTPServer | None) -> None:
    """Stop a server started by ``serve`` and close its connections."""
    if server is not None:
        server.stop()
        await server.close_all_connections()
