"""The base of every keyboard backend: presses in order, releases in reverse, always (in a `finally`)."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod

from gesturectl.actions.keys import resolve_mod
from gesturectl.errors import ActionError, first_line


class KeyboardBackend(ABC):
    """Presses and releases keys by name (names from `actions/keys.py`, `mod` already resolved).

    The one owner of "which keys are down": a key is recorded *before* it is pressed (an interruption
    between the press and the bookkeeping cannot hide it), every `send` releases what it pressed in a
    `finally`, and `release_all` (pause, reload, stop, every exit path) releases anything left. A key
    whose release failed stays recorded, so the next `release_all` tries it again.
    """

    name = "abstract"
    #: Why `select_keyboard` chose this backend (for the log and `doctor`).
    chosen_because = ""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._down: list[str] = []

    def send(self, keys: tuple[str, ...]) -> None:
        """Press the keys in order, then release them in reverse order, whatever happens."""
        keys = resolve_mod(keys)
        with self._lock:
            try:
                for k in keys:
                    self._down.append(k)
                    try:
                        self._press(k)
                    except Exception:  # the backend refused the key: it pressed nothing of it (see _press)
                        self._down.pop()
                        raise
            finally:
                self._release_down()

    def release_all(self) -> None:
        """Release anything still held (pause, reload and every exit path call this)."""
        with self._lock:
            self._release_down()

    def held(self) -> tuple[str, ...]:
        """The keys pressed and not yet released (empty between hotkeys)."""
        return tuple(self._down)

    def _release_down(self) -> None:
        errors, failed = [], []
        while self._down:
            k = self._down.pop()
            try:
                self._release(k)
            except Exception as e:  # keep releasing the others; try this one again next time
                failed.append(k)
                errors.append(f"{k}: {first_line(e)}")
        self._down[:0] = reversed(failed)
        if errors:
            raise ActionError(f"{self.name}: could not release {', '.join(errors)}")

    @abstractmethod
    def _press(self, key: str) -> None:
        """Press one key; when this raises an Exception, nothing of the key may be left pressed."""

    @abstractmethod
    def _release(self, key: str) -> None: ...

    def close(self) -> None:
        """Release every key and let go of the OS resources (backends with connections extend this)."""
        self.release_all()


class KeycodeKeyboard(KeyboardBackend):
    """A backend that sends keycodes (XTEST, the Wayland virtual keyboard, uinput): each implements `_code`
    (a key's keycode in its keymap, and whether the symbol sits on the shifted level) and `_key` (one press or
    release); Shift is added around shifted symbols and never left down when a press fails."""

    def __init__(self) -> None:
        super().__init__()
        self._shifted: set[str] = set()

    @abstractmethod
    def _code(self, key: str) -> tuple[int, bool]: ...

    @abstractmethod
    def _key(self, code: int, down: bool) -> None: ...

    def _press(self, key: str) -> None:
        code, shift = self._code(key)
        shift_code = self._code("shift")[0] if shift else None
        if shift_code is not None:
            self._key(shift_code, True)
            self._shifted.add(key)
        try:
            self._key(code, True)
        except Exception:
            if shift_code is not None:
                self._shifted.discard(key)
                self._key(shift_code, False)
            raise

    def _release(self, key: str) -> None:
        code, _ = self._code(key)
        self._key(code, False)
        if key in self._shifted:
            self._shifted.discard(key)
            self._key(self._code("shift")[0], False)
