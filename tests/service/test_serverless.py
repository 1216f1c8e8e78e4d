"""The Lambda handler on one event of each shape, built from AWS's documented examples.

REST API (payload 1.0) and HTTP API (payload 2.0) events follow the API Gateway developer guide's examples, the
Function URL event the Lambda developer guide's (as mirrored in aws/aws-lambda-go's events/testdata); only the
method, path, query, headers and body change per test.
"""

from __future__ import annotations

import base64
import copy
import json

import cv2
import numpy as np
import pytest

from gesturectl import serverless
from gesturectl.pose.draw import draw_pose
from gesturectl.serverless import make_handler, parse_event
from tests.service.conftest import LITE, matches

REST_V1 = {
    "resource": "/{proxy+}",
    "path": "/hello/world",
    "httpMethod": "POST",
    "headers": {
        "Accept": "*/*",
        "Accept-Encoding": "gzip, deflate",
        "Content-Type": "application/json",
        "Host": "gy415nuibc.execute-api.us-east-1.amazonaws.com",
        "User-Agent": "PostmanRuntime/2.4.5",
        "X-Forwarded-For": "54.240.196.186, 54.182.214.83",
        "X-Forwarded-Port": "443",
        "X-Forwarded-Proto": "https",
    },
    "multiValueHeaders": {"Accept": ["*/*"], "Content-Type": ["application/json"]},
    "queryStringParameters": {"name": "me"},
    "multiValueQueryStringParameters": {"name": ["me"]},
    "pathParameters": {"proxy": "hello/world"},
    "stageVariables": {"stageVariableName": "stageVariableValue"},
    "requestContext": {
        "accountId": "12345678912",
        "resourceId": "roq9wj",
        "stage": "testStage",
        "domainName": "gy415nuibc.execute-api.us-east-2.amazonaws.com",
        "requestId": "deef4878-7910-11e6-8f14-25afc3e9ae33",
        "identity": {"sourceIp": "192.168.196.186", "userAgent": "PostmanRuntime/2.4.5"},
        "resourcePath": "/{proxy+}",
        "httpMethod": "POST",
        "requestTimeEpoch": 1589522469693,
        "apiId": "gy415nuibc",
    },
    "body": '{\r\n\t"a": 1\r\n}',
    "isBase64Encoded": False,
}

HTTP_API_V2 = {
    "version": "2.0",
    "routeKey": "$default",
    "rawPath": "/",
    "rawQueryString": "",
    "headers": {
        "accept": "*/*",
        "content-length": "0",
        "host": "aaaaaaaaaa.execute-api.us-west-2.amazonaws.com",
        "user-agent": "curl/7.58.0",
        "x-amzn-trace-id": "Root=1-5e9f0c65-1de4d666d4dd26aced652b6c",
        "x-forwarded-for": "1.2.3.4",
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
    },
    "requestContext": {
        "accountId": "123456789012",
        "apiId": "aaaaaaaaaa",
        "domainName": "aaaaaaaaaa.execute-api.us-west-2.amazonaws.com",
        "domainPrefix": "aaaaaaaaaa",
        "http": {
            "method": "GET",
            "path": "/",
            "protocol": "HTTP/1.1",
            "sourceIp": "1.2.3.4",
            "userAgent": "curl/7.58.0",
        },
        "requestId": "LV7fzho-PHcEJPw=",
        "routeKey": "$default",
        "stage": "$default",
        "time": "21/Apr/2020:15:08:21 +0000",
        "timeEpoch": 1587481701067,
    },
    "isBase64Encoded": False,
}

FUNCTION_URL = {
    "version": "2.0",
    "rawPath": "/my/path",
    "rawQueryString": "parameter1=value1&parameter1=value2&parameter2=value",
    "cookies": ["cookie1", "cookie2"],
    "headers": {"header1": "value1", "header2": "value1,value2"},
    "queryStringParameters": {"parameter1": "value1,value2", "parameter2": "value"},
    "requestContext": {
        "accountId": "123456789012",
        "apiId": "<urlid>",
        "authorizer": {"iam": {"accessKey": "AKIA...", "accountId": "111122223333", "userId": "AIDA..."}},
        "domainName": "<url-id>.lambda-url.us-west-2.on.aws",
        "domainPrefix": "<url-id>",
        "http": {
            "method": "POST",
            "path": "/my/path",
            "protocol": "HTTP/1.1",
            "sourceIp": "123.123.123.123",
            "userAgent": "agent",
        },
        "requestId": "id",
        "time": "12/Mar/2020:19:03:58 +0000",
        "timeEpoch": 1583348638390,
    },
    "body": "Hello from client!",
    "isBase64Encoded": False,
}


