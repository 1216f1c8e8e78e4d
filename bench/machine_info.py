"""One line that says which machine a benchmark ran on: processor, cores, the vector instructions that decide
which kernels onnxruntime and XNNPACK pick, and the runtime versions. The ratios against MediaPipe move with
the processor (docs/performance.md), so every printed run names its own."""

from __future__ import annotations

import os
import platform
from importlib import metadata
from pathlib import Path

#: CPU flags (as /proc/cpuinfo names them) that change which int8 and float kernels run.
FLAGS = ("avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni", "amx_int8", "asimddp", "sve")


def processor() -> tuple[str, list[str]]:
    """(the processor's model name, which of FLAGS it has); from /proc/cpuinfo where there is one."""
    name, flags = platform.processor() or platform.machine(), set()
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return name, []
    for line in text.splitlines():
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if key in ("model name", "cpu model") and value.strip():
            name = value.strip()
        elif key in ("flags", "features"):
            flags |= set(value.split())
    return name, [f for f in FLAGS if f in flags]


def describe() -> str:
    """'machine: AMD EPYC, 2 cores (avx2 fma avx512f avx512_vnni); onnxruntime 1.32.0, opencv 5.1.0, numpy 2.4.6'"""
    name, flags = processor()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = []
    for dist in ("onnxruntime", "opencv-python-headless", "opencv-python", "numpy"):
        try:  # read from the installed metadata: importing onnxruntime here would start its telemetry
            versions.append(f"{dist.removesuffix('-python-headless').removesuffix('-python')} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            continue
    return f"machine: {name}, {cores} cores ({' '.join(flags) or 'no listed vector flags'}); {', '.join(versions)}"


if __name__ == "__main__":
    print(describe())
