"""The pose stage: `Frame -> Pose | None`. BlazePose (detector + landmark model, ONNX) with pure
numpy pre- and post-processing, the Simple Baselines heatmap backend, and drawing."""
