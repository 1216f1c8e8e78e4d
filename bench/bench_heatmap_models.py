#!/usr/bin/env python3
"""CPU time per inference of Simple Baselines PoseResNet exports against the bundled BlazePose landmark
models, in the same run, one onnxruntime thread each (the daemon's setting). Needs the [torch] extra.

    python bench/bench_heatmap_models.py [--runs 30]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from gesturectl.pose.models import OnnxModel, verified_path


def cpu_ms(model: OnnxModel, x: np.ndarray, runs: int) -> float:
    model(x)  # warm-up
    t0 = time.process_time()
    for _ in range(runs):
        model(x)
    return (time.process_time() - t0) / runs * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    args = ap.parse_args()
    from gesturectl.simple_baselines.export import export_onnx
    from gesturectl.simple_baselines.model import PoseResNet

    results = {}
    lm = np.random.default_rng(0).random((1, 256, 256, 3), dtype=np.float32)
    for name in ("lite", "full"):
        results[f"BlazePose landmark {name} (256x256)"] = cpu_ms(
            OnnxModel(verified_path(f"pose_landmark_{name}")), lm, args.runs
        )
    x = np.random.default_rng(0).standard_normal((1, 3, 256, 192)).astype(np.float32)
    with tempfile.TemporaryDirectory() as tmp:
        for layers in (18, 50):
            p = export_onnx(PoseResNet(layers), Path(tmp) / f"r{layers}.onnx")
            results[f"PoseResNet-{layers} (256x192)"] = cpu_ms(OnnxModel(p), x, args.runs)
    base = results["BlazePose landmark full (256x256)"]
    for k, v in results.items():
        print(f"{k:36s} {v:8.1f} ms CPU   {v / base:5.2f}x BlazePose full")


if __name__ == "__main__":
    main()
