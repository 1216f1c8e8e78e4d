"""The RemoteDesktop portal (`org.freedesktop.portal.RemoteDesktop`) over the D-Bus session bus (jeepney).

GNOME (Mutter) and KDE (KWin) offer no virtual-keyboard protocol to ordinary Wayland clients; they send
keys on an app's behalf through xdg-desktop-portal, after the user has said yes once. The flow:

1. `CreateSession`, `SelectDevices(types=KEYBOARD, persist_mode=2, restore_token=...)`, `Start`: each call
   returns a Request object at once, and the answer comes later as that object's `Response(u code, a{sv}
   results)` signal (code 0 yes, 1 the user said no, 2 anything else). The Request's path is known before
   the call (`/org/freedesktop/portal/desktop/request/<sender>/<handle_token>`), so we listen first.
2. `Start` asks the user (a dialog) unless the restore token from last time is still good; its results
   carry the keyboard grant (`devices`) and a new restore token, to keep for next time (each token is
   good once).
3. `NotifyKeyboardKeycode(session, {}, evdev keycode, 1|0)` presses and releases; the compositor applies
   the user's own layout, as for a physical keyboard.

`PortalSession` is that flow and nothing more; `actions/portal_keyboard.py` turns it into a keyboard.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from gesturectl.errors import ActionError, first_line

log = logging.getLogger(__name__)

BUS_NAME = "org.freedesktop.portal.Desktop"
OBJECT = "/org/freedesktop/portal/desktop"
REMOTE_DESKTOP = "org.freedesktop.portal.RemoteDesktop"
REQUEST = "org.freedesktop.portal.Request"
SESSION = "org.freedesktop.portal.Session"
KEYBOARD = 1  # device type bit
PERSIST_UNTIL_REVOKED = 2
_ANSWERS = {1: "the user said no (or closed the dialog)", 2: "the portal gave up"}


def request_path(unique_name: str, token: str) -> str:
    """Where the portal puts the Request object of a call made with `handle_token=token`."""
    sender = unique_name.lstrip(":").replace(".", "_")
    return f"{OBJECT}/request/{sender}/{token}"


@dataclass(frozen=True)
class Grant:
    """What `Start` gave: the devices (bits), and the token that skips the dialog next time ('' when none)."""

    devices: int
    restore_token: str


class PortalSession:
    """One RemoteDesktop session with the keyboard granted; `keycode(code, down)` sends a key.

    Args:
        restore_token: last time's token ('' or None: the user is asked).
        answer_timeout_s: how long to wait for the user to answer the dialog.
        bus: a D-Bus address, or 'SESSION' for $DBUS_SESSION_BUS_ADDRESS.
    """

    def __init__(self, restore_token: str | None, answer_timeout_s: float = 120.0, bus: str = "SESSION") -> None:
        try:
            from jeepney import DBusAddress
            from jeepney.io.blocking import open_dbus_connection
        except ImportError:
            raise ActionError("jeepney is not installed (pip install jeepney)") from None
        try:
            self._conn = open_dbus_connection(bus)
        except Exception as e:  # no bus address, a refused socket, a failed authentication
            raise ActionError(f"cannot reach the D-Bus session bus ({first_line(e)})") from None
        self._portal = DBusAddress(OBJECT, bus_name=BUS_NAME, interface=REMOTE_DESKTOP)
        self.session = ""
        self.closed_by_desktop = False
        try:
            self.version = self._version()
            self.grant = self._open(restore_token or "", answer_timeout_s)
        except Exception:
            self.close()
            raise

    def _version(self) -> int:
        from jeepney import Properties

        try:
            (value,) = self._call(Properties(self._portal).get("version"), 5.0)
        except ActionError as e:
            raise ActionError(f"no RemoteDesktop portal on the session bus ({e}); install xdg-desktop-portal and "
                              "your desktop's backend (xdg-desktop-portal-gnome or -kde)") from None  # fmt: skip
        return int(value[1])

    def _call(self, msg, timeout_s: float) -> tuple:
        from jeepney.wrappers import DBusErrorResponse, unwrap_msg

        try:
            return unwrap_msg(self._conn.send_and_get_reply(msg, timeout=timeout_s))
        except DBusErrorResponse as e:
            raise ActionError(f"{e.name}: {e.data[0] if e.data else ''}") from None
        except TimeoutError:
            raise ActionError("the portal did not answer") from None

    def _request(self, method: str, signature: str, args: tuple, options: dict, timeout_s: float) -> dict:
        """Call a portal method that answers through a Request; the results of its Response."""
        from jeepney import MatchRule, message_bus, new_method_call

        token = "gesturectl_" + secrets.token_hex(6)
        path = request_path(self._conn.unique_name, token)
        rule = MatchRule(type="signal", interface=REQUEST, member="Response", path=path)
        self._call(message_bus.AddMatch(rule), 5.0)
        options = {"handle_token": ("s", token), **options}
        try:
            with self._conn.filter(rule) as answers:
                self._call(new_method_call(self._portal, method, signature + "a{sv}", (*args, options)), 10.0)
                try:
                    code, results = self._conn.recv_until_filtered(answers, timeout=timeout_s).body
                except TimeoutError:
                    raise ActionError(f"{method}: no answer within {timeout_s:.0f} s") from None
        finally:
            self._conn.send(message_bus.RemoveMatch(rule))
        if code != 0:
            raise ActionError(f"{method}: {_ANSWERS.get(code, f'answer {code}')}")
        return {k: v[1] for k, v in results.items()}

    def _open(self, restore_token: str, answer_timeout_s: float) -> Grant:
        created = self._request(
            "CreateSession", "", (), {"session_handle_token": ("s", "gesturectl_" + secrets.token_hex(6))}, 10.0
        )
        self.session = str(created.get("session_handle", ""))
        if not self.session:
            raise ActionError("CreateSession: the portal returned no session")
        self._watch_closed()
        options: dict = {"types": ("u", KEYBOARD)}
        if self.version >= 2:  # persistence arrived with version 2 of the interface
            options["persist_mode"] = ("u", PERSIST_UNTIL_REVOKED)
            if restore_token:
                options["restore_token"] = ("s", restore_token)
        self._request("SelectDevices", "o", (self.session,), options, 10.0)
        started = self._request("Start", "os", (self.session, ""), {}, answer_timeout_s)
        grant = Grant(int(started.get("devices", 0)), str(started.get("restore_token", "")))
        if not grant.devices & KEYBOARD:
            raise ActionError("Start: the keyboard was not granted")
        return grant

    def _watch_closed(self) -> None:
        from jeepney import MatchRule, message_bus

        rule = MatchRule(type="signal", interface=SESSION, member="Closed", path=self.session)
        self._call(message_bus.AddMatch(rule), 5.0)
        self._closed_queue = self._conn.filter(rule).queue  # the filter stays for the connection's life

    def _poll(self) -> None:
        """Handle the signals waiting on the bus (a Closed session), without blocking."""
        while True:
            try:
                self._conn.recv_messages(timeout=0)
            except TimeoutError:
                break
        if self._closed_queue:
            self.closed_by_desktop = True

    def keycode(self, code: int, down: bool) -> None:
        """Press (`down`) or release one evdev keycode."""
        from jeepney import new_method_call

        self._poll()
        if self.closed_by_desktop and not down:
            return  # the desktop released the session's keys when it ended the session
        if self.closed_by_desktop:
            raise ActionError("the desktop ended the remote-desktop session (restart gesturectl to ask again)")
        body: tuple = (self.session, {}, int(code), 1 if down else 0)
        self._call(new_method_call(self._portal, "NotifyKeyboardKeycode", "oa{sv}iu", body), 5.0)

    def close(self) -> None:
        """End the session (the desktop stops showing that someone controls it) and disconnect."""
        from jeepney import DBusAddress, new_method_call

        try:
            if self.session and not self.closed_by_desktop:
                self._call(new_method_call(DBusAddress(self.session, BUS_NAME, SESSION), "Close"), 2.0)
        except (OSError, ActionError) as e:  # the portal ends a session whose owner left, anyway
            log.debug("closing the portal session: %s", e)
        finally:
            self._conn.close()


#: Builds a session from last time's restore token (tests pass their own).
SessionFactory = Callable[[str | None], PortalSession]
