"""Loading PoseResNet weights: released checkpoints in any of their three layouts, strictly.

- a plain state_dict (`pose_resnet_50_256x192.pth.tar` as released),
- the same saved from `nn.DataParallel` (every key prefixed `module.`),
- a training checkpoint `{'state_dict': ..., 'epoch': ..., ...}` (possibly with the prefix too).
Keys and shapes must match exactly (`strict=True`); a mismatch names the missing and unexpected keys.
"""

from __future__ import annotations

from pathlib import Path

import torch

from gesturectl.errors import ModelError
from gesturectl.simple_baselines.model import PoseResNet


def extract_state_dict(obj) -> dict[str, torch.Tensor]:
    """The model's state_dict from any of the three layouts."""
    if isinstance(obj, dict) and "state_dict" in obj and isinstance(obj["state_dict"], dict):
        obj = obj["state_dict"]
    if not isinstance(obj, dict):
        raise ModelError(f"not a checkpoint: expected a state_dict or {{'state_dict': ...}}, got {type(obj).__name__}")
    if obj and all(k.startswith("module.") for k in obj):
        obj = {k[len("module.") :]: v for k, v in obj.items()}
    return obj


def load_weights(model: PoseResNet, source: str | Path | dict) -> PoseResNet:
    """Load a checkpoint (a path or an already-loaded object) into `model` with strict key/shape checks."""
    if isinstance(source, (str, Path)):
        try:
            obj = torch.load(str(source), map_location="cpu", weights_only=True)
        except FileNotFoundError:
            raise ModelError(f"{source}: no such checkpoint file") from None
        except Exception as e:
            raise ModelError(f"{source}: cannot read the checkpoint ({e})") from e
    else:
        obj = source
    state = extract_state_dict(obj)
    problems = key_problems(model.state_dict(), state)
    if problems:
        raise ModelError(
            f"checkpoint does not fit PoseResNet-{model.layers} with {model.num_joints} joints "
            f"(pass --layers/--joints to match it): " + "; ".join(problems)
        )
    model.load_state_dict(state, strict=True)
    return model


def key_problems(expected: dict, got: dict, show: int = 4) -> list[str]:
    """Missing keys, unexpected keys and shape mismatches, each summarised with a few names."""

    def few(keys: list[str]) -> str:
        return ", ".join(keys[:show]) + (f" and {len(keys) - show} more" if len(keys) > show else "")

    missing = [k for k in expected if k not in got]
    unexpected = [k for k in got if k not in expected]
    shapes = [
        f"{k} {tuple(got[k].shape)} vs {tuple(v.shape)}"
        for k, v in expected.items()
        if k in got and tuple(got[k].shape) != tuple(v.shape)
    ]
    out = []
    if missing:
        out.append(f"{len(missing)} missing key(s): {few(missing)}")
    if unexpected:
        out.append(f"{len(unexpected)} unexpected key(s): {few(unexpected)}")
    if shapes:
        out.append(f"{len(shapes)} shape mismatch(es) (checkpoint vs model): {few(shapes)}")
    return out