def rest_v1(method: str, path: str, body: bytes | None = None, query=None, headers=None, b64=True) -> dict:
    e = copy.deepcopy(REST_V1)
    e["httpMethod"] = e["requestContext"]["httpMethod"] = method
    e["path"] = path
    e["queryStringParameters"] = query
    e["multiValueQueryStringParameters"] = {k: [v] for k, v in query.items()} if query else None
    e["headers"] = {k: v for k, v in e["headers"].items() if k != "Content-Type"} | (headers or {})
    e["multiValueHeaders"] = {k: [v] for k, v in e["headers"].items()}
    if body is None:
        e["body"] = None
    else:
        e["body"] = base64.b64encode(body).decode() if b64 else body.decode("latin-1")
    e["isBase64Encoded"] = body is not None and b64
    return e


def v2(template: dict, method: str, path: str, body: bytes | None = None, query: str = "", headers=None) -> dict:
    e = copy.deepcopy(template)
    e["requestContext"]["http"]["method"] = method
    e["rawPath"] = e["requestContext"]["http"]["path"] = path
    e["rawQueryString"] = query
    e["headers"] = e["headers"] | (headers or {})
    e.pop("body", None)
    if body is not None:
        e["body"], e["isBase64Encoded"] = base64.b64encode(body).decode(), True
    return e


@pytest.fixture(scope="module")
def handler(lite_service):
    return make_handler(lambda: lite_service, env={"GESTURECTL_MAX_BODY_BYTES": "2000000"})


def json_of(response: dict, status: int) -> dict:
    assert response["statusCode"] == status, response["body"]
    assert response["headers"]["Content-Type"] == "application/json" and not response["isBase64Encoded"]
    return json.loads(response["body"])


def message_of(response: dict, status: int) -> str:
    body = json_of(response, status)
    assert body["status"] == status and body["message"]
    return body["message"]


def test_rest_v1_pose(handler, png, direct_pose):
    r = handler(rest_v1("POST", "/v1/pose", png, headers={"Content-Type": "image/png"}), None)
    report = json_of(r, 200)
    assert report["layout"] == "blazepose33" and matches(report["people"][0], direct_pose)
    coco = json_of(handler(rest_v1("POST", "/v1/pose", png, query={"layout": "coco"}), None), 200)
    assert matches(coco["people"][0], direct_pose.to_coco())


def test_http_api_v2_health_and_pose_under_a_stage(handler, jpeg, direct):
    health = json_of(handler(v2(HTTP_API_V2, "GET", "/health"), None), 200)
    assert health["status"] == "ok" and health["model"] == "lite"
    r = handler(v2(HTTP_API_V2, "POST", "/prod/v1/pose", jpeg, headers={"content-type": "image/jpeg"}), None)
    assert matches(json_of(r, 200)["people"][0], direct(jpeg))


def test_function_url_draws_a_png(handler, png, photo, direct_pose):
    r = handler(v2(FUNCTION_URL, "POST", "/v1/pose", png, query="draw=true&layout=coco"), None)
    assert r["statusCode"] == 200 and r["headers"]["Content-Type"] == "image/png" and r["isBase64Encoded"]
    drawn = cv2.imdecode(np.frombuffer(base64.b64decode(r["body"]), np.uint8), cv2.IMREAD_COLOR)
    assert np.array_equal(drawn, draw_pose(photo, direct_pose, LITE.draw_min_score))


