"""The dispatch operations in memory, for the calibration: the domain rules without the database.

``amk-dispatchd calibrate`` plays a thousand missions in seconds. Through
:class:`console.server.dispatch.Dispatch` on SQLite a mission's ~35 operations are as many
transactions, ~0.26 s a mission, four minutes for a thousand (``bench/bench_calibrate.py``).
So this class composes the same domain functions :class:`Dispatch` composes, in the same order,
with the same event data, and folds every event into its mission with the same
:func:`console.domain.fold.apply`:

* raising: :func:`select_runners_to_alert` (20 within 5 km), excluding
  :func:`engaged_runner_ids` of the open missions;
* accepting: the position is confirmed (the runner moves), :func:`check_acceptance` may reject
  it as too far, then :func:`assign_task` with :func:`aed_load` over the open missions;
* a status report moves the runner and, while it is on the way, emits ``runner.position``;
  ``aed_collected`` makes the AED taken until the owner restores it (the server's maintenance
  does that after ``aed_restore_after``; here it happens lazily at the same age);
* ending emits ``runner.released`` for :func:`release_on_end`.

``tests/server/test_sim_dispatch.py`` runs one scenario through both and compares the missions.

One deliberate difference: every runner counts as active (its app keeps reporting). Over a
calibration's hundred simulated days the generated positions, at most 48 h old at the start,
would otherwise all expire, whereas the status report's 57,307 are by definition the active ones.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from console.domain.constants import ALERT_COUNT, ALERT_RADIUS_M
from console.domain.fold import apply
from console.domain.model import (
    Aed,
    AedStatus,
    AgeGroup,
    Event,
    EventType,
    LatLon,
    Mission,
    Mode,
    ResponderState,
    Runner,
    TaskKind,
)
from console.domain.rules import (
    AedCatalogue,
    TooFar,
    aed_load,
    assign_task,
    check_acceptance,
    engaged_runner_ids,
    select_runners_to_alert,
)
from console.domain.spatial_index import PointIndex
from console.server.autopilot_engine import Accepted
from console.server.mission_events import (
    ON_THE_WAY,
    AedsNow,
    Emit,
    accepted,
    emit_alerts,
    emit_end,
    moved,
    new_mission,
    rejected_too_far,
)

Clock = Callable[[], datetime]


class _AlwaysActive(Mapping[str, datetime]):
    """Every known runner reported its position just now."""

    def __init__(self, runners: Mapping[str, Runner], clock: Clock) -> None:
        self._runners = runners
        self._clock = clock

    def __getitem__(self, runner_id: str) -> datetime:
        if runner_id not in self._runners:
            raise KeyError(runner_id)
        return self._clock()

    def __iter__(self) -> Iterator[str]:
        return iter(self._runners)

    def __len__(self) -> int:
        return len(self._runners)


class SimulatedDispatch:
    """An in-memory stand-in for :class:`Dispatch` that the autopilot engine can drive."""

    def __init__(
        self,
        runners: Sequence[Runner],
        aeds: Sequence[Aed],
        clock: Clock,
        *,
        aed_restore_after: timedelta = timedelta(minutes=30),
        actor: str = "autopilot",
    ) -> None:
        self.clock = clock
        self.actor = actor
        self.runners: dict[str, Runner] = {r.id: r for r in runners}
        self.aeds: dict[str, Aed] = {a.id: a for a in aeds}
        self._runner_points = PointIndex()
        self._runner_points.bulk_load(
            list(self.runners), (r.lat for r in runners), (r.lon for r in runners)
        )
        aed_points = PointIndex()
        aed_points.bulk_load(list(self.aeds), (a.lat for a in aeds), (a.lon for a in aeds))
        self._unavailable: dict[str, AedStatus] = {
            a.id: a.status for a in aeds if a.status is not AedStatus.AVAILABLE
        }
        self._catalogue = AedCatalogue(aed_points, AedsNow(self.aeds, self._unavailable))
        self._taken: deque[tuple[datetime, str]] = deque()
        self._restore_after = aed_restore_after
        self._positions = _AlwaysActive(self.runners, clock)
        #: Every mission raised, by id, as folded from its events.
        self.missions: dict[str, Mission] = {}
        self._open: dict[str, Mission] = {}
        self._last_seq: dict[str, int] = {}
        self._seq = 0

    # ----------------------------------------------------------------- events

    def _emitter(self, mission_id: str) -> Emit:
        return lambda kind, data: self._emit(mission_id, kind, data)

    def _emit(self, mission_id: str, kind: EventType, data: Mapping[str, Any]) -> None:
        self._seq += 1
        event = Event(seq=self._seq, type=kind, at=self.clock(), mission_id=mission_id, data=data)
        mission = apply(
            self.missions.get(mission_id), event, previous_seq=self._last_seq.get(mission_id)
        )
        self._last_seq[mission_id] = self._seq
        self.missions[mission_id] = mission
        if mission.is_open:
            self._open[mission_id] = mission
        else:
            self._open.pop(mission_id, None)

    def _restore_due(self, now: datetime) -> None:
        while self._taken and self._taken[0][0] + self._restore_after <= now:
            _, aed_id = self._taken.popleft()
            if self._unavailable.get(aed_id) is AedStatus.TAKEN:
                del self._unavailable[aed_id]

    def _move(self, runner_id: str, lat: float, lon: float, mode: Mode | None = None) -> None:
        runner = self.runners.get(runner_id)
        if runner is None:
            return
        self.runners[runner_id] = replace(
            runner, lat=lat, lon=lon, position_at=self.clock(), mode=mode or runner.mode
        )
        self._runner_points.move(runner_id, lat, lon)

    def _open_responder(self, mission_id: str, runner_id: str) -> Mission | None:
        mission = self._open.get(mission_id)
        if mission is None or mission.responder(runner_id) is None:
            return None
        return mission

    # ----------------------------------------------------------------- dispatcher

    def raise_mission(
        self,
        mission_id: str,
        location: LatLon,
        *,
        by: str,
        address: str = "",
        age_group: AgeGroup = AgeGroup.ADULT,
        note: str = "",
    ) -> Mission:
        """Create the mission and alert its runners, as ``POST /v1/missions`` does."""
        if mission_id in self.missions:
            raise ValueError(f"mission {mission_id!r} exists already")
        now = self.clock()
        self._restore_due(now)
        created = new_mission(
            mission_id, location, address=address, age_group=age_group, note=note, at=now, by=by
        )
        engaged = engaged_runner_ids(self._open.values())
        self._emit(mission_id, EventType.MISSION_CREATED, created.to_json())
        chosen = select_runners_to_alert(
            self._runner_points,
            location,
            now,
            self._positions,
            engaged,
            count=ALERT_COUNT,
            radius_m=ALERT_RADIUS_M,
        )
        emit_alerts(self._emitter(mission_id), chosen, self.runners.get, 0)
        return self.missions[mission_id]

    async def end(self, mission_id: str, *, cancel: bool, text: str) -> bool:
        if mission_id not in self._open:
            return False
        emit_end(
            self._emitter(mission_id),
            lambda: self.missions[mission_id],
            cancel=cancel,
            text=text,
            by=self.actor,
        )
        return True

    # ----------------------------------------------------------------- runner

    async def accept(self, mission_id: str, runner_id: str, at: LatLon) -> Accepted | None:
        mission = self._open_responder(mission_id, runner_id)
        responder = None if mission is None else mission.responder(runner_id)
        if mission is None or responder is None or responder.state is not ResponderState.ALERTED:
            return None
        now = self.clock()
        self._restore_due(now)
        self._move(runner_id, at.lat, at.lon)
        try:
            distance = check_acceptance(mission.location, mission.radius_m, at.lat, at.lon)
        except TooFar as exc:
            self._emit(
                mission_id,
                EventType.RUNNER_REJECTED,
                rejected_too_far(runner_id, exc.distance_m),
            )
            return None
        accepted_before = sum(1 for r in mission.responders if r.accepted_at is not None)
        task = assign_task(
            accepted_before,
            mission.location,
            mission.radius_m,
            self._catalogue,
            now,
            aed_load(self._open.values()),
        )
        self._emit(
            mission_id,
            EventType.RUNNER_ACCEPTED,
            accepted(runner_id, at, distance, task),
        )
        aed_at = None
        if task.kind is TaskKind.FETCH_AED and task.aed_id is not None:
            aed = self.aeds[task.aed_id]
            aed_at = LatLon(aed.lat, aed.lon)
        return Accepted(task, aed_at)

    async def decline(self, mission_id: str, runner_id: str) -> bool:
        mission = self._open_responder(mission_id, runner_id)
        responder = None if mission is None else mission.responder(runner_id)
        if responder is None or responder.state is not ResponderState.ALERTED:
            return False
        self._emit(mission_id, EventType.RUNNER_DECLINED, {"runner_id": runner_id})
        return True

    async def report(self, mission_id: str, runner_id: str, status: str, at: LatLon) -> bool:
        mission = self._open_responder(mission_id, runner_id)
        responder = None if mission is None else mission.responder(runner_id)
        if responder is None or responder.state not in ON_THE_WAY:
            return False
        task = responder.task
        if status == "aed_collected" and (
            responder.state is not ResponderState.ACCEPTED
            or task is None
            or task.kind is not TaskKind.FETCH_AED
            or task.aed_id is None
        ):
            return False  # Dispatch refuses it and rolls back, the position included
        now = self.clock()
        self._restore_due(now)
        self._move(runner_id, at.lat, at.lon)
        self._emit(
            mission_id,
            EventType.RUNNER_POSITION,
            moved(runner_id, at),
        )
        if status == "aed_collected" and task is not None and task.aed_id is not None:
            self._emit(
                mission_id,
                EventType.RUNNER_AED_COLLECTED,
                {"runner_id": runner_id, "aed_id": task.aed_id},
            )
            self._unavailable[task.aed_id] = AedStatus.TAKEN
            self._taken.append((now, task.aed_id))
        elif status == "arrived":
            self._emit(mission_id, EventType.RUNNER_ARRIVED, {"runner_id": runner_id})
        else:
            self._emit(mission_id, EventType.RUNNER_ABANDONED, {"runner_id": runner_id})
        return True

    async def move(self, runner_id: str, at: LatLon, mode: Mode) -> None:
        self._move(runner_id, at.lat, at.lon, mode)
        for mission in list(self._open.values()):
            responder = mission.responder(runner_id)
            if responder is not None and responder.state.is_out:
                self._emit(
                    mission.id,
                    EventType.RUNNER_POSITION,
                    moved(runner_id, at),
                )

    async def aed_available(self, aed_id: str) -> bool:
        self._restore_due(self.clock())
        return aed_id in self.aeds and aed_id not in self._unavailable

    def aed_location(self, aed_id: str) -> LatLon | None:
        aed = self.aeds.get(aed_id)
        return None if aed is None else LatLon(aed.lat, aed.lon)
