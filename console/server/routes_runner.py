"""The runner app's endpoints: each acts for the runner its token is bound to, and only it."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response
from sqlalchemy import or_, select

from console.domain.model import Mission, ResponderState
from console.domain.timefmt import format_time
from console.server.api_docs import AcceptDoc, AlertDoc, MessageDoc, answer
from console.server.api_models import AcceptIn, PositionIn, StatusIn
from console.server.dispatch_schema import messages, missions
from console.server.event_log import dumps
from console.server.http_common import RunnerChange, Services, json_text
from console.server.problems import ProblemError, problem_responses
from console.server.security import current_runner_id

router = APIRouter()

RunnerId = Annotated[str, Depends(current_runner_id)]
MissionId = Annotated[str, Path(min_length=1, max_length=40)]

_ERRORS = problem_responses(401, 403, 404, 409, 413, 422)


@router.put(
    "/v1/runner/position",
    tags=["runner"],
    status_code=204,
    summary="This runner's last known position",
    responses=problem_responses(401, 403, 413, 422),
)
async def put_position(services: Services, runner_id: RunnerId, body: PositionIn) -> Response:
    await services.dispatch.update_position(runner_id, body.lat, body.lon, body.mode)
    return Response(status_code=204)


@router.get(
    "/v1/runner/alerts",
    tags=["runner"],
    summary="Open alerts for this runner (no address before accepting)",
    responses={**answer(list[AlertDoc]), **problem_responses(401, 403)},
)
async def my_alerts(services: Services, runner_id: RunnerId) -> Response:
    async with services.database.reader.connect() as conn:
        open_now = await services.dispatch.open_missions.load(conn)
    alerts = []
    for mission in open_now:
        responder = mission.responder(runner_id)
        if responder is not None:
            alerts.append(
                {
                    "mission_id": mission.id,
                    "distance_m": responder.distance_m,
                    "age_group": mission.age_group.value,
                    "state": responder.state.value,
                }
            )
    return json_text(200, dumps(alerts))


@router.post(
    "/v1/runner/alerts/{mission_id}/accept",
    tags=["runner"],
    summary="Accept: confirms the position; 409 too-far outside the radius",
    responses={**answer(AcceptDoc), **_ERRORS},
)
async def accept(
    change: RunnerChange, runner_id: RunnerId, mission_id: MissionId, body: AcceptIn
) -> Response:
    operation = change.dispatch.accept(runner_id, mission_id, body.lat, body.lon)
    return await change.run(body, operation)


@router.post(
    "/v1/runner/alerts/{mission_id}/decline",
    tags=["runner"],
    status_code=204,
    summary="Decline the alert",
    responses=_ERRORS,
)
async def decline(change: RunnerChange, runner_id: RunnerId, mission_id: MissionId) -> Response:
    return await change.run(None, change.dispatch.decline(runner_id, mission_id))


@router.post(
    "/v1/runner/alerts/{mission_id}/status",
    tags=["runner"],
    status_code=204,
    summary="aed_collected (the AED becomes taken), arrived or abandoned",
    responses=_ERRORS,
)
async def report_status(
    change: RunnerChange, runner_id: RunnerId, mission_id: MissionId, body: StatusIn
) -> Response:
    operation = change.dispatch.report_status(
        runner_id, mission_id, body.status, body.lat, body.lon
    )
    return await change.run(body, operation)


@router.get(
    "/v1/runner/alerts/{mission_id}/messages",
    tags=["runner"],
    summary="The dispatcher's messages to this runner; only after it accepted",
    responses={**answer(list[MessageDoc]), **problem_responses(401, 403, 404)},
)
async def my_messages(services: Services, runner_id: RunnerId, mission_id: MissionId) -> Response:
    async with services.database.reader.connect() as conn:
        doc = (
            await conn.execute(select(missions.c.doc).where(missions.c.id == mission_id))
        ).scalar_one_or_none()
        mission = None if doc is None else Mission.from_json(json.loads(doc))
        responder = None if mission is None else mission.responder(runner_id)
        if responder is None:
            raise ProblemError.of("not-found", f"no alert for you in mission {mission_id!r}")
        if responder.accepted_at is None or responder.state is ResponderState.REJECTED_TOO_FAR:
            raise ProblemError.of(
                "not-accepted", "messages are shown only to responders who accepted"
            )
        rows = await conn.execute(
            select(messages)
            .where(
                messages.c.mission_id == mission_id,
                or_(messages.c.runner_id.is_(None), messages.c.runner_id == runner_id),
            )
            .order_by(messages.c.at, messages.c.id)
        )
        found = [
            {"id": row.id, "text": row.text, "runner_id": row.runner_id, "at": format_time(row.at)}
            for row in rows
        ]
    return json_text(200, dumps(found))
