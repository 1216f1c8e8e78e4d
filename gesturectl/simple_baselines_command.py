"""`gesturectl export-simple-baselines` and `gesturectl train-simple-baselines` (need the [torch] extra)."""

from __future__ import annotations

import sys

from gesturectl.errors import GesturectlError


def _hw(text: str) -> tuple[int, int]:
    try:
        h, w = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise GesturectlError(f"--input {text!r}: expected HEIGHTxWIDTH, e.g. 256x192") from None
    if h % 32 or w % 32:
        raise GesturectlError(f"--input {text}: height and width must be multiples of 32 (the backbone's stride)")
    return h, w


def run_simple_baselines_command(args) -> int:
    try:
        import torch  # noqa: F401
    except ImportError:
        raise GesturectlError("this command needs PyTorch: pip install 'gesturectl[torch]'") from None
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
        print(f"wrote {args.output}: PoseResNet-{args.layers}, {args.joints} joints, input {hw[0]}x{hw[1]}, "
              f"weights: {weights}", file=sys.stderr)
        if args.random:
            print("note: random weights give meaningless keypoints; use this file only to test the wiring",
                  file=sys.stderr)
        return 0
    from gesturectl.simple_baselines.train import TrainSettings, train

    s = TrainSettings(layers=args.layers, input_hw=hw, epochs=args.epochs, batch_size=args.batch_size, lr=args.lr,
                      lr_steps=tuple(int(v) for v in args.lr_steps.split(",") if v),
                      augment=not args.no_augment,
                      deconv_filters=tuple(int(v) for v in args.deconv_filters.split(",")))
    train(args.annotations, args.images, s, args.output,
          on_epoch=lambda r: print(f"epoch {r.epoch + 1}/{s.epochs}: loss {r.loss:.3e}, lr {r.lr:g}, "
                                   f"{r.seconds:.1f} s", file=sys.stderr, flush=True))
    print(f"wrote {args.output}", file=sys.stderr)
    return 0
