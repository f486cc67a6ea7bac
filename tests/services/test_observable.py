"""Observable values and maps tell subscribers what changed, and only that."""

from __future__ import annotations

import logging

import pytest

from console.services.observable import Change, ChangeKind, Observable, ObservableMap


def test_an_observable_reports_changes_not_repeats() -> None:
    value = Observable(1)
    seen: list[int] = []
    unsubscribe = value.subscribe(seen.append, now=True)
    value.set(1)
    value.set(2)
    value.set(2)
    unsubscribe()
    value.set(3)
    assert seen == [1, 2]
    assert value.value == 3


@pytest.mark.allow_log_warnings
def test_a_failing_subscriber_does_not_silence_the_others(caplog: pytest.LogCaptureFixture) -> None:
    value = Observable("a", "link status")
    seen: list[str] = []

    def broken(_: str) -> None:
        raise RuntimeError("widget gone")

    value.subscribe(broken)
    value.subscribe(seen.append)
    value.set("b")
    assert seen == ["b"]
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == [
        "a subscriber of link status failed"
    ]


def test_a_map_reports_added_changed_removed() -> None:
    items: ObservableMap[str, int] = ObservableMap()
    changes: list[Change[str, int]] = []
    items.subscribe(changes.append)
    items.put("a", 1)
    items.put("a", 1)
    items.put("a", 2)
    items.put("b", 3)
    items.remove("a")
    items.remove("nope")
    assert changes == [
        Change(ChangeKind.ADDED, "a", 1),
        Change(ChangeKind.CHANGED, "a", 2),
        Change(ChangeKind.ADDED, "b", 3),
        Change(ChangeKind.REMOVED, "a", 2),
    ]
    assert dict(items) == {"b": 3}
    assert len(items) == 1
    assert items.get("a") is None


def test_replace_all_sends_only_the_differences() -> None:
    items: ObservableMap[str, int] = ObservableMap()
    items.replace_all({"a": 1, "b": 2})
    changes: list[Change[str, int]] = []
    items.subscribe(changes.append)
    items.replace_all({"b": 2, "c": 4, "a": 5})
    items.replace_all({"c": 4})
    assert [(c.kind, c.key) for c in changes] == [
        (ChangeKind.ADDED, "c"),
        (ChangeKind.CHANGED, "a"),
        (ChangeKind.REMOVED, "a"),
        (ChangeKind.REMOVED, "b"),
    ]
