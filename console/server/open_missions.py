"""The open missions, parsed once and kept until another event changes them.

The cross-mission rules (a runner engaged elsewhere is not alerted, at most five responders per
AED) take every open mission as input. Parsing each one's JSON on every request would dominate
the cost of raising a mission, so this cache keeps ``Mission`` objects keyed by the seq of the
last event folded into them: one cheap query of ``(id, last_seq)`` tells which ones another
request or another process has moved since, and only those are read again.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from console.domain.model import Mission, MissionState
from console.server.dispatch_schema import missions


class OpenMissionCache:
    def __init__(self) -> None:
        self._known: dict[str, tuple[int, Mission]] = {}

    def remember(self, mission: Mission, last_seq: int) -> None:
        """Keep a mission as just committed (never call this before the commit succeeded)."""
        if mission.is_open:
            self._known[mission.id] = (last_seq, mission)
        else:
            self._known.pop(mission.id, None)

    def forget_all(self) -> None:
        self._known.clear()

    async def load(self, conn: AsyncConnection) -> list[Mission]:
        """Every open mission as of ``conn``'s view of the database, oldest first."""
        rows = (
            await conn.execute(
                select(missions.c.id, missions.c.last_seq)
                .where(missions.c.state == MissionState.ALERTING.value)
                .order_by(missions.c.created_seq)
            )
        ).all()
        stale = [mid for mid, seq in rows if self._known.get(mid, (None,))[0] != seq]
        fresh: dict[str, tuple[int, Mission]] = {}
        if stale:
            docs = await conn.execute(
                select(missions.c.id, missions.c.last_seq, missions.c.doc).where(
                    missions.c.id.in_(stale)
                )
            )
            for mid, seq, doc in docs:
                fresh[mid] = (int(seq), Mission.from_json(json.loads(doc)))
        result: list[Mission] = []
        current: dict[str, tuple[int, Mission]] = {}
        for mid, seq in rows:
            entry = fresh.get(mid) or self._known.get(mid)
            if entry is None or entry[0] != seq:  # changed again between the two queries
                continue
            current[mid] = entry
            result.append(entry[1])
        self._known = current
        return result
