#!/usr/bin/env python3
"""What the pose service costs: requests/s and p50/p95 latency of `POST /v1/pose` at concurrency 1 and 8
against the real `gesturectl serve` (a subprocess on loopback), a bounded number of requests each; the peer is
the same decode + estimate called directly in this process (the ratio is the HTTP and pool overhead). Then the
Lambda handler's cold start in a fresh interpreter: import, then the first request (model load + inference),
then a warm request.

    python bench/bench_serve.py [--model lite|full] [--requests 80] [--workers 2] [--image PHOTO]

Needs the serve and test extras (fastapi, uvicorn, httpx; scikit-image for the default photo).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]

COLD_START = r"""
import base64, json, resource, sys, time
t0 = time.perf_counter()
from gesturectl.serverless import handler
t1 = time.perf_counter()
body = base64.b64encode(open(sys.argv[1], "rb").read()).decode()
event = {"version": "2.0", "rawPath": "/v1/pose", "rawQueryString": "", "headers": {"content-type": "image/png"},
         "requestContext": {"http": {"method": "POST", "path": "/v1/pose"}}, "body": body, "isBase64Encoded": True}
r = handler(event, None)
t2 = time.perf_counter()
r2 = handler(event, None)
t3 = time.perf_counter()
assert r["statusCode"] == 200 and r2["statusCode"] == 200, r["body"]
print(json.dumps({"import_s": t1 - t0, "first_s": t2 - t1, "warm_s": t3 - t2,
                  "people": len(json.loads(r["body"])["people"]),
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def photo_png(path: str | None) -> bytes:
    if path:
        return cv2.imencode(".png", cv2.imread(path))[1].tobytes()
    import skimage.data

    return cv2.imencode(".png", cv2.cvtColor(skimage.data.astronaut(), cv2.COLOR_RGB2BGR))[1].tobytes()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(model: str, workers: int, port: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "gesturectl", "serve", "--port", str(port), "--model", model]
    proc = subprocess.Popen([*cmd, "--workers", str(workers)], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
            return proc
        except httpx.TransportError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start")


def load(url: str, body: bytes, concurrency: int, requests: int) -> tuple[float, np.ndarray]:
    """(requests per second, latencies in ms) of `requests` POSTs from `concurrency` clients."""
    with httpx.Client(base_url=url, timeout=60, limits=httpx.Limits(max_connections=concurrency)) as client:

        def one(_: int) -> float:
            t = time.perf_counter()
            r = client.post("/v1/pose", content=body, headers={"Content-Type": "image/png"})
            assert r.status_code == 200 and r.json()["people"], r.text
            return (time.perf_counter() - t) * 1e3

        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(one, range(2 * concurrency)))  # warm-up: connections, first inferences
            start = time.perf_counter()
            ms = np.array(list(pool.map(one, range(requests))))
            wall = time.perf_counter() - start
    return requests / wall, ms


def direct_ms(model: str, body: bytes, n: int) -> np.ndarray:
    """The peer: decode + estimate in this process, one request's work without HTTP."""
    from gesturectl.pose.settings import PoseSettings
    from gesturectl.service.core import PoseService
    from gesturectl.service.request import parse_pose_request

    service = PoseService(PoseSettings(model=model), workers=1)
    job = parse_pose_request(body, "image/png", {}, None)
    service.run(job)
    out = []
    for _ in range(n):
        t = time.perf_counter()
        service.run(job)
        out.append((time.perf_counter() - t) * 1e3)
    return np.array(out)


def cold_start(body: bytes, model: str) -> dict:
    path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench_serve_{os.getpid()}.png"
    path.write_bytes(body)
    try:
        env = {**os.environ, "GESTURECTL_MODEL": model}
        out = subprocess.run([sys.executable, "-c", COLD_START, str(path)], capture_output=True, text=True, env=env)
        if out.returncode:
            raise SystemExit(out.stderr)
        return json.loads(out.stdout)
    finally:
        path.unlink(missing_ok=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="lite")
    ap.add_argument("--requests", type=int, default=80, help="timed requests per concurrency level")
    ap.add_argument("--workers", type=int, default=min(4, os.cpu_count() or 1))
    ap.add_argument("--image", help="a photo (default: scikit-image's astronaut, 512×512)")
    args = ap.parse_args()
    body = photo_png(args.image)
    print(f"model {args.model}, {len(body)} byte PNG, server workers {args.workers}, {os.cpu_count()} CPUs")

    peer = direct_ms(args.model, body, 30)
    print(f"direct (peer, no HTTP): p50 {np.median(peer):.1f} ms, p95 {np.percentile(peer, 95):.1f} ms")
    port = free_port()
    proc = start_server(args.model, args.workers, port)
    try:
        for conc in (1, 8):
            rps, ms = load(f"http://127.0.0.1:{port}", body, conc, args.requests)
            p50, p95 = np.median(ms), np.percentile(ms, 95)
            print(
                f"concurrency {conc}: {rps:.1f} requests/s, p50 {p50:.1f} ms, p95 {p95:.1f} ms "
                f"({args.requests} requests; p50 {p50 / np.median(peer):.2f}× the direct call's, "
                f"throughput {rps * np.median(peer) / 1e3:.2f}× one direct caller's)"
            )
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(30)
    cold = cold_start(body, args.model)
    print(
        f"Lambda handler cold start (fresh interpreter): import {cold['import_s'] * 1e3:.0f} ms + first request "
        f"{cold['first_s'] * 1e3:.0f} ms (model load + inference) = {(cold['import_s'] + cold['first_s']):.2f} s; "
        f"warm request {cold['warm_s'] * 1e3:.0f} ms; peak RSS {cold['peak_rss_mb']:.0f} MB"
    )


if __name__ == "__main__":
    main()
