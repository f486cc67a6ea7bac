"""Event items are read one by one; a bad one becomes a Rejected that keeps its seq."""

from __future__ import annotations

import json

import httpx
import pytest

from console.api.problems import BadResponse
from console.api.wire import Rejected, parse_seq, read_event, read_event_text, response_json
from console.domain.model import Event, EventType

GOOD = {
    "seq": 7,
    "type": "runner.declined",
    "at": "2025-06-03T14:02:11.250Z",
    "mission_id": "m-1",
    "data": {"runner_id": "r-1"},
    "extra": "ignored",
}


def test_a_good_event_is_read() -> None:
    event = read_event(GOOD)
    assert isinstance(event, Event)
    assert (event.seq, event.type, event.mission_id) == (7, EventType.RUNNER_DECLINED, "m-1")


def test_an_unknown_type_is_rejected_with_its_seq() -> None:
    rejected = read_event({**GOOD, "type": "runner.teleported"})
    assert isinstance(rejected, Rejected)
    assert rejected.seq == 7
    assert "runner.teleported" in rejected.reason
    assert "seq 7" in rejected.describe()


def test_malformed_json_keeps_the_stream_id_as_seq() -> None:
    rejected = read_event_text('{"seq": 8, "type": ', seq_hint=8)
    assert isinstance(rejected, Rejected)
    assert rejected.seq == 8
    assert "malformed JSON" in rejected.reason


def test_without_any_seq_the_rejection_says_so() -> None:
    rejected = read_event_text("[1, 2]")
    assert isinstance(rejected, Rejected)
    assert rejected.seq is None
    assert "without a usable seq" in rejected.describe()


def test_an_id_that_disagrees_with_the_seq_is_rejected_at_the_higher_seq() -> None:
    rejected = read_event_text(json.dumps(GOOD), seq_hint=9)
    assert isinstance(rejected, Rejected)
    assert rejected.seq == 9
    assert "disagree" in rejected.reason


def test_a_long_bad_item_is_cut_for_the_log() -> None:
    rejected = read_event_text("x" * 10_000)
    assert isinstance(rejected, Rejected)
    assert len(rejected.raw) == 500


@pytest.mark.parametrize(
    ("text", "seq"), [("12", 12), ("0", None), ("", None), ("-3", None), ("a", None), (None, None)]
)
def test_parse_seq(text: str | None, seq: int | None) -> None:
    assert parse_seq(text) == seq


def test_an_answer_that_is_not_json_is_a_bad_response() -> None:
    with pytest.raises(BadResponse, match="GET /v1/x: the answer is not JSON"):
        response_json(httpx.Response(200, content=b"<html>"), "GET /v1/x")
