"""The console's local cache: the server's events once each, the missions they fold to, the AEDs.

Everything the console shows when the server is out of reach comes from here, so the cache must
never hold a state the server did not have. :meth:`Cache.ingest` therefore writes a batch of
events, the folded missions, their responders, the AED statuses and the new position in the
server's log in **one transaction**: a crash at any point leaves either the whole batch or none
of it, and the next catch-up resumes from the stored position.

Missions are folded with :func:`console.domain.fold.apply`, the same code the server runs; the
cache has no copy of the rules. An event that does not fold (an event for a mission the cache
never saw created, a transition the rules forbid) is still stored, with the reason in
``problem``, and reported in the result; the batch goes on.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from sqlalchemy import Connection, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from console.api.wire import Rejected
from console.cache import schema as s
from console.cache.aed_register import decode_register, encode_register
from console.cache.engine import (
    CacheEngines,
    SetAside,
    aside_path,
    create_engines,
    default_cache_url,
    normalise_url,
    prepare,
    set_aside,
    sqlite_path,
)
from console.cache.migrations import CacheUnusable
from console.domain.fold import FoldError, apply
from console.domain.model import (
    Aed,
    AedStatus,
    Event,
    EventType,
    Mission,
    ModelError,
)
from console.domain.timefmt import format_time, parse_time, utc_now

log = logging.getLogger("console.cache")

#: Rows per ``IN (...)`` list: far below SQLite's variable limit.
_CHUNK: Final = 500
#: ``events.type`` of an item that could not be read as an event at all.
UNREADABLE_TYPE: Final = "(unreadable)"


@dataclass(frozen=True, slots=True)
class EventProblem:
    """An event the cache stored but could not use, and why."""

    seq: int | None
    mission_id: str | None
    reason: str

    def describe(self) -> str:
        where = f"seq {self.seq}" if self.seq is not None else "an event without seq"
        mission = f" (mission {self.mission_id})" if self.mission_id else ""
        return f"{where}{mission}: {self.reason}"


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What one batch changed."""

    stored: tuple[Event, ...]
    duplicates: int
    problems: tuple[EventProblem, ...]
    missions: tuple[Mission, ...]
    aed_status: dict[str, AedStatus] = field(default_factory=dict)
    last_seq: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.stored or self.problems)


