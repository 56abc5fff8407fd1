#!/usr/bin/env python3
"""PyTorch peer of Frontier's `kernels` benchmark (test/src/bench/kernels-torch.ts runs it).

Trains three small Fashion-MNIST CNNs itself — a plain VGG-style CNN, a residual CNN with
BatchNorm, a depthwise-separable CNN with BatchNorm — exports each to ONNX in eval mode (PyTorch
folds the BatchNorms into the convolutions on export), and measures PyTorch's own compression
without fine-tuning on the 10 000 test images:

- `torch.nn.utils.prune.global_unstructured` with `L1Unstructured` over every Conv2d/Linear
  weight, applied to the unfolded model (BatchNorms separate), at each pruning ratio;
- per-channel symmetric fake quantization of every Conv2d/Linear weight (PerChannelMinMaxObserver
  qparams, `torch.fake_quantize_per_channel_affine`, range [-2^(b-1), 2^(b-1) - 1]) at each width.

Reads a job as JSON on stdin:

    {"dataDir": folder of the fashion-mnist package's class JSON files (0.json … 9.json),
     "outDir": folder for the ONNX exports, "epochs": e, "trainImages": the first n train images, "threads": t, "seed": s,
     "pruneRatios": [...], "weightBits": [...]}

and writes {"version", "threads", "seconds", "models": [{"name", "onnx", "trainSeconds",
"test", "prune": {ratio: accuracy}, "quant": {bits: accuracy}}]} on stdout.

The split is Frontier's (workers/src/data/fashion-mnist.ts): per class, in file order after
dropping the empty entries of class 0's file, images 0 … 5999 are train and 6000 … 6999 test;
pixels / 255, NCHW [N, 1, 28, 28]. Python is a peer only, never a dependency of Frontier.
"""
import copy
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils import prune

PER_CLASS = 7000
TRAIN_PER_CLASS = 6000


def read_split(data_dir):
    """(train_x, train_y, test_x, test_y) as float32 [N, 1, 28, 28] / int64 [N], class-interleaved."""
    train, test = [], []
    for c in range(10):
        with open(os.path.join(data_dir, f"{c}.json")) as f:
            entries = [e for e in json.load(f)["data"] if len(e) > 0]
        if len(entries) != PER_CLASS:
            raise SystemExit(f"class {c}: {len(entries)} images, expected {PER_CLASS}")
        images = np.asarray(entries, dtype=np.uint8).reshape(PER_CLASS, 1, 28, 28)
        train.append(images[:TRAIN_PER_CLASS])
        test.append(images[TRAIN_PER_CLASS:])

    def stack(parts):
        x = np.stack(parts, axis=1).reshape(-1, 1, 28, 28)  # position j*10 + c holds class c
        y = np.tile(np.arange(10), len(parts[0]))
        return torch.from_numpy(x.astype(np.float32) / 255.0), torch.from_numpy(y.astype(np.int64))

    return (*stack(train), *stack(test))


