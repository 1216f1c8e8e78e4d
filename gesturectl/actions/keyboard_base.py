"""The base of every keyboard backend: presses in order, releases in reverse, always (in a `finally`)."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod

from gesturectl.actions.keys import resolve_mod
from gesturectl.errors import ActionError


class KeyboardBackend(ABC):
    """Presses and releases keys by name (names from `actions/keys.py`, `mod` already resolved)."""

    name = "abstract"
    #: Why `select_keyboard` chose this backend (for the log and `doctor`).
    chosen_because = ""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._down: list[str] = []

    def send(self, keys: tuple[str, ...]) -> None:
        """Press the keys in order, then release them in reverse order, whatever happens."""
        keys = resolve_mod(keys)
        with self._lock:
            try:
                for k in keys:
                    self._press(k)
                    self._down.append(k)
            finally:
                self._release_down()

    def release_all(self) -> None:
        """Release anything still held (pause and shutdown call this)."""
        with self._lock:
            self._release_down()

    def _release_down(self) -> None:
        errors = []
        while self._down:
            k = self._down.pop()
            try:
                self._release(k)
            except Exception as e:  # keep releasing the others
                errors.append(f"{k}: {e}")
        if errors:
            raise ActionError(f"{self.name}: could not release {', '.join(errors)}")

    @abstractmethod
    def _press(self, key: str) -> None: ...

    @abstractmethod
    def _release(self, key: str) -> None: ...

    def close(self) -> None:
        """Release every key and let go of the OS resources (backends with connections extend this)."""
        self.release_all()
