"""ONNX export: PyTorch vs onnxruntime on random weights (dynamic batch), and the exported model running as
the pose stage of `gesturectl pose` and of the daemon."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest

pytestmark = pytest.mark.slow
torch = pytest.importorskip("torch")
pytest.importorskip("onnx")

from gesturectl.pose.models import OnnxModel
from gesturectl.simple_baselines.export import export_onnx
from tests.simple_baselines.test_model_and_loss import _randomised


@pytest.mark.parametrize("layers", [18, 50])
def test_onnx_matches_pytorch(tmp_path, layers):
    model = _randomised(layers).eval()
    path = export_onnx(model, tmp_path / f"r{layers}.onnx", (256, 192), "random (untrained)")
    ort = OnnxModel(path)
    assert ort.input_shape[1:] == (3, 256, 192) and isinstance(ort.input_shape[0], str)  # dynamic batch
    assert ort.metadata["gesturectl.weights"].startswith("random")
    for batch in (1, 3):
        x = torch.randn(batch, 3, 256, 192, generator=torch.Generator().manual_seed(batch))
        with torch.no_grad():
            ref = model(x).numpy()
        got = next(iter(ort(x.numpy()).values()))
        assert got.shape == (batch, 17, 64, 48)
        assert np.abs(ref).max() > 0.05  # weights that produce real numbers, so the comparison means something
        assert np.abs(got - ref).max() < 1e-4


@pytest.fixture(scope="module")
def random_r18(tmp_path_factory):
    out = tmp_path_factory.mktemp("sb") / "pose_resnet_18_random.onnx"
    r = subprocess.run(
        [sys.executable, "-m", "gesturectl", "export-simple-baselines", "--random", "--layers", "18", "-o", str(out)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    assert "random weights give meaningless keypoints" in r.stderr
    return out


def test_gesturectl_pose_runs_an_exported_model(random_r18, tmp_path, astronaut_png):
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "gesturectl",
            "pose",
            str(astronaut_png),
            "--model",
            str(random_r18),
            "--json",
            "-o",
            str(tmp_path / "out.png"),
        ],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    assert "random (untrained) weights" in r.stderr
    rec = json.loads(r.stdout)
    assert rec["layout"] == "coco17" and len(rec["people"]) == 1 and len(rec["people"][0]["keypoints"]) == 17
    assert (tmp_path / "out.png").stat().st_size > 0


def test_daemon_runs_an_exported_model(random_r18, tmp_path, astronaut_png):
    import cv2

    frames = tmp_path / "frames"
    frames.mkdir()
    img = cv2.imread(str(astronaut_png))
    for i in range(8):
        cv2.imwrite(str(frames / f"{i:03d}.png"), img)
    cfg = tmp_path / "config.yaml"
    cfg.write_text(f"pose:\n  model: {random_r18}\n")
    env = {
        "GESTURECTL_RUNTIME_DIR": str(tmp_path / "rt"),
        "GESTURECTL_STATE_DIR": str(tmp_path / "st"),
        "PATH": "/usr/bin:/bin",
    }
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "gesturectl",
            "run",
            "--source",
            str(frames),
            "--dry-run",
            "--exit-at-end",
            "--config",
            str(cfg),
            "-v",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert "random (untrained) weights" in r.stderr
    # 8 frames at 30 fps against ~0.1 s per frame on this CPU: the one-slot queue keeps the newest, so
    # some frames are dropped by design; the heatmap model ran on every frame that was processed
    m = re.search(r"heatmaps [0-9.]+ ms x(\d+).*stopped: (\d+) frames", r.stderr, re.DOTALL)
    assert m and int(m.group(1)) == int(m.group(2)) >= 1, r.stderr


def test_bad_model_path_is_a_config_error(tmp_path, astronaut_png):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("pose:\n  model: /nope/model.onnx\n")
    r = subprocess.run(
        [sys.executable, "-m", "gesturectl", "pose", str(astronaut_png), "--config", str(cfg)],
        capture_output=True,
        text=True,
    )
    assert r.returncode == 2 and "pose.model (line 2): model file /nope/model.onnx does not exist" in r.stderr


def test_the_lambda_handler_serves_an_exported_model(random_r18, astronaut_png):
    import base64

    from gesturectl.serverless import make_handler, service_from_env

    env = {"GESTURECTL_MODEL": str(random_r18)}
    handler = make_handler(lambda: service_from_env(env), env)
    body = base64.b64encode(astronaut_png.read_bytes()).decode()
    event = {
        "version": "2.0",
        "rawPath": "/v1/pose",
        "requestContext": {"http": {"method": "POST"}},
        "body": body,
        "isBase64Encoded": True,
    }
    r = handler(event, None)
    assert r["statusCode"] == 200, r["body"]
    report = json.loads(r["body"])
    assert report["layout"] == "coco17" and len(report["people"][0]["keypoints"]) == 17
    health = handler({"version": "2.0", "rawPath": "/health", "requestContext": {"http": {"method": "GET"}}}, None)
    assert json.loads(health["body"])["model"] == str(random_r18)


def test_an_exported_model_as_the_pose_stage_bounds_opencvs_threads(random_r18):
    import cv2

    from gesturectl.pose.factory import build_estimator
    from gesturectl.pose.settings import PoseSettings

    cv2.setNumThreads(-1)
    try:
        build_estimator(PoseSettings(model=str(random_r18), threads=3))
        assert cv2.getNumThreads() == 3
    finally:
        cv2.setNumThreads(-1)
