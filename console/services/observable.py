"""Plain-Python observable values and maps: the services' models, without Qt.

Widgets never poll a service: they subscribe. A Qt adapter later turns these callbacks into
signals on the GUI thread; here a callback is a plain function called in the asyncio loop. A
subscriber that raises is logged and does not stop the others from being told.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeVar

log = logging.getLogger("console.services")

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")

Unsubscribe = Callable[[], None]


def _notify(callbacks: list[Callable[[T], None]], value: T, what: str) -> None:
    for callback in list(callbacks):
        try:
            callback(value)
        except Exception:
            log.exception("a subscriber of %s failed", what)


class Observable(Generic[T]):
    """A value that tells its subscribers when it changes (equal values are not news)."""

    def __init__(self, value: T, name: str = "value") -> None:
        self._value = value
        self._name = name
        self._callbacks: list[Callable[[T], None]] = []

    @property
    def value(self) -> T:
        return self._value

    def set(self, value: T) -> None:
        if value == self._value:
            return
        self._value = value
        _notify(self._callbacks, value, self._name)

    def subscribe(self, callback: Callable[[T], None], *, now: bool = False) -> Unsubscribe:
        """Call ``callback`` on every change (and at once with the current value if ``now``)."""
        self._callbacks.append(callback)
        if now:
            callback(self._value)

        def unsubscribe() -> None:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

        return unsubscribe


class ChangeKind(StrEnum):
    ADDED = "added"
    CHANGED = "changed"
    REMOVED = "removed"


@dataclass(frozen=True, slots=True)
class Change(Generic[K, V]):
    kind: ChangeKind
    key: K
    value: V


class ObservableMap(Generic[K, V], Mapping[K, V]):
    """A mapping its readers only read; its owner changes it, subscribers hear of each key."""

    def __init__(self, name: str = "map") -> None:
        self._items: dict[K, V] = {}
        self._name = name
        self._callbacks: list[Callable[[Change[K, V]], None]] = []

    def __getitem__(self, key: K) -> V:
        return self._items[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def subscribe(self, callback: Callable[[Change[K, V]], None]) -> Unsubscribe:
        self._callbacks.append(callback)

        def unsubscribe() -> None:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

        return unsubscribe

    def put(self, key: K, value: V) -> None:
        old = self._items.get(key, _MISSING)
        if old is not _MISSING and old == value:
            return
        self._items[key] = value
        kind = ChangeKind.ADDED if old is _MISSING else ChangeKind.CHANGED
        _notify(self._callbacks, Change(kind, key, value), self._name)

    def remove(self, key: K) -> None:
        if key not in self._items:
            return
        value = self._items.pop(key)
        _notify(self._callbacks, Change(ChangeKind.REMOVED, key, value), self._name)

    def replace_all(self, items: Mapping[K, V]) -> None:
        """Make the map equal ``items``, telling subscribers only what differs."""
        for key in [k for k in self._items if k not in items]:
            self.remove(key)
        for key, value in items.items():
            self.put(key, value)


_MISSING: object = object()
