"""The preview's drawing without a display: meters fill with progress, the figure is where its pose is
(mirrored), a toast turns the fired gesture's meter green."""

from __future__ import annotations

import numpy as np

from gesturectl.config import parse_config
from gesturectl.gestures.recognizer import Recognizer
from gesturectl.runtime.preview import draw
from gesturectl.runtime.preview.window import ppm
from gesturectl.runtime.view import Toast, View
from gesturectl.synth.puppet import Move as M
from gesturectl.synth.puppet import perform
from gesturectl.types import CocoJoint

SPEC = parse_config("").gestures
SIZE = (640, 480)


def _view_at(script, t_stop):
    rec = Recognizer(SPEC)
    for t, pose in perform(script):
        rec.update(pose)
        if t >= t_stop - 1e-9:
            return View(None, SIZE, (pose,), rec.progress(), rec.engaged, "running", 30.0, {"gestures": 0.1}, 2.0)
    raise AssertionError("script too short")


def _px(img, x, y):
    return tuple(int(v) for v in img[y, x])


def test_a_meter_fills_with_the_gestures_progress():
    # zoom_in's together phase part held (one 30 fps frame of its 0.05 s): its bar is under a third full (phase 1 of 3).
    view = _view_at([M("hands_together", 1.0, ease_s=0)], 0.025)
    zoom = next(i for i, p in enumerate(view.progress) if p.gesture == "zoom_in")
    frac = view.progress[zoom].fraction
    assert 0.05 < frac < 1 / 3 and view.progress[zoom].phase_index == 0
    img = draw.render(view)
    x0, y0, x1, y1 = draw.bar_rect(zoom, SIZE)
    mid = (y0 + y1) // 2
    assert _px(img, x0 + 3, mid) == draw.FILL
    assert _px(img, x0 + round((x1 - x0) * frac) - 3, mid) == draw.FILL
    assert _px(img, x0 + round((x1 - x0) * frac) + 3, mid) == draw.BAR_BG
    pause = next(i for i, p in enumerate(view.progress) if p.gesture == "pause")
    px0, py0, _, py1 = draw.bar_rect(pause, SIZE)
    assert _px(img, px0 + 3, (py0 + py1) // 2) == draw.BAR_BG


def test_the_figure_is_drawn_mirrored_where_its_wrists_are():
    view = _view_at([M("left_hand_up", 1.0)], 0.9)
    img = draw.render(view)
    shown = draw.to_canvas(view.poses[0], SIZE)
    lx, ly = (round(float(v)) for v in shown.keypoints[CocoJoint.LEFT_WRIST])
    rx, ry = (round(float(v)) for v in shown.keypoints[CocoJoint.RIGHT_WRIST])
    assert _px(img, lx, ly) == draw.LEFT and _px(img, rx, ry) == draw.RIGHT
    # mirrored: the person's left wrist (on the image's right as the camera saw it) is on the left
    assert view.poses[0].keypoints[CocoJoint.LEFT_WRIST][0] > 320 and lx < draw.image_width(SIZE) / 2
    assert ly < ry  # the raised hand is higher


def test_a_toast_shows_and_the_fired_gestures_meter_turns_green():
    view = _view_at([M("rest", 0.5)], 0.4)
    img = draw.render(view, [Toast("zoom_in", "zoom_in -> hotkey ctrl+= (chrome)", "sent", 0.0)])
    h = draw.IMAGE_H
    assert _px(img, 10, h - 12 - 15) == draw.FIRED  # the toast's frame, bottom left of the image
    zoom = next(i for i, p in enumerate(view.progress) if p.gesture == "zoom_in")
    x0, y0, x1, y1 = draw.bar_rect(zoom, SIZE)
    assert _px(img, x1 - 3, (y0 + y1) // 2) == draw.FIRED


def test_camera_images_are_mirrored_and_nobody_in_view_is_said():
    image = np.zeros((480, 640, 3), np.uint8)
    image[:, :100] = (0, 0, 255)  # red on the camera's left edge
    img = draw.render(View(image, SIZE, (), (), False, "running"))
    w = draw.image_width(SIZE)
    assert _px(img, w - 5, 240) == (0, 0, 255) and _px(img, 5, 240) == (0, 0, 0)
    assert img.shape == (draw.IMAGE_H, w + draw.PANEL_W, 3)


def test_ppm_is_what_tk_reads():
    img = np.zeros((2, 3, 3), np.uint8)
    img[0, 0] = (1, 2, 3)  # BGR
    data = ppm(img)
    assert data.startswith(b"P6 3 2 255\n") and data[len(b"P6 3 2 255\n") :][:3] == bytes([3, 2, 1])


def test_everyone_is_drawn_and_only_the_user_in_colour():
    from gesturectl.pose.draw import BYSTANDER_COLOUR, SIDE_COLOURS
    from gesturectl.synth.puppet import POSTURES, Camera, render

    user = render(POSTURES["rest"], Camera(SIZE, 110.0, (200.0, 200.0)), 0.0)
    other = render(POSTURES["rest"], Camera(SIZE, 90.0, (470.0, 180.0)), 0.0)
    image = np.zeros((480, 640, 3), np.uint8)
    img = draw.render(View(image, SIZE, (other, user), (), False, "running", controlling=1))
    for pose, colour in ((user, SIDE_COLOURS["left"]), (other, BYSTANDER_COLOUR)):
        x, y = draw.to_canvas(pose, SIZE).keypoints[CocoJoint.LEFT_SHOULDER].round().astype(int)
        assert _px(img, x, y) == colour
