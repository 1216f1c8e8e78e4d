#!/usr/bin/env bash
# Dev-time only: fetch the MediaPipe BlazePose .tflite files from the package registries
# (PyPI wheel mediapipe==0.10.14 and npm @mediapipe/pose), into DIR (default: build/blazepose_src).
# Nothing here runs at install or run time; the converted .onnx files are committed under models/.
set -euo pipefail
dest=${1:-build/blazepose_src}
mkdir -p "$dest"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pip download --quiet --no-deps --only-binary=:all: --python-version 3.11 \
    --platform manylinux_2_17_x86_64 mediapipe==0.10.14 -d "$tmp"
python3 - "$tmp" "$dest" <<'PY'
import glob, sys, zipfile
tmp, dest = sys.argv[1:]
wheel = zipfile.ZipFile(glob.glob(f"{tmp}/mediapipe-0.10.14-*.whl")[0])
for member in ("mediapipe/modules/pose_detection/pose_detection.tflite",
               "mediapipe/modules/pose_landmark/pose_landmark_full.tflite"):
    with open(f"{dest}/{member.rsplit('/', 1)[1]}", "wb") as out:
        out.write(wheel.read(member))
PY
(cd "$tmp" && npm pack --silent @mediapipe/pose@0.5.1675469404 >/dev/null && tar xzf mediapipe-pose-*.tgz)
cp "$tmp/package/pose_landmark_lite.tflite" "$dest/"
sha256sum "$dest"/*.tflite
