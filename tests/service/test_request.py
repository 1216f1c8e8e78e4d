"""Reading requests: image types declared and sniffed, flags, Accept, tokens, body limits (pure, no server)."""

from __future__ import annotations

import json

import pytest

from gesturectl.service.request import (
    ServiceError,
    check_body_size,
    check_token,
    error_body,
    flag,
    media_type_of,
    parse_pose_request,
    sniff_image_type,
    wants_png,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 20
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 20


def status_of(fn, *args) -> int:
    with pytest.raises(ServiceError) as e:
        fn(*args)
    assert e.value.message  # every refusal says why
    return e.value.status


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (PNG, "image/png"),
        (JPEG, "image/jpeg"),
        (WEBP, "image/webp"),
        (b"GIF89a\x01\x00", "image/gif"),
        (b"BM\x00\x00", "image/bmp"),
        (b"II*\x00\x08", "image/tiff"),
        (b"\x00\x00\x00\x1cftypheic\x00", "image/heic"),
        (b"hello world", None),
        (b"", None),
    ],
)
def test_sniffing_names_the_format(head, kind):
    assert sniff_image_type(head) == kind


def test_declared_type_is_honoured_and_sniffed_when_absent():
    assert media_type_of(PNG, "image/png") == "image/png"
    assert media_type_of(JPEG, "image/jpg; charset=binary") == "image/jpeg"  # alias and parameters
    assert media_type_of(WEBP, None) == "image/webp"
    assert media_type_of(JPEG, "application/octet-stream") == "image/jpeg"


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"", "image/png", 400),  # empty
        (b"just text", None, 400),  # not an image
        (b"just text", "image/png", 400),  # says PNG, is not one
        (JPEG, "image/png", 400),  # says PNG, is a JPEG
        (PNG, "image/gif", 415),  # a type the service does not decode
        (PNG, "application/json", 415),
        (PNG, "multipart/form-data; boundary=x", 415),
        (b"GIF89a\x01\x00", None, 415),  # sniffed as an unsupported image
    ],
)
def test_bad_bodies_get_400_or_415(body, content_type, status):
    assert status_of(media_type_of, body, content_type) == status


def test_a_mismatch_names_both_types():
    with pytest.raises(ServiceError, match="says image/png but the body is image/jpeg"):
        media_type_of(JPEG, "image/png")


def test_flags_and_accept():
    assert flag({"draw": "true"}, "draw") and flag({"draw": "1"}, "draw") and not flag({"draw": "no"}, "draw")
    assert flag({}, "draw", default=True)
    assert status_of(flag, {"draw": "maybe"}, "draw") == 400
    assert wants_png("image/png")
    assert wants_png("image/png, application/json")
    assert not wants_png("application/json, image/png")
    assert wants_png("application/json;q=0.5, image/png")
    assert not wants_png("*/*") and not wants_png(None) and not wants_png("image/png;q=0")


def test_parse_pose_request_reads_layout_and_draw():
    job = parse_pose_request(PNG, None, {"layout": "COCO"}, "application/json")
    assert (job.media_type, job.layout, job.draw) == ("image/png", "coco", False)
    assert parse_pose_request(PNG, None, {}, "image/png").draw
    assert not parse_pose_request(PNG, None, {"draw": "false"}, "image/png").draw  # the query wins
    assert status_of(parse_pose_request, PNG, None, {"layout": "openpose"}, None) == 400


def test_tokens_and_sizes():
    check_token(None, None)  # no token configured: open
    check_token("Bearer s3cret", "s3cret")
    check_token("bearer s3cret", "s3cret")
    for header in (None, "Bearer wrong", "Basic s3cret", "s3cret"):
        with pytest.raises(ServiceError) as e:
            check_token(header, "s3cret")
        assert e.value.status == 401 and e.value.headers["WWW-Authenticate"].startswith("Bearer")
    check_body_size(10, 10)
    assert status_of(check_body_size, 11, 10) == 413


def test_error_bodies_are_json_with_a_message():
    assert json.loads(error_body(415, "no GIFs")) == {
        "status": 415,
        "error": "Unsupported Media Type",
        "message": "no GIFs",
    }
