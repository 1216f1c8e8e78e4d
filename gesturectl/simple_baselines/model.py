"""PoseResNet: a ResNet backbone, three deconvolution layers and a 1×1 convolution to K heatmaps.

For a 256×192 input (height × width): the backbone reduces to 8×6 (stride 32) with 2048 channels
(512 for ResNet-18/34); three 4×4 stride-2 deconvolutions (256 filters, no bias, each with
BatchNorm and ReLU) bring it back to 64×48; a 1×1 convolution gives one heatmap per joint.

Module and parameter names follow the reference implementation (microsoft/human-pose-estimation
.pytorch), so its released checkpoints load with `strict=True`: `conv1`, `bn1`, `layer1..4`
(blocks with `conv1..3`, `bn1..3`, `downsample.0/1`), `deconv_layers.{0,1,3,4,6,7}` and
`final_layer`. The stride of a bottleneck sits on its 3×3 convolution (torchvision's layout).
"""

from __future__ import annotations

import torch
from torch import nn

BN_MOMENTUM = 0.1


class BasicBlock(nn.Module):
    """Two 3×3 convolutions with an identity (or projected) shortcut: ResNet-18/34."""

    expansion = 1

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes, momentum=BN_MOMENTUM)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes, momentum=BN_MOMENTUM)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    """1×1 reduce, 3×3 (carrying the stride), 1×1 expand ×4, with a shortcut: ResNet-50/101/152."""

    expansion = 4

    def __init__(self, inplanes: int, planes: int, stride: int = 1, downsample: nn.Module | None = None) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes, momentum=BN_MOMENTUM)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes, momentum=BN_MOMENTUM)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4, momentum=BN_MOMENTUM)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + identity)


#: depth -> (block, blocks per stage), as in He et al. 2016.
RESNET_SPECS: dict[int, tuple[type[nn.Module], tuple[int, int, int, int]]] = {
    18: (BasicBlock, (2, 2, 2, 2)),
    34: (BasicBlock, (3, 4, 6, 3)),
    50: (Bottleneck, (3, 4, 6, 3)),
    101: (Bottleneck, (3, 4, 23, 3)),
    152: (Bottleneck, (3, 8, 36, 3)),
}


class PoseResNet(nn.Module):
    """Simple Baselines pose network.

    Args:
        layers: ResNet depth, one of 18, 34, 50, 101, 152.
        num_joints: heatmaps out (17 for COCO).
        deconv_filters: channels of each deconvolution layer (the paper: 256, three layers).
        deconv_kernel: 4 (padding 1, output padding 0), 3 (1, 1) or 2 (0, 0): each doubles the size.
    """

    def __init__(
        self,
        layers: int = 50,
        num_joints: int = 17,
        deconv_filters: tuple[int, ...] = (256, 256, 256),
        deconv_kernel: int = 4,
    ) -> None:
        if layers not in RESNET_SPECS:
            raise ValueError(f"layers must be one of {sorted(RESNET_SPECS)}, got {layers}")
        if deconv_kernel not in (2, 3, 4):
            raise ValueError(f"deconv_kernel must be 2, 3 or 4, got {deconv_kernel}")
        super().__init__()
        block, counts = RESNET_SPECS[layers]
        self.layers, self.num_joints = layers, num_joints
        self.inplanes = 64
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64, momentum=BN_MOMENTUM)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = self._stage(block, 64, counts[0], 1)
        self.layer2 = self._stage(block, 128, counts[1], 2)
        self.layer3 = self._stage(block, 256, counts[2], 2)
        self.layer4 = self._stage(block, 512, counts[3], 2)
        self.deconv_layers = self._deconvs(deconv_filters, deconv_kernel)
        self.final_layer = nn.Conv2d(deconv_filters[-1], num_joints, 1, 1, 0)
        self.init_weights()

    def _stage(self, block: type[nn.Module], planes: int, blocks: int, stride: int) -> nn.Sequential:
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes * block.expansion, 1, stride, bias=False),
                nn.BatchNorm2d(planes * block.expansion, momentum=BN_MOMENTUM),
            )
        out = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        out += [block(self.inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*out)

    def _deconvs(self, filters: tuple[int, ...], kernel: int) -> nn.Sequential:
        padding, output_padding = {4: (1, 0), 3: (1, 1), 2: (0, 0)}[kernel]
        mods: list[nn.Module] = []
        for planes in filters:
            mods += [
                nn.ConvTranspose2d(self.inplanes, planes, kernel, 2, padding, output_padding, bias=False),
                nn.BatchNorm2d(planes, momentum=BN_MOMENTUM),
                nn.ReLU(inplace=True),
            ]
            self.inplanes = planes
        return nn.Sequential(*mods)

    def init_weights(self) -> None:
        """The reference initialisation: N(0, 0.001) deconvolutions and final layer, BN weight 1, bias 0.
        (Backbone convolutions keep PyTorch's default; the paper starts them from ImageNet.)"""
        for m in self.deconv_layers.modules():
            if isinstance(m, nn.ConvTranspose2d):
                nn.init.normal_(m.weight, std=0.001)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        nn.init.normal_(self.final_layer.weight, std=0.001)
        nn.init.constant_(self.final_layer.bias, 0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.final_layer(self.deconv_layers(x))


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
