"""A fake Discord REST API on a local port, and interaction payloads as the gateway sends them.

The real discord.py client logs in against it (``/users/@me``,
``/oauth2/applications/@me``), syncs its commands, and answers interactions
(``/interactions/{id}/{token}/callback``, follow-ups on
``/webhooks/{app}/{token}``); every call is recorded. Tests create
interactions with ``slash``/``press``/``submit`` and hand them to the
client's connection state, exactly where a gateway ``INTERACTION_CREATE``
would go. No gateway and no network.

Like Discord, a message stays one message: an edit of the message a button
was pressed on (``PATCH .../messages/@original`` after a deferred update), or
of a channel message (``PATCH /channels/{channel}/messages/{message}``, a
group quiz post), changes that ``Sent`` in place and is also recorded as an
``edit`` (target ``channel/message`` for a channel message), which
``messages()`` does not count as a new message.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from local_server import serve, shut
from tornado.httpserver import HTTPServer
from tornado.web import Application, RequestHandler

APP_ID = 900000000000000001
BOT_ID = 900000000000000002
TOKEN = "fake-discord-token"
BOT_USER = {"id": str(BOT_ID), "username": "Jalur", "discriminator": "0", "global_name": "Jalur",
            "avatar": None, "bot": True}


@dataclass
class Sent:
    """A message the bot sent: an interaction response, a follow-up or a channel message."""

    kind: str  # "callback", "followup", "channel", "edit"
    target: str  # interaction token or channel id
    body: dict[str, Any]
    edits: int = 0  # how many times the bot edited this message
    message_id: str = ""  # a channel message's id (edited with PATCH /channels/{channel}/messages/{id})

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return list(self.body.get("embeds") or self.body.get("data", {}).get("embeds") or [])

    @property
    def text(self) -> str:
        """The content, or an embed's title and description."""
        content = str(self.body.get("content") or self.body.get("data", {}).get("content") or "")
        cards = ["\n".join(str(e.get(k) or "") for k in ("title", "description")) for e in self.embeds]
        return "\n".join(part for part in (content, *cards) if part)

    @property
    def ephemeral(self) -> bool:
        flags = self.body.get("flags") or self.body.get("data", {}).get("flags") or 0
        return bool(int(flags) & 64)

    @property
    def buttons(self) -> list[dict[str, Any]]:
        rows = self.body.get("components") or self.body.get("data", {}).get("components") or []
        return [c for row in rows for c in row.get("components", [])]

    @property
    def live_buttons(self) -> list[dict[str, Any]]:
        """The buttons a person can still press (not disabled)."""
        return [b for b in self.buttons if not b.get("disabled")]


