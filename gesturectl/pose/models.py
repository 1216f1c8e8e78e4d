"""Bundled ONNX models: find them, verify them, run them (onnxruntime lives here).

`models/manifest.json` lists every bundled file with its sha256; a file is checked
against it before a session is created, so a truncated or replaced model gives a clear
error instead of garbage landmarks.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from gesturectl.errors import ModelError

log = logging.getLogger(__name__)

REFETCH_HINT = (
    "restore it with `git checkout -- models/` (or reinstall gesturectl); to rebuild it from the "
    "MediaPipe sources run tools/fetch_blazepose_sources.sh and tools/convert_blazepose.py"
)


def models_dir() -> Path:
    """The folder that holds the bundled models and their manifest."""
    return Path(str(resources.files("gesturectl.models")))


def load_manifest(folder: Path | None = None) -> dict[str, dict]:
    """The manifest's `models` table: name -> {"file", "sha256", ...}, checked for shape."""
    path = (folder or models_dir()) / "manifest.json"
    try:
        models = json.loads(path.read_text(encoding="utf-8"))["models"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ModelError(f"cannot read the model manifest {path}: {e}; {REFETCH_HINT}") from e
    ok = isinstance(models, dict) and all(
        isinstance(e, dict)
        and isinstance(e.get("file"), str)
        and isinstance(e.get("sha256"), str)
        and "/" not in e["file"]
        and "\\" not in e["file"]
        for e in models.values()
    )
    if not ok:
        raise ModelError(
            f'the model manifest {path} is malformed (expected {{"models": {{name: {{"file", "sha256"}}}}}}); '
            f"{REFETCH_HINT}"
        )
    return models


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def verified_path(name: str, folder: Path | None = None) -> Path:
    """Path of a bundled model after checking it exists and matches its manifest hash."""
    folder = folder or models_dir()
    entry = load_manifest(folder).get(name)
    if entry is None:
        raise ModelError(f"model {name!r} is not in {folder / 'manifest.json'}")
    path = folder / entry["file"]
    if not path.is_file():
        raise ModelError(f"model file {path} is missing; {REFETCH_HINT}")
    digest = sha256_of(path)
    if digest != entry["sha256"]:
        raise ModelError(
            f"model file {path} is corrupt or was replaced (sha256 {digest[:12]}…, expected "
            f"{entry['sha256'][:12]}…); {REFETCH_HINT}"
        )
    return path


@dataclass(frozen=True)
class RuntimeOptions:
    """onnxruntime settings. One thread without spinning keeps an idle daemon cheap.

    Attributes:
        threads: intra-op threads.
        release_after_run: hand the working memory back after every run, for a model that runs now and
            then (the person finder and detector: a few times a second at most). Measured on the daemon
            with a person raising their arms: 185 -> 160 MB resident, at no CPU cost that the same run
            could tell apart from noise. The landmark model runs every frame and keeps its memory (releasing
            it there costs about 70% more CPU).
        memory_pattern: onnxruntime's memory pattern (one block planned for all of a run's tensors, allocated
            ahead). The landmark models run without it: their arena then holds only what is live at once,
            5 MB less resident for the daemon (149 -> 144 MB) at the same CPU per run (interleaved, 0.99x).
            The finder and detector keep it (off for the finder too measured worse in an earlier session:
            159 -> 176 MB, its arena being handed back after each run).
    """

    threads: int = 1
    release_after_run: bool = False
    memory_pattern: bool = True


def release_freed_memory() -> None:
    """Hand memory that was freed back to the system (glibc keeps it otherwise). Building a session frees
    a good part of what it allocated (the graph optimisations copy the weights): measured on the MoveNet +
    BlazePose full pair, 113 -> 94 MB for the two sessions, 201 -> 188 MB for the daemon. No-op off glibc."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.lru_cache(maxsize=1)
def _malloc_trim():
    """glibc's malloc_trim, looked up once (finding libc runs `ldconfig`: about 1 ms, too much per run)."""
    import ctypes
    import ctypes.util
    import sys

    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):  # musl and others have no malloc_trim
        return None


def private_onnxruntime():
    """onnxruntime with its telemetry off, before any session exists.

    Imported with default settings, onnxruntime (1.2x and later) writes a device id and an event
    database under `~/.cache/Microsoft/DeveloperTools` at import and may send usage events: nothing of
    gesturectl may leave the machine. `ORT_DISABLE_TELEMETRY` works only when set before the first import
    (an explicit value of the user's is kept); `disable_telemetry_events()` covers an earlier import.
    """
    os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
    import onnxruntime as ort

    if hasattr(ort, "disable_telemetry_events"):
        ort.disable_telemetry_events()
    return ort


class OnnxModel:
    """One onnxruntime session with named outputs."""

    def __init__(self, path: Path, options: RuntimeOptions = RuntimeOptions(), hint: str = REFETCH_HINT) -> None:
        ort = private_onnxruntime()

        so = ort.SessionOptions()
        so.intra_op_num_threads = options.threads
        so.inter_op_num_threads = 1
        so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        so.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # onnxruntime's arena stays on: without it the daemon's loop thread fragments glibc's heap (measured:
        # 188 -> 241 MB resident with one person in view), whatever malloc_trim and MALLOC_ARENA_MAX do.
        so.log_severity_level = 3
        so.enable_mem_pattern = options.memory_pattern
        self._run_options = None
        if options.release_after_run:
            self._run_options = ort.RunOptions()
            self._run_options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
        try:
            self._session = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
        except Exception as e:  # onnxruntime raises its own exception types
            raise ModelError(f"onnxruntime cannot load {path}: {e}; {hint}") from e
        self.path = path
        self.input_name = self._session.get_inputs()[0].name
        self.input_shape = tuple(self._session.get_inputs()[0].shape)
        self.output_names = [o.name for o in self._session.get_outputs()]
        self.metadata: dict[str, str] = dict(self._session.get_modelmeta().custom_metadata_map)
        release_freed_memory()

    def __call__(self, x: np.ndarray) -> dict[str, np.ndarray]:
        outs = self._session.run(None, {self.input_name: x}, self._run_options)
        if self._run_options is not None:
            release_freed_memory()  # the arena gave its chunks back to malloc; malloc gives them to the system
        return dict(zip(self.output_names, outs))
