"""Simple Baselines for Human Pose Estimation (Xiao, Wu, Wei, ECCV 2018) in PyTorch.

The optional, PyTorch side of the project (`pip install 'gesturectl[torch]'`): the PoseResNet
model, JointsMSELoss, checkpoint loading, ONNX export and training. The daemon never imports
this package; it runs exported models through `gesturectl/pose/heatmap_backend.py` with
onnxruntime and numpy only. See docs/simple_baselines.md.
"""
