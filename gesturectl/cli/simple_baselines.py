"""`gesturectl export-simple-baselines` and `gesturectl train-simple-baselines` (need the [torch] extra)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from gesturectl.errors import GesturectlError


def _hw(text: str) -> tuple[int, int]:
    try:
        h, w = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise GesturectlError(f"--input {text!r}: expected HEIGHTxWIDTH, e.g. 256x192") from None
    if h % 32 or w % 32:
        raise GesturectlError(f"--input {text}: height and width must be multiples of 32 (the backbone's stride)")
    return h, w


def register(sub) -> None:
    ex = sub.add_parser("export-simple-baselines", help="export a Simple Baselines PoseResNet to ONNX (needs [torch])")
    ex.add_argument("checkpoint", nargs="?", type=Path, help="a .pth/.pth.tar checkpoint (omit with --random)")
    ex.add_argument("--random", action="store_true", help="random weights (for testing the wiring only)")
    ex.add_argument("--layers", type=int, default=50, choices=[18, 34, 50, 101, 152])
    ex.add_argument("--joints", type=int, default=17)
    ex.add_argument("--input", default="256x192", help="input height x width (default 256x192)")
    ex.add_argument("-o", "--output", type=Path, required=True)
    ex.set_defaults(func=run)

    tr = sub.add_parser("train-simple-baselines", help="train a PoseResNet on COCO-format keypoints (needs [torch])")
    tr.add_argument("--annotations", type=Path, required=True, help="COCO keypoints json")
    tr.add_argument("--images", type=Path, required=True, help="folder of the images it names")
    tr.add_argument("--layers", type=int, default=50, choices=[18, 34, 50, 101, 152])
    tr.add_argument("--input", default="256x192", help="input height x width")
    tr.add_argument("--epochs", type=int, default=140)
    tr.add_argument("--batch-size", type=int, default=32)
    tr.add_argument("--lr", type=float, default=1e-3)
    tr.add_argument("--lr-steps", default="90,120", help="epochs at which the learning rate is multiplied by 0.1")
    tr.add_argument("--deconv-filters", default="256,256,256")
    tr.add_argument("--no-augment", action="store_true", help="no random scale/rotation/flip")
    tr.add_argument("-o", "--output", type=Path, required=True, help="checkpoint to write (.pth)")
    tr.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import importlib.util

    if importlib.util.find_spec("torch") is None:
        raise GesturectlError("this command needs PyTorch: pip install 'gesturectl[torch]'")
    from gesturectl.simple_baselines.model import PoseResNet

    hw = _hw(args.input)
    if args.command == "export-simple-baselines":
        from gesturectl.simple_baselines.checkpoint import load_weights
        from gesturectl.simple_baselines.export import export_onnx

        if (args.checkpoint is None) == (not args.random):
            raise GesturectlError("give a CHECKPOINT, or --random for random weights (wiring tests only)")
        model = PoseResNet(args.layers, args.joints)
        weights = "random (untrained)"
        if args.checkpoint is not None:
            load_weights(model, args.checkpoint)
            weights = f"checkpoint {args.checkpoint.name}"
        export_onnx(model, args.output, hw, weights)
        print(
            f"wrote {args.output}: PoseResNet-{args.layers}, {args.joints} joints, input {hw[0]}x{hw[1]}, "
            f"weights: {weights}",
            file=sys.stderr,
        )
        if args.random:
            print(
                "note: random weights give meaningless keypoints; use this file only to test the wiring",
                file=sys.stderr,
            )
        return 0
    from gesturectl.simple_baselines.train import TrainSettings, train

    s = TrainSettings(
        layers=args.layers,
        input_hw=hw,
        epochs=args.epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        lr_steps=tuple(int(v) for v in args.lr_steps.split(",") if v),
        augment=not args.no_augment,
        deconv_filters=tuple(int(v) for v in args.deconv_filters.split(",")),
    )
    train(
        args.annotations,
        args.images,
        s,
        args.output,
        on_epoch=lambda r: print(
            f"epoch {r.epoch + 1}/{s.epochs}: loss {r.loss:.3e}, lr {r.lr:g}, {r.seconds:.1f} s",
            file=sys.stderr,
            flush=True,
        ),
    )
    print(f"wrote {args.output}", file=sys.stderr)
    return 0
