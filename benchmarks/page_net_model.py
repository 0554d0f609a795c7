"""The page segmentation net (PyTorch, for training only): a small U-Net.

256x144 in, 128x72 logits out. The encoder reaches 1/16 scale, where one cell sees the
whole frame's context (which rectangle is the page, which the phone beside it); the
decoder brings back 1/2-scale detail from the skips. Built from ops that OpenCV's dnn
module runs from ONNX: convolutions, batch norm (folded on export), ReLU, nearest
upsampling, concatenation.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn


def _conv(cin: int, cout: int, stride: int = 1, dilation: int = 1) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, dilation, dilation=dilation, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class PageNet(nn.Module):
    # plain convolutions: on one CPU core PyTorch trains them 3x faster than separable
    # ones of the same inference cost, and OpenCV runs this one in about 4 ms
    def __init__(self, widths: tuple[int, ...] = (8, 16, 32, 48, 64)):
        super().__init__()
        w1, w2, w3, w4, w5 = widths
        self.stem = _conv(3, w1, stride=2)  # 1/2
        self.down2 = _conv(w1, w2, stride=2)  # 1/4
        self.down3 = nn.Sequential(_conv(w2, w3, stride=2), _conv(w3, w3))  # 1/8
        self.down4 = nn.Sequential(_conv(w3, w4, stride=2), _conv(w4, w4))  # 1/16
        self.context = nn.Sequential(_conv(w4, w5, dilation=2), _conv(w5, w5, dilation=4))
        self.up3 = _conv(w5 + w3, w3)
        self.up2 = _conv(w3 + w2, w2)
        self.up1 = _conv(w2 + w1, w1)
        self.head = nn.Conv2d(w1, 1, 1)
        self.upsample = nn.Upsample(scale_factor=2, mode="nearest")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        s1 = self.stem(x)
        s2 = self.down2(s1)
        s3 = self.down3(s2)
        s4 = self.context(self.down4(s3))
        y = self.up3(torch.cat([self.upsample(s4), s3], 1))
        y = self.up2(torch.cat([self.upsample(y), s2], 1))
        y = self.up1(torch.cat([self.upsample(y), s1], 1))
        return self.head(y)


def export_onnx(net: PageNet, out: Path, input_size: tuple[int, int]) -> None:
    net.eval()
    w, h = input_size
    torch.onnx.export(net, torch.zeros(1, 3, h, w), str(out), input_names=["frame"], output_names=["page"],
                      opset_version=13, dynamo=False)


def load_folded_onnx(net: PageNet, path: Path) -> None:
    """Start `net` from a shipped page_net.onnx: its convolutions carry their batch norms folded in.

    Each block gets the folded weights and a batch norm that passes them through (scale 1,
    the folded bias as its shift, unit statistics); train such a net with its batch norms
    frozen (`freeze_batch_norms`), or their batch statistics undo the folding.
    """
    import onnx
    from onnx import numpy_helper

    named = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in onnx.load(str(path)).graph.initializer}
    folded = [t for name, t in named.items() if not name.startswith("head.")]  # in the blocks' order
    blocks = [m for m in net.modules() if isinstance(m, nn.Sequential) and isinstance(m[0], nn.Conv2d)]
    if len(folded) != 2 * len(blocks):
        raise ValueError(f"{path} does not hold this net's {len(blocks)} blocks")
    with torch.no_grad():
        for block, weight, bias in zip(blocks, folded[0::2], folded[1::2]):
            conv, norm = block[0], block[1]
            conv.weight.copy_(weight)
            norm.weight.fill_(1.0)
            norm.bias.copy_(bias)
            norm.running_mean.zero_()
            norm.running_var.fill_(1.0 - norm.eps)
        net.head.weight.copy_(named["head.weight"])
        net.head.bias.copy_(named["head.bias"])


def freeze_batch_norms(net: nn.Module) -> None:
    """Batch norms as fixed affine maps (call after each net.train())."""
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):
            m.eval()
