"""The real recordings in `../shared` as labelled cases for benchmarks and tests.

A `Case` is one recording as (t, pose) frames plus its labels (the gestures that *should* fire;
an empty list: nothing should). Each case names its subject and whether that subject is *held
out*: tuning may look at the others only, results are reported on the held-out ones.

Held-out rule (fixed before any tuning): every second subject in sorted id order, starting with
the second — MSR Action3D s02, s04; MSRC-12 persons p04, p08, p11, p13, p24, p28; UAV-GESTURE S11,
S4, S6; NATOPS (no subject ids) the odd sample indices within each class; gesture_frames
`person_b` and `outfit_black` (probably the same person); the real video is held out.

What counts as a command (the shapes of our defaults, see ../shared/README.md): NATOPS 4 spread
wings = zoom_in, 5 fold wings = zoom_out; gesture_frames `up` = open_app. Everything else is a
negative: `everyday` motion (MSR Action3D, the real video) or `lookalike` signals of other
command vocabularies (MSRC-12, NATOPS 1-3 and 6, UAV-GESTURE, the other photo classes), except the
`no_class` photos, reported as `ambiguous` (some are an open_app pose, held).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from gesturectl.gestures.evaluation import Label
from gesturectl.sources.traces import read_trace
from gesturectl.synth.kinect import MSR_FPS, WEBCAM_SHOULDER_WIDEN, msr_to_poses, read_msr_skeleton
from gesturectl.synth.msrc12 import GESTURE_NAMES, msrc_to_poses, read_sequence
from gesturectl.synth.natops import CLASS_NAMES, natops_to_poses, read_arff, wrist_gap_extreme_s
from gesturectl.synth.uav import read_uav, subject_of, uav_to_poses
from gesturectl.types import Pose

Frames = list[tuple[float, "Pose | None"]]

#: NATOPS classes that are our gestures: class -> (gesture, the wrists are widest at its end).
NATOPS_COMMANDS = {4: ("zoom_in", True), 5: ("zoom_out", False)}
#: gesture_frames classes that are our gestures (a held photo).
PHOTO_COMMANDS = {"up": "open_app"}
PHOTO_HELD_OUT = ("person_b", "outfit_black")
#: Free arm movement caught mid-way: some stills show one arm straight overhead, an open_app pose
#: when held (which a still is), so these are reported apart, not as clean negatives.
PHOTO_AMBIGUOUS = ("no_class",)


@dataclass(frozen=True)
class Case:
    """One recording: where it comes from, who, what it is, its frames and labels."""

    dataset: str
    subject: str
    activity: str
    name: str
    kind: str  # "command", "everyday" or "lookalike"
    held_out: bool
    frames: Frames = field(repr=False)
    labels: tuple[Label, ...] = ()

    @property
    def duration_s(self) -> float:
        if len(self.frames) < 2:
            return 0.0
        dt = (self.frames[-1][0] - self.frames[0][0]) / (len(self.frames) - 1)
        return self.frames[-1][0] - self.frames[0][0] + dt


def every_second(ids: list[str]) -> set[str]:
    """The held-out half: the 2nd, 4th, ... id in sorted order."""
    return set(sorted(set(ids))[1::2])


def msr_cases(root: Path) -> Iterator[Case]:
    """MSR Action3D (`aAA_sSS_eEE_skeleton3D.txt`): everyday and sports movements, all negatives."""
    files = sorted(root.glob("*_skeleton3D.txt"))
    held = every_second([p.name.split("_")[1] for p in files])
    for p in files:
        action, subject = p.name.split("_")[:2]
        frames = list(msr_to_poses(read_msr_skeleton(p), MSR_FPS, shoulder_widen=WEBCAM_SHOULDER_WIDEN))
        yield Case("msr_action3d", subject, action, p.stem, "everyday", subject in held, frames)


def msrc12_cases(root: Path) -> Iterator[Case]:
    """MSRC-12 (`P*_*_<g>_p<nn>.csv`): Kinect game gestures, all look-alike negatives."""
    files = sorted(root.glob("P*_p*.csv"))
    seqs = [read_sequence(p) for p in files]
    held = every_second([s.person for s in seqs])
    for s in seqs:
        act = GESTURE_NAMES.get(s.gesture, f"g{s.gesture}")
        yield Case("msrc12", s.person, act, s.name, "lookalike", s.person in held, list(msrc_to_poses(s)))


def uav_cases(root: Path) -> Iterator[Case]:
    """UAV-GESTURE (`joint_positions/<class>/<clip>/<clip>.mat`): drone signals, all look-alike negatives."""
    files = sorted(root.glob("joint_positions/*/*/*.mat"))
    held = every_second([subject_of(p) for p in files])
    for p in files:
        subj = subject_of(p)
        frames = list(uav_to_poses(read_uav(p)))
        yield Case("uav_gesture", subj, p.parts[-3], p.stem, "lookalike", subj in held, frames)


def natops_cases(arff: Path, pad_s: float = 1.0) -> Iterator[Case]:
    """NATOPS: spread/fold wings are zoom_in/zoom_out (labelled up to the wrists' widest/closest
    moment); the other four classes are look-alike negatives."""
    for s in read_arff(arff):
        name = f"natops_c{s.label}_{s.index_in_class:02d}"
        frames = list(natops_to_poses(s, pad_s))
        labels: tuple[Label, ...] = ()
        kind = "lookalike"
        if s.label in NATOPS_COMMANDS:
            gesture, widest = NATOPS_COMMANDS[s.label]
            labels = (Label(gesture, pad_s, wrist_gap_extreme_s(s, widest, pad_s)),)
            kind = "command"
        yield Case(
            "natops",
            f"i{s.index_in_class:02d}",
            CLASS_NAMES[s.label],
            name,
            kind,
            s.index_in_class % 2 == 1,
            frames,
            labels,
        )


def photo_cases(traces: Path) -> Iterator[Case]:
    """gesture_frames photos held as 2 s stills (`<class>/<person>/<id>.jsonl`, made by `gesturectl record`)."""
    for p in sorted(traces.glob("*/*/*.jsonl")):
        cls, person = p.parts[-3], p.parts[-2]
        _, it = read_trace(p)
        frames = list(it)
        labels: tuple[Label, ...] = ()
        kind = "ambiguous" if cls in PHOTO_AMBIGUOUS else "lookalike"
        if cls in PHOTO_COMMANDS:  # the pose is in place from the first frame: latency counts from there
            labels, kind = (Label(PHOTO_COMMANDS[cls], frames[0][0], frames[0][0]),), "command"
        yield Case("gesture_frames", person, cls, p.stem, kind, person in PHOTO_HELD_OUT, frames, labels)


def trace_cases(traces: list[Path], dataset: str = "video") -> Iterator[Case]:
    """Recorded traces of real videos of everyday motion (negatives, held out)."""
    for p in traces:
        _, it = read_trace(p)
        yield Case(dataset, p.stem, "everyday", p.stem, "everyday", True, list(it))


def retimed(case: Case, k: float) -> Case:
    """The same recording performed k times as long (k < 1: a faster person): every frame's time and
    every label scaled by k, so one recording stands for people of other tempos."""
    if k <= 0:
        raise ValueError(f"k must be > 0, got {k}")
    frames: Frames = [
        (t * k, None if p is None else Pose(p.keypoints, p.scores, p.layout, p.image_size, p.presence, p.t * k))
        for t, p in case.frames
    ]
    labels = tuple(Label(lab.gesture, lab.start * k, lab.end * k) for lab in case.labels)
    return replace(case, frames=frames, labels=labels)


def training_halves(cases: list[Case]) -> dict[str, str]:
    """Case name -> "A" or "B": the training subjects of each dataset split again by the held-out rule
    (every second one in sorted order is B), for choosing on one half and checking on the other."""
    halves = {}
    for dataset in sorted({c.dataset for c in cases if not c.held_out}):
        subjects = sorted({c.subject for c in cases if c.dataset == dataset and not c.held_out})
        b = set(subjects[1::2])
        for c in cases:
            if c.dataset == dataset and not c.held_out:
                halves[c.name] = "B" if c.subject in b else "A"
    return halves


#: dataset name -> (path under ../shared, loader)
LOADERS: dict[str, tuple[str, Callable[[Path], Iterator[Case]]]] = {
    "msr_action3d": ("motion/msr_action3d_dev", msr_cases),
    "msrc12": ("motion/msrc12_dev", msrc12_cases),
    "natops": ("motion/natops_dev/NATOPS_TRAIN.arff", natops_cases),
    "uav_gesture": ("motion/uav_gesture_dev", uav_cases),
}
