"""Render one `View` into the preview image (pure: a view in, a BGR image out; OpenCV draws).

    ┌──────────── image (mirrored) ────────────┬──────── panel ────────┐
    │ 30.0 fps  pose 21 ms  CPU 38%            │ ENGAGED               │
    │                                          │ zoom_in   1/2 spread  │
    │          skeleton(s)                     │ [██████░░░░|░░░░░░]   │
    │                                          │ distance(...) grows.. │
    │ [zoom_in -> hotkey ctrl+= (chrome)]      │ ...one per gesture    │
    └──────────────────────────────────────────┴───────────────────────┘

The image is shown as a mirror (your left hand on the left). A trace has no image: its poses are
drawn as a figure on a blank canvas. The layout constants are public so tests can look for the meters.
"""

from __future__ import annotations

import cv2
import numpy as np

from gesturectl.gestures.progress import GestureProgress
from gesturectl.pose.draw import draw_pose
from gesturectl.runtime.view import Toast, View
from gesturectl.types import CocoJoint, Pose

IMAGE_H = 480  # the image area's height; its width follows the source's aspect ratio
PANEL_W = 360
HEADER_H = 44
METER_H = 70
BAR_X0, BAR_DY, BAR_H = 14, 26, 18  # bar position inside a meter block (from its left and top)
TOAST_S = 2.5

BG = (32, 32, 32)
PANEL_BG = (48, 44, 40)
BAR_BG = (80, 80, 80)
FILL = (230, 170, 40)  # progress: blue-ish (BGR)
FIRED = (80, 210, 80)  # fired / waiting to re-arm: green
WAIT = (150, 150, 150)  # cooldown, refractory: grey
TEXT = (235, 235, 235)
DIM = (170, 170, 170)
WARN = (40, 160, 240)  # orange
BAD = (60, 60, 220)
FIGURE = (210, 200, 190)
FONT = cv2.FONT_HERSHEY_SIMPLEX
TOAST_COLOURS = {"sent": FIRED, "skipped": WAIT, "failed": BAD}

J = CocoJoint
LEFT, RIGHT = (60, 150, 245), (245, 150, 60)  # the person's left arm orange, right arm blue (BGR)
#: The figure's limbs and their colours (arms by side, the rest in one tone).
_FIGURE_LIMBS = [
    (J.LEFT_SHOULDER, J.RIGHT_SHOULDER, FIGURE),
    (J.LEFT_HIP, J.RIGHT_HIP, FIGURE),
    (J.LEFT_HIP, J.LEFT_KNEE, FIGURE),
    (J.LEFT_KNEE, J.LEFT_ANKLE, FIGURE),
    (J.RIGHT_HIP, J.RIGHT_KNEE, FIGURE),
    (J.RIGHT_KNEE, J.RIGHT_ANKLE, FIGURE),
    (J.LEFT_SHOULDER, J.LEFT_ELBOW, LEFT),
    (J.LEFT_ELBOW, J.LEFT_WRIST, LEFT),
    (J.RIGHT_SHOULDER, J.RIGHT_ELBOW, RIGHT),
    (J.RIGHT_ELBOW, J.RIGHT_WRIST, RIGHT),
]


def image_width(image_size: tuple[int, int]) -> int:
    """Width of the image area for a source of this (width, height)."""
    w, h = image_size
    return max(160, round(IMAGE_H * w / max(h, 1)))


def meter_origin(index: int, image_size: tuple[int, int]) -> tuple[int, int]:
    """Top-left pixel of the index-th gesture's meter block."""
    return image_width(image_size), HEADER_H + index * METER_H


def bar_rect(index: int, image_size: tuple[int, int]) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) of the index-th gesture's bar."""
    x, y = meter_origin(index, image_size)
    return x + BAR_X0, y + BAR_DY, x + PANEL_W - BAR_X0, y + BAR_DY + BAR_H


def to_canvas(pose: Pose, image_size: tuple[int, int]) -> Pose:
    """The pose in the image area's pixels, mirrored (x flipped) like the shown image."""
    w, h = image_size
    s = IMAGE_H / max(h, 1)
    kp = pose.keypoints.astype(np.float64).copy()
    kp[:, 0] = (w - 1 - kp[:, 0]) * s
    kp[:, 1] = kp[:, 1] * s
    return Pose(
        kp.astype(np.float32), pose.scores, pose.layout, (image_width(image_size), IMAGE_H), pose.presence, pose.t
    )