class Cache:
    """The local cache. Open it with :meth:`open`; close it on quit."""

    def __init__(
        self,
        engines: CacheEngines,
        *,
        set_aside: SetAside | None = None,
        upgraded_from: int = 0,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self._engines = engines
        self._set_aside = set_aside
        self._upgraded_from = upgraded_from
        self._write_lock = asyncio.Lock()
        self.now = now

    @classmethod
    async def open(cls, url: str | None = None, *, now: Callable[[], datetime] = utc_now) -> Cache:
        """Open (create, upgrade) the cache at ``url``, or the default file.

        A newer or damaged file is set aside and replaced by a fresh, empty cache; the returned
        cache's :attr:`set_aside` then says what happened, for the UI to show.
        """
        parsed = normalise_url(url or default_cache_url())
        engines = create_engines(parsed)
        try:
            version = await prepare(engines)
            return cls(engines, upgraded_from=version, now=now)
        except CacheUnusable as exc:
            await engines.dispose()
            path = sqlite_path(parsed)
            if path is None or not path.exists():
                raise
            moved = set_aside(path, exc.kind, now)
            notice = SetAside(original=path, moved_to=moved, reason=str(exc))
            log.warning("%s", notice.message())
        engines = create_engines(parsed)
        await prepare(engines)
        return cls(engines, set_aside=notice, now=now)

    async def close(self) -> None:
        async with self._write_lock:
            await self._engines.dispose()

    @property
    def set_aside(self) -> SetAside | None:
        """The unusable file this cache replaced at start-up, if any."""
        return self._set_aside

    @property
    def upgraded_from(self) -> int:
        """The schema version the file had when opened (0: created new)."""
        return self._upgraded_from

    @property
    def path(self) -> Path | None:
        return sqlite_path(self._engines.url)

    # ----------------------------------------------------------------- transactions

    @asynccontextmanager
    async def writing(self) -> AsyncIterator[AsyncConnection]:
        """One write transaction; writers queue here rather than on SQLite's lock."""
        async with self._write_lock, self._engines.writer.begin() as conn:
            yield conn

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncConnection]:
        async with self._engines.reader.connect() as conn:
            yield conn

    # ----------------------------------------------------------------- the event log

    async def last_seq(self) -> int:
        """The position in the server's log: every event up to here has been dealt with."""
        async with self.reading() as conn:
            return await conn.run_sync(_last_seq)

    async def ingest(
        self, events: Sequence[Event], rejected: Sequence[Rejected] = ()
    ) -> IngestResult:
        """Store a batch and everything it changes in one transaction."""
        async with self.writing() as conn:
            return await conn.run_sync(_ingest, list(events), list(rejected))

    async def event_signature(self, seq: int) -> tuple[str, str] | None:
        """The stored event at ``seq`` as (type, at), for comparing with the server's log."""
        query = select(s.events.c.type, s.events.c.at).where(s.events.c.seq == seq)
        async with self.reading() as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else (row.type, row.at)

    async def start_over(self) -> Path | None:
        """Forget the server's log (events, missions, AED statuses), keeping a copy of the file.

        For a server whose log no longer is the one cached (restored from a backup, its
        database replaced): a cache ahead of it would skip every new event up to its old seq.
        The copy (SQLite) keeps the record of what this console was shown; the commands of
        the outbox and the AED register stay. Returns the copy's path.
        """
        copy = None
        path = self.path
        async with self.writing() as conn:
            if path is not None:
                copy = await asyncio.to_thread(_copy_aside, path, self.now)
            for table in (s.responders, s.missions, s.events, s.aed_status):
                await conn.execute(delete(table))
            await conn.run_sync(_set_meta, s.META_LAST_SEQ, "0")
        return copy

    async def event_count(self) -> int:
        async with self.reading() as conn:
            result = await conn.execute(select(func.count()).select_from(s.events))
            return int(result.scalar_one())

    async def events_after(self, after: int, limit: int = 1000) -> list[Event]:
        """Stored, readable events after seq ``after``, in seq order."""
        query = (
            select(s.events)
            .where(s.events.c.seq > after, s.events.c.type != UNREADABLE_TYPE)
            .order_by(s.events.c.seq)
            .limit(limit)
        )
        async with self.reading() as conn:
            return [_event(row) for row in (await conn.execute(query)).mappings()]

    async def mission_events(self, mission_id: str) -> list[Event]:
        """A mission's events in seq order, without those that did not fold."""
        query = (
            select(s.events)
            .where(s.events.c.mission_id == mission_id, s.events.c.problem.is_(None))
            .order_by(s.events.c.seq)
        )
        async with self.reading() as conn:
            return [_event(row) for row in (await conn.execute(query)).mappings()]

    async def problems(self) -> list[EventProblem]:
        """Every stored event that could not be used, in seq order."""
        query = (
            select(s.events.c.seq, s.events.c.mission_id, s.events.c.problem)
            .where(s.events.c.problem.is_not(None))
            .order_by(s.events.c.seq)
        )
        async with self.reading() as conn:
            rows = (await conn.execute(query)).all()
        return [EventProblem(seq, mission_id, problem) for seq, mission_id, problem in rows]

    # ----------------------------------------------------------------- missions

    async def mission(self, mission_id: str) -> Mission | None:
        query = select(s.missions.c.doc).where(s.missions.c.id == mission_id)
        async with self.reading() as conn:
            doc = (await conn.execute(query)).scalar_one_or_none()
        return None if doc is None else Mission.from_json(json.loads(doc))

    async def open_missions(self) -> list[Mission]:
        """Missions still alerting, oldest first."""
        query = (
            select(s.missions.c.doc)
            .where(s.missions.c.is_open.is_(True))
            .order_by(s.missions.c.created_at, s.missions.c.id)
        )
        return await self._missions(query)

    async def recent_missions(self, limit: int = 100) -> list[Mission]:
        """The newest missions of any state, newest first (for the supervisor's list)."""
        query = (
            select(s.missions.c.doc)
            .order_by(s.missions.c.created_at.desc(), s.missions.c.id.desc())
            .limit(limit)
        )
        return await self._missions(query)

    async def mission_ids(self) -> list[str]:
        async with self.reading() as conn:
            result = await conn.execute(select(s.missions.c.id).order_by(s.missions.c.id))
            return list(result.scalars())

    async def busy_runner_ids(self) -> set[str]:
        """Runners who accepted an open mission: the rules do not alert them for another."""
        busy = {"accepted", "aed_collected", "arrived"}
        query = (
            select(s.responders.c.runner_id)
            .join(s.missions, s.missions.c.id == s.responders.c.mission_id)
            .where(s.missions.c.is_open.is_(True), s.responders.c.state.in_(busy))
        )
        async with self.reading() as conn:
            return set((await conn.execute(query)).scalars())

    async def _missions(self, query: Any) -> list[Mission]:
        async with self.reading() as conn:
            docs = (await conn.execute(query)).scalars().all()
        return [Mission.from_json(json.loads(doc)) for doc in docs]

    # ----------------------------------------------------------------- AEDs

    async def aeds(self) -> list[Aed]:
        """The cached register in id order, with the statuses events changed since, decoded in
        a worker thread (:mod:`console.cache.aed_register`); :class:`ModelError` when the
        stored register is damaged."""
        register = select(s.aed_register.c.name, s.aed_register.c.doc)
        changed = select(s.aed_status.c.id, s.aed_status.c.status)
        async with self.reading() as conn:
            columns = {name: doc for name, doc in await conn.execute(register)}
            overrides = {aed_id: status for aed_id, status in await conn.execute(changed)}
        return await asyncio.to_thread(decode_register, columns, overrides)

    async def aed_etag(self) -> str | None:
        async with self.reading() as conn:
            return await conn.run_sync(_meta, s.META_AED_ETAG)

    async def replace_aeds(self, aeds: Iterable[Aed], etag: str | None) -> None:
        """The full AED list as the server sent it, with its ETag, in one transaction."""
        register = list(aeds)
        columns = await asyncio.to_thread(encode_register, register)
        async with self.writing() as conn:
            await conn.execute(delete(s.aed_register))
            await conn.execute(delete(s.aed_status))
            if register:
                await conn.execute(
                    s.aed_register.insert(),
                    [{"name": name, "doc": doc} for name, doc in columns.items()],
                )
            await conn.run_sync(_set_meta, s.META_AED_ETAG, etag)


