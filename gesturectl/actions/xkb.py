"""The user's keyboard layout as an XKB keymap, through libxkbcommon (ctypes; no compiled dependency).

libxkbcommon is what every Wayland compositor and toolkit uses for keymaps, so it is present wherever
there is a Wayland session. `XkbKeymap` compiles the layout named by the XKB_DEFAULT_RULES/MODEL/
LAYOUT/VARIANT/OPTIONS environment variables (libxkbcommon's defaults: `us` when unset), and gives:

- `text`: the keymap in the xkb_v1 text format, as a virtual keyboard hands it to the compositor;
- `keycode(keysym_name)`: the evdev keycode that types this keysym on the first layout, and whether
  Shift is needed for it (level 2);
- `press`/`release`: the modifier state after a key changes, serialized as the Wayland
  `modifiers(depressed, latched, locked, group)` event wants it.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from dataclasses import dataclass

from gesturectl.errors import ActionError

EVDEV_OFFSET = 8  # XKB keycode = evdev keycode + 8
_KEY_UP, _KEY_DOWN = 0, 1
_MODS_DEPRESSED, _MODS_LATCHED, _MODS_LOCKED = 1, 2, 4
_LAYOUT_EFFECTIVE = 0x80
_FORMAT_TEXT_V1 = 1


def _load() -> ctypes.CDLL:
    name = ctypes.util.find_library("xkbcommon") or "libxkbcommon.so.0"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        raise ActionError("libxkbcommon is not installed (apt-get install libxkbcommon0)") from None
    p, u32, i = ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int
    sigs = {
        "xkb_context_new": (p, [i]),
        "xkb_context_unref": (None, [p]),
        "xkb_keymap_new_from_names": (p, [p, p, i]),
        "xkb_keymap_unref": (None, [p]),
        "xkb_keymap_get_as_string": (p, [p, i]),
        "xkb_keymap_min_keycode": (u32, [p]),
        "xkb_keymap_max_keycode": (u32, [p]),
        "xkb_keymap_num_levels_for_key": (u32, [p, u32, u32]),
        "xkb_keymap_key_get_syms_by_level": (i, [p, u32, u32, u32, ctypes.POINTER(ctypes.POINTER(u32))]),
        "xkb_keysym_from_name": (u32, [ctypes.c_char_p, i]),
        "xkb_state_new": (p, [p]),
        "xkb_state_unref": (None, [p]),
        "xkb_state_update_key": (i, [p, u32, i]),
        "xkb_state_serialize_mods": (u32, [p, i]),
        "xkb_state_serialize_layout": (u32, [p, i]),
    }
    for fn, (res, args) in sigs.items():
        f = getattr(lib, fn)
        f.restype, f.argtypes = res, args
    return lib


@dataclass(frozen=True)
class Modifiers:
    """The Wayland `modifiers` event's arguments."""

    depressed: int
    latched: int
    locked: int
    group: int


class XkbKeymap:
    """A compiled keymap of the user's layout, with a modifier state that follows the keys sent."""

    def __init__(self) -> None:
        self._lib = lib = _load()
        self._ctx = lib.xkb_context_new(0)
        if not self._ctx:
            raise ActionError("libxkbcommon could not create a context")
        self._keymap = lib.xkb_keymap_new_from_names(self._ctx, None, 0)  # NULL names: XKB_DEFAULT_* or us
        if not self._keymap:
            lib.xkb_context_unref(self._ctx)
            raise ActionError("libxkbcommon could not compile the keymap (check XKB_DEFAULT_LAYOUT and friends)")
        self._state = lib.xkb_state_new(self._keymap)
        self.text = self._as_string()
        self._codes = self._index()

    def _as_string(self) -> str:
        ptr = self._lib.xkb_keymap_get_as_string(self._keymap, _FORMAT_TEXT_V1)
        if not ptr:
            raise ActionError("libxkbcommon could not write the keymap out")
        try:
            return ctypes.string_at(ptr).decode()
        finally:
            ctypes.CDLL(None).free(ctypes.c_void_p(ptr))

    def _index(self) -> dict[int, tuple[int, bool]]:
        """keysym -> (evdev keycode, shifted), lowest keycode and lowest level first."""
        lib = self._lib
        out: dict[int, tuple[int, bool]] = {}
        syms = ctypes.POINTER(ctypes.c_uint32)()
        lo, hi = lib.xkb_keymap_min_keycode(self._keymap), lib.xkb_keymap_max_keycode(self._keymap)
        for level in (0, 1):
            for code in range(lo, hi + 1):
                if level >= lib.xkb_keymap_num_levels_for_key(self._keymap, code, 0):
                    continue
                n = lib.xkb_keymap_key_get_syms_by_level(self._keymap, code, 0, level, ctypes.byref(syms))
                for k in range(n):
                    out.setdefault(int(syms[k]), (code - EVDEV_OFFSET, level == 1))
        return out

    def keycode(self, keysym_name: str) -> tuple[int, bool]:
        """(evdev keycode, needs Shift) of a keysym name such as `equal`, `Control_L`, `F5`."""
        sym = self._lib.xkb_keysym_from_name(keysym_name.encode(), 0)
        if sym == 0 or sym not in self._codes:
            raise ActionError(f"key {keysym_name!r} is not on this keyboard layout")
        return self._codes[sym]

    def update(self, evdev_code: int, down: bool) -> Modifiers:
        """Record a key going down or up; the modifier state that follows."""
        lib = self._lib
        lib.xkb_state_update_key(self._state, evdev_code + EVDEV_OFFSET, _KEY_DOWN if down else _KEY_UP)
        return Modifiers(
            lib.xkb_state_serialize_mods(self._state, _MODS_DEPRESSED),
            lib.xkb_state_serialize_mods(self._state, _MODS_LATCHED),
            lib.xkb_state_serialize_mods(self._state, _MODS_LOCKED),
            lib.xkb_state_serialize_layout(self._state, _LAYOUT_EFFECTIVE),
        )

    def close(self) -> None:
        lib = self._lib
        if self._state:
            lib.xkb_state_unref(self._state)
            lib.xkb_keymap_unref(self._keymap)
            lib.xkb_context_unref(self._ctx)
            self._state = None
