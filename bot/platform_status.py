"""Which chat platforms this process serves and has connected, and whether it is shutting down.

Adapters report here; the readiness endpoint (``bot.health``) reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.metrics import PLATFORM_CONNECTED


@dataclass
class PlatformHealth:
    """Which chat platforms are connected, and whether the process is shutting down."""

    expected: set[str] = field(default_factory=set)
    connected: set[str] = field(default_factory=set)
    stopping: bool = False

    def expect(self, platform: str) -> None:
        """This process serves ``platform``: readiness waits for it to connect."""
        self.expected.add(platform)
        PLATFORM_CONNECTED.labels(platform).set(0)

    def up(self, platform: str) -> None:
        """``platform`` is connected and taking updates."""
        self.connected.add(platform)
        PLATFORM_CONNECTED.labels(platform).set(1)

    def down(self, platform: str) -> None:
        """``platform`` lost its connection or stopped."""
        self.connected.discard(platform)
        PLATFORM_CONNECTED.labels(platform).set(0)
