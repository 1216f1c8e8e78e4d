"""The motion gate on real frames: sensor noise and a brightness shift are no change; a person walking in is."""

from __future__ import annotations

import numpy as np
import pytest

from gesturectl.sources.motion import MotionGate


@pytest.fixture
def room():
    rng = np.random.default_rng(0)
    base = rng.integers(40, 200, (24, 32, 3), dtype=np.uint8)  # a cluttered room, blown up to 640x480
    return np.kron(base, np.ones((20, 20, 1), np.uint8))


def noisy(image, rng, sigma=6.0, shift=0.0):
    return np.clip(image + rng.normal(shift, sigma, image.shape), 0, 255).astype(np.uint8)


def test_noise_and_exposure_are_not_motion(room):
    rng = np.random.default_rng(1)
    gate = MotionGate()
    assert gate.changed(room)  # nothing seen yet
    gate.seen(noisy(room, rng))
    assert not any(gate.changed(noisy(room, rng)) for _ in range(20))
    assert not gate.changed(noisy(room, rng, shift=25.0))  # auto-exposure brightening the whole view


def test_a_person_entering_is_motion():
    from skimage import data

    rng = np.random.default_rng(2)
    room = np.full((480, 640, 3), 120, np.uint8)
    gate = MotionGate()
    gate.seen(noisy(room, rng))
    person = data.astronaut()[::4, ::4, ::-1]  # 128x128: a person at the far side of the room
    entered = room.copy()
    entered[300:428, 500:628] = person
    assert gate.changed(noisy(entered, rng))
