"""The pose service: `gesturectl serve` (HTTP) and the AWS Lambda handler share this core.

HTTP request ──▶ request.py (limits, type, flags, token; pure) ──PoseJob──▶ core.py (decode, the pose
stage from gesturectl.pose.factory, report or drawing; runs in a bounded worker pool) ──Reply──▶ app.py
(FastAPI routes, JSON errors, OpenAPI) or gesturectl.serverless (API Gateway / Function URL events)
"""
