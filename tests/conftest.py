"""Shared test helpers: paths to the optional ../shared folder and pose builders."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from gesturectl.types import LAYOUTS, Pose

ROOT = Path(__file__).resolve().parents[1]
#: ../shared beside the checkout; GESTURECTL_SHARED points elsewhere (e.g. from a git worktree).
SHARED = Path(os.environ.get("GESTURECTL_SHARED", ROOT.parent / "shared"))


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


@pytest.fixture(scope="session")
def astronaut_png(tmp_path_factory) -> Path:
    """scikit-image's astronaut photo (NASA, public domain; inside the test extra's wheel) as a PNG file."""
    skdata = pytest.importorskip("skimage.data")
    import cv2

    path = tmp_path_factory.mktemp("photos") / "astronaut.png"
    cv2.imwrite(str(path), cv2.cvtColor(skdata.astronaut(), cv2.COLOR_RGB2BGR))
    return path
