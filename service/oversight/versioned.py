"""One value per store and data version: built on first use, rebuilt on the first use after a write.

For indexes and materialised views derived from the data (state_index.py): they never answer from
older data, and a store that is no longer used takes its value with it (weak keys).
"""

from __future__ import annotations

import threading
import weakref
from typing import Any, Callable, Generic, TypeVar

T = TypeVar("T")


class PerVersion(Generic[T]):
    """`per_version(store)`: build(store) for the store's current `.version`, cached until it moves on."""

    def __init__(self, build: Callable[[Any], T]):
        self._build = build
        self._values: "weakref.WeakKeyDictionary[Any, tuple[str, T]]" = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def __call__(self, store: Any) -> T:
        held = self._values.get(store)
        if held is not None and held[0] == store.version:
            return held[1]
        with self._lock:  # one build at a time; others wait for it rather than build their own
            version = store.version  # read before building: a write during the build forces another
            held = self._values.get(store)
            if held is None or held[0] != version:
                held = self._values[store] = (version, self._build(store))
            return held[1]
