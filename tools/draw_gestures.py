#!/usr/bin/env python3
"""Draw the README's gesture pictures from the config's own definitions.

For each gesture defined in the config, the puppet performs its script (gesturectl/puppet.py),
the recognizer built from that same config runs on it, and the picture shows the figure at the
start, at the midpoint, and on the frame where the event fires, captioned with the definition's
description and its phases. A gesture whose performance does not fire is an error, so the
pictures cannot drift from the definitions.

    python tools/draw_gestures.py [--config FILE] [-o docs/gestures]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2
import numpy as np

from gesturectl.config import load_config
from gesturectl.gestures.pipeline import GesturePipeline
from gesturectl.pose.draw import draw_pose
from gesturectl.synth.puppet import GESTURE_SCRIPTS, Camera, perform

CAM = Camera(image_size=(300, 340), shoulder_px=70.0, centre=(150.0, 150.0))


def panel(pose, caption: str, highlight: bool) -> np.ndarray:
    img = np.full((CAM.image_size[1], CAM.image_size[0], 3), 255, np.uint8)
    img = draw_pose(img, pose)
    colour = (40, 160, 40) if highlight else (90, 90, 90)
    cv2.putText(img, caption, (8, 22), cv2.FONT_HERSHEY_SIMPLEX, 0.55, colour, 1, cv2.LINE_AA)
    if highlight:
        cv2.rectangle(img, (1, 1), (img.shape[1] - 2, img.shape[0] - 2), colour, 2)
    return img


def draw(name: str, spec, out: Path) -> Path:
    script = GESTURE_SCRIPTS[name]
    pipe = GesturePipeline(spec)
    frames = list(perform(script, cam=CAM))
    fired = None
    for i, (_, pose) in enumerate(frames):
        if any(e.gesture == name for e in pipe.update(pose)) and fired is None:
            fired = i
    if fired is None:
        raise SystemExit(f"{name}: its performance does not fire with this config; fix the script or definition")
    start = next(i for i, (t, _) in enumerate(frames) if t >= script[0].seconds)
    mid = (start + fired) // 2
    panels = [
        panel(frames[start][1], f"t={frames[start][0]:.1f}s", False),
        panel(frames[mid][1], f"t={frames[mid][0]:.1f}s", False),
        panel(frames[fired][1], f"{name} fires t={frames[fired][0]:.2f}s", True),
    ]
    strip = np.hstack(panels)
    d = spec.definitions[name]
    phases = " -> ".join(
        f"{p.name or 'phase'}"
        + (f" (hold {p.hold_s:g}s)" if p.hold_s else "")
        + (f" (change {p.motion.by:+g} sw in {p.motion.within_s:g}s)" if p.motion else "")
        for p in d.phases
    )
    band = np.full((56, strip.shape[1], 3), 245, np.uint8)
    cv2.putText(band, d.description[:110], (8, 22), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (20, 20, 20), 1, cv2.LINE_AA)
    cv2.putText(band, phases[:120], (8, 46), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (80, 80, 80), 1, cv2.LINE_AA)
    path = out / f"{name}.png"
    cv2.imwrite(str(path), np.vstack([band, strip]))
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", type=Path)
    ap.add_argument("-o", "--out", type=Path, default=Path("docs/gestures"))
    args = ap.parse_args()
    spec = load_config(args.config).gestures
    args.out.mkdir(parents=True, exist_ok=True)
    for name in spec.definitions:
        if name not in GESTURE_SCRIPTS:
            print(f"{name}: no performance script in gesturectl/puppet.py; skipped", file=sys.stderr)
            continue
        print(draw(name, spec, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
