"""JointsMSELoss: mean squared error between predicted and target heatmaps, averaged over joints.

    loss = (1/K) Σ_k 0.5 · mean_{n,p} ( w_nk · (P_nkp − G_nkp) )²

P: predicted heatmaps, G: Gaussian targets, p: heatmap pixels, n: batch, w: target weights (1 for
a labelled joint whose Gaussian lands on the map, else 0; `use_target_weight=False` uses 1 for
all). The weight multiplies *both* maps before the difference, as in the reference code, so an
unlabelled joint contributes nothing and the rest are not rescaled.
"""

from __future__ import annotations

import torch
from torch import nn


class JointsMSELoss(nn.Module):
    def __init__(self, use_target_weight: bool = True) -> None:
        super().__init__()
        self.use_target_weight = use_target_weight
        self.mse = nn.MSELoss(reduction="mean")

    def forward(
        self, output: torch.Tensor, target: torch.Tensor, target_weight: torch.Tensor | None = None
    ) -> torch.Tensor:
        """output, target: N×K×H×W; target_weight: N×K or N×K×1."""
        n, k = output.shape[:2]
        pred = output.reshape(n, k, -1)
        gt = target.reshape(n, k, -1)
        if self.use_target_weight:
            if target_weight is None:
                raise ValueError("use_target_weight=True needs target_weight (N×K)")
            w = target_weight.reshape(n, k, 1)
            pred, gt = pred * w, gt * w
        loss = output.new_zeros(())
        for j in range(k):
            loss = loss + 0.5 * self.mse(pred[:, j], gt[:, j])
        return loss / k
