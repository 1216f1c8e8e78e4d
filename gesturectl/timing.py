"""CPU time per named stage, for `--verbose`, `status` and the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class StageTimer:
    """Accumulates process CPU seconds per named stage."""

    def __init__(self) -> None:
        self.cpu_s: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def record(self, stage: str, fn: Callable[[], T]) -> T:
        t0 = time.process_time()
        try:
            return fn()
        finally:
            self.cpu_s[stage] = self.cpu_s.get(stage, 0.0) + time.process_time() - t0
            self.calls[stage] = self.calls.get(stage, 0) + 1

    def ms_per_call(self) -> dict[str, float]:
        """Mean CPU milliseconds per call of each stage so far."""
        return {k: 1000.0 * v / max(1, self.calls[k]) for k, v in self.cpu_s.items()}
