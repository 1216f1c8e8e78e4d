"""Training works end to end: on a small dataset of coloured discs at known positions, the loss falls
and the decoded joints (the runtime's decoding) land within about two model-input pixels."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

pytestmark = pytest.mark.slow
torch = pytest.importorskip("torch")

from gesturectl.simple_baselines.data import make_blob_dataset
from gesturectl.simple_baselines.train import TrainSettings, evaluate, train


def test_loss_falls_and_joints_land(tmp_path):
    ann = make_blob_dataset(tmp_path, n_images=24, size_wh=(96, 128), joints=4, seed=0)
    s = TrainSettings(
        layers=18,
        input_hw=(128, 96),
        epochs=50,
        batch_size=8,
        lr=1e-3,
        lr_steps=(40,),
        augment=False,
        deconv_filters=(64, 64, 64),
    )
    model, reports = train(ann, tmp_path, s, out=tmp_path / "blobs.pth")
    first, last = reports[0].loss, reports[-1].loss
    assert last < 0.05 * first, [round(r.loss * 1e4, 2) for r in reports]
    assert reports[-1].lr == pytest.approx(1e-4)  # stepped ×0.1 at epoch 40
    mean_px, errs = evaluate(model, ann, tmp_path, (128, 96))
    # the person box is the whole 96×128 image, padded ×1.25: one input pixel is 1.25 image pixels
    mean_input_px = mean_px / 1.25
    assert mean_input_px < 2.0, mean_input_px
    assert np.mean(errs / 1.25 < 4.0) > 0.9
    assert (tmp_path / "blobs.pth").stat().st_size > 0


def test_train_command_writes_a_loadable_checkpoint(tmp_path):
    ann = make_blob_dataset(tmp_path / "d", n_images=4, joints=2)
    out = tmp_path / "m.pth"
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "gesturectl",
            "train-simple-baselines",
            "--annotations",
            str(ann),
            "--images",
            str(tmp_path / "d"),
            "--layers",
            "18",
            "--input",
            "128x96",
            "--epochs",
            "2",
            "--batch-size",
            "2",
            "--deconv-filters",
            "32,32,32",
            "-o",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert "epoch 2/2: loss" in r.stderr
    ckpt = torch.load(out, weights_only=True)
    assert ckpt["num_joints"] == 2 and "final_layer.weight" in ckpt["state_dict"]
