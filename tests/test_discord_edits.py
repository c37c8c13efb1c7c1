"""The per-post edit coalescer of the Discord adapter: few edits, newest last, never an older one after it."""

from __future__ import annotations

import pytest

from adapters.discord.edits import PostEdits
from bot.conversation import Reply


class Recorder:
    """A stand-in for the PATCH of a channel message: records what was sent; can refuse."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, int, int]] = []
        self.refuse = False

    async def __call__(self, channel: int, message: int, reply: Reply) -> None:
        if self.refuse:
            raise RuntimeError("refused")
        self.sent.append((channel, message, reply.revision))


def version(n: int) -> Reply:
    return Reply(f"{n} answered", channel="1", edits="2", revision=n)


async def test_a_burst_becomes_two_edits_and_the_newest_lands_last() -> None:
    patch = Recorder()
    edits = PostEdits(patch, interval=0.2)
    try:
        first = edits.submit(1, 2, version(1), wait=True)
        await first  # the first edit goes out at once
        assert patch.sent == [(1, 2, 1)]
        for n in (2, 4, 3, 5):  # 3 finished after 4: it must not show after 4
            edits.submit(1, 2, version(n))
        await edits.submit(1, 2, version(5), wait=True)  # waits for the merged edit of the window
        assert patch.sent == [(1, 2, 1), (1, 2, 5)]
        await edits.submit(1, 2, version(4), wait=True)  # older than what is out: nothing is sent
        assert patch.sent == [(1, 2, 1), (1, 2, 5)]
        await edits.submit(9, 2, version(1), wait=True)  # another post has its own window
        assert patch.sent[-1] == (9, 2, 1)
    finally:
        await edits.close()


async def test_a_refused_edit_reaches_whoever_waits_for_it() -> None:
    patch = Recorder()
    patch.refuse = True
    edits = PostEdits(patch, interval=0.0)
    try:
        with pytest.raises(RuntimeError, match="refused"):
            await edits.submit(1, 2, version(10**9), wait=True)
        assert edits.submit(1, 3, version(1)).done()  # nobody waits: a refusal is only logged
        with pytest.raises(RuntimeError, match="refused"):
            await edits.submit(1, 3, version(2), wait=True)
    finally:
        await edits.close()
