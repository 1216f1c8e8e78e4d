"""The real HTTP server (uvicorn on a free loopback port), spoken to over HTTP with httpx."""

from __future__ import annotations

import struct
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor

import cv2
import numpy as np
import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("fastapi")

from gesturectl.pose.draw import draw_pose
from gesturectl.service.app import ServeOptions, create_app
from gesturectl.service.core import PoseService
from gesturectl.service.server import ServerThread
from tests.service.conftest import LITE, BrokenEstimator, GatedEstimator, matches

TOKEN = "test-token-5f2c"


@pytest.fixture(scope="module")
def server(lite_service):
    app = create_app(lite_service, ServeOptions(max_body_bytes=2_000_000))
    with ServerThread(app) as url, httpx.Client(base_url=url, timeout=60) as client:
        yield client


def error_of(r, status: int) -> str:
    """The JSON error's message, after checking the status and shape."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    body = r.json()
    assert body["status"] == status and body["error"] and body["message"]
    return body["message"]


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims a huge image (a decompression bomb's first bytes)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return b"\x89PNG\r\n\x1a\n" + chunk + b"\x00\x00\x00\x00IEND\xaeB`\x82"


def test_health(server):
    r = server.get("/health")
    assert r.status_code == 200
    assert r.json() | {"version": "x"} == {"status": "ok", "model": "lite", "layout": "blazepose33", "version": "x"}


@pytest.mark.parametrize("fmt", ["png", "jpeg", "webp"])
def test_pose_json_for_each_format(server, request, fmt, direct):
    body = request.getfixturevalue(fmt)
    r = server.post("/v1/pose", content=body, headers={"Content-Type": f"image/{fmt}"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    report = r.json()
    assert (report["width"], report["height"], report["layout"]) == (512, 512, "blazepose33")
    assert len(report["people"]) == 1 and r.headers["x-people"] == "1"
    person = report["people"][0]
    assert len(person["keypoints"]) == 33 and person["keypoints"][0]["name"] == "nose"
    assert matches(person, direct(body))  # the direct estimate on the same bytes


def test_type_is_sniffed_without_content_type_and_coco_layout(server, png, direct_pose):
    r = server.post("/v1/pose?layout=coco", content=png)
    report = r.json()
    assert r.status_code == 200 and report["layout"] == "coco17"
    assert matches(report["people"][0], direct_pose.to_coco())
    assert [k["name"] for k in report["people"][0]["keypoints"]][:3] == ["nose", "left_eye", "right_eye"]


def test_drawn_png_decodes_and_is_the_cli_drawing(server, png, photo, direct_pose):
    want = draw_pose(photo, direct_pose, LITE.draw_min_score)
    for r in (
        server.post("/v1/pose?draw=true", content=png),
        server.post("/v1/pose", content=png, headers={"Accept": "image/png"}),
    ):
        assert r.status_code == 200 and r.headers["content-type"] == "image/png"
        drawn = cv2.imdecode(np.frombuffer(r.content, np.uint8), cv2.IMREAD_COLOR)
        assert drawn is not None and drawn.shape == photo.shape
        assert np.array_equal(drawn, want)
        assert (drawn != photo).any(axis=2).mean() > 0.001  # something was drawn


def test_nobody_in_view(server):
    wall = cv2.imencode(".png", np.full((240, 320, 3), 180, np.uint8))[1].tobytes()
    r = server.post("/v1/pose", content=wall)
    assert r.json() == {"width": 320, "height": 240, "layout": "blazepose33", "people": []}
    drawn = server.post("/v1/pose?draw=1", content=wall)
    assert drawn.status_code == 200 and cv2.imdecode(np.frombuffer(drawn.content, np.uint8), 1).shape == (240, 320, 3)


def test_not_an_image_is_400(server, png, jpeg):
    assert "empty" in error_of(server.post("/v1/pose", content=b""), 400)
    assert "not an image" in error_of(server.post("/v1/pose", content=b"hello, world"), 400)
    assert "not a readable PNG" in error_of(server.post("/v1/pose", content=png[:400]), 400)  # truncated
    mismatch = server.post("/v1/pose", content=jpeg, headers={"Content-Type": "image/png"})
    assert "image/jpeg" in error_of(mismatch, 400)
    assert "layout" in error_of(server.post("/v1/pose?layout=openpose", content=png), 400)
    assert "draw" in error_of(server.post("/v1/pose?draw=maybe", content=png), 400)


def test_unsupported_type_is_415(server, png):
    gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
    assert "image/gif" in error_of(server.post("/v1/pose", content=gif), 415)
    assert "image/gif" in error_of(server.post("/v1/pose", content=png, headers={"Content-Type": "image/gif"}), 415)
    form = server.post("/v1/pose", files={"image": ("a.png", png, "image/png")})
    assert "multipart" in error_of(form, 415)


def test_too_large_is_413(server):
    big = b"\xff\xd8\xff" + bytes(2_000_000)
    assert "at most 2000000 bytes" in error_of(server.post("/v1/pose", content=big), 413)
    chunked = server.post("/v1/pose", content=iter([big[:1_000_000], big[1_000_000:]]))  # no Content-Length
    assert "at most 2000000 bytes" in error_of(chunked, 413)
    assert "pixels" in error_of(server.post("/v1/pose", content=png_header(20_000, 20_000)), 413)
    assert server.get("/health").status_code == 200  # the server is fine afterwards


def test_wrong_method_is_405_and_unknown_path_404(server):
    r = server.get("/v1/pose")
    assert "use POST" in error_of(r, 405) and r.headers["allow"] == "POST"
    assert "use GET" in error_of(server.post("/health"), 405)
    assert "/v1/pose" in error_of(server.get("/v2/pose"), 404)


def test_openapi_and_docs(server):
    doc = server.get("/openapi.json").json()
    op = doc["paths"]["/v1/pose"]["post"]
    assert set(op["requestBody"]["content"]) == {"image/jpeg", "image/png", "image/webp"}
    assert {p["name"] for p in op["parameters"]} == {"layout", "draw"}
    assert {"200", "400", "413", "415"} <= set(op["responses"])
    assert "people" in op["responses"]["200"]["content"]["application/json"]["schema"]["properties"]
    docs = server.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


@pytest.mark.slow
def test_fifty_concurrent_requests_are_all_answered_correctly(server, png, jpeg, webp, direct):
    bodies = [(png, jpeg, webp)[i % 3] for i in range(50)]
    want = {id(b): direct(b) for b in (png, jpeg, webp)}
    with ThreadPoolExecutor(50) as pool:
        replies = list(pool.map(lambda b: server.post("/v1/pose", content=b), bodies))
    assert [r.status_code for r in replies] == [200] * 50
    # each answer is the direct estimate of its own photo: no tracking state leaked between requests
    assert all(matches(r.json()["people"][0], want[id(b)]) for b, r in zip(bodies, replies))


def test_token_guards_pose_but_not_health(lite_service, png):
    with ServerThread(create_app(lite_service, ServeOptions(token=TOKEN))) as url, httpx.Client(base_url=url) as c:
        assert c.get("/health").status_code == 200
        r = c.post("/v1/pose", content=png)
        assert "no Authorization header" in error_of(r, 401) and r.headers["www-authenticate"].startswith("Bearer")
        assert "wrong token" in error_of(c.post("/v1/pose", content=png, headers={"Authorization": "Bearer x"}), 401)
        ok = c.post("/v1/pose", content=png, headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200 and len(ok.json()["people"]) == 1
        assert "HTTPBearer" in c.get("/openapi.json").json()["components"]["securitySchemes"]


def test_inference_never_blocks_the_event_loop_and_the_queue_is_bounded(png):
    gate, entered = threading.Event(), threading.Event()
    service = PoseService(LITE, workers=1, build=lambda s: GatedEstimator(gate, entered))
    app = create_app(service, ServeOptions(max_queue=0))
    with ServerThread(app) as url, httpx.Client(base_url=url, timeout=30) as c, ThreadPoolExecutor(1) as pool:
        first = pool.submit(c.post, "/v1/pose", content=png)
        assert entered.wait(10)  # the only worker is busy with the first request
        try:
            assert c.get("/health", timeout=5).status_code == 200  # the loop still answers
            busy = c.post("/v1/pose", content=png, timeout=5)
            assert "retry" in error_of(busy, 503) and busy.headers["retry-after"] == "1"
        finally:
            gate.set()
        assert first.result(10).json()["people"] == []
        assert c.post("/v1/pose", content=png).status_code == 200  # a free worker again


def test_the_listening_socket_is_tcp_so_asyncio_turns_nagle_off():
    # asyncio sets TCP_NODELAY only on sockets whose proto is IPPROTO_TCP; with proto 0 every keep-alive
    # response waited ~40 ms for the client's delayed ACK (bench/bench_serve.py showed it)
    import socket

    from gesturectl.service.server import bind_socket

    sock = bind_socket("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()


def test_an_unexpected_failure_is_a_json_500_and_the_server_goes_on(png):
    service = PoseService(LITE, workers=1, build=lambda s: BrokenEstimator())
    with ServerThread(create_app(service)) as url, httpx.Client(base_url=url) as c:
        assert "RuntimeError" in error_of(c.post("/v1/pose", content=png), 500)
        assert c.get("/health").status_code == 200


def test_cors_lets_only_the_named_web_origins_read_answers(lite_service, png):
    page = "http://localhost:3000"
    app = create_app(lite_service, ServeOptions(cors_origins=(page,)))
    with ServerThread(app) as url, httpx.Client(base_url=url) as c:
        preflight = {
            "Origin": page,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        }
        ok = c.options("/v1/pose", headers=preflight)
        assert ok.status_code == 200 and ok.headers["access-control-allow-origin"] == page
        r = c.post("/v1/pose", content=png, headers={"Origin": page, "Content-Type": "image/png"})
        assert r.status_code == 200 and r.headers["access-control-allow-origin"] == page
        assert "x-people" in r.headers["access-control-expose-headers"].lower()
        other = c.post("/v1/pose", content=png, headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers  # the browser keeps the answer from that page


def test_without_cors_no_web_origin_may_read(server, png):
    r = server.post("/v1/pose", content=png, headers={"Origin": "http://localhost:3000"})
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers
    assert error_of(server.options("/v1/pose", headers={"Origin": "http://localhost:3000"}), 405)
