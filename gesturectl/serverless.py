"""AWS Lambda entry point: `gesturectl.serverless.handler` serves the pose service's endpoints.

    API Gateway REST (payload v1) ─┐
    API Gateway HTTP API (v2) ─────┼─▶ parse_event ──HttpRequest──▶ route ──▶ PoseService ──Reply──▶ response dict
    Lambda Function URL (v2) ──────┘   (base64 bodies, headers, query)          (the same core as `gesturectl serve`)

`GET .../health` and `POST .../v1/pose` behave as in `gesturectl serve` (any stage or base-path prefix is
allowed before them). The pose service is built on the first request and kept for the container's life.
Environment: GESTURECTL_MODEL (default `lite`, or the path of a Simple Baselines .onnx in the image),
GESTURECTL_THREADS (onnxruntime threads, default 1), GESTURECTL_MAX_BODY_BYTES (default 10 MB; Lambda itself
caps a synchronous request at 6 MB), GESTURECTL_TOKEN (optional bearer token on /v1/pose; API Gateway
authorizers or a Function URL's AWS_IAM auth are the usual guards).
"""

from __future__ import annotations

import base64
import binascii
import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from gesturectl.errors import GesturectlError, first_line
from gesturectl.service.core import PoseService, Reply
from gesturectl.service.request import DEFAULT_MAX_BODY_BYTES, ServiceError, check_body_size, check_token

SHAPES = "API Gateway REST (payload 1.0), HTTP API (payload 2.0) or Lambda Function URL events"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HttpRequest:
    """An HTTP request taken out of a Lambda event: header names lower-case, query values last-wins."""

    method: str
    path: str
    headers: Mapping[str, str]
    query: Mapping[str, str]
    body: bytes


def _body(event: Mapping[str, Any], limit: int) -> bytes:
    raw = event.get("body")
    if raw is None:
        return b""
    if not isinstance(raw, str):
        raise ServiceError(400, f"the event's body is a {type(raw).__name__}, expected a string")
    if event.get("isBase64Encoded"):
        check_body_size(len(raw) * 3 // 4 - 2, limit)  # before decoding; exactly after
        try:
            data = base64.b64decode(raw, validate=True)
        except (binascii.Error, ValueError):
            raise ServiceError(400, "the event says isBase64Encoded but its body is not valid base64") from None
    else:
        data = raw.encode("utf-8", "surrogateescape")
    check_body_size(len(data), limit)
    return data


def parse_event(event: Any, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> HttpRequest:
    """The HTTP request in an API Gateway v1/v2 or Function URL event (raises ServiceError 400 for others)."""
    if not isinstance(event, Mapping):
        raise ServiceError(400, f"this handler takes {SHAPES}; got a {type(event).__name__}")
    http = (event.get("requestContext") or {}).get("http")
    if event.get("version") == "2.0" and isinstance(http, Mapping):
        method = http.get("method", "")
        path = event.get("rawPath") or http.get("path", "/")
        query = dict(parse_qsl(event.get("rawQueryString") or "", keep_blank_values=True))
        headers = event.get("headers") or {}
    elif "httpMethod" in event:
        method, path = event["httpMethod"], event.get("path") or "/"
        multi = event.get("multiValueQueryStringParameters") or {}
        query = {k: v[-1] for k, v in multi.items() if v} or dict(event.get("queryStringParameters") or {})
        headers = event.get("headers") or {}
    else:
        raise ServiceError(400, f"this handler takes {SHAPES}; got an event with keys {sorted(event)[:8]}")
    headers = {str(k).lower(): str(v) for k, v in headers.items()}
    return HttpRequest(str(method).upper(), str(path), headers, query, _body(event, max_body_bytes))


def route(service: PoseService, req: HttpRequest, token: str | None = None) -> Reply:
    """Answer one request as `gesturectl serve` would (404 for other paths, 405 for other methods)."""
    path = req.path.rstrip("/")
    for suffix, method in (("/health", "GET"), ("/v1/pose", "POST")):
        if path.endswith(suffix):
            if req.method != method:
                raise ServiceError(405, f"{req.method} {req.path} is not allowed; use {method}", {"Allow": method})
            if method == "GET":
                return Reply.json(service.health())
            check_token(req.headers.get("authorization"), token)
            return service.handle_pose(req.body, req.headers.get("content-type"), req.query, req.headers.get("accept"))
    raise ServiceError(404, f"nothing at {req.path}; the endpoints are GET /health and POST /v1/pose")


def to_response(reply: Reply) -> dict:
    """The Lambda proxy response (valid for payload 1.0, 2.0 and Function URLs); binary bodies in base64."""
    text = reply.media_type == "application/json"
    return {
        "statusCode": reply.status,
        "headers": {"Content-Type": reply.media_type, **dict(reply.headers)},
        "body": reply.body.decode() if text else base64.b64encode(reply.body).decode("ascii"),
        "isBase64Encoded": not text,
    }


def service_from_env(env: Mapping[str, str] = os.environ) -> PoseService:
    """The pose service the function's environment asks for (the smallest model unless told otherwise)."""
    from gesturectl.pose.settings import PoseSettings

    threads = int(env.get("GESTURECTL_THREADS", "1"))
    return PoseService(PoseSettings(model=env.get("GESTURECTL_MODEL", "lite"), threads=threads), workers=1)


def _build(build: Callable[[], PoseService]) -> PoseService:
    try:
        return build()
    except (GesturectlError, ValueError) as e:  # a bad model setting or file: say which, in the answer too
        log.exception("cannot build the pose service")
        errors = getattr(e, "errors", None)  # pydantic's ValidationError lists its problems
        why = errors()[0]["msg"].removeprefix("Value error, ") if callable(errors) else first_line(e)
        raise ServiceError(500, f"the function cannot load its model: {why} (check GESTURECTL_MODEL)") from None


def make_handler(
    build: Callable[[], PoseService] = service_from_env, env: Mapping[str, str] = os.environ
) -> Callable[[Any, Any], dict]:
    """A Lambda handler that builds its service on the first request and keeps it for later ones."""
    service: PoseService | None = None
    lock = threading.Lock()

    def handler(event: Any, context: Any) -> dict:
        nonlocal service
        limit = int(env.get("GESTURECTL_MAX_BODY_BYTES", str(DEFAULT_MAX_BODY_BYTES)))
        token = env.get("GESTURECTL_TOKEN") or None
        try:
            req = parse_event(event, limit)
            with lock:
                if service is None:
                    service = _build(build)
            return to_response(route(service, req, token))
        except ServiceError as e:
            return to_response(Reply.error(e))
        except Exception as e:  # the function must answer, not crash the container
            log.exception("request failed")
            return to_response(Reply.error(ServiceError(500, f"internal error ({type(e).__name__}); see the logs")))

    return handler


#: The entry point to configure in Lambda: `gesturectl.serverless.handler`.
handler = make_handler()
