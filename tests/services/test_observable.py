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


def test_replace_all_tells_a_reset_subscriber_once_and_the_others_each_key() -> None:
    """26k AEDs replaced at start-up: one call for the window, not 26k."""
    m: ObservableMap[str, int] = ObservableMap()
    m.put("a", 1)
    m.put("b", 2)
    resets: list[dict[str, int]] = []
    bulk_changes: list[Change[str, int]] = []
    keyed: list[Change[str, int]] = []
    unsubscribe = m.subscribe(bulk_changes.append, on_reset=lambda: resets.append(dict(m)))
    m.subscribe(keyed.append)

    m.replace_all({"b": 2, "a": 1})  # equal: nobody is told
    assert resets == []
    assert keyed == []
    m.replace_all({"c": 3, "b": 20})
    assert resets == [{"b": 20, "c": 3}]  # the map is whole when the subscriber reads it
    assert bulk_changes == []
    assert sorted((c.kind.value, c.key, c.value) for c in keyed) == [
        ("added", "c", 3),
        ("changed", "b", 20),
        ("removed", "a", 1),
    ]
    assert list(m) == ["b", "c"]  # a key that stays keeps its place
    m.put("d", 4)  # single changes still come one by one
    assert bulk_changes == [Change(ChangeKind.ADDED, "d", 4)]
    unsubscribe()
    m.replace_all({})
    assert len(resets) == 1
