"""Per-layer output shapes, parameters and multiply-accumulates of a PoseResNet, measured with hooks.

Convolution MACs = C_out·H_out·W_out·(C_in/groups)·k_h·k_w; a transposed convolution does
C_in·H_in·W_in·C_out·k_h·k_w (each input pixel scatters a k×k patch to every output channel).
FLOPs are counted as 2 × MACs. BatchNorm, ReLU and pooling are left out (well under 1%).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class LayerCost:
    name: str
    output_shape: tuple[int, ...]
    params: int
    macs: int


def layer_costs(model: nn.Module, input_hw: tuple[int, int] = (256, 192)) -> list[LayerCost]:
    rows: list[LayerCost] = []
    hooks = []

    def hook(name):
        def fn(mod, inp, out):
            x = inp[0]
            w = mod.weight
            if isinstance(mod, nn.ConvTranspose2d):
                macs = x.shape[1] * x.shape[2] * x.shape[3] * w.shape[1] * w.shape[2] * w.shape[3]
            else:
                macs = out.shape[1] * out.shape[2] * out.shape[3] * w.shape[1] * w.shape[2] * w.shape[3]
            params = sum(p.numel() for p in mod.parameters(recurse=False))
            rows.append(LayerCost(name, tuple(out.shape[1:]), params, int(macs)))

        return fn

    for name, mod in model.named_modules():
        if isinstance(mod, (nn.Conv2d, nn.ConvTranspose2d)):
            hooks.append(mod.register_forward_hook(hook(name)))
    try:
        with torch.no_grad():
            model.eval()(torch.zeros(1, 3, *input_hw))
    finally:
        for h in hooks:
            h.remove()
    return rows


def summarise(rows: list[LayerCost]) -> dict[str, tuple[int, int]]:
    """(params of conv/deconv weights, MACs) per part: stem, layer1..4, deconv_layers, final_layer."""
    out: dict[str, tuple[int, int]] = {}
    for r in rows:
        part = r.name.split(".")[0]
        part = "stem" if part == "conv1" else part
        p, m = out.get(part, (0, 0))
        out[part] = (p + r.params, m + r.macs)
    return out
