"""Heatmap pose models (Simple Baselines, Xiao et al. 2018): crops, targets and decoding, in numpy.

Shared by the PyTorch training code (`gesturectl/simple_baselines/`) and the ONNX runtime backend
(`heatmap_backend.py`), so that training and inference use exactly the same geometry.

- A person box becomes a *centre* and a *scale* (box size / `PIXEL_STD` = 200 px, padded to the
  model's aspect ratio and enlarged ×1.25); `affine_transform_matrix` maps that region onto the
  model input (and back, with `inverse=True`).
- `gaussian_target`: one heatmap per joint, a Gaussian of σ = 2 heatmap pixels in a 6σ+1 window
  centred at the joint rounded to the nearest heatmap pixel; a joint whose window falls entirely off
  the map, or that is not labelled, gets weight 0.
- `final_predictions`: argmax per heatmap, a quarter-pixel step toward the higher neighbour, then
  the inverse affine back to image pixels. `flip_back` undoes a horizontal flip for the flip test.

Reference models read images with OpenCV (BGR) and normalise them with the ImageNet *RGB* mean and
std applied channel by channel as written: B with the R statistics, and so on. `normalise_bgr`
does exactly that, on purpose, so their released weights see what they were trained on.
"""

from __future__ import annotations

import math

import numpy as np

PIXEL_STD = 200.0
BOX_PADDING = 1.25
IMAGENET_MEAN = (0.485, 0.456, 0.406)  # applied to the B, G, R channels in that order (see above)
IMAGENET_STD = (0.229, 0.224, 0.225)
COCO_FLIP_PAIRS = ((1, 2), (3, 4), (5, 6), (7, 8), (9, 10), (11, 12), (13, 14), (15, 16))


def box_to_centre_scale(
    x: float, y: float, w: float, h: float, aspect_ratio: float, padding: float = BOX_PADDING
) -> tuple[np.ndarray, np.ndarray]:
    """Centre (px) and scale (in units of PIXEL_STD) of a box padded to `aspect_ratio` = width / height."""
    centre = np.array([x + w * 0.5, y + h * 0.5], np.float64)
    if w > aspect_ratio * h:
        h = w / aspect_ratio
    else:
        w = h * aspect_ratio
    scale = np.array([w / PIXEL_STD, h / PIXEL_STD], np.float64) * padding
    return centre, scale


def _rotate(point: np.ndarray, rad: float) -> np.ndarray:
    s, c = math.sin(rad), math.cos(rad)
    return np.array([point[0] * c - point[1] * s, point[0] * s + point[1] * c])


