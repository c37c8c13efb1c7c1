"""Updates a platform delivered, claimed when they arrive: a copy delivered again (Telegram retries a
webhook it got no answer to; a load balancer may hand the retry to another process) is answered once.

A claim is ``INSERT ... ON CONFLICT DO NOTHING`` on (platform, update id), so two processes that
receive the same update at once agree on which one answers it. Old claims are pruned.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.database import insert_for
from bot.storage.tables import SeenUpdate


class UpdateStore:
    """Update claims for one transaction's session."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, platform: str, update_id: int, *, now: datetime) -> bool:
        """True the first time this update is seen; False for a copy seen before."""
        insert = insert_for(self.session.get_bind().dialect.name)
        statement = insert(SeenUpdate).values(platform=platform, update_id=update_id, seen_at=now)
        result = await self.session.execute(statement.on_conflict_do_nothing())
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def forget_before(self, cutoff: datetime) -> int:
        """Drop the claims older than ``cutoff``; how many."""
        result = await self.session.execute(delete(SeenUpdate).where(SeenUpdate.seen_at < cutoff))
        return int(result.rowcount)  # type: ignore[attr-defined]
