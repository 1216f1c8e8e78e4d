"""The `pose:` section of the config: which model runs and how it follows the person.

One frozen, validated model shared by the config loader and the pose stage (no copy of its fields).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

LANDMARK_MODELS = ("lite", "full")
# Landmark models with a bundled int8 copy (models/MODELS.md: no lite recipe kept accuracy and still paid off).
INT8_MODELS = ("full",)


class PoseSettings(BaseModel):
    """Settings of the pose stage.

    Attributes:
        model: "lite" or "full" BlazePose landmark model, or the path of a heatmap model (.onnx)
            exported with `gesturectl export-simple-baselines`.
        min_detection_score: detector score a person must reach, in [0, 1].
        min_presence: landmark model's person score below which the person is lost.
        nms_iou: overlap above which two detections are one person.
        track: follow the person from frame to frame instead of detecting every frame.
        threads: threads the pose stage may use: onnxruntime's intra-op threads and OpenCV's pool (process-wide).
        recheck_s: while tracking, run the detector this often to keep the track on its person.
        draw_min_score: joints scored below this are drawn hollow and their limbs left out.
        people_finder: what finds the people to follow when max_people > 1: `movenet` (MoveNet
            MultiPose, one pass for up to six people) or `blazepose` (BlazePose's face-based detector,
            which proposes one person on most group photos).
        max_people: how many people the BlazePose models follow at once (1: only the main person, as
            the single-person pipeline does; each further person in view costs one more landmark crop).
        precision: the models' arithmetic: `float32` (the converted MediaPipe and MoveNet models), `int8`
            (their quantized copies: the full landmark model, about 18% less CPU per frame at the same mean
            OKS on the labelled photos and the same gesture figures, bundled for `full` only; and MoveNet,
            the people finder, about 9 MB less resident memory at the same mean OKS; models/MODELS.md has
            the figures) or `auto` (int8 where it is bundled, float32 otherwise).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    model: str = "full"
    min_detection_score: float = Field(0.5, ge=0.0, le=1.0)
    min_presence: float = Field(0.5, ge=0.0, le=1.0)
    nms_iou: float = Field(0.3, gt=0.0, lt=1.0)
    track: bool = True
    threads: int = Field(1, ge=1, le=64)
    recheck_s: float = Field(0.5, gt=0.0, le=60.0)
    draw_min_score: float = Field(0.5, ge=0.0, le=1.0)
    max_people: int = Field(4, ge=1, le=6)
    people_finder: Literal["movenet", "blazepose"] = "movenet"
    precision: Literal["auto", "float32", "int8"] = "auto"

    @field_validator("model")
    @classmethod
    def _model(cls, v: str) -> str:
        if v in LANDMARK_MODELS:
            return v
        if not v.endswith(".onnx"):
            raise ValueError(
                "must be lite, full, or the path of a heatmap model (.onnx) from `gesturectl export-simple-baselines`"
            )
        if not Path(v).expanduser().is_file():
            raise ValueError(f"model file {v} does not exist")
        return v

    @model_validator(mode="after")
    def _precision(self) -> PoseSettings:
        if self.precision == "int8" and self.model not in INT8_MODELS:
            raise ValueError(
                f"precision: int8 is bundled for model {' or '.join(INT8_MODELS)} only, got model {self.model!r} "
                "(use precision: float32 with it)"
            )
        return self

    def landmark_model_name(self) -> str:
        """The bundled landmark model these settings run (a name in models/manifest.json)."""
        if self.model not in LANDMARK_MODELS:
            raise ValueError(f"pose.model: expected one of {LANDMARK_MODELS}, got {self.model!r}")
        return f"pose_landmark_{self.model}" + ("_int8" if self.int8 else "")

    def finder_model_name(self) -> str:
        """The bundled MoveNet the people finder runs (int8 unless `precision: float32`; the int8 copy is
        bundled whatever the landmark model)."""
        return "movenet_multipose" + ("" if self.precision == "float32" else "_int8")

    @property
    def int8(self) -> bool:
        """Whether the int8 landmark model runs (asked for, or `auto` where it is bundled)."""
        return self.precision == "int8" or (self.precision == "auto" and self.model in INT8_MODELS)

    def with_model(self, model: str) -> PoseSettings:
        """A copy with another model, validated like the config (for `--model`)."""
        return PoseSettings.model_validate({**self.model_dump(), "model": model})