def _third_point(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    d = a - b
    return b + np.array([-d[1], d[0]])


def _affine_from_points(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """The 2×3 matrix mapping three source points exactly onto three destination points."""
    a = np.hstack([src, np.ones((3, 1))])
    return np.linalg.solve(a, dst).T


def affine_transform_matrix(
    centre: np.ndarray, scale: np.ndarray, rotation_deg: float, output_size: tuple[int, int], inverse: bool = False
) -> np.ndarray:
    """2×3 matrix from the image region (centre, scale, rotation) to an output of (width, height).

    Three point pairs fix it: the centre goes to the output centre, a point half a region-width
    above the centre (rotated) to the middle of the top edge, and a third point at right angles.
    """
    src_w = scale[0] * PIXEL_STD
    dst_w, dst_h = output_size
    src_dir = _rotate(np.array([0.0, src_w * -0.5]), math.radians(rotation_deg))
    dst_dir = np.array([0.0, dst_w * -0.5])
    src = np.zeros((3, 2))
    dst = np.zeros((3, 2))
    src[0], src[1] = centre, centre + src_dir
    dst[0] = [dst_w * 0.5, dst_h * 0.5]
    dst[1] = dst[0] + dst_dir
    src[2], dst[2] = _third_point(src[0], src[1]), _third_point(dst[0], dst[1])
    return _affine_from_points(dst, src) if inverse else _affine_from_points(src, dst)


def apply_affine(points: np.ndarray, m: np.ndarray) -> np.ndarray:
    """Apply a 2×3 affine matrix to an (..., 2) array of points."""
    pts = np.asarray(points, np.float64)
    return pts @ m[:, :2].T + m[:, 2]


def gaussian_target(
    joints: np.ndarray,
    visible: np.ndarray,
    image_size: tuple[int, int],
    heatmap_size: tuple[int, int],
    sigma: float = 2.0,
) -> tuple[np.ndarray, np.ndarray]:
    """(K×H×W float32 heatmaps, K float32 weights) for joints in model-input pixels.

    Args:
        joints: K×2 (x, y) in input pixels (e.g. of the 192×256 crop).
        visible: K, > 0 where the joint is labelled.
        image_size, heatmap_size: (width, height).
    """
    k = len(joints)
    w, h = heatmap_size
    stride = np.array(image_size, np.float64) / np.array(heatmap_size, np.float64)
    target = np.zeros((k, h, w), np.float32)
    weight = (np.asarray(visible) > 0).astype(np.float32)
    radius = int(sigma * 3)
    size = 2 * radius + 1
    g1 = np.arange(size, dtype=np.float64)
    g = np.exp(-((g1[None, :] - radius) ** 2 + (g1[:, None] - radius) ** 2) / (2 * sigma**2))
    for j in range(k):
        if weight[j] == 0:
            continue
        mx = int(joints[j][0] / stride[0] + 0.5)
        my = int(joints[j][1] / stride[1] + 0.5)
        x0, y0, x1, y1 = mx - radius, my - radius, mx + radius + 1, my + radius + 1
        if x0 >= w or y0 >= h or x1 <= 0 or y1 <= 0:
            weight[j] = 0
            continue
        gx0, gy0 = max(0, -x0), max(0, -y0)
        gx1, gy1 = min(x1, w) - x0, min(y1, h) - y0
        target[j, max(0, y0) : min(y1, h), max(0, x0) : min(x1, w)] = g[gy0:gy1, gx0:gx1]
    return target, weight


def max_predictions(heatmaps: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(N×K×2 argmax (x, y) in heatmap pixels, N×K×1 peak values); coordinates are 0 where the peak ≤ 0."""
    n, k, h, w = heatmaps.shape
    flat = heatmaps.reshape(n, k, -1)
    idx = flat.argmax(axis=2)
    maxvals = flat.max(axis=2)[..., None]
    coords = np.stack([idx % w, idx // w], axis=2).astype(np.float64)
    coords *= maxvals > 0
    return coords, maxvals


def final_predictions(heatmaps: np.ndarray, centres: np.ndarray, scales: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(N×K×2 image-pixel joints, N×K×1 peak values): argmax, quarter-pixel shift, inverse affine.

    The inverse affine is built at heatmap resolution (as in the reference code), so the model's
    input size is not needed.
    """
    coords, maxvals = max_predictions(heatmaps)
    n, k, h, w = heatmaps.shape
    for i in range(n):
        for j in range(k):
            hm = heatmaps[i, j]
            px, py = int(math.floor(coords[i, j, 0] + 0.5)), int(math.floor(coords[i, j, 1] + 0.5))
            if 1 < px < w - 1 and 1 < py < h - 1:
                diff = np.array([hm[py, px + 1] - hm[py, px - 1], hm[py + 1, px] - hm[py - 1, px]])
                coords[i, j] += np.sign(diff) * 0.25
    preds = np.zeros_like(coords)
    for i in range(n):
        inv = affine_transform_matrix(centres[i], scales[i], 0.0, (w, h), inverse=True)
        preds[i] = apply_affine(coords[i], inv)
    return preds, maxvals


def flip_back(heatmaps: np.ndarray, flip_pairs=COCO_FLIP_PAIRS) -> np.ndarray:
    """Heatmaps of a horizontally flipped input, flipped back with left/right channels swapped."""
    out = heatmaps[..., ::-1].copy()
    for a, b in flip_pairs:
        out[:, [a, b]] = out[:, [b, a]]
    return out


def flip_test_average(
    heatmaps: np.ndarray, flipped_heatmaps: np.ndarray, flip_pairs=COCO_FLIP_PAIRS, shift: bool = True
) -> np.ndarray:
    """Average of the heatmaps and the flipped-back heatmaps of the mirrored input.

    The flipped-back maps are shifted one pixel right first (`shift`), which the reference code does
    to line the two up: flipping an even-width map moves a peak at x to W-1-x instead of W-x.
    """
    back = flip_back(flipped_heatmaps, flip_pairs)
    if shift:
        back[..., 1:] = back[..., :-1].copy()
    return (heatmaps + back) * 0.5


def normalise_bgr(crop_bgr: np.ndarray) -> np.ndarray:
    """H×W×3 uint8 BGR crop → 1×3×H×W float32, ImageNet mean/std applied to B, G, R as written."""
    x = crop_bgr.astype(np.float32) / np.float32(255.0)
    y = (x - np.array(IMAGENET_MEAN, np.float32)) / np.array(IMAGENET_STD, np.float32)
    return np.ascontiguousarray(y.transpose(2, 0, 1)[None])
