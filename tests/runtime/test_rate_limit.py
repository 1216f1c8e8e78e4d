"""The global cap `daemon.max_actions_per_s`: a flickering pose with `cooldown_s: 0` can never flood the
desktop; a reload applies a new cap. (Pause and resume are never counted: the engine applies them first.)"""

from __future__ import annotations

from gesturectl.commands import Command
from gesturectl.synth.puppet import Move as M
from tests.runtime.test_daemon_logic import Harness

FLICKER = """
gestures:
  refractory_s: 0
  definitions:
    wave:
      engage: false
      cooldown_s: 0
      phases:
        - {{name: up, when: [{{above: [left_wrist, head]}}]}}
        - {{name: down, when: [{{below: [left_wrist, shoulder_mid]}}]}}
actions:
  a: {{hotkey: [mod, "="]}}
  b: {{hotkey: [mod, "-"]}}
  c: {{hotkey: [mod, "0"]}}
bindings:
  - {{gesture: wave, action: a}}
  - {{gesture: wave, action: b}}
  - {{gesture: wave, action: c}}
daemon: {{idle_fps: 30, max_actions_per_s: {cap}}}
"""
WAVES = [M("rest", 0.5)] + [M("left_hand_up", 0.2), M("rest", 0.2)] * 15


def performed_times(h: Harness) -> list[float]:
    return [o.decision.event.t for o in h.outcomes if o.result is not None]


def test_no_more_than_the_cap_in_any_second(tmp_path):
    h = Harness(tmp_path, FLICKER.format(cap=2))
    lines = h.feed(WAVES)
    done = performed_times(h)
    assert len(lines) >= 30 and 5 <= len(done) < len(lines)  # most were held back, some went through
    assert all(sum(1 for u in done if t <= u < t + 1.0) <= 2 for t in done)
    assert any(line.endswith("skipped: more than 2 actions per second") for line in lines)


def test_a_reload_applies_a_new_cap(tmp_path):
    h = Harness(tmp_path, FLICKER.format(cap=2))
    h.cfg_path.write_text(FLICKER.format(cap=100))
    assert h.daemon.handle(Command.RELOAD)["ok"] is True
    lines = h.feed(WAVES)
    assert len(performed_times(h)) == len(lines)
