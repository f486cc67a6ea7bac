"""Reading the server's JSON answers into contract values, one bad item at a time.

A list of events from the server is read item by item: one malformed event (bad JSON, an event
type this console does not know) must not cost the dispatcher the other 999 of the page. A bad
item becomes a :class:`Rejected` that keeps its seq when it has one, so the caller can log it,
count it and still move its position in the log past it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from console.api.problems import BadResponse
from console.domain.model import Event, ModelError

_T = TypeVar("_T")

#: How much of a rejected item is kept for the log.
MAX_RAW_CHARS = 500


@dataclass(frozen=True, slots=True)
class Rejected:
    """An event the server sent that this console cannot read."""

    seq: int | None
    reason: str
    raw: str

    def describe(self) -> str:
        where = f"seq {self.seq}" if self.seq is not None else "an event without a usable seq"
        return f"{where}: {self.reason}"


def response_json(response: httpx.Response, what: str) -> Any:
    """The body as JSON, or :class:`BadResponse` naming the call."""
    try:
        return json.loads(response.content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadResponse(f"{what}: the answer is not JSON ({exc})") from exc


def one(build: Callable[[Mapping[str, Any]], _T], data: Any, what: str) -> _T:
    """One contract object, or :class:`BadResponse` naming the call and the field."""
    try:
        return build(data)
    except ModelError as exc:
        raise BadResponse(f"{what}: {exc}") from exc


def many(build: Callable[[Mapping[str, Any]], _T], data: Any, what: str) -> list[_T]:
    if not isinstance(data, list):
        raise BadResponse(f"{what}: expected a JSON array, got {type(data).__name__}")
    return [one(build, item, f"{what}[{index}]") for index, item in enumerate(data)]


def read_event(item: Any, *, seq_hint: int | None = None) -> Event | Rejected:
    """An event from its JSON object, or why not; ``seq_hint`` is the SSE ``id:`` when known."""
    try:
        event = Event.from_json(item)
    except ModelError as exc:
        return Rejected(_seq_of(item, seq_hint), str(exc), _raw(item))
    if seq_hint is not None and seq_hint != event.seq:
        return Rejected(
            max(seq_hint, event.seq),
            f"the stream's id {seq_hint} and the event's seq {event.seq} disagree",
            _raw(item),
        )
    return event


def read_event_text(text: str, *, seq_hint: int | None = None) -> Event | Rejected:
    """An event from the JSON text of an SSE ``data:`` field."""
    try:
        item = json.loads(text)
    except ValueError as exc:
        return Rejected(seq_hint, f"malformed JSON ({exc})", text[:MAX_RAW_CHARS])
    return read_event(item, seq_hint=seq_hint)


def parse_seq(text: str | None) -> int | None:
    """A positive seq from text (an SSE id, a header), else None."""
    if not text or not text.isdigit():
        return None
    value = int(text)
    return value if value > 0 else None


def _seq_of(item: Any, hint: int | None) -> int | None:
    if isinstance(item, Mapping):
        seq = item.get("seq")
        if isinstance(seq, int) and not isinstance(seq, bool) and seq > 0:
            return seq
    return hint


def _raw(item: Any) -> str:
    try:
        text = json.dumps(item, ensure_ascii=False, default=str)
    except ValueError:
        text = repr(item)
    return text[:MAX_RAW_CHARS]
