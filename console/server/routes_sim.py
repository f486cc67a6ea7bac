"""The simulator's endpoints; without ``--simulate`` every one of them answers 404."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Path, Response
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection

from console.domain.model import Aed, AedAccess, AedStatus, Runner
from console.domain.opening_hours import OpeningHours, OpeningHoursError
from console.server import world_store
from console.server.api_docs import AedDoc, AutopilotDoc, RunnerDoc, TokenDoc, answer
from console.server.api_models import AutopilotIn, SimAedIn, SimReset, SimRunnerIn
from console.server.dispatch_schema import aeds as aeds_table
from console.server.dispatch_schema import runners as runners_table
from console.server.event_log import RUNNERS_CHANNEL, dumps
from console.server.http_common import Services, json_text
from console.server.problems import ProblemError, problem_responses
from console.server.security import Principal, Role, require_roles
from console.server.services import ServerServices
from console.server.sim_world import ensure_world

router = APIRouter()

#: A batch of simulated objects is capped so one request cannot hold the write lock for long.
MAX_BATCH = 1000


async def _simulation_on(services: Services) -> ServerServices:
    if not services.config.simulate:
        raise ProblemError.of("not-found", "simulation is off on this server")
    return services


SimServices = Annotated[ServerServices, Depends(_simulation_on)]
SimUser = Annotated[Principal, Depends(require_roles(Role.SIM))]
_ERRORS = problem_responses(401, 403, 404, 409, 413, 422)


@router.post(
    "/v1/sim/reset",
    tags=["sim"],
    status_code=204,
    summary="Replace the world (denmark from a seed, or empty); open missions are cancelled",
    responses=_ERRORS,
)
async def reset(services: SimServices, principal: SimUser, body: SimReset) -> Response:
    await ensure_world(services.dispatch, body.world, body.seed, principal.username, force=True)
    return Response(status_code=204)


def _check_batch(size: int) -> None:
    if size > MAX_BATCH:
        raise ProblemError.of("validation", f"at most {MAX_BATCH} objects per request")


async def _check_new_ids(conn: AsyncConnection, table: Table, ids: list[str], what: str) -> None:
    """Every id is new: not twice in the request and not in the database (409 duplicate-id)."""
    if len(set(ids)) != len(ids):
        raise ProblemError.of("duplicate-id", "the same id appears twice in the request")
    taken = await world_store.existing_ids(conn, table, ids)
    if taken:
        raise ProblemError.of("duplicate-id", f"{what} ids already exist: {sorted(taken)[:5]}")


@router.post(
    "/v1/sim/runners",
    tags=["sim"],
    status_code=201,
    summary="Create runners (active, position now)",
    responses={**answer(list[RunnerDoc], 201), **_ERRORS},
)
async def add_runners(
    services: SimServices, _principal: SimUser, body: Annotated[list[SimRunnerIn], Body()]
) -> Response:
    _check_batch(len(body))
    dispatch = services.dispatch
    created: list[Runner] = []
    async with dispatch.log.write(sequenced=False) as tx:
        for item in body:
            runner_id = item.id or f"sim-{secrets.token_hex(6)}"
            alias = f"HL-{secrets.token_hex(3).upper()}"
            created.append(Runner(runner_id, alias, item.lat, item.lon, tx.now, item.mode))
        await _check_new_ids(tx.conn, runners_table, [r.id for r in created], "runner")
        await world_store.insert_runners(tx.conn, created)
        tx.notify(RUNNERS_CHANNEL, dispatch.reload_notice())

        def index_them() -> None:
            for runner in created:
                dispatch.runners.put(runner)

        tx.after_commit(index_them)
    return json_text(201, dumps([r.to_json() for r in created]))


@router.post(
    "/v1/sim/aeds",
    tags=["sim"],
    status_code=201,
    summary="Create AEDs (available)",
    responses={**answer(list[AedDoc], 201), **_ERRORS},
)
async def add_aeds(
    services: SimServices, _principal: SimUser, body: Annotated[list[SimAedIn], Body()]
) -> Response:
    _check_batch(len(body))
    dispatch = services.dispatch
    created: list[Aed] = []
    for item in body:
        hours = item.opening_hours
        if item.access is AedAccess.LIMITED and hours is not None:
            try:
                OpeningHours.parse(hours)
            except OpeningHoursError as exc:
                raise ProblemError.of("validation", f"opening_hours: {exc}") from exc
        if item.access is AedAccess.ALWAYS and hours is None:
            hours = "24/7"
        aed_id = item.id or f"aed-sim-{secrets.token_hex(6)}"
        created.append(
            Aed(aed_id, item.lat, item.lon, item.address, item.access, hours, AedStatus.AVAILABLE)
        )
    async with dispatch.log.write(sequenced=False) as tx:
        await _check_new_ids(tx.conn, aeds_table, [a.id for a in created], "AED")
        await world_store.insert_aeds(tx.conn, created, tx.now)
        tx.notify(RUNNERS_CHANNEL, dispatch.reload_notice())
        tx.after_commit(lambda: dispatch.aeds.add(created))
    return json_text(201, dumps([a.to_json() for a in created]))


@router.put(
    "/v1/sim/autopilot",
    tags=["sim"],
    summary="Virtual responders answer alerts, move and arrive on their own, speed× real time",
    responses={**answer(AutopilotDoc), **_ERRORS, **problem_responses(503)},
)
async def autopilot(services: SimServices, _principal: SimUser, body: AutopilotIn) -> Response:
    pilot = await services.set_autopilot(body.enabled, body.speed)
    if pilot is None:
        raise ProblemError.of(
            "autopilot-unavailable", "this server was built without the autopilot module"
        )
    return json_text(200, dumps({"enabled": pilot.enabled, "speed": pilot.speed}))


@router.post(
    "/v1/sim/runners/{runner_id}/token",
    tags=["sim"],
    summary="A runner token to act as that runner",
    responses={**answer(TokenDoc), **_ERRORS},
)
async def runner_token(
    services: SimServices,
    _principal: SimUser,
    runner_id: Annotated[str, Path(min_length=1, max_length=64)],
) -> Response:
    async with services.database.writer.begin() as conn:
        if not await world_store.runner_exists(conn, runner_id):
            raise ProblemError.of("not-found", f"no runner {runner_id!r}")
        issued = await services.security.issue_runner_token(conn, runner_id)
    return json_text(200, dumps(issued.to_json()), {"Cache-Control": "no-store"})
