"""Reading a pose request: body limits, image type (declared or sniffed), query flags, Accept and the token.

Pure functions over bytes and strings, shared by the HTTP app and the Lambda handler. Each problem is a
`ServiceError` carrying the HTTP status and one message that says what was wrong and what to send instead.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass

from gesturectl.pose.report import REPORT_LAYOUTS

#: Media types the service decodes, and the names a sniffer gives them.
SUPPORTED_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WebP"}
#: Other spellings clients send for the same formats.
TYPE_ALIASES = {"image/jpg": "image/jpeg", "image/pjpeg": "image/jpeg", "image/x-png": "image/png"}
#: Declared types that mean "look at the bytes".
UNDECLARED = {"", "application/octet-stream", "binary/octet-stream"}
DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
TRUE, FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off", ""}

_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class ServiceError(Exception):
    """A request the service refuses, with its HTTP status and a message naming the problem and the fix."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})


def error_body(status: int, message: str) -> bytes:
    """The JSON body of every error: `{"status": 415, "error": "Unsupported Media Type", "message": "..."}`."""
    return json.dumps({"status": status, "error": _REASONS.get(status, "Error"), "message": message}).encode()


@dataclass(frozen=True)
class PoseJob:
    """A checked request: the image bytes, their type, and what to answer with."""

    body: bytes
    media_type: str
    layout: str = "native"
    draw: bool = False


def sniff_image_type(data: bytes) -> str | None:
    """The media type the first bytes show (supported or not), or None when they show no image format."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:2] == b"BM":
        return "image/bmp"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    if data[4:8] == b"ftyp" and data[8:12] in (b"heic", b"heix", b"mif1", b"avif"):
        return "image/avif" if data[8:12] == b"avif" else "image/heic"
    return None


def _unsupported(what: str) -> ServiceError:
    return ServiceError(415, f"{what} is not supported; send a JPEG, PNG or WebP image as the request body")


def media_type_of(body: bytes, content_type: str | None) -> str:
    """The supported media type of a body: the declared `Content-Type` when given, else sniffed from the bytes.

    Raises:
        ServiceError: 400 for an empty body, bytes that are no image, or bytes that contradict the declared type;
            415 for a declared or sniffed type the service does not decode.
    """
    declared = (content_type or "").split(";")[0].strip().lower()
    declared = TYPE_ALIASES.get(declared, declared)
    if not body:
        raise ServiceError(400, "the request body is empty; send a JPEG, PNG or WebP image as the body")
    if declared == "multipart/form-data":
        raise _unsupported("a multipart form")
    if declared not in UNDECLARED and declared not in SUPPORTED_TYPES:
        raise _unsupported(f"Content-Type {declared}")
    sniffed = sniff_image_type(body)
    if sniffed is None:
        kind = f"a {SUPPORTED_TYPES[declared]} image" if declared in SUPPORTED_TYPES else "an image"
        raise ServiceError(400, f"the body is not {kind} (its first bytes match no image format)")
    if declared in SUPPORTED_TYPES and sniffed != declared:
        raise ServiceError(400, f"Content-Type says {declared} but the body is {sniffed}; fix the header or omit it")
    if sniffed not in SUPPORTED_TYPES:
        raise _unsupported(f"{sniffed} (sniffed from the body)")
    return sniffed


def flag(query: Mapping[str, str], name: str, default: bool = False) -> bool:
    """A boolean query parameter (`true/false`, `1/0`, `yes/no`, `on/off`)."""
    raw = query.get(name)
    if raw is None:
        return default
    v = raw.strip().lower()
    if v in TRUE:
        return True
    if v in FALSE:
        return False
    raise ServiceError(400, f"query parameter {name}={raw!r} is not a boolean; use {name}=true or {name}=false")


def wants_png(accept: str | None) -> bool:
    """True when `Accept` prefers image/png to JSON (the first of the two listed with the higher q wins)."""
    best: dict[str, float] = {}
    for i, part in enumerate((accept or "").split(",")):
        kind, *params = (p.strip().lower() for p in part.split(";"))
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if kind in ("image/png", "application/json") and kind not in best:
            best[kind] = q - i * 1e-6  # equal q: the one listed first
    return best.get("image/png", 0.0) > max(0.0, best.get("application/json", 0.0))


def parse_pose_request(body: bytes, content_type: str | None, query: Mapping[str, str], accept: str | None) -> PoseJob:
    """Check a `POST /v1/pose` request and say what to do with it (raises ServiceError)."""
    layout = query.get("layout", "native").strip().lower()
    layout = "coco" if layout == "coco17" else layout
    if layout not in REPORT_LAYOUTS:
        raise ServiceError(400, f"query parameter layout={layout!r} is unknown; use one of {', '.join(REPORT_LAYOUTS)}")
    draw = flag(query, "draw", default=wants_png(accept))
    return PoseJob(body, media_type_of(body, content_type), layout, draw)


def check_body_size(length: int, limit: int) -> None:
    """413 when a body of `length` bytes is over the limit."""
    if length > limit:
        raise ServiceError(
            413, f"the body is {length} bytes; this service takes at most {limit} bytes (resize or recompress it)"
        )


def check_token(authorization: str | None, token: str | None) -> None:
    """401 unless `Authorization: Bearer <token>` matches (no token configured: everything passes)."""
    if token is None:
        return
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        what = "a wrong token" if authorization else "no Authorization header"
        raise ServiceError(
            401,
            f"{what}: this service needs `Authorization: Bearer <token>` with the token it was started with",
            {"WWW-Authenticate": 'Bearer realm="gesturectl"'},
        )
