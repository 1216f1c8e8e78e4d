"""`gesturectl serve`: the pose service over HTTP (needs the `serve` extra: `pip install 'gesturectl[serve]'`)."""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys

from gesturectl.cli.common import add_config, add_verbose, settings_with_model
from gesturectl.errors import ConfigError, GesturectlError

TOKEN_ENV = "GESTURECTL_TOKEN"


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def resolve_token(host: str, token: str | None) -> str | None:
    """The bearer token to require: `--token`, else $GESTURECTL_TOKEN; mandatory off loopback."""
    token = token if token is not None else os.environ.get(TOKEN_ENV) or None
    if token is not None and not token.strip():
        raise ConfigError("--token is empty; give a secret such as the output of `openssl rand -hex 16`")
    if token is None and not is_loopback(host):
        raise ConfigError(
            f"--host {host} lets other machines reach the service: give --token SECRET (or set {TOKEN_ENV}) "
            "so callers must send `Authorization: Bearer SECRET`, or keep the default --host 127.0.0.1"
        )
    return token


def register(sub) -> None:
    p = sub.add_parser(
        "serve",
        help="serve pose estimation over HTTP (POST an image to /v1/pose)",
        description=(
            "Serve the pose engine over HTTP: POST /v1/pose with a JPEG, PNG or WebP body gives the keypoints as "
            "JSON (?layout=coco for the 17 COCO joints) or the drawn image (?draw=true). Docs at /docs. "
            "Binds to 127.0.0.1; another --host needs --token."
        ),
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8000, help="TCP port (default 8000)")
    p.add_argument("--model", help="lite, full, or a heatmap model .onnx (overrides pose.model in the config)")
    p.add_argument("--token", help=f"require `Authorization: Bearer TOKEN` on /v1/pose (or set {TOKEN_ENV})")
    p.add_argument(
        "--workers",
        type=int,
        default=min(4, os.cpu_count() or 1),
        help="requests computed at once, one estimator each (default: CPUs, at most 4)",
    )
    p.add_argument("--max-body-mb", type=float, default=10.0, help="largest image body in MB (default 10)")
    p.add_argument("--max-queue", type=int, default=64, help="requests that may wait; more get 503 (default 64)")
    p.add_argument(
        "--cors-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="let web pages from ORIGIN (e.g. http://localhost:3000, or *) call the service; repeatable",
    )
    add_config(p)
    add_verbose(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from gesturectl.config import load_config

    if not 0 <= args.port <= 65535 or args.workers < 1 or args.max_body_mb <= 0 or args.max_queue < 0:
        raise ConfigError("--port must be 0-65535, --workers >= 1, --max-body-mb > 0 and --max-queue >= 0")
    token = resolve_token(args.host, args.token)
    try:
        from gesturectl.service.app import ServeOptions, create_app
        from gesturectl.service.core import PoseService
        from gesturectl.service.server import serve
    except ImportError as e:
        raise GesturectlError(
            f"`serve` needs its extra ({e.name} is missing): pip install 'gesturectl[serve]'"
        ) from None
    settings = load_config(args.config).pose
    settings = settings_with_model(settings, args.model)
    service = PoseService(settings, workers=args.workers)
    options = ServeOptions(
        max_body_bytes=int(args.max_body_mb * 1024 * 1024),
        max_queue=args.max_queue,
        token=token,
        cors_origins=tuple(args.cors_origin),
    )
    host = f"[{args.host}]" if ":" in args.host else args.host
    access = "a bearer token is required on /v1/pose" if token else "no token: reachable from this machine only"
    print(
        f"gesturectl: serving model {settings.model} on http://{host}:{args.port} ({args.workers} workers; {access}); "
        f"POST an image to /v1/pose, docs at /docs",
        file=sys.stderr,
        flush=True,
    )
    serve(create_app(service, options), args.host, args.port, verbose=args.verbose)
    return 0
