"""Problem documents become typed exceptions; answers that are not problems still get a class."""

from __future__ import annotations

import json

import httpx
import pytest

from console.api.problems import (
    AccountLocked,
    ApiProblem,
    Conflict,
    Forbidden,
    IdempotencyMismatch,
    MissionEnded,
    NotFound,
    OutsideServiceArea,
    ServerError,
    TooFar,
    TooManyRequests,
    Unauthorised,
    ValidationProblem,
    problem_from_response,
)


def _problem(status: int, slug: str, detail: str | None = "why", **headers: str) -> httpx.Response:
    body: dict[str, object] = {
        "type": f"/problems/{slug}",
        "title": f"title {slug}",
        "status": status,
    }
    if detail is not None:
        body["detail"] = detail
    return httpx.Response(
        status,
        content=json.dumps(body).encode(),
        headers={"content-type": "application/problem+json", **headers},
    )


@pytest.mark.parametrize(
    ("status", "slug", "cls"),
    [
        (409, "too-far", TooFar),
        (409, "mission-ended", MissionEnded),
        (422, "validation", ValidationProblem),
        (422, "outside-service-area", OutsideServiceArea),
        (422, "idempotency-mismatch", IdempotencyMismatch),
        (401, "unauthorised", Unauthorised),
        (403, "forbidden", Forbidden),
        (404, "not-found", NotFound),
        (429, "locked", AccountLocked),
    ],
)
def test_each_slug_has_its_class(status: int, slug: str, cls: type[ApiProblem]) -> None:
    problem = problem_from_response(_problem(status, slug))
    assert type(problem) is cls
    assert problem.type == f"/problems/{slug}"
    assert problem.title == f"title {slug}"
    assert problem.status == status
    assert problem.detail == "why"
    assert problem.reason == "why"


def test_a_full_uri_type_is_read_by_its_last_segment() -> None:
    response = httpx.Response(
        409,
        json={"type": "https://dispatch.example/problems/mission-ended/", "title": "Ended"},
    )
    problem = problem_from_response(response)
    assert isinstance(problem, MissionEnded)
    assert problem.detail is None
    assert problem.reason == "Ended"


def test_an_unknown_slug_falls_back_to_its_status() -> None:
    assert type(problem_from_response(_problem(409, "something-new"))) is Conflict
    assert type(problem_from_response(_problem(418, "teapot"))) is ApiProblem
    assert type(problem_from_response(_problem(503, "service-unavailable"))) is ServerError


def test_a_locked_account_is_also_too_many_requests_with_its_wait() -> None:
    problem = problem_from_response(_problem(429, "locked", **{"retry-after": "600"}))
    assert isinstance(problem, TooManyRequests)
    assert problem.retry_after == 600.0


def test_an_html_error_page_still_gives_a_problem_of_the_right_kind() -> None:
    response = httpx.Response(
        502,
        content=b"<html>Bad Gateway</html>" + b"x" * 1000,
        headers={"content-type": "text/html"},
    )
    problem = problem_from_response(response)
    assert isinstance(problem, ServerError)
    assert problem.type == "about:blank"
    assert problem.status == 502
    assert problem.detail is not None
    assert problem.detail.startswith("<html>Bad Gateway")
    assert len(problem.detail) == 200


def test_an_empty_401_is_unauthorised() -> None:
    problem = problem_from_response(httpx.Response(401))
    assert isinstance(problem, Unauthorised)
    assert problem.detail is None
    assert "401" in str(problem)


def test_a_status_field_outside_the_error_range_is_ignored() -> None:
    response = httpx.Response(
        404, json={"type": "/problems/not-found", "title": "x", "status": 200}
    )
    assert problem_from_response(response).status == 404