@dataclass
class FakeDiscord:
    """The fake server's state: recorded calls and scripted failures."""

    sent: list[Sent] = field(default_factory=list)
    commands: list[dict[str, Any]] = field(default_factory=list)
    forbidden_channels: set[int] = field(default_factory=set)
    missing_channels: set[int] = field(default_factory=set)
    pressed_on: dict[str, Sent] = field(default_factory=dict)  # interaction token -> the message pressed
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1000))
    port: int = 0
    _server: HTTPServer | None = None

    # --- interactions as the gateway delivers them ---------------------------------

    def _base(self, kind: int, user_id: int, *, guild_id: int | None, channel_id: int, locale: str,
              permissions: str) -> dict[str, Any]:
        user = {"id": str(user_id), "username": f"user{user_id}", "discriminator": "0", "global_name": None,
                "avatar": None}
        payload: dict[str, Any] = {
            "id": str(next(self._ids)), "application_id": str(APP_ID), "type": kind,
            "token": f"tok{next(self._ids)}", "version": 1, "locale": locale, "channel_id": str(channel_id),
            "channel": {"id": str(channel_id), "type": 1} if guild_id is None else {
                "id": str(channel_id), "type": 0, "name": "study-group", "position": 0, "guild_id": str(guild_id),
                "permission_overwrites": [], "nsfw": False, "parent_id": None},
            "app_permissions": "2251799813685247", "entitlements": [], "authorizing_integration_owners": {},
            "context": 0 if guild_id else 1, "attachment_size_limit": 26214400,
        }
        if guild_id is None:
            payload["user"] = user
        else:
            payload["guild_id"] = str(guild_id)
            payload["guild_locale"] = "en-US"
            payload["member"] = {"user": user, "roles": [], "joined_at": "2026-01-01T00:00:00+00:00",
                                 "deaf": False, "mute": False, "flags": 0, "permissions": permissions}
        return payload

    def slash(self, user_id: int, name: str, options: dict[str, Any] | None = None, *, guild_id: int | None = None,
              channel_id: int = 1, locale: str = "en-US", permissions: str = "0") -> dict[str, Any]:
        """A slash command interaction. An option of type channel takes ``(id, name)``."""
        payload = self._base(2, user_id, guild_id=guild_id, channel_id=channel_id, locale=locale,
                             permissions=permissions)
        command = next((c for c in self.commands if c["name"] == name), {"id": "1", "options": []})
        types = {o["name"]: o["type"] for o in command.get("options", [])}
        data: dict[str, Any] = {"id": command["id"], "name": name, "type": 1, "options": []}
        for key, value in (options or {}).items():
            kind = types.get(key, 3)
            if kind == 7:  # a channel: its id, and the channel itself under "resolved"
                channel, channel_name = value
                data["options"].append({"name": key, "type": 7, "value": str(channel)})
                data.setdefault("resolved", {}).setdefault("channels", {})[str(channel)] = {
                    "id": str(channel), "name": channel_name, "type": 0, "permissions": "0",
                    "guild_id": str(guild_id)}
            else:
                data["options"].append({"name": key, "type": kind, "value": value})
        payload["data"] = data
        return payload

    def press(self, user_id: int, custom_id: str, *, guild_id: int | None = None, channel_id: int = 1,
              locale: str = "en-US", message: Sent | None = None, permissions: str = "0") -> dict[str, Any]:
        """A button press on a message (by default the last one with that button)."""
        payload = self._base(3, user_id, guild_id=guild_id, channel_id=channel_id, locale=locale,
                             permissions=permissions)
        payload["data"] = {"custom_id": custom_id, "component_type": 2}
        source = message or next((s for s in reversed(self.messages()) if any(b.get("custom_id") == custom_id
                                                                              for b in s.buttons)), None)
        payload["message"] = self.message_json(str(channel_id), source.body if source else {"content": ""},
                                               source.message_id if source else "")
        if source is not None:
            self.pressed_on[payload["token"]] = source
        return payload

    def submit(self, user_id: int, custom_id: str, values: dict[str, str], *, guild_id: int | None = None,
               channel_id: int = 1, locale: str = "en-US", permissions: str = "0",
               message: Sent | None = None) -> dict[str, Any]:
        """A modal submission (``message``: the message whose button opened the text box)."""
        payload = self._base(5, user_id, guild_id=guild_id, channel_id=channel_id, locale=locale,
                             permissions=permissions)
        if message is not None:
            payload["message"] = self.message_json(str(channel_id), message.body, message.message_id)
            self.pressed_on[payload["token"]] = message
        payload["data"] = {"custom_id": custom_id, "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]} for k, v in values.items()]}
        return payload

    # --- what the bot sent ------------------------------------------------------------

    def messages(self, kind: str | None = None) -> list[Sent]:
        """Sent messages (follow-ups and channel messages; callbacks with content); edits are not messages."""
        return [s for s in self.sent if (s.kind == kind if kind else s.kind != "edit") and (s.text or s.buttons)]

    def custom_ids(self, sent: Sent) -> dict[str, str]:
        """Button label -> custom id of one message's buttons that can still be pressed."""
        return {b["label"]: b["custom_id"] for b in sent.live_buttons}

    def edits_of(self, post: Sent) -> list[Sent]:
        """The edits the bot made to a channel message, in order."""
        return [s for s in self.sent if s.kind == "edit" and s.target == f"{post.target}/{post.message_id}"]

    def message_json(self, channel_id: str, body: dict[str, Any], message_id: str = "") -> dict[str, Any]:
        return {"id": message_id or str(next(self._ids)), "channel_id": channel_id, "content": body.get("content", ""),
                "author": BOT_USER, "attachments": [], "embeds": body.get("embeds", []), "mentions": [],
                "mention_roles": [], "pinned": False, "mention_everyone": False, "tts": False,
                "timestamp": datetime.now(UTC).isoformat(), "edited_timestamp": None, "flags": body.get("flags", 0),
                "components": body.get("components", []), "type": 0}

    # --- the server -------------------------------------------------------------------

    def handle(self, method: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        parts = path.strip("/").split("/")
        if method == "GET" and path == "/users/@me":
            return 200, BOT_USER
        if method == "GET" and path == "/oauth2/applications/@me":
            return 200, {"id": str(APP_ID), "name": "Jalur", "icon": None, "description": "", "bot_public": True,
                         "bot_require_code_grant": False, "verify_key": "0" * 64, "flags": 0, "team": None,
                         "owner": BOT_USER, "summary": "", "rpc_origins": []}
        if method == "PUT" and parts[0] == "applications" and parts[-1] == "commands":
            self.commands = [{**c, "id": str(next(self._ids)), "application_id": str(APP_ID), "version": "1",
                              "type": c.get("type", 1)} for c in body]
            return 200, self.commands
        if method == "POST" and parts[0] == "interactions":
            self.sent.append(Sent("callback", parts[2], body))
            flags = int((body.get("data") or {}).get("flags") or 0)
            return 200, {"interaction": {"id": parts[1], "type": 2, "response_message_loading": body.get("type") == 5,
                                         "response_message_ephemeral": bool(flags & 64)},
                         "resource": {"type": body.get("type", 4)}}
        if parts[0] == "webhooks" and method == "POST":
            self.sent.append(Sent("followup", parts[2], body))
            return 200, self.message_json("1", body)
        if parts[0] == "webhooks" and method == "PATCH":
            original = self.pressed_on.get(parts[2]) if parts[-1] == "@original" else None
            if original is not None:  # the message the button was on changes in place
                original.body = {**{k: v for k, v in original.body.items() if k != "data"},
                                 **original.body.get("data", {}), **body}
                original.edits += 1
            self.sent.append(Sent("edit", parts[2], body))
            return 200, self.message_json("1", original.body if original else body)
        if method == "GET" and parts[0] == "users":
            return 200, {**BOT_USER, "id": parts[1], "username": f"user{parts[1]}", "bot": False}
        if method == "POST" and path == "/users/@me/channels":
            return 200, {"id": str(int(body["recipient_id"]) + 1), "type": 1,
                         "recipients": [{**BOT_USER, "id": str(body["recipient_id"]), "bot": False}]}
        if method == "POST" and parts[0] == "channels" and parts[-1] == "messages":
            channel = int(parts[1])
            if channel in self.missing_channels:
                return 404, {"message": "Unknown Channel", "code": 10003}
            if channel in self.forbidden_channels:
                return 403, {"message": "Missing Permissions", "code": 50013}
            sent = Sent("channel", parts[1], body, message_id=str(next(self._ids)))
            self.sent.append(sent)
            return 200, self.message_json(parts[1], body, sent.message_id)
        if method == "PATCH" and parts[0] == "channels" and len(parts) == 4 and parts[2] == "messages":
            post = next((s for s in self.sent if s.kind == "channel" and s.target == parts[1]
                         and s.message_id == parts[3]), None)
            if post is None or int(parts[1]) in self.missing_channels:
                return 404, {"message": "Unknown Message", "code": 10008}
            post.body = {**post.body, **body}
            post.edits += 1
            self.sent.append(Sent("edit", f"{parts[1]}/{parts[3]}", body))
            return 200, self.message_json(parts[1], post.body, post.message_id)
        return 404, {"message": f"fake Discord has no {method} {path}", "code": 0}

    async def start(self) -> None:
        fake = self

        class Handler(RequestHandler):
            def _serve(self, method: str, path: str) -> None:
                body: Any = {}
                raw = self.request.body
                content_type = self.request.headers.get("Content-Type", "")
                if raw and content_type.startswith("application/json"):
                    body = json.loads(raw)
                elif raw and "payload_json" in self.request.body_arguments:
                    body = json.loads(self.get_body_argument("payload_json"))
                status, answer = fake.handle(method, "/" + path, body)
                self.set_status(status)
                if answer is not None:
                    self.set_header("Content-Type", "application/json")
                    self.write(json.dumps(answer))
                self.finish()

            def get(self, path: str) -> None:
                self._serve("GET", path)

            def post(self, path: str) -> None:
                self._serve("POST", path)

            def put(self, path: str) -> None:
                self._serve("PUT", path)

            def patch(self, path: str) -> None:
                self._serve("PATCH", path)

        self._server, self.port = serve(Application([(r"/api/v10/(.*)", Handler)]))

    async def stop(self) -> None:
        await shut(self._server)

    @property
    def api_url(self) -> str:
        """The value for ``JALUR_DISCORD_API_URL``."""
        return f"http://127.0.0.1:{self.port}/api/v10"
