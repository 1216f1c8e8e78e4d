"""Training PoseResNet on COCO-format keypoints: Adam, lr 1e-3, ×0.1 at epochs 90 and 120 (the paper's schedule).

Everything is configurable from `gesturectl train-simple-baselines`; evaluation decodes with the
same `final_predictions` the runtime uses and reports the mean joint error in image pixels.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader

from gesturectl.pose.heatmaps import final_predictions
from gesturectl.simple_baselines.data import CocoKeypoints
from gesturectl.simple_baselines.loss import JointsMSELoss
from gesturectl.simple_baselines.model import PoseResNet

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainSettings:
    layers: int = 50
    input_hw: tuple[int, int] = (256, 192)
    epochs: int = 140
    batch_size: int = 32
    lr: float = 1e-3
    lr_steps: tuple[int, ...] = (90, 120)
    lr_factor: float = 0.1
    sigma: float = 2.0
    augment: bool = True
    deconv_filters: tuple[int, ...] = (256, 256, 256)
    seed: int = 0
    threads: int = 2


@dataclass(frozen=True)
class EpochReport:
    epoch: int
    loss: float
    lr: float
    seconds: float


def train(
    annotations: Path, images: Path, s: TrainSettings, out: Path | None = None, on_epoch=None
) -> tuple[PoseResNet, list[EpochReport]]:
    torch.manual_seed(s.seed)
    torch.set_num_threads(s.threads)
    data = CocoKeypoints(annotations, images, s.input_hw, s.sigma, s.augment, seed=s.seed)
    loader = DataLoader(
        data, batch_size=s.batch_size, shuffle=True, num_workers=0, generator=torch.Generator().manual_seed(s.seed)
    )
    model = PoseResNet(s.layers, data.num_joints, s.deconv_filters)
    criterion = JointsMSELoss(use_target_weight=True)
    opt = torch.optim.Adam(model.parameters(), lr=s.lr)
    sched = torch.optim.lr_scheduler.MultiStepLR(opt, list(s.lr_steps), s.lr_factor)
    reports = []
    for epoch in range(s.epochs):
        model.train()
        t0, total, n = time.monotonic(), 0.0, 0
        for x, target, weight, _, _ in loader:
            loss = criterion(model(x), target, weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(x)
            n += len(x)
        rep = EpochReport(epoch, total / n, opt.param_groups[0]["lr"], time.monotonic() - t0)
        sched.step()
        reports.append(rep)
        if on_epoch is not None:
            on_epoch(rep)
    if out is not None:
        torch.save(
            {"state_dict": model.state_dict(), "epoch": s.epochs, "layers": s.layers, "num_joints": data.num_joints},
            out,
        )
    return model, reports


@torch.no_grad()
def evaluate(model: PoseResNet, annotations: Path, images: Path, input_hw: tuple[int, int]) -> tuple[float, np.ndarray]:
    """(mean joint error in image pixels, per-sample errors) decoding with `final_predictions`."""
    data = CocoKeypoints(annotations, images, input_hw, augment=False)
    model.eval()
    errors = []
    for i in range(len(data)):
        x, _, _, centre, scale = data[i]
        hm = model(x[None]).numpy()
        preds, _ = final_predictions(hm, centre.numpy()[None], scale.numpy()[None])
        gt = data.samples[i][1][:, :2]
        errors.append(np.linalg.norm(preds[0] - gt, axis=1))
    errs = np.array(errors)
    return float(errs.mean()), errs
