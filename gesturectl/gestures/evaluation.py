"""Scoring recognized events against labelled gestures (pure).

An event matches a label of the same gesture when it falls in [start, end + tolerance_s]. The
first match per label is a true positive; further events inside a matched label's window are
that gesture's repeats and are neither counted nor penalised. Every other event is a false
trigger. Unlabelled time is the trace's duration minus the labelled windows (with tolerance).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from gesturectl.errors import SourceError
from gesturectl.types import GestureEvent


@dataclass(frozen=True)
class Label:
    gesture: str
    start: float
    end: float


@dataclass
class Score:
    """Running totals over one or more traces."""

    labels: int = 0
    true_positives: int = 0
    false_triggers: int = 0
    unlabelled_s: float = 0.0
    latencies_s: list[float] = field(default_factory=list)
    false_by_trace: dict[str, list[GestureEvent]] = field(default_factory=dict)

    @property
    def precision(self) -> float | None:
        n = self.true_positives + self.false_triggers
        return None if n == 0 else self.true_positives / n

    @property
    def recall(self) -> float | None:
        return None if self.labels == 0 else self.true_positives / self.labels

    @property
    def false_per_hour(self) -> float | None:
        return None if self.unlabelled_s <= 0 else self.false_triggers / (self.unlabelled_s / 3600.0)

    def latency(self, q: float) -> float | None:
        return None if not self.latencies_s else float(np.percentile(self.latencies_s, q))


def read_labels(path: Path) -> list[Label]:
    """Labels from a `NAME.labels.json` sidecar: {"gestures": [{"gesture", "start", "end"}, ...]}."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        out = [Label(str(g["gesture"]), float(g["start"]), float(g["end"])) for g in data["gestures"]]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise SourceError(
            f'{path}: not a labels file ({e}); expected {{"gestures": [{{"gesture", "start", "end"}}]}}'
        ) from e
    for lab in out:
        if lab.end < lab.start:
            raise SourceError(f"{path}: label {lab} ends before it starts")
    return out


def score_trace(
    score: Score,
    name: str,
    events: list[GestureEvent],
    labels: list[Label],
    duration_s: float,
    tolerance_s: float = 1.0,
) -> None:
    """Add one trace's events and labels to the running score."""
    matched: set[int] = set()
    score.labels += len(labels)
    for ev in events:
        hit = next(
            (
                i
                for i, lab in enumerate(labels)
                if lab.gesture == ev.gesture and lab.start <= ev.t <= lab.end + tolerance_s
            ),
            None,
        )
        if hit is None:
            score.false_triggers += 1
            score.false_by_trace.setdefault(name, []).append(ev)
        elif hit not in matched:
            matched.add(hit)
            score.true_positives += 1
            score.latencies_s.append(ev.t - labels[hit].end)
    covered = sum(min(lab.end + tolerance_s, duration_s) - max(lab.start, 0.0) for lab in labels)
    score.unlabelled_s += max(0.0, duration_s - covered)
