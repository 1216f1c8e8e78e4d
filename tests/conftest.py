"""Shared test helpers: paths to the optional ../shared folder and pose builders."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gesturectl.types import LAYOUTS, Pose

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def shared_path(rel: str) -> Path:
    """A file under ../shared, or skip the test cleanly when it is absent (a user's clone)."""
    p = SHARED / rel
    if not p.exists():
        pytest.skip(f"../shared/{rel} not present")
    return p


def make_pose(layout: str = "coco17", size=(640, 480), default=(0.0, 0.0), score: float = 1.0, **joints) -> Pose:
    """Pose with every joint at `default` except the named ones: make_pose(left_wrist=(30, 50))."""
    enum = LAYOUTS[layout]
    kps = np.tile(np.array(default, np.float32), (len(enum), 1))
    scores = np.full(len(enum), score, np.float32)
    for name, xy in joints.items():
        kps[enum[name.upper()]] = xy
    return Pose(kps, scores, layout, size)
