"""Keystrokes on GNOME and KDE under Wayland: the RemoteDesktop portal (`actions/portal.py`).

The desktop asks the user once ("allow gesturectl to control your keyboard?"); the grant is kept
(`persist_mode=2`) and the restore token that skips the question next time is stored in the user's
state folder (`TokenStore`). Keys go as evdev keycodes from the user's layout (libxkbcommon,
`actions/xkb.py`: set XKB_DEFAULT_LAYOUT if yours is not `us`), since the compositor applies its own
layout to them as to a physical keyboard; each press is held `hold_s`.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from pathlib import Path

from gesturectl.actions.keyboard_base import KeycodeKeyboard
from gesturectl.actions.keys import KEYSYMS
from gesturectl.actions.portal import PortalSession, SessionFactory

log = logging.getLogger(__name__)

TOKEN_FILE = "remote-desktop-token"


class TokenStore:
    """The portal's restore token in one private file (0600) of a private folder; other files are left alone."""

    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            from gesturectl.paths import state_dir

            path = state_dir() / TOKEN_FILE
        self.path = path

    def load(self) -> str | None:
        try:
            token = self.path.read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        except OSError as e:
            log.warning("cannot read the remote-desktop grant %s (%s): the desktop will ask again", self.path, e)
            return None
        return token or None

    def save(self, token: str) -> None:
        """Replace the token (atomically: a crash leaves the old one or the new one, never half of one)."""
        if not token:
            return
        fd, tmp = tempfile.mkstemp(prefix=f".{TOKEN_FILE}.", dir=self.path.parent)  # 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(token + "\n")
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


def _default_session(token: str | None) -> PortalSession:
    return PortalSession(token)


class PortalKeyboard(KeycodeKeyboard):
    """A keyboard granted by the RemoteDesktop portal, for the daemon's life.

    Args:
        store: where the restore token lives (default: the state folder).
        open_session: builds the session from last time's token (tests pass their own).
        hold_s: how long each key stays down.
        settle_s: a pause after the grant: the desktop adds a keyboard for the session, and apps that had
            none on the seat (a machine without a physical keyboard) must learn of it before the first key.
    """

    name = "portal"

    def __init__(
        self,
        store: TokenStore | None = None,
        open_session: SessionFactory = _default_session,
        hold_s: float = 0.015,
        settle_s: float = 0.3,
    ) -> None:
        super().__init__()
        from gesturectl.actions.xkb import XkbKeymap

        self.hold_s = hold_s
        self._store = store or TokenStore()
        self._xkb = XkbKeymap()  # before the session: a missing libxkbcommon should not cost the user a dialog
        token = self._store.load()
        try:
            # with a good token the desktop does not ask; with a stale one it simply asks again
            self._session = open_session(token)
        except Exception:
            self._xkb.close()
            raise
        try:
            self._store.save(self._session.grant.restore_token)  # each token is good once: keep the new one
        except Exception:
            self.close()
            raise
        if not self._session.grant.restore_token:
            log.info("the desktop did not offer to keep the grant: it will ask again next time")
        time.sleep(settle_s)

    def _code(self, key: str) -> tuple[int, bool]:
        return self._xkb.keycode(KEYSYMS.get(key, key))

    def _key(self, code: int, down: bool) -> None:
        self._session.keycode(code, down)
        time.sleep(self.hold_s)

    def close(self) -> None:
        """Release every key and end the session."""
        try:
            self.release_all()
        finally:
            self._session.close()
            self._xkb.close()