def _text(
    img: np.ndarray, text: str, org: tuple[int, int], scale: float = 0.5, colour=TEXT, thick: int = 1, box: bool = False
) -> None:
    if box:  # a dark band behind text on the image, so it reads on any background
        (tw, th), base = cv2.getTextSize(text, FONT, scale, thick)
        x, y = org
        sub = img[max(0, y - th - 4) : y + base + 2, max(0, x - 4) : x + tw + 4]
        sub[:] = (sub.astype(np.uint16) * 2 // 5).astype(np.uint8)
    cv2.putText(img, text, org, FONT, scale, colour, thick, cv2.LINE_AA)


def _fit(text: str, width_px: int, scale: float) -> str:
    """The text cut (with '...') to fit a width."""
    while text and cv2.getTextSize(text, FONT, scale, 1)[0][0] > width_px:
        text = text[:-4] + "..." if len(text) > 4 else ""
    return text


def _pt(p: np.ndarray) -> tuple[int, int]:
    return int(round(float(p[0]))), int(round(float(p[1])))


def draw_figure(img: np.ndarray, pose: Pose, min_score: float = 0.3) -> None:
    """A pose without a camera image (a trace, the demo) as a puppet: a head, a spine, thick limbs, hands."""
    coco = pose.to_coco()
    pts, ok = coco.keypoints.astype(np.float64), coco.scores >= min_score
    if not (ok[J.LEFT_SHOULDER] and ok[J.RIGHT_SHOULDER]):
        return
    ls, rs = pts[J.LEFT_SHOULDER], pts[J.RIGHT_SHOULDER]
    sw = float(np.hypot(*(ls - rs)))
    thick = max(4, round(sw / 9))
    neck = (ls + rs) / 2
    if ok[J.LEFT_HIP] and ok[J.RIGHT_HIP]:
        cv2.line(img, _pt(neck), _pt((pts[J.LEFT_HIP] + pts[J.RIGHT_HIP]) / 2), FIGURE, thick + 4, cv2.LINE_AA)
    for a, b, colour in _FIGURE_LIMBS:
        if ok[a] and ok[b]:
            cv2.line(img, _pt(pts[a]), _pt(pts[b]), colour, thick, cv2.LINE_AA)
    if ok[J.NOSE]:
        head = pts[J.NOSE] + np.array([0.0, sw * 0.05])
        cv2.line(img, _pt(neck), _pt(head), FIGURE, thick, cv2.LINE_AA)
        cv2.circle(img, _pt(head), max(6, round(sw * 0.3)), FIGURE, -1, cv2.LINE_AA)
        for eye in (J.LEFT_EYE, J.RIGHT_EYE):
            if ok[eye]:
                cv2.circle(img, _pt(pts[eye]), max(2, thick // 2), BG, -1, cv2.LINE_AA)
    for j, colour in ((J.LEFT_WRIST, LEFT), (J.RIGHT_WRIST, RIGHT)):
        if ok[j]:
            cv2.circle(img, _pt(pts[j]), thick + 4, colour, -1, cv2.LINE_AA)


def _image_area(view: View) -> np.ndarray:
    w = image_width(view.image_size)
    if view.image is None:
        area = np.full((IMAGE_H, w, 3), BG, np.uint8)
        for x in range(0, w, 40):  # a faint floor grid, so motion reads as motion
            cv2.line(area, (x, 0), (x, IMAGE_H), (40, 40, 40), 1)
        for y in range(0, IMAGE_H, 40):
            cv2.line(area, (0, y), (w, y), (40, 40, 40), 1)
    else:
        area = cv2.resize(cv2.flip(view.image, 1), (w, IMAGE_H), interpolation=cv2.INTER_AREA)
    for pose in view.poses:
        shown = to_canvas(pose, view.image_size)
        if view.image is None:
            draw_figure(area, shown)
        else:
            area = draw_pose(area, shown)
    return area


def _status(area: np.ndarray, view: View) -> None:
    _text(area, f"{view.fps:4.1f} fps  CPU {view.cpu_percent:.0f}%", (8, 20), 0.45, box=True)
    if view.stage_ms:
        stages = "  ".join(f"{k} {v:.1f} ms" for k, v in view.stage_ms.items())
        _text(area, _fit(stages, area.shape[1] - 16, 0.42), (8, 40), 0.42, box=True)
    h, w = area.shape[:2]
    if view.state != "running":
        colour = WARN if view.state == "paused" else BAD
        cv2.rectangle(area, (0, 0), (w - 1, h - 1), colour, 6)
        _text(area, view.state.upper(), (w // 2 - 60, h // 2), 1.0, colour, 2, box=True)
    elif not view.poses:
        _text(area, "nobody in view", (w // 2 - 95, h // 2), 0.8, DIM, 2, box=True)


def _toasts(area: np.ndarray, toasts: list[Toast]) -> None:
    h, w = area.shape[:2]
    for i, t in enumerate(reversed(toasts[-3:])):
        y1 = h - 12 - i * 38
        colour = TOAST_COLOURS.get(t.kind, WAIT)
        cv2.rectangle(area, (10, y1 - 30), (w - 10, y1), (20, 20, 20), -1)
        cv2.rectangle(area, (10, y1 - 30), (w - 10, y1), colour, 2)
        _text(area, _fit(t.text, w - 36, 0.6), (20, y1 - 9), 0.6, colour, 1)


def _meter(panel: np.ndarray, i: int, p: GestureProgress, just_fired: bool) -> None:
    y = HEADER_H + i * METER_H
    x0, x1 = BAR_X0, PANEL_W - BAR_X0
    phase = f"{min(p.phase_index + 1, p.phases)}/{p.phases} {p.phase_name}" if p.phases > 1 else p.phase_name
    _text(panel, p.gesture, (x0, y + 18), 0.55, TEXT)
    _text(panel, _fit(phase, 170, 0.45), (x0 + 150, y + 18), 0.45, DIM)
    by0, by1 = y + BAR_DY, y + BAR_DY + BAR_H
    cv2.rectangle(panel, (x0, by0), (x1, by1), BAR_BG, -1)
    done = just_fired or p.state in ("fired", "rearm")
    colour = FIRED if done else (WAIT if p.state in ("cooldown", "refractory") else FILL)
    frac = 1.0 if done else p.fraction
    if frac > 0:
        cv2.rectangle(panel, (x0, by0), (x0 + round((x1 - x0) * frac), by1), colour, -1)
    for k in range(1, p.phases):  # phase boundaries
        xk = x0 + round((x1 - x0) * k / p.phases)
        cv2.line(panel, (xk, by0), (xk, by1), (20, 20, 20), 2)
    words = "fired" if p.state == "fired" or just_fired else (p.blocking.words() if p.blocking is not None else "")
    _text(panel, _fit(words, PANEL_W - 2 * x0, 0.42), (x0, by1 + 17), 0.42, DIM)


def _panel(view: View, fired: set[str]) -> np.ndarray:
    h = max(IMAGE_H, HEADER_H + METER_H * len(view.progress) + 8)
    panel = np.full((h, PANEL_W, 3), PANEL_BG, np.uint8)
    if not view.poses:
        label, colour = "nobody in view", DIM
    elif view.engaged:
        label, colour = "ENGAGED", FIRED
    else:
        label, colour = "not engaged (raise both hands)", DIM
    if view.state == "paused":
        label, colour = "PAUSED", WARN
    _text(panel, label, (BAR_X0, 28), 0.65, colour, 2 if colour != DIM else 1)
    for i, p in enumerate(view.progress):
        _meter(panel, i, p, p.gesture in fired)
    return panel


def render(view: View, toasts: list[Toast] | None = None) -> np.ndarray:
    """The preview image for a view, with these toasts (newest last) at the bottom of the image."""
    area = _image_area(view)
    _status(area, view)
    _toasts(area, toasts or [])
    panel = _panel(view, {t.gesture for t in toasts or [] if t.kind != "failed"})
    h = max(area.shape[0], panel.shape[0])
    out = np.full((h, area.shape[1] + PANEL_W, 3), PANEL_BG, np.uint8)
    out[: area.shape[0], : area.shape[1]] = area
    out[: panel.shape[0], area.shape[1] :] = panel
    return out


def waiting(text: str = "waiting for the first frame...") -> np.ndarray:
    """The image shown before any view arrived."""
    img = np.full((IMAGE_H, 640 + PANEL_W, 3), BG, np.uint8)
    _text(img, text, (40, IMAGE_H // 2), 0.8, DIM, 2)
    return img
