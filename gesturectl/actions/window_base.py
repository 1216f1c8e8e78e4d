"""What every window system answers: the focused window (classes, pid) and asking windows to close."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ActiveWindow:
    """The focused window: its class names (lower case: X11 WM_CLASS, Wayland app_id, ...) and its pid."""

    classes: tuple[str, ...]
    pid: int | None
    process_name: str | None = None


class WindowSystem:
    """The do-nothing window system (nothing is known to be in front; nothing is closed)."""

    name = "none"
    retrying = False  # True: it may answer later (the desktop was not ready yet), so keep asking it

    def active(self) -> ActiveWindow | None:
        return None

    def close_windows(self, pids: set[int]) -> int:
        return 0
