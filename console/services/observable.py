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
from functools import partial
from typing import Generic, TypeVar

log = logging.getLogger("console.services")

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")

Unsubscribe = Callable[[], None]


def _notify(callbacks: list[Callable[[T], None]], value: T, what: str) -> None:
    for callback in list(callbacks):
        _tell(partial(callback, value), what)


def _tell(call: Callable[[], object], what: str) -> None:
    try:
        call()
    except Exception:
        log.exception("a subscriber of %s failed", what)


def _subscription(
    callbacks: list[Callable[[T], None]], callback: Callable[[T], None]
) -> Unsubscribe:
    callbacks.append(callback)

    def unsubscribe() -> None:
        if callback in callbacks:
            callbacks.remove(callback)

    return unsubscribe


class Listeners(Generic[T]):
    """Callbacks to tell of each occurrence of something (a committed batch, a reset): no value
    kept, unlike :class:`Observable`; a subscriber that raises is logged, the others still told.
    """

    def __init__(self, what: str) -> None:
        self._what = what
        self._callbacks: list[Callable[[T], None]] = []

    def subscribe(self, callback: Callable[[T], None]) -> Unsubscribe:
        return _subscription(self._callbacks, callback)

    def emit(self, value: T) -> None:
        _notify(self._callbacks, value, self._what)


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
        unsubscribe = _subscription(self._callbacks, callback)
        if now:
            callback(self._value)
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
        #: For :meth:`replace_all`: per subscriber, what it wants told instead of each key.
        self._on_reset: dict[Callable[[Change[K, V]], None], Callable[[], None]] = {}

    def __getitem__(self, key: K) -> V:
        return self._items[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def subscribe(
        self,
        callback: Callable[[Change[K, V]], None],
        *,
        on_reset: Callable[[], None] | None = None,
    ) -> Unsubscribe:
        """Call ``callback`` with each change; with ``on_reset``, a :meth:`replace_all` that
        changes anything calls that once instead (the subscriber reads the whole map again:
        26k AEDs arrive that way, and 26k calls cost more than one re-read)."""
        remove = _subscription(self._callbacks, callback)
        if on_reset is not None:
            self._on_reset[callback] = on_reset

        def unsubscribe() -> None:
            remove()
            self._on_reset.pop(callback, None)

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
        """Make the map equal ``items``, telling subscribers only what differs (or, those
        that asked for it, once that something did)."""
        old = self._items
        removed = [k for k in old if k not in items]
        differs = [k for k, v in items.items() if (o := old.get(k, _MISSING)) is _MISSING or o != v]
        if not removed and not differs:
            return
        self._items = {**{k: v for k, v in old.items() if k in items}, **items}  # keys keep places
        per_key = [c for c in self._callbacks if c not in self._on_reset]
        changes = [Change(ChangeKind.REMOVED, k, old[k]) for k in removed] if per_key else []
        if per_key:
            for k in differs:
                kind = ChangeKind.CHANGED if k in old else ChangeKind.ADDED
                changes.append(Change(kind, k, items[k]))
        for callback in list(self._callbacks):
            on_reset = self._on_reset.get(callback)
            if on_reset is not None:
                _tell(on_reset, self._name)
            else:
                for change in changes:
                    _tell(partial(callback, change), self._name)


_MISSING: object = object()
