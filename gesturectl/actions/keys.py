"""Key names a hotkey may use, checked when the config loads (no keyboard library needed).

`mod` is the platform's command modifier: Ctrl on Linux and Windows, Cmd on macOS.
"""

from __future__ import annotations

import string
import sys

MODIFIERS = ("ctrl", "shift", "alt", "super", "cmd", "mod")
NAMED = (
    "enter",
    "esc",
    "tab",
    "space",
    "backspace",
    "delete",
    "insert",
    "home",
    "end",
    "pageup",
    "pagedown",
    "up",
    "down",
    "left",
    "right",
    "printscreen",
    "capslock",
    "volumeup",
    "volumedown",
    "volumemute",
    "playpause",
    "nexttrack",
    "prevtrack",
    *(f"f{i}" for i in range(1, 25)),
)
PRINTABLE = tuple(string.ascii_lowercase + string.digits + "`-=[]\\;',./+")
VALID_KEYS = frozenset(MODIFIERS + NAMED + PRINTABLE)


def check_key(name: str) -> str:
    """The canonical (lower-case) key name, or ValueError listing what is valid."""
    key = name if len(name) == 1 else name.lower()
    key = key.lower() if key.isalpha() else key
    if key not in VALID_KEYS:
        raise ValueError(
            f"unknown key {name!r}; valid: modifiers {', '.join(MODIFIERS)}; keys {', '.join(NAMED[:17])}, f1..f24, "
            f"media keys, letters, digits and {''.join(p for p in PRINTABLE if not p.isalnum())}"
        )
    return key


def resolve_mod(keys: tuple[str, ...], platform: str = sys.platform) -> tuple[str, ...]:
    """Replace `mod` with the platform's command modifier (Cmd on macOS, Ctrl elsewhere)."""
    mod = "cmd" if platform == "darwin" else "ctrl"
    return tuple(mod if k == "mod" else k for k in keys)


#: X/XKB keysym names of our key names (single printable characters not listed are their own keysym).
KEYSYMS: dict[str, str] = {
    "ctrl": "Control_L",
    "shift": "Shift_L",
    "alt": "Alt_L",
    "super": "Super_L",
    "cmd": "Super_L",
    "enter": "Return",
    "esc": "Escape",
    "tab": "Tab",
    "space": "space",
    "backspace": "BackSpace",
    "delete": "Delete",
    "insert": "Insert",
    "home": "Home",
    "end": "End",
    "pageup": "Prior",
    "pagedown": "Next",
    "up": "Up",
    "down": "Down",
    "left": "Left",
    "right": "Right",
    "printscreen": "Print",
    "capslock": "Caps_Lock",
    "volumeup": "XF86AudioRaiseVolume",
    "volumedown": "XF86AudioLowerVolume",
    "volumemute": "XF86AudioMute",
    "playpause": "XF86AudioPlay",
    "nexttrack": "XF86AudioNext",
    "prevtrack": "XF86AudioPrev",
    "`": "grave",
    "-": "minus",
    "=": "equal",
    "[": "bracketleft",
    "]": "bracketright",
    "\\": "backslash",
    ";": "semicolon",
    "'": "apostrophe",
    ",": "comma",
    ".": "period",
    "/": "slash",
    "+": "plus",
    **{f"f{i}": f"F{i}" for i in range(1, 25)},
}