def test_bad_bodies(handler, png):
    assert "empty" in message_of(handler(rest_v1("POST", "/v1/pose", None), None), 400)
    # the documented examples' own bodies: JSON (declared) and text (undeclared)
    assert "application/json" in message_of(handler(dict(REST_V1, path="/v1/pose"), None), 415)
    assert "not an image" in message_of(handler(dict(FUNCTION_URL, rawPath="/v1/pose"), None), 400)
    bad64 = v2(FUNCTION_URL, "POST", "/v1/pose", png)
    bad64["body"] = "not base64 at all!"
    assert "base64" in message_of(handler(bad64, None), 400)
    # a REST API without binary media types passes the image as text: mangled, refused as not an image
    assert message_of(handler(rest_v1("POST", "/v1/pose", png, b64=False), None), 400)
    gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
    assert "image/gif" in message_of(handler(rest_v1("POST", "/v1/pose", gif), None), 415)
    big = b"\xff\xd8\xff" + bytes(2_000_000)
    assert "at most 2000000" in message_of(handler(rest_v1("POST", "/v1/pose", big), None), 413)
    assert "at most 2000000" in message_of(handler(v2(HTTP_API_V2, "POST", "/v1/pose", big), None), 413)


def test_wrong_method_path_and_event(handler):
    r = handler(rest_v1("GET", "/v1/pose"), None)
    assert "use POST" in message_of(r, 405) and r["headers"]["Allow"] == "POST"
    assert "use GET" in message_of(handler(v2(HTTP_API_V2, "DELETE", "/health"), None), 405)
    assert "/v1/pose" in message_of(handler(v2(FUNCTION_URL, "GET", "/my/path"), None), 404)
    assert "API Gateway" in message_of(handler({"Records": [{"eventSource": "aws:s3"}]}, None), 400)
    assert "API Gateway" in message_of(handler("hello", None), 400)
    assert "API Gateway" in message_of(handler({"version": "2.0", "requestContext": None}, None), 400)


def test_token_from_the_environment(lite_service, png):
    guarded = make_handler(lambda: lite_service, env={"GESTURECTL_TOKEN": "s3cret"})
    assert message_of(guarded(rest_v1("POST", "/v1/pose", png), None), 401)
    ok = guarded(rest_v1("POST", "/v1/pose", png, headers={"Authorization": "Bearer s3cret"}), None)
    assert json_of(ok, 200)["people"]
    assert json_of(guarded(v2(HTTP_API_V2, "GET", "/health"), None), 200)["status"] == "ok"


def test_the_service_is_built_once_per_container(lite_service):
    built = []
    h = make_handler(lambda: built.append(1) or lite_service, env={})
    for _ in range(3):
        json_of(h(v2(HTTP_API_V2, "GET", "/health"), None), 200)
    assert built == [1]


def test_query_parsing_follows_each_shape():
    assert parse_event(rest_v1("POST", "/v1/pose", b"x", query={"draw": "1"})).query == {"draw": "1"}
    e = v2(FUNCTION_URL, "POST", "/v1/pose", b"x", query="layout=coco&draw=0&draw=1")
    req = parse_event(e)
    assert req.query == {"layout": "coco", "draw": "1"} and req.body == b"x" and req.method == "POST"
    assert parse_event(FUNCTION_URL).headers["header2"] == "value1,value2"


def test_the_module_handler_builds_the_lite_model_from_the_environment(monkeypatch):
    monkeypatch.delenv("GESTURECTL_MODEL", raising=False)
    r = serverless.handler(v2(HTTP_API_V2, "GET", "/health"), None)
    assert json_of(r, 200)["model"] == "lite"


def test_the_minimal_event_in_the_deploy_docs_works(handler):
    event = {"version": "2.0", "rawPath": "/health", "requestContext": {"http": {"method": "GET"}}}
    assert json_of(handler(event, None), 200)["status"] == "ok"


def test_an_unexpected_failure_is_a_json_500(png):
    from gesturectl.service.core import PoseService
    from tests.service.conftest import BrokenEstimator

    h = make_handler(lambda: PoseService(LITE, build=lambda s: BrokenEstimator()), env={})
    assert "RuntimeError" in message_of(h(rest_v1("POST", "/v1/pose", png), None), 500)
    assert json_of(h(v2(HTTP_API_V2, "GET", "/health"), None), 200)["status"] == "ok"


def test_a_bad_model_setting_is_a_500_naming_it():
    env = {"GESTURECTL_MODEL": "/nowhere/sb.onnx"}
    h = make_handler(lambda: serverless.service_from_env(env), env)
    msg = message_of(h(v2(HTTP_API_V2, "GET", "/health"), None), 500)
    assert "/nowhere/sb.onnx does not exist" in msg and "GESTURECTL_MODEL" in msg
