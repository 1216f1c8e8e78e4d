"""The HTTP app (FastAPI): `GET /health`, `POST /v1/pose`, OpenAPI at /openapi.json, interactive docs at /docs.

The event loop only reads bodies and checks requests; decoding, the pose model and drawing run in a bounded
thread pool with one estimator per worker. Past `workers + max_queue` requests in flight the service answers
503 at once instead of queueing without bound. Every error is JSON (`request.error_body`).

With a token, `POST /v1/pose` needs `Authorization: Bearer <token>`; `/health`, `/openapi.json` and `/docs`
stay open: they run no model, read no image and tell only the model name and version (load balancers and
browsers can reach them without a secret).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.security import HTTPBearer
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware

from gesturectl import __version__
from gesturectl.pose.report import REPORT_SCHEMA
from gesturectl.service.core import PoseService, Reply
from gesturectl.service.request import (
    DEFAULT_MAX_BODY_BYTES,
    SUPPORTED_TYPES,
    ServiceError,
    check_body_size,
    check_token,
    error_body,
    parse_pose_request,
)

#: A body over the limit is still read (and dropped) up to this many bytes so the client gets its 413.
DRAIN_LIMIT_BYTES = 64 * 1024 * 1024
ENDPOINTS = "GET /health, POST /v1/pose (docs at /docs)"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ServeOptions:
    """Limits and access of the HTTP service.

    Attributes:
        max_body_bytes: larger bodies get 413.
        max_queue: requests that may wait for a free worker; beyond that 503 with Retry-After.
        token: when set, `POST /v1/pose` needs `Authorization: Bearer <token>`.
        cors_origins: web origins whose pages may call the service from a browser (e.g. "http://localhost:3000";
            "*" for any); none by default, so only programs and same-origin pages can read its answers.
    """

    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_queue: int = 64
    token: str | None = None
    cors_origins: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.max_body_bytes < 1 or self.max_queue < 0:
            raise ValueError(f"max_body_bytes must be >= 1 and max_queue >= 0 (got {self})")
        if self.token is not None and not self.token.strip():
            raise ValueError("the token is empty; give a non-empty secret")


def _response(reply: Reply) -> Response:
    return Response(reply.body, reply.status, headers=dict(reply.headers), media_type=reply.media_type)


def _error(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    return Response(error_body(status, message), status, headers=dict(headers or {}), media_type="application/json")


async def read_body(request: Request, limit: int) -> bytes:
    """The body, or 413 when longer than `limit` (an oversized body is drained first, up to DRAIN_LIMIT_BYTES)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > DRAIN_LIMIT_BYTES:
        check_body_size(int(declared), limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size <= limit:
            chunks.append(chunk)
        elif size > DRAIN_LIMIT_BYTES:
            break
    check_body_size(size, limit)
    return b"".join(chunks)


_POSE_DOC = {
    "parameters": [
        {"name": "layout", "in": "query", "schema": {"type": "string", "enum": ["native", "coco"]},
         "description": "native: the model's joints (BlazePose 33); coco: the 17 COCO keypoints"},
        {"name": "draw", "in": "query", "schema": {"type": "boolean", "default": False},
         "description": "answer with the image, keypoints and skeleton drawn (PNG); also `Accept: image/png`"},
    ],
    "requestBody": {
        "required": True,
        "description": "The image bytes (not a form). Content-Type is honoured; without one the type is sniffed.",
        "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in SUPPORTED_TYPES},
    },
}  # fmt: skip
_ERROR_DOC = {"content": {"application/json": {"example": {"status": 415, "error": "...", "message": "..."}}}}
_POSE_RESPONSES: dict[int | str, dict] = {
    200: {
        "description": "The people found (JSON) or the drawing (PNG)",
        "content": {"application/json": {"schema": REPORT_SCHEMA}, "image/png": {}},
    },
    **{
        code: {"description": text, **_ERROR_DOC}
        for code, text in [
            (400, "not an image, or a bad query parameter"),
            (401, "missing or wrong bearer token"),
            (413, "body or image too large"),
            (415, "unsupported media type"),
            (503, "too many requests waiting"),
        ]
    },
}


def create_app(service: PoseService, options: ServeOptions | None = None) -> FastAPI:
    """The HTTP app around a pose service; the thread pool lives as long as the app's lifespan."""
    opts = options or ServeOptions()
    executor = ThreadPoolExecutor(max_workers=service.workers, thread_name_prefix="gesturectl-pose")
    in_flight = 0

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        executor.shutdown(wait=False, cancel_futures=True)

    app = FastAPI(
        title="gesturectl pose service",
        version=__version__,
        description="Human pose keypoints from an image, or the image with the skeleton drawn.",
        lifespan=lifespan,
    )

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, e: ServiceError) -> Response:
        return _error(e.status, e.message, e.headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, e: StarletteHTTPException) -> Response:
        where = f"{request.method} {request.url.path}"
        if e.status_code == 404:
            return _error(404, f"nothing at {request.url.path}; the endpoints are {ENDPOINTS}")
        if e.status_code == 405:
            allowed = (e.headers or {}).get("Allow", "")
            return _error(405, f"{where} is not allowed; use {allowed} on {request.url.path}", e.headers)
        return _error(e.status_code, f"{where}: {e.detail}", e.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, e: RequestValidationError) -> Response:
        return _error(400, f"invalid request: {e.errors()[0].get('msg', e)}")

    @app.exception_handler(Exception)
    async def _crash(request: Request, e: Exception) -> Response:
        log.exception("%s %s failed", request.method, request.url.path)
        return _error(500, f"internal error ({type(e).__name__}); the server log has the details")

    @app.get("/health", summary="Liveness, model and version")
    async def health() -> dict:
        return service.health()

    if opts.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(opts.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "Accept"],
            expose_headers=["Server-Timing", "X-People"],
        )
    security = [Depends(HTTPBearer(auto_error=False))] if opts.token else []

    @app.post(
        "/v1/pose",
        summary="Keypoints of the people in an image, or the image with them drawn",
        openapi_extra=_POSE_DOC,
        responses=_POSE_RESPONSES,
        response_class=Response,
        dependencies=security,
    )
    async def pose(request: Request) -> Response:
        nonlocal in_flight
        headers = request.headers
        check_token(headers.get("authorization"), opts.token)
        body = await read_body(request, opts.max_body_bytes)
        job = parse_pose_request(body, headers.get("content-type"), request.query_params, headers.get("accept"))
        if in_flight >= service.workers + opts.max_queue:
            raise ServiceError(503, f"{in_flight} requests are in progress; retry shortly", {"Retry-After": "1"})
        in_flight += 1
        try:
            reply = await asyncio.get_running_loop().run_in_executor(executor, service.run, job)
        finally:
            in_flight -= 1
        return _response(reply)

    return app
