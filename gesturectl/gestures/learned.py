"""A learned gesture in the recognizer: the same interface as `SequenceMatcher`, matched by DTW.

`gestures.definitions.NAME: {template: NAME}` in the config names a template taught with
`gesturectl teach NAME` (stored in the user's data folder). The recognizer runs it beside the rule
gestures, so the same engage gate, cooldown, refractory time and conflict priority apply. A window
of the recent motion (at a few lengths around the examples' duration) is compared about ten times
a second; after it fires, the window starts empty, so one movement fires once. The person's arm
length (which the model's features are measured in) is read from the last `ARM_FRAMES` frames
with both arms in view, kept across movements.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from gesturectl.errors import ConfigError
from gesturectl.gestures.features import BodyFrame
from gesturectl.gestures.progress import Blocker, GestureProgress, missing_points
from gesturectl.gestures.sequence import Candidate
from gesturectl.gestures.spec import GestureSpec, RecognizerSpec
from gesturectl.gestures.templates import (
    FEATURE_POINTS,
    TemplateModel,
    arm_length,
    features,
    load_template,
    resample,
)

EVAL_HZ = 10.0
ARM_FRAMES = 300  # the person's arm length is read from about the last 10-30 s of frames


def load_learned(spec: RecognizerSpec) -> dict[str, TemplateModel]:
    """The templates the enabled learned gestures name, from the user's data folder."""
    from gesturectl.paths import learned_dir

    out = {}
    for name, g in spec.definitions.items():
        if g.enabled and g.template is not None:
            path = learned_dir() / f"{g.template}.json"
            if not path.exists():
                raise ConfigError(
                    f"gesture {name!r}: no learned template {path}; teach it with `gesturectl teach {g.template}`"
                )
            try:
                out[name] = load_template(path)
            except (OSError, ValueError) as e:
                raise ConfigError(f"gesture {name!r}: {e}; teach it again with `gesturectl teach {g.template}`") from e
    return out


class TemplateMatcher:
    """Matches one learned template against a stream of body frames."""

    def __init__(self, name: str, spec: GestureSpec, model: TemplateModel, max_dropout_s: float) -> None:
        self.name = name
        self.spec = spec
        self.model = model
        self.points = list(FEATURE_POINTS)
        self._max_dropout_s = max_dropout_s
        self._span_s = model.duration_s * max(model.window_scales)
        self._buf: deque[tuple[float, np.ndarray]] = deque(maxlen=512)
        self._arm: deque[np.ndarray] = deque(maxlen=ARM_FRAMES)  # kept across movements and suppression
        self._last_eval = -math.inf
        self._last_event_t: float | None = None
        self._distance: float | None = None
        self._frame: BodyFrame | None = None
        self._missing = False
        self._gated = True

    def suppress(self) -> None:
        self._buf.clear()
        self._distance = None

    def consume(self) -> None:
        self.suppress()

    def commit(self, c: Candidate) -> None:
        self._last_event_t = c.t
        self.suppress()  # the movement that fired is used up

    def step(self, frame: BodyFrame, engaged: bool) -> Candidate | None:
        t = frame.t
        self._frame = frame
        f = features(frame.points)
        self._missing = f is None
        self._gated = engaged or not self.spec.engage
        if f is None or not self._gated or (self._buf and t - self._buf[-1][0] > self._max_dropout_s):
            self.suppress()
            if f is None or not self._gated:
                return None
        self._buf.append((t, f))
        self._arm.append(f)
        while self._buf and t - self._buf[0][0] > self._span_s + 0.2:
            self._buf.popleft()
        if t - self._last_eval < 1.0 / EVAL_HZ - 1e-9:
            return None
        self._last_eval = t
        self._distance = self._best_distance(t)
        cooled = self._last_event_t is None or t - self._last_event_t >= self.spec.cooldown_s
        if self._distance is not None and self._distance < self.model.threshold and cooled:
            return Candidate(self.name, t, round(self.model.threshold / max(self._distance, 1e-6), 3), 0)
        return None

    @property
    def underway(self) -> bool:
        """The recent movement is getting close to the examples (within twice the rejection threshold)."""
        return self._distance is not None and self._distance < 2.0 * self.model.threshold

    def _best_distance(self, t: float) -> float | None:
        if not self._buf:
            return None
        times = np.array([s[0] for s in self._buf])
        feats = np.stack([s[1] for s in self._buf])
        wins = []
        for scale in self.model.window_scales:
            length = self.model.duration_s * scale
            if t - times[0] < 0.9 * length:
                continue  # not enough seen yet for this window
            sel = times >= t - length - 1e-9
            if sel.sum() >= 6:
                wins.append(resample(times[sel], feats[sel]))
        if not wins:
            return None
        return min(self.model.distances(wins, arm_length(np.stack(self._arm))))

    def progress(self, engage: Blocker | None, refractory: Blocker | None, fired: bool) -> GestureProgress:
        """Phase 1 of 1: how close the recent motion is to the examples (distance against threshold)."""
        t = self._frame.t if self._frame is not None else 0.0
        thr = self.model.threshold
        d = self._distance
        close = 0.0 if d is None else max(0.0, min(1.0, 2.0 - d / thr)) if d > thr else 1.0
        block: Blocker | None = Blocker(f"moves like the examples of {self.name}: distance < {thr:.2f}", d, thr, "sw")
        state = "progress"
        if fired:
            state, block = "fired", None
        elif self._missing:
            state = "missing"
            block = missing_points(self.points, self._frame.points if self._frame is not None else {})
        elif not self._gated:
            state, block = "not_engaged", engage
        elif refractory is not None:
            state, block = "refractory", refractory
        return GestureProgress(
            gesture=self.name,
            t=t,
            state=state,  # type: ignore[arg-type]
            phase_index=1 if fired else 0,
            phases=1,
            phase_name="movement",
            hold_s=0.0,
            hold_needed_s=0.0,
            motion=close if state == "progress" else 0.0,
            motion_needed=1.0,
            cooldown_left_s=0.0,
            refractory_left_s=refractory.value or 0.0 if refractory is not None else 0.0,
            engaged=engage is None,
            blocking=block,
        )