# --------------------------------------------------------------------------- sync helpers


def _last_seq(conn: Connection) -> int:
    value = _meta(conn, s.META_LAST_SEQ)
    return int(value) if value else 0


def _meta(conn: Connection, key: str) -> str | None:
    query = select(s.cache_meta.c.value).where(s.cache_meta.c.key == key)
    return conn.execute(query).scalar_one_or_none()


def _set_meta(conn: Connection, key: str, value: str | None) -> None:
    conn.execute(delete(s.cache_meta).where(s.cache_meta.c.key == key))
    if value is not None:
        conn.execute(s.cache_meta.insert().values(key=key, value=value))


def _dump(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def _event(row: Any) -> Event:
    return Event(
        seq=row["seq"],
        type=EventType(row["type"]),
        at=parse_time(row["at"]),
        mission_id=row["mission_id"],
        data=json.loads(row["data"]),
    )


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _ingest(conn: Connection, events: list[Event], rejected: list[Rejected]) -> IngestResult:
    cursor = _last_seq(conn)
    batch: dict[int, Event] = {}
    for event in sorted(events, key=lambda e: e.seq):
        batch.setdefault(event.seq, event)
    unreadable = {r.seq: r for r in rejected if r.seq is not None and r.seq not in batch}
    duplicates = len(events) - len(batch)
    # Only seqs at or below the stored position can already be in the cache.
    old = [seq for seq in [*batch, *unreadable] if seq <= cursor]
    existing: set[int] = set()
    for chunk in _chunks(old):
        existing.update(
            conn.execute(select(s.events.c.seq).where(s.events.c.seq.in_(chunk))).scalars()
        )
    duplicates += len(existing)
    new = [batch[seq] for seq in sorted(batch) if seq not in existing]
    unreadable = {seq: r for seq, r in unreadable.items() if seq not in existing}

    problems: dict[int, EventProblem] = {}
    by_mission: dict[str, list[Event]] = defaultdict(list)
    aed_status: dict[str, AedStatus] = {}
    for event in new:
        if event.type is EventType.AED_STATUS:
            status = _aed_status(event)
            if isinstance(status, str):
                problems[event.seq] = EventProblem(event.seq, event.mission_id, status)
            else:
                aed_status[status[0]] = status[1]
        elif event.mission_id is None:
            problems[event.seq] = EventProblem(
                event.seq, None, "a mission event without mission_id"
            )
        else:
            by_mission[event.mission_id].append(event)

    missions = _fold_missions(conn, by_mission, problems)

    if new:
        conn.execute(
            s.events.insert(),
            [
                {
                    "seq": e.seq,
                    "type": e.type.value,
                    "at": format_time(e.at),
                    "mission_id": e.mission_id,
                    "data": _dump(dict(e.data)),
                    "problem": problems[e.seq].reason if e.seq in problems else None,
                }
                for e in new
            ],
        )
    if unreadable:
        conn.execute(
            s.events.insert(),
            [
                {
                    "seq": seq,
                    "type": UNREADABLE_TYPE,
                    "at": "",
                    "mission_id": None,
                    "data": r.raw,
                    "problem": r.reason,
                }
                for seq, r in unreadable.items()
            ],
        )
    _store_missions(conn, missions)
    _store_aed_status(conn, aed_status)
    seen = [*(e.seq for e in new), *unreadable]
    last = max([cursor, *seen])
    if last != cursor:
        _set_meta(conn, s.META_LAST_SEQ, str(last))
    reported = [*problems.values()]
    reported += [EventProblem(seq, None, r.reason) for seq, r in unreadable.items()]
    reported += [EventProblem(None, None, r.reason) for r in rejected if r.seq is None]
    reported.sort(key=lambda p: (p.seq is None, p.seq or 0))
    return IngestResult(
        stored=tuple(new),
        duplicates=duplicates,
        problems=tuple(reported),
        missions=tuple(mission for mission, _ in missions.values()),
        aed_status=aed_status,
        last_seq=last,
    )


def _aed_status(event: Event) -> tuple[str, AedStatus] | str:
    aed_id = event.data.get("aed_id")
    if not isinstance(aed_id, str) or not aed_id:
        return "aed.status without aed_id"
    try:
        return aed_id, AedStatus(str(event.data.get("status")))
    except ValueError:
        return f"aed.status with unknown status {event.data.get('status')!r}"


def _fold_missions(
    conn: Connection,
    by_mission: dict[str, list[Event]],
    problems: dict[int, EventProblem],
) -> dict[str, tuple[Mission, int]]:
    """Apply each mission's new events to its stored state.

    The result holds the missions that changed, each with the seq of its last applied event.
    Events normally arrive in seq order and are applied to the stored state. When one arrives
    late (below the mission's last seq) the mission is folded again from its whole stored log,
    and earlier verdicts are judged again: an event that did not fit before its predecessor
    arrived may fit now.
    """
    stored: dict[str, tuple[Mission, int]] = {}
    for chunk in _chunks(list(by_mission)):
        query = select(s.missions.c.id, s.missions.c.doc, s.missions.c.last_seq).where(
            s.missions.c.id.in_(chunk)
        )
        for mission_id, doc, last_seq in conn.execute(query):
            try:
                stored[mission_id] = (Mission.from_json(json.loads(doc)), last_seq)
            except (ModelError, ValueError) as exc:  # a damaged row: fold again from the log
                log.warning("cached mission %s unreadable (%s); folding it again", mission_id, exc)
    newest: dict[str, int] = {}  # the highest stored seq per mission, folded or not
    for chunk in _chunks(list(by_mission)):
        query = (
            select(s.events.c.mission_id, func.max(s.events.c.seq))
            .where(s.events.c.mission_id.in_(chunk))
            .group_by(s.events.c.mission_id)
        )
        newest.update((str(row[0]), int(row[1])) for row in conn.execute(query))
    changed: dict[str, tuple[Mission, int]] = {}
    for mission_id, new_events in by_mission.items():
        mission: Mission | None = None
        previous: int | None = None
        earlier: dict[int, tuple[Event, str | None]] = {}
        if mission_id in stored and new_events[0].seq > newest.get(mission_id, 0):
            mission, previous = stored[mission_id]
            todo = new_events
        else:
            earlier = _stored_log(conn, mission_id)
            old = [event for event, _ in earlier.values()]
            todo = sorted(old + new_events, key=lambda e: e.seq)
        verdicts: dict[int, str | None] = {}
        applied = False
        for event in todo:
            if mission is None and event.type is not EventType.MISSION_CREATED:
                verdicts[event.seq] = (
                    f"an event for mission {mission_id}, which was never created here"
                )
                continue
            try:
                mission = apply(mission, event, previous_seq=previous)
            except FoldError as exc:
                verdicts[event.seq] = str(exc)
                continue
            verdicts[event.seq] = None
            previous = event.seq
            applied = True
        for event in new_events:
            if verdicts[event.seq] is not None:
                problems[event.seq] = EventProblem(event.seq, mission_id, str(verdicts[event.seq]))
        for seq, (_, before) in earlier.items():
            if verdicts[seq] != before:
                conn.execute(
                    update(s.events).where(s.events.c.seq == seq).values(problem=verdicts[seq])
                )
        if mission is not None and previous is not None and applied:
            changed[mission_id] = (mission, previous)
    return changed


def _stored_log(conn: Connection, mission_id: str) -> dict[int, tuple[Event, str | None]]:
    """A mission's stored events (those that did not fold too) with their problem, by seq."""
    query = (
        select(s.events)
        .where(s.events.c.mission_id == mission_id, s.events.c.type != UNREADABLE_TYPE)
        .order_by(s.events.c.seq)
    )
    return {row["seq"]: (_event(row), row["problem"]) for row in conn.execute(query).mappings()}


def _store_missions(conn: Connection, missions: dict[str, tuple[Mission, int]]) -> None:
    if not missions:
        return
    for chunk in _chunks(list(missions)):
        conn.execute(delete(s.missions).where(s.missions.c.id.in_(chunk)))
        conn.execute(delete(s.responders).where(s.responders.c.mission_id.in_(chunk)))
    mission_rows: list[dict[str, Any]] = []
    responder_rows: list[dict[str, Any]] = []
    for mission, last_seq in missions.values():
        mission_rows.append(
            {
                "id": mission.id,
                "state": mission.state.value,
                "is_open": mission.is_open,
                "created_at": format_time(mission.created_at),
                "ended_at": None if mission.ended_at is None else format_time(mission.ended_at),
                "last_seq": last_seq,
                "doc": _dump(mission.to_json()),
            }
        )
        responder_rows.extend(
            {
                "mission_id": mission.id,
                "runner_id": r.runner_id,
                "rank": r.rank,
                "state": r.state.value,
                "task_kind": None if r.task is None else r.task.kind.value,
                "aed_id": None if r.task is None else r.task.aed_id,
                "lat": r.position.lat,
                "lon": r.position.lon,
            }
            for r in mission.responders
        )
    conn.execute(s.missions.insert(), mission_rows)
    if responder_rows:
        conn.execute(s.responders.insert(), responder_rows)


def _copy_aside(path: Path, now: Callable[[], datetime]) -> Path:
    """A consistent copy of the SQLite file beside it (the backup API: WAL content included)."""
    target = aside_path(path, "diverged", now)
    with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    return target


def _store_aed_status(conn: Connection, changes: dict[str, AedStatus]) -> None:
    """Statuses on top of the stored register; one for an AED it does not hold yet is kept
    too, harmlessly: reading ignores it and the next register replaces it."""
    if not changes:
        return
    for chunk in _chunks(list(changes)):
        conn.execute(delete(s.aed_status).where(s.aed_status.c.id.in_(chunk)))
    conn.execute(
        s.aed_status.insert(),
        [{"id": aed_id, "status": status.value} for aed_id, status in changes.items()],
    )
