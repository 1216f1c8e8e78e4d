"""The pose service's core: a checked request in, a reply out, on the same pose stage as `gesturectl pose`.

Each request is a still image, so an estimator is `reset()` before it runs (no tracking state leaks from one
caller's photo into the next). `PoseService` keeps one estimator per worker in a pool: `run()` takes a free
one, so as many requests run at once as there are estimators, each on its own onnxruntime sessions.
"""

from __future__ import annotations

import io
import json
import logging
import queue
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import cv2
import numpy as np

from gesturectl import __version__
from gesturectl.pose.draw import draw_message, draw_pose
from gesturectl.pose.estimator import PoseEstimator
from gesturectl.pose.factory import build_estimator
from gesturectl.pose.report import NO_PERSON, model_layout, pose_report
from gesturectl.pose.settings import PoseSettings
from gesturectl.service.request import SUPPORTED_TYPES, PoseJob, ServiceError, error_body, parse_pose_request
from gesturectl.types import Frame, Pose

#: Decoded images above this many pixels are refused (a small PNG can inflate to gigabytes).
MAX_PIXELS = 50_000_000
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reply:
    """An HTTP answer independent of the server: status, body bytes, media type, extra headers."""

    status: int
    body: bytes
    media_type: str = "application/json"
    headers: tuple[tuple[str, str], ...] = ()

    @classmethod
    def json(cls, obj: object, status: int = 200, headers: Mapping[str, str] | None = None) -> Reply:
        return cls(status, json.dumps(obj).encode(), "application/json", tuple((headers or {}).items()))

    @classmethod
    def error(cls, e: ServiceError) -> Reply:
        return cls(e.status, error_body(e.status, e.message), "application/json", tuple(e.headers.items()))


def decode_image(body: bytes, media_type: str) -> np.ndarray:
    """Decode JPEG/PNG/WebP bytes to H×W×3 BGR, as `gesturectl pose` reads files (OpenCV, EXIF orientation)."""
    from PIL import Image, UnidentifiedImageError

    name = SUPPORTED_TYPES[media_type]
    try:  # the header alone: refuse decompression bombs before decoding
        w, h = Image.open(io.BytesIO(body)).size
    except Image.DecompressionBombError as e:
        raise ServiceError(
            413, f"the image has too many pixels ({e}); this service takes at most {MAX_PIXELS}"
        ) from None
    except (UnidentifiedImageError, OSError, ValueError) as e:
        raise ServiceError(400, f"the body is not a readable {name} image ({e})") from None
    if w * h > MAX_PIXELS:
        raise ServiceError(413, f"the image is {w}×{h} pixels; this service takes at most {MAX_PIXELS} pixels")
    image = cv2.imdecode(np.frombuffer(body, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise ServiceError(400, f"the body is not a readable {name} image (truncated or corrupt)")
    return image


def encode_png(image: np.ndarray) -> bytes:
    ok, buf = cv2.imencode(".png", image)
    if not ok:
        raise ServiceError(500, "could not encode the drawing as PNG")
    return buf.tobytes()


class PoseService:
    """The pose engine behind the HTTP app and the Lambda handler.

    Args:
        settings: the pose stage's settings (model, thresholds, threads per estimator).
        workers: estimators kept, i.e. requests that can run at once.
        build: how to build one estimator (the pose factory; tests may pass another).
    """

    def __init__(
        self,
        settings: PoseSettings,
        workers: int = 1,
        build: Callable[[PoseSettings], PoseEstimator] = build_estimator,
    ) -> None:
        if workers < 1:
            raise ValueError(f"workers must be >= 1 (got {workers})")
        self.settings = settings
        self.workers = workers
        self.layout = model_layout(settings.model)
        self._free: queue.Queue[PoseEstimator] = queue.Queue()
        for _ in range(workers):
            self._free.put(build(settings))

    @property
    def model(self) -> str:
        return self.settings.model

    def health(self) -> dict:
        return {"status": "ok", "model": self.model, "layout": self.layout, "version": __version__}

    @contextmanager
    def _estimator(self) -> Iterator[PoseEstimator]:
        est = self._free.get()
        try:
            yield est
        finally:
            self._free.put(est)

    def estimate(self, image: np.ndarray) -> list[Pose]:
        """Every person found in one still image (a list, so multi-person estimators fit without change)."""
        with self._estimator() as est:
            est.reset()  # a still image is its own scene
            pose = est.estimate(Frame(image, 0.0))
        return [] if pose is None else [pose]

    def run(self, job: PoseJob) -> Reply:
        """Decode, estimate, and answer with the JSON report or the drawn PNG (CPU-bound: call from a worker).

        Refusals become their error replies; an unexpected failure is logged and answered with a JSON 500, so
        the server and the Lambda container go on serving.
        """
        try:
            return self._run(job)
        except ServiceError as e:
            return Reply.error(e)
        except Exception as e:
            log.exception("pose request failed")
            return Reply.error(ServiceError(500, f"internal error ({type(e).__name__}); see the service log"))

    def _run(self, job: PoseJob) -> Reply:
        start = time.perf_counter()
        image = decode_image(job.body, job.media_type)
        poses = self.estimate(image)
        h, w = image.shape[:2]
        timing = ("Server-Timing", f"pose;dur={(time.perf_counter() - start) * 1e3:.1f}")
        people = ("X-People", str(len(poses)))
        if job.draw:
            drawn = image
            for pose in poses:
                drawn = draw_pose(drawn, pose, self.settings.draw_min_score)
            if not poses:
                drawn = draw_message(image, NO_PERSON)
            return Reply(200, encode_png(drawn), "image/png", (timing, people))
        report = pose_report(w, h, poses, job.layout, self.layout)
        return Reply(200, json.dumps(report).encode(), "application/json", (timing, people))

    def handle_pose(self, body: bytes, content_type: str | None, query: Mapping[str, str], accept: str | None) -> Reply:
        """Check and run one request synchronously (the Lambda handler's path; the HTTP app uses a pool)."""
        try:
            job = parse_pose_request(body, content_type, query, accept)
        except ServiceError as e:
            return Reply.error(e)
        return self.run(job)
