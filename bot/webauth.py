"""Who may open a dashboard: Telegram Mini App ``initData`` and Jalur's own signed links.

Pure functions over bytes and a given time, no I/O:

- ``telegram_user``: checks Telegram's ``initData`` as Telegram documents it (the data-check
  string signed with HMAC-SHA256 under the key ``HMAC-SHA256("WebAppData", bot_token)``) and
  refuses an ``auth_date`` older than ``MAX_INIT_AGE``.
- ``sign_link`` / ``read_link``: a short token naming one learner (id and sign-up time, so a
  reused id never opens someone else's data), with an expiry, signed with HMAC-SHA256 under a
  server secret. ``/dashboard`` on Discord hands one out; ``jalur dashboard`` too.

Tokens and ``initData`` are secrets: nothing here logs them, and errors never quote them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qsl

log = logging.getLogger(__name__)

MAX_INIT_AGE = timedelta(days=1)
LINK_LIFETIME = timedelta(minutes=15)
MAX_CREDENTIAL_CHARS = 4096
_CLOCK_SKEW = timedelta(minutes=5)  # an auth_date slightly in the future (clocks differ) still counts


class AuthError(ValueError):
    """A credential that does not prove who is asking (forged, expired, malformed)."""


def derive_secret(*parts: str) -> bytes:
    """A server secret derived from other secrets (the bot tokens), when none is configured."""
    material = "\x00".join(parts).encode()
    return hmac.new(b"jalur-dashboard-links", material, hashlib.sha256).digest()


def telegram_user(init_data: str, bot_token: str, now: datetime) -> int:
    """The Telegram user id that ``init_data`` proves, or ``AuthError``."""
    if not init_data or len(init_data) > MAX_CREDENTIAL_CHARS:
        raise AuthError("no usable initData")
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise AuthError("initData is not a query string") from None
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise AuthError("initData repeats a field")
    given = fields.pop("hash", "")
    check = "\n".join(f"{key}={value}" for key, value in sorted(fields.items()))
    key = hmac.new(b"WebAppData", bot_token.encode(), hashlib.sha256).digest()
    expected = hmac.new(key, check.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, given.lower()):
        raise AuthError("initData signature does not match")
    try:
        signed_at = datetime.fromtimestamp(int(fields["auth_date"]), tz=now.tzinfo)
        user_id = int(json.loads(fields["user"])["id"])
    except (KeyError, ValueError, TypeError, OverflowError):
        raise AuthError("initData lacks auth_date or user") from None
    if signed_at < now - MAX_INIT_AGE or signed_at > now + _CLOCK_SKEW:
        raise AuthError("initData is too old")
    return user_id


@dataclass(frozen=True)
class LinkClaims:
    """What a signed link proves: the learner (id and sign-up second) and until when."""

    learner_id: int
    created: int  # the learner's created_at as a Unix second
    expires: int  # Unix second


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_link(secret: bytes, learner_id: int, created_at: datetime, now: datetime,
              lifetime: timedelta = LINK_LIFETIME) -> str:
    """A token that opens ``learner_id``'s dashboard until ``now + lifetime``."""
    body = f"{learner_id}.{int(created_at.timestamp())}.{int((now + lifetime).timestamp())}".encode()
    mac = hmac.new(secret, b"dashboard\x00" + body, hashlib.sha256).digest()
    return f"{_b64(body)}.{_b64(mac)}"


def read_link(secret: bytes, token: str, now: datetime) -> LinkClaims:
    """The claims of a token signed with ``secret``, or ``AuthError`` (tampered, expired, malformed)."""
    if not token or len(token) > MAX_CREDENTIAL_CHARS or token.count(".") != 1:
        raise AuthError("not a dashboard token")
    body_text, mac_text = token.split(".")
    try:
        body, mac = _unb64(body_text), _unb64(mac_text)
    except (ValueError, TypeError):
        raise AuthError("not a dashboard token") from None
    expected = hmac.new(secret, b"dashboard\x00" + body, hashlib.sha256).digest()
    if not hmac.compare_digest(expected, mac):
        raise AuthError("dashboard token signature does not match")
    try:
        learner, created, expires = (int(part) for part in body.decode().split("."))
    except ValueError:
        raise AuthError("not a dashboard token") from None
    if expires <= now.timestamp():
        raise AuthError("dashboard token expired")
    return LinkClaims(learner, created, expires)
