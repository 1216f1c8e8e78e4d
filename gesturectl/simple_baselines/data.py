"""Training data: person crops and Gaussian heatmap targets from COCO-format keypoint annotations.

Each annotated person (iscrowd 0, at least one labelled keypoint) is one sample: its box becomes a
centre and scale (`box_to_centre_scale`), the affine crop maps it onto the model input, the joints
follow through the same matrix, and `gaussian_target` draws the heatmaps. Optional augmentation as
in the paper: random scale (±30%), rotation (±40°, with probability 0.6) and horizontal flip.

`make_blob_dataset` writes a small COCO-format dataset of synthetic images (a coloured disc per
joint at a known position) for testing that training works end to end.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import torch
from torch.utils.data import Dataset

from gesturectl.pose.heatmaps import (
    COCO_FLIP_PAIRS,
    affine_transform_matrix,
    apply_affine,
    box_to_centre_scale,
    gaussian_target,
    normalise_bgr,
)


class CocoKeypoints(Dataset):
    """Person crops + targets from a COCO keypoints json and its image folder."""

    def __init__(
        self,
        annotations: Path,
        images: Path,
        input_hw: tuple[int, int] = (256, 192),
        sigma: float = 2.0,
        augment: bool = False,
        flip_pairs=None,
        seed: int = 0,
    ) -> None:
        data = json.loads(Path(annotations).read_text())
        files = {im["id"]: im["file_name"] for im in data["images"]}
        self.samples = [
            (Path(images) / files[a["image_id"]], np.asarray(a["keypoints"], np.float64).reshape(-1, 3), a["bbox"])
            for a in data["annotations"]
            if not a.get("iscrowd", 0) and a.get("num_keypoints", 1) > 0 and a["image_id"] in files
        ]
        if not self.samples:
            raise ValueError(f"{annotations}: no usable person annotations")
        self.input_hw = input_hw
        self.heatmap_hw = (input_hw[0] // 4, input_hw[1] // 4)
        self.sigma = sigma
        self.augment = augment
        self.flip_pairs = flip_pairs if flip_pairs is not None else flip_pairs_from_names(data)
        self.rng = np.random.default_rng(seed)
        self.num_joints = len(self.samples[0][1])

    def __len__(self) -> int:
        return len(self.samples)

    def __getitem__(self, i: int):
        path, joints, (x, y, w, h) = self.samples[i]
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is None:
            raise FileNotFoundError(f"{path}: cannot read image")
        in_h, in_w = self.input_hw
        centre, scale = box_to_centre_scale(x, y, w, h, in_w / in_h)
        joints = joints.copy()
        rot = 0.0
        if self.augment:
            scale = scale * np.clip(self.rng.normal() * 0.3 + 1, 0.7, 1.3)
            rot = float(np.clip(self.rng.normal() * 40, -80, 80)) if self.rng.random() <= 0.6 else 0.0
            if self.rng.random() <= 0.5:
                image = image[:, ::-1]
                joints[:, 0] = image.shape[1] - joints[:, 0] - 1
                for a, b in self.flip_pairs:
                    joints[[a, b]] = joints[[b, a]]
                centre = centre.copy()
                centre[0] = image.shape[1] - centre[0] - 1
        m = affine_transform_matrix(centre, scale, rot, (in_w, in_h))
        crop = cv2.warpAffine(np.ascontiguousarray(image), m, (in_w, in_h), flags=cv2.INTER_LINEAR)
        pts = apply_affine(joints[:, :2], m)
        target, weight = gaussian_target(pts, joints[:, 2], (in_w, in_h), self.heatmap_hw[::-1], self.sigma)
        return (
            torch.from_numpy(normalise_bgr(crop)[0]),
            torch.from_numpy(target),
            torch.from_numpy(weight),
            torch.from_numpy(centre),
            torch.from_numpy(scale),
        )


def flip_pairs_from_names(coco: dict) -> tuple[tuple[int, int], ...]:
    """Left/right joint pairs from the category's keypoint names (COCO's pairs for COCO's names)."""
    cats = coco.get("categories") or [{}]
    names = cats[0].get("keypoints") or []
    pairs = tuple(
        (i, names.index("right_" + n[5:]))
        for i, n in enumerate(names)
        if n.startswith("left_") and "right_" + n[5:] in names
    )
    return pairs if names else COCO_FLIP_PAIRS


BLOB_COLOURS = ((0, 0, 255), (0, 255, 0), (255, 0, 0), (0, 255, 255), (255, 0, 255), (255, 255, 0))


def make_blob_dataset(
    folder: Path,
    n_images: int = 48,
    size_wh: tuple[int, int] = (96, 128),
    joints: int = 4,
    radius: int = 5,
    seed: int = 0,
) -> Path:
    """Write `n_images` images with one coloured disc per joint at random positions, and their COCO json.

    Returns the annotations path; the person box is the whole image, every joint is labelled visible.
    """
    if joints > len(BLOB_COLOURS):
        raise ValueError(f"at most {len(BLOB_COLOURS)} joints")
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    w, h = size_wh
    images, anns = [], []
    for i in range(n_images):
        img = np.full((h, w, 3), 96, np.uint8)
        img = np.clip(img.astype(np.int16) + rng.integers(-12, 13, img.shape), 0, 255).astype(np.uint8)
        kps = []
        for j in range(joints):
            x, y = rng.uniform(radius + 2, w - radius - 3), rng.uniform(radius + 2, h - radius - 3)
            cv2.circle(img, (int(round(x)), int(round(y))), radius, BLOB_COLOURS[j], -1, cv2.LINE_AA)
            kps += [round(float(x), 2), round(float(y), 2), 2]
        name = f"blob_{i:04d}.png"
        cv2.imwrite(str(folder / name), img)
        images.append({"id": i, "file_name": name, "width": w, "height": h})
        anns.append(
            {
                "id": i,
                "image_id": i,
                "category_id": 1,
                "iscrowd": 0,
                "num_keypoints": joints,
                "bbox": [0, 0, w, h],
                "keypoints": kps,
                "area": w * h,
            }
        )
    cats = [{"id": 1, "name": "person", "keypoints": [f"joint_{j}" for j in range(joints)], "skeleton": []}]
    path = folder / "annotations.json"
    path.write_text(json.dumps({"images": images, "annotations": anns, "categories": cats}))
    return path
