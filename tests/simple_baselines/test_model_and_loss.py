"""PoseResNet shapes, names and parameter counts; strict loading of the three checkpoint layouts;
JointsMSELoss by hand."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from gesturectl.errors import ModelError
from gesturectl.simple_baselines.checkpoint import load_weights
from gesturectl.simple_baselines.loss import JointsMSELoss
from gesturectl.simple_baselines.model import PoseResNet, count_parameters


def test_pose_resnet_50_parameter_count_names_and_shapes():
    m = PoseResNet(50, 17).eval()
    assert count_parameters(m) == 33_999_697
    sd = m.state_dict()
    assert sd["conv1.weight"].shape == (64, 3, 7, 7)
    assert sd["layer1.0.conv1.weight"].shape == (64, 64, 1, 1)
    assert sd["layer2.0.conv2.weight"].shape == (128, 128, 3, 3)  # the stride sits on the 3×3
    assert m.layer2[0].conv2.stride == (2, 2) and m.layer2[0].conv1.stride == (1, 1)
    assert sd["layer1.0.downsample.0.weight"].shape == (256, 64, 1, 1)
    assert sd["deconv_layers.0.weight"].shape == (2048, 256, 4, 4)
    assert {
        "deconv_layers.1.weight",
        "deconv_layers.1.running_mean",
        "deconv_layers.4.bias",
        "deconv_layers.7.running_var",
    } <= set(sd)
    assert sd["deconv_layers.3.weight"].shape == (256, 256, 4, 4)
    assert sd["final_layer.weight"].shape == (17, 256, 1, 1) and sd["final_layer.bias"].shape == (17,)
    assert "deconv_layers.0.bias" not in sd
    with torch.no_grad():
        assert m(torch.zeros(2, 3, 256, 192)).shape == (2, 17, 64, 48)
        assert m(torch.zeros(1, 3, 384, 288)).shape == (1, 17, 96, 72)


@pytest.mark.parametrize("layers, params", [(18, 15_376_721), (34, 25_484_881), (101, 52_991_825), (152, 68_635_473)])
def test_other_depths(layers, params):
    m = PoseResNet(layers, 17)
    assert count_parameters(m) == params
    assert m.state_dict()["deconv_layers.0.weight"].shape[0] == (512 if layers < 50 else 2048)


def _randomised(layers=18):
    m = PoseResNet(layers, 17)
    with torch.no_grad():
        for p in m.parameters():
            p.normal_(0, 0.05)
        for b in m.buffers():
            if b.dtype.is_floating_point:
                b.uniform_(0.5, 1.5)
    return m


@pytest.mark.parametrize("layout", ["plain", "module_prefix", "state_dict_wrapper", "wrapper_with_prefix"])
def test_checkpoint_layouts_load_strictly(tmp_path, layout):
    src = _randomised()
    sd = src.state_dict()
    obj = {
        "plain": sd,
        "module_prefix": {f"module.{k}": v for k, v in sd.items()},
        "state_dict_wrapper": {"state_dict": sd, "epoch": 140, "perf": 0.7},
        "wrapper_with_prefix": {"state_dict": {f"module.{k}": v for k, v in sd.items()}},
    }[layout]
    path = tmp_path / "ckpt.pth.tar"
    torch.save(obj, path)
    dst = load_weights(PoseResNet(18, 17), path)
    for k, v in sd.items():
        assert torch.equal(dst.state_dict()[k], v), k


def test_checkpoint_mismatch_names_the_problem(tmp_path):
    path = tmp_path / "r18.pth"
    torch.save(PoseResNet(18, 17).state_dict(), path)
    with pytest.raises(ModelError, match=r"does not fit PoseResNet-50 .*missing key\(s\): layer1.0.conv3.weight"):
        load_weights(PoseResNet(50, 17), path)
    with pytest.raises(ModelError, match="no such checkpoint"):
        load_weights(PoseResNet(18, 17), tmp_path / "nope.pth")
    partial = PoseResNet(18, 17).state_dict()
    partial.pop("final_layer.bias")
    with pytest.raises(ModelError, match="1 missing key\\(s\\): final_layer.bias$"):
        load_weights(PoseResNet(18, 17), partial)


def test_joints_mse_loss_by_hand():
    out = torch.zeros(1, 2, 2, 2)
    out[0, 0] = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    tgt = torch.zeros(1, 2, 2, 2)
    tgt[0, 1] = 1.0
    # joint 0: mean((1,4,9,16)) = 7.5 → 0.5·7.5 = 3.75; joint 1: mean(1) = 1 → 0.5; averaged over 2 joints
    assert float(JointsMSELoss(False)(out, tgt)) == pytest.approx((3.75 + 0.5) / 2)
    w = torch.tensor([[1.0, 0.0]])
    assert float(JointsMSELoss(True)(out, tgt, w)) == pytest.approx(3.75 / 2)  # joint 1 contributes nothing
    w = torch.tensor([[0.5, 1.0]])
    # weights multiply both maps: joint 0 becomes 0.5·mean((0.5,1,1.5,2)²) = 0.5·1.875
    assert float(JointsMSELoss(True)(out, tgt, w)) == pytest.approx((0.5 * 1.875 + 0.5) / 2)
    with pytest.raises(ValueError, match="target_weight"):
        JointsMSELoss(True)(out, tgt)


def test_loss_gradient_flows_and_batches_average():
    out = torch.randn(3, 17, 8, 6, requires_grad=True)
    tgt = torch.randn(3, 17, 8, 6)
    loss = JointsMSELoss(True)(out, tgt, torch.ones(3, 17))
    loss.backward()
    assert out.grad is not None
    assert float(loss.detach()) == pytest.approx(0.5 * float(((out.detach() - tgt) ** 2).mean()), rel=1e-5)
