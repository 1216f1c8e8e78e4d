"""A private D-Bus session bus (a real dbus-daemon) and a fake RemoteDesktop portal serving on it.

The fake follows the portal's documented flow: each call returns a Request path built from the caller's
unique name and `handle_token`, and the answer arrives as that Request's `Response` signal. It records
what it was asked (the options of SelectDevices, every keycode) so tests can check them exactly.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir={dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


class PrivateBus:
    """A dbus-daemon of our own (no service activation: nothing real starts behind the test's back)."""

    def __init__(self) -> None:
        exe = shutil.which("dbus-daemon")
        if exe is None:
            pytest.skip("needs dbus-daemon (apt-get install dbus-daemon)")
        self.dir = Path(tempfile.mkdtemp(prefix="gesturectl-bus-"))
        conf = self.dir / "bus.conf"
        conf.write_text(BUS_CONFIG.format(dir=self.dir))
        self.proc = subprocess.Popen(
            [exe, f"--config-file={conf}", "--nofork", "--nopidfile", "--print-address=1"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        self.address = self.proc.stdout.readline().strip()
        if not self.address:
            self.stop()
            pytest.fail("dbus-daemon did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(5)
        shutil.rmtree(self.dir, ignore_errors=True)


@dataclass
class FakePortal:
    """org.freedesktop.portal.Desktop with the RemoteDesktop interface, served from a thread."""

    address: str
    version: int = 2
    answer: int = 0  # what the "user" answers in the dialog: 0 yes, 1 no
    grant_devices: int = 1
    fail_keycode: int | None = None  # NotifyKeyboardKeycode of this code returns an error
    dialogs: int = 0
    selected: list[dict] = field(default_factory=list)
    keys: list[tuple[int, int]] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    issued: list[str] = field(default_factory=list)
    sessions: int = 0

    def __post_init__(self) -> None:
        from jeepney.io.blocking import open_dbus_connection

        self._conn = open_dbus_connection(self.address)
        reply = self._conn.send_and_get_reply(self._bus_msg("RequestName", "org.freedesktop.portal.Desktop"))
        assert reply.body == (1,), reply.body  # primary owner
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @staticmethod
    def _bus_msg(method: str, name: str):
        from jeepney import message_bus

        return getattr(message_bus, method)(name)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._conn.close()

    def end_session(self) -> None:
        """The desktop ends the session (as when the user stops sharing): the Session's Closed signal."""
        from jeepney import DBusAddress, new_signal

        path = f"/org/freedesktop/portal/desktop/session/fake/{self.sessions}"
        session = DBusAddress(path, interface="org.freedesktop.portal.Session")
        self._conn.send(new_signal(session, "Closed", "a{sv}", ({},)))

    def _serve(self) -> None:
        from jeepney import MessageType

        while not self._stop.is_set():
            try:
                msg = self._conn.receive(timeout=0.05)
            except TimeoutError:
                continue
            except OSError:
                return
            if msg.header.message_type == MessageType.method_call:
                self._handle(msg)

    def _respond(self, call, sender: str, options: dict, code: int, results: dict) -> None:
        from jeepney import DBusAddress, new_method_return, new_signal

        token = options["handle_token"][1]
        path = f"/org/freedesktop/portal/desktop/request/{sender.lstrip(':').replace('.', '_')}/{token}"
        self._conn.send(new_method_return(call, "o", (path,)))
        signal = new_signal(DBusAddress(path, interface="org.freedesktop.portal.Request"), "Response", "ua{sv}",
                            (code, results))  # fmt: skip
        self._conn.send(signal)

    def _handle(self, msg) -> None:
        from jeepney import HeaderFields, new_error, new_method_return

        f = msg.header.fields
        iface, member, sender = f.get(HeaderFields.interface), f.get(HeaderFields.member), f[HeaderFields.sender]
        if iface == "org.freedesktop.DBus.Properties" and member == "Get":
            if msg.body == ("org.freedesktop.portal.RemoteDesktop", "version"):
                self._conn.send(new_method_return(msg, "v", (("u", self.version),)))
            else:
                self._conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownProperty", "s", ("no",)))
        elif member == "CreateSession":
            self.sessions += 1
            handle = f"/org/freedesktop/portal/desktop/session/fake/{self.sessions}"
            self._respond(msg, sender, msg.body[0], 0, {"session_handle": ("s", handle)})
        elif member == "SelectDevices":
            options = {k: v[1] for k, v in msg.body[1].items() if k != "handle_token"}
            self.selected.append(options)
            self._respond(msg, sender, msg.body[1], 0, {})
        elif member == "Start":
            restored = self.selected[-1].get("restore_token") in self.issued
            if not restored:
                self.dialogs += 1
            if not restored and self.answer != 0:
                self._respond(msg, sender, msg.body[2], self.answer, {})
                return
            token = f"token-{len(self.issued) + 1}"
            self.issued.append(token)
            results = {"devices": ("u", self.grant_devices), "restore_token": ("s", token)}
            self._respond(msg, sender, msg.body[2], 0, results)
        elif member == "NotifyKeyboardKeycode":
            _, _, code, state = msg.body
            if code == self.fail_keycode and state == 1:
                self._conn.send(new_error(msg, "org.freedesktop.portal.Error.Failed", "s", ("refused",)))
                return
            self.keys.append((code, state))
            self._conn.send(new_method_return(msg))
        elif member == "Close":
            self.closed.append(f[HeaderFields.path])
            self._conn.send(new_method_return(msg))
        else:
            self._conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod", "s", (str(member),)))
