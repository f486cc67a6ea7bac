"""The console's endpoints (dispatcher, supervisor): health, AEDs, runners and missions."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Path, Query, Request, Response
from sqlalchemy import select

from console.domain.constants import MAX_RADIUS_M
from console.domain.geometry import BBox, InvalidBBox
from console.domain.model import LatLon, MissionState
from console.domain.timefmt import TimeFormatError, format_time, parse_time
from console.server import world_store
from console.server.api_docs import (
    AedDoc,
    EventDoc,
    HealthDoc,
    MessageDoc,
    MissionDoc,
    MissionPageDoc,
    RunnerDoc,
    answer,
)
from console.server.api_models import AlertMore, CancelIn, CloseIn, MessageIn, NewMission
from console.server.dispatch_schema import missions
from console.server.event_log import dumps
from console.server.http_common import DispatcherChange, Reader, Services, json_text
from console.server.problems import ProblemError, problem_responses

VERSION = "1"

router = APIRouter()

MissionId = Annotated[str, Path(min_length=1, max_length=40)]

_READ_ERRORS = problem_responses(401, 403, 422)
_WRITE_ERRORS = problem_responses(401, 403, 404, 409, 413, 422)


@router.get(
    "/v1/health",
    tags=["console"],
    summary="Liveness, version and the server's clock",
    responses=answer(HealthDoc),
)
async def health(services: Services) -> dict[str, str]:
    return {"status": "ok", "version": VERSION, "time": format_time(services.clock())}


# --------------------------------------------------------------------------- AEDs and runners


class AedListCache:
    """The rendered AED list per (version, bbox): 26k AEDs take ~100 ms to render."""

    def __init__(self) -> None:
        self.version = -1
        self.bodies: dict[str, str] = {}


@router.get(
    "/v1/aeds",
    tags=["console"],
    summary="All AEDs, or those in ?bbox=minLon,minLat,maxLon,maxLat; ETag / If-None-Match",
    responses={**answer(list[AedDoc]), 304: {"description": "Not modified"}, **_READ_ERRORS},
)
async def list_aeds(
    request: Request,
    services: Services,
    _principal: Reader,
    bbox: Annotated[str | None, Query(max_length=200)] = None,
    if_none_match: Annotated[str | None, Header(alias="If-None-Match")] = None,
) -> Response:
    box: BBox | None = None
    if bbox is not None:
        try:
            box = BBox.parse(bbox)
        except InvalidBBox as exc:
            raise ProblemError.of("validation", str(exc)) from exc
    async with services.database.reader.connect() as conn:
        version = await world_store.aed_version(conn)
        key = "" if box is None else box.to_query()
        digest = hashlib.sha256(key.encode()).hexdigest()[:12]
        etag = f'"aeds-{version}-{digest}"'
        if if_none_match is not None and etag in {t.strip() for t in if_none_match.split(",")}:
            return Response(status_code=304, headers={"ETag": etag})
        cache: AedListCache = request.app.state.aed_cache
        if cache.version != version:
            cache.version, cache.bodies = version, {}
        body = cache.bodies.get(key)
        if body is None:
            aeds = await world_store.load_aeds(conn)
            chosen = [a for a in aeds if box is None or box.contains(a.lat, a.lon)]
            body = dumps([a.to_json() for a in chosen])
            cache.bodies[key] = body
    return json_text(200, body, {"ETag": etag})


@router.get(
    "/v1/runners",
    tags=["console"],
    summary="Active runners within radius_m (at most 10,000 m) of a point",
    responses={**answer(list[RunnerDoc]), **_READ_ERRORS},
)
async def runners_near(
    services: Services,
    _principal: Reader,
    lat: Annotated[float, Query(ge=-90, le=90, allow_inf_nan=False)],
    lon: Annotated[float, Query(ge=-180, le=180, allow_inf_nan=False)],
    radius_m: Annotated[float, Query(gt=0, le=MAX_RADIUS_M, allow_inf_nan=False)],
) -> Response:
    found = services.dispatch.runners.within_active(lat, lon, radius_m, services.clock())
    return json_text(200, dumps([r.to_json() for r in found]))


# --------------------------------------------------------------------------- missions: reading


def _time_param(name: str, value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return parse_time(value)
    except TimeFormatError as exc:
        raise ProblemError.of("validation", f"{name}: {exc}") from exc


@router.get(
    "/v1/missions",
    tags=["console"],
    summary="Missions, newest first: ?state=open|ended&since=&until=&limit=&cursor=",
    responses={**answer(MissionPageDoc), **_READ_ERRORS},
)
async def list_missions(
    services: Services,
    _principal: Reader,
    state: Literal["open", "ended"] | None = None,
    since: Annotated[str | None, Query(max_length=40)] = None,
    until: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=40, pattern=r"^[0-9]+$")] = None,
) -> Response:
    query = select(missions.c.created_seq, missions.c.doc).order_by(missions.c.created_seq.desc())
    if state == "open":
        query = query.where(missions.c.state == MissionState.ALERTING.value)
    elif state == "ended":
        query = query.where(missions.c.state != MissionState.ALERTING.value)
    since_at = _time_param("since", since)
    until_at = _time_param("until", until)
    if since_at is not None:
        query = query.where(missions.c.created_at >= since_at)
    if until_at is not None:
        query = query.where(missions.c.created_at < until_at)
    if cursor is not None:
        query = query.where(missions.c.created_seq < int(cursor))
    async with services.database.reader.connect() as conn:
        rows = (await conn.execute(query.limit(limit + 1))).all()
    page = rows[:limit]
    next_cursor = str(page[-1].created_seq) if len(rows) > limit else None
    items = ",".join(row.doc for row in page)
    return json_text(200, f'{{"items":[{items}],"next_cursor":{json.dumps(next_cursor)}}}')


@router.get(
    "/v1/missions/{mission_id}",
    tags=["console"],
    summary="One mission",
    responses={**answer(MissionDoc), **problem_responses(401, 403, 404)},
)
async def get_mission(services: Services, _principal: Reader, mission_id: MissionId) -> Response:
    async with services.database.reader.connect() as conn:
        doc = (
            await conn.execute(select(missions.c.doc).where(missions.c.id == mission_id))
        ).scalar_one_or_none()
    if doc is None:
        raise ProblemError.of("not-found", f"no mission {mission_id!r}")
    return json_text(200, doc)


@router.get(
    "/v1/missions/{mission_id}/events",
    tags=["console"],
    summary="All events of a mission in seq order; folding them gives the mission",
    responses={**answer(list[EventDoc]), **problem_responses(401, 403, 404)},
)
async def mission_events(services: Services, _principal: Reader, mission_id: MissionId) -> Response:
    found = await services.event_log.mission_events(mission_id)
    if not found:
        raise ProblemError.of("not-found", f"no mission {mission_id!r}")
    return json_text(200, "[" + ",".join(e.to_json_text() for e in found) + "]")


# --------------------------------------------------------------------------- missions: changing


@router.post(
    "/v1/missions",
    tags=["console"],
    status_code=201,
    summary="Raise a mission: the 20 nearest active runners within 5 km are alerted",
    responses={**answer(MissionDoc, 201), **_WRITE_ERRORS},
)
async def create_mission(change: DispatcherChange, body: NewMission) -> Response:
    location = LatLon(body.location.lat, body.location.lon)
    operation = change.dispatch.create_mission(
        change.by, location, body.address, body.patient.age_group, body.note
    )
    return await change.run(body, operation)


@router.post(
    "/v1/missions/{mission_id}/alert-more",
    tags=["console"],
    status_code=201,
    summary="Alert the next count nearest runners within radius_m; the radius grows to it",
    responses={**answer(MissionDoc, 201), **_WRITE_ERRORS},
)
async def alert_more(change: DispatcherChange, mission_id: MissionId, body: AlertMore) -> Response:
    operation = change.dispatch.alert_more(change.by, mission_id, body.count, body.radius_m)
    return await change.run(body, operation)


@router.post(
    "/v1/missions/{mission_id}/messages",
    tags=["console"],
    status_code=201,
    summary="A message to one responder, or to every responder who accepted",
    responses={**answer(MessageDoc, 201), **_WRITE_ERRORS},
)
async def send_message(
    change: DispatcherChange, mission_id: MissionId, body: MessageIn
) -> Response:
    operation = change.dispatch.send_message(change.by, mission_id, body.text, body.runner_id)
    return await change.run(body, operation)


@router.post(
    "/v1/missions/{mission_id}/cancel",
    tags=["console"],
    summary="Cancel: mission.cancelled, then runner.released for everyone still out",
    responses={**answer(MissionDoc), **_WRITE_ERRORS},
)
async def cancel_mission(
    change: DispatcherChange, mission_id: MissionId, body: CancelIn
) -> Response:
    operation = change.dispatch.end_mission(change.by, mission_id, cancel=True, text=body.reason)
    return await change.run(body, operation)


@router.post(
    "/v1/missions/{mission_id}/close",
    tags=["console"],
    summary="Close (e.g. outcome ems_on_scene): mission.closed, then runner.released",
    responses={**answer(MissionDoc), **_WRITE_ERRORS},
)
async def close_mission(change: DispatcherChange, mission_id: MissionId, body: CloseIn) -> Response:
    operation = change.dispatch.end_mission(change.by, mission_id, cancel=False, text=body.outcome)
    return await change.run(body, operation)
