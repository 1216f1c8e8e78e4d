#!/usr/bin/env python3
"""Figures and tables for docs/simple_baselines.md, computed from the project's own code.

    python tools/draw_simple_baselines_figures.py        (needs the [torch] extra; about a minute)

- docs/simple_baselines/network.png: PoseResNet-50 at 256×192, each stage with its output shape,
  parameters and multiply-accumulates (measured by hooks, gesturectl/simple_baselines/flops.py);
- docs/simple_baselines/heatmap.png: a small PoseResNet-18 trained on synthetic discs, one test
  image, the predicted heatmap of one joint, and the decoding (argmax, quarter-pixel shift,
  inverse affine) drawn back on the image;
- prints the per-depth parameter and MAC table used in the write-up.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import cv2
import numpy as np

from gesturectl.pose.heatmaps import final_predictions, max_predictions
from gesturectl.simple_baselines.data import CocoKeypoints, make_blob_dataset
from gesturectl.simple_baselines.flops import layer_costs, summarise
from gesturectl.simple_baselines.model import PoseResNet, count_parameters
from gesturectl.simple_baselines.train import TrainSettings, train

OUT = Path(__file__).resolve().parents[1] / "docs" / "simple_baselines"
FONT = cv2.FONT_HERSHEY_SIMPLEX


def network_figure() -> None:
    rows = layer_costs(PoseResNet(50), (256, 192))
    parts = summarise(rows)
    shape_of = {}
    for r in rows:
        part = "stem" if r.name == "conv1" else r.name.split(".")[0]
        shape_of[part] = r.output_shape
    shape_of["stem"] = (64, 64, 48)  # after the 3×3 max-pool (stride 4 in all)
    stages = [("input", "BGR image", (3, 256, 192), 0, 0)]
    labels = {
        "stem": "conv 7x7/2 + BN + ReLU + maxpool 3x3/2",
        "layer1": "3 bottlenecks (64-64-256)",
        "layer2": "4 bottlenecks (128-128-512), /2",
        "layer3": "6 bottlenecks (256-256-1024), /2",
        "layer4": "3 bottlenecks (512-512-2048), /2",
    }
    for p in ("stem", "layer1", "layer2", "layer3", "layer4"):
        stages.append((p, labels[p], shape_of[p], *parts[p]))
    deconv = [r for r in rows if r.name.startswith("deconv_layers")]
    for i, r in enumerate(deconv):
        stages.append((f"deconv{i + 1}", "deconv 4x4/2, 256, no bias + BN + ReLU", r.output_shape, r.params, r.macs))
    fin = [r for r in rows if r.name == "final_layer"][0]
    stages.append(("final", "conv 1x1 -> 17 heatmaps", fin.output_shape, fin.params, fin.macs))
    w, row_h = 1000, 58
    img = np.full((row_h * len(stages) + 70, w, 3), 255, np.uint8)
    cv2.putText(
        img,
        "PoseResNet-50, 256x192 input (shapes C x H x W; params; multiply-accumulates)",
        (20, 32),
        FONT,
        0.6,
        (0, 0, 0),
        1,
        cv2.LINE_AA,
    )
    max_c = 2048
    for i, (name, text, shape, params, macs) in enumerate(stages):
        y = 55 + i * row_h
        colour = (230, 200, 160) if name.startswith("deconv") or name == "final" else (200, 225, 240)
        bw = int(120 + 260 * (shape[1] / 256))
        cv2.rectangle(img, (20, y), (20 + bw, y + row_h - 14), colour, -1)
        cv2.rectangle(img, (20, y), (20 + bw, y + row_h - 14), (90, 90, 90), 1)
        cv2.putText(img, name, (28, y + 28), FONT, 0.55, (0, 0, 0), 1, cv2.LINE_AA)
        cv2.putText(img, text, (420, y + 18), FONT, 0.48, (30, 30, 30), 1, cv2.LINE_AA)
        stats = f"{shape[0]}x{shape[1]}x{shape[2]}"
        if params:
            stats += f"   {params / 1e6:.2f} M params   {macs / 1e9:.2f} GMAC"
        cv2.putText(img, stats, (420, y + 38), FONT, 0.48, (90, 40, 40), 1, cv2.LINE_AA)
        if i:
            cv2.arrowedLine(img, (60, y - 14), (60, y), (0, 0, 0), 1, tipLength=0.5)
        _ = max_c
    cv2.imwrite(str(OUT / "network.png"), img)


def heatmap_figure() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        ann = make_blob_dataset(d, n_images=160, size_wh=(96, 128), joints=4, seed=0)
        s = TrainSettings(
            layers=18,
            input_hw=(128, 96),
            epochs=30,
            batch_size=16,
            lr_steps=(24,),
            augment=False,
            deconv_filters=(64, 64, 64),
        )
        model, reports = train(ann, d, s)
        test_ann = make_blob_dataset(d / "test", n_images=1, size_wh=(96, 128), joints=4, seed=123)  # held out
        data = CocoKeypoints(test_ann, d / "test", (128, 96))
        import torch

        x, _, _, centre, scale = data[0]
        with torch.no_grad():
            hm = model.eval()(x[None]).numpy()
        image = cv2.imread(str(d / "test" / "blob_0000.png"))
        j = 0
        coords, _ = max_predictions(hm)
        preds, _ = final_predictions(hm, centre.numpy()[None], scale.numpy()[None])
        gt = data.samples[0][1][j, :2]
    zoom = 4
    big = cv2.resize(image, None, fx=zoom, fy=zoom, interpolation=cv2.INTER_NEAREST)
    h = hm[0, j]
    hv = cv2.applyColorMap(np.uint8(255 * np.clip(h / max(h.max(), 1e-6), 0, 1)), cv2.COLORMAP_JET)
    hv = cv2.resize(hv, (big.shape[1], big.shape[0]), interpolation=cv2.INTER_NEAREST)
    cx, cy = coords[0, j]
    cell = big.shape[1] / h.shape[1]
    cv2.rectangle(
        hv, (int(cx * cell), int(cy * cell)), (int((cx + 1) * cell), int((cy + 1) * cell)), (255, 255, 255), 2
    )
    px, py = preds[0, j] * zoom
    gx, gy = gt * zoom
    out = big.copy()
    cv2.circle(out, (int(gx), int(gy)), 9, (0, 0, 0), 2, cv2.LINE_AA)
    cv2.drawMarker(out, (int(px), int(py)), (255, 255, 255), cv2.MARKER_CROSS, 18, 2)
    panel = np.hstack([hv, np.full((big.shape[0], 10, 3), 255, np.uint8), out])
    band = np.full((70, panel.shape[1], 3), 255, np.uint8)
    err = float(np.hypot(*(preds[0, j] - gt)))
    cv2.putText(
        band,
        f"joint 0 (red disc): heatmap {h.shape[1]}x{h.shape[0]}, argmax cell ({int(cx)},{int(cy)}) boxed;",
        (8, 25),
        FONT,
        0.5,
        (0, 0, 0),
        1,
        cv2.LINE_AA,
    )
    cv2.putText(
        band,
        f"held-out image: decoded (cross) {preds[0, j][0]:.1f},{preds[0, j][1]:.1f} px vs truth (ring) "
        f"{gt[0]:.1f},{gt[1]:.1f}: {err:.1f} px; final train loss {reports[-1].loss:.2e}",
        (8, 52),
        FONT,
        0.5,
        (0, 0, 0),
        1,
        cv2.LINE_AA,
    )
    cv2.imwrite(str(OUT / "heatmap.png"), np.vstack([band, panel]))


def table() -> None:
    print("| model | params | GMAC 256x192 | GMAC 384x288 |")
    print("|---|---|---|---|")
    for layers in (18, 34, 50, 101, 152):
        m = PoseResNet(layers)
        macs = [sum(r.macs for r in layer_costs(m, hw)) / 1e9 for hw in ((256, 192), (384, 288))]
        print(f"| PoseResNet-{layers} | {count_parameters(m):,} | {macs[0]:.2f} | {macs[1]:.2f} |")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    network_figure()
    table()
    heatmap_figure()
    print(f"wrote {OUT / 'network.png'} and {OUT / 'heatmap.png'}")


if __name__ == "__main__":
    main()