class Plain(nn.Module):
    """VGG-style: conv-relu-pool ×2, Linear-relu-Linear; no BatchNorm."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1)
        self.fc1 = nn.Linear(32 * 7 * 7, 64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(torch.flatten(x, 1))))


def conv_bn(cin, cout, k=3, stride=1, groups=1):
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.a = conv_bn(c, c)
        self.b = conv_bn(c, c)

    def forward(self, x):
        return F.relu(x + self.b(F.relu(self.a(x))))


class Residual(nn.Module):
    """ResNet-style: stem and 2× pool, residual block, stride-2 conv, residual block, global pool, Linear."""

    def __init__(self):
        super().__init__()
        self.stem = conv_bn(1, 16)
        self.block1 = Block(16)
        self.down = conv_bn(16, 32, stride=2)
        self.block2 = Block(32)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = self.block1(F.max_pool2d(F.relu(self.stem(x)), 2))
        x = self.block2(F.relu(self.down(x)))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class Separable(nn.Module):
    """MobileNet-style: stem, then depthwise 3×3 + pointwise 1×1 pairs (each with BN, ReLU), global pool, Linear."""

    def __init__(self):
        super().__init__()
        layers = [conv_bn(1, 16, stride=2), nn.ReLU()]
        for cin, cout, stride in [(16, 32, 1), (32, 64, 2), (64, 64, 1)]:
            layers += [conv_bn(cin, cin, stride=stride, groups=cin), nn.ReLU(), conv_bn(cin, cout, k=1), nn.ReLU()]
        self.features = nn.Sequential(*layers)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(self.features(x), 1), 1))


MODELS = {"plain-cnn": Plain, "residual-cnn": Residual, "separable-cnn": Separable}


def train(model, x, y, epochs, seed, images):
    x, y = x[:images], y[:images]  # class-interleaved, so any prefix is balanced
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=gen)
        for start in range(0, len(x), 128):
            idx = order[start : start + 128]
            opt.zero_grad()
            F.cross_entropy(model(x[idx]), y[idx]).backward()
            opt.step()
    model.eval()


@torch.no_grad()
def accuracy(model, x, y):
    model.eval()
    correct = 0
    for start in range(0, len(x), 1000):
        correct += (model(x[start : start + 1000]).argmax(1) == y[start : start + 1000]).sum().item()
    return correct / len(x)


def weight_modules(model):
    return [m for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]


def pruned(model, ratio):
    """PyTorch's global L1 unstructured pruning over every Conv2d/Linear weight, made permanent."""
    m = copy.deepcopy(model)
    params = [(mod, "weight") for mod in weight_modules(m)]
    prune.global_unstructured(params, pruning_method=prune.L1Unstructured, amount=ratio)
    for mod, name in params:
        prune.remove(mod, name)
    return m


@torch.no_grad()
def fake_quantized(model, bits):
    """Per-channel (output axis) symmetric fake quantization of every Conv2d/Linear weight."""
    m = copy.deepcopy(model)
    qmin, qmax = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    for mod in weight_modules(m):
        obs = torch.ao.quantization.PerChannelMinMaxObserver(
            ch_axis=0, dtype=torch.qint8, qscheme=torch.per_channel_symmetric, quant_min=qmin, quant_max=qmax
        )
        obs(mod.weight)
        scale, zero = obs.calculate_qparams()
        mod.weight.copy_(torch.fake_quantize_per_channel_affine(mod.weight, scale, zero.to(torch.int32), 0, qmin, qmax))
    return m


def export(model, path, sample):
    torch.onnx.export(
        model, sample, path, opset_version=13, input_names=["input"], output_names=["logits"],
        dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}}, do_constant_folding=True,
        training=torch.onnx.TrainingMode.EVAL,
    )


def main():
    job = json.load(sys.stdin)
    started = time.time()
    torch.set_num_threads(int(job.get("threads", 1)))
    train_x, train_y, test_x, test_y = read_split(job["dataDir"])
    os.makedirs(job["outDir"], exist_ok=True)
    out = []
    for name, make in MODELS.items():
        torch.manual_seed(job.get("seed", 0))
        model = make()
        t0 = time.time()
        train(model, train_x, train_y, int(job.get("epochs", 1)), job.get("seed", 0), int(job.get("trainImages", len(train_x))))
        train_seconds = time.time() - t0
        path = os.path.join(job["outDir"], f"{name}.onnx")
        export(model, path, test_x[:2])
        out.append({
            "name": name,
            "onnx": path,
            "trainSeconds": train_seconds,
            "test": accuracy(model, test_x, test_y),
            "prune": {str(r): accuracy(pruned(model, r), test_x, test_y) for r in job["pruneRatios"]},
            "quant": {str(b): accuracy(fake_quantized(model, b), test_x, test_y) for b in job["weightBits"]},
        })
    json.dump({"version": torch.__version__, "threads": torch.get_num_threads(), "seconds": time.time() - started, "models": out}, sys.stdout)


if __name__ == "__main__":
    main()
