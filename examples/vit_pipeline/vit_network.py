"""A tiny Vision Transformer in torch, standing in for HuggingFace's ViT (random weights).

Same structure as ViT, much smaller: the 64x64 image is cut into 8x8 patches,
each embedded by a strided convolution; a class token and position embeddings
are added; two pre-norm transformer blocks (multi-head self-attention, GELU
MLP) and a final LayerNorm give last_hidden_state; a linear head on the class
token gives the logits.

  pixel_values FP32 [N,3,64,64] -> last_hidden_state FP32 [N,65,64], logits FP32 [N,10]

vit_module() rebuilds the module with its fixed seed anywhere (the test compares
the server's answer with it); export_onnx() writes it as an ONNX file with a
variable batch dimension.
"""

import numpy as np
import torch
from torch import nn

SEED = 20240612
OPSET = 13
IMAGE_SIZE, PATCH_SIZE, CHANNELS = 64, 8, 3
WIDTH, HEADS, DEPTH, CLASSES = 64, 4, 2, 10
TOKENS = (IMAGE_SIZE // PATCH_SIZE) ** 2 + 1
INPUT, OUTPUTS = "pixel_values", ("last_hidden_state", "logits")


class SelfAttention(nn.Module):
    """Multi-head self-attention written out with matmuls (exports to plain ONNX ops)."""

    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(WIDTH, 3 * WIDTH)
        self.proj = nn.Linear(WIDTH, WIDTH)

    def forward(self, x):
        batch, tokens, _ = x.shape
        qkv = self.qkv(x).reshape(batch, tokens, 3, HEADS, WIDTH // HEADS).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        weights = torch.softmax(q @ k.transpose(-2, -1) * (WIDTH // HEADS) ** -0.5, dim=-1)
        return self.proj((weights @ v).transpose(1, 2).reshape(batch, tokens, WIDTH))


class Block(nn.Module):
    """Pre-norm transformer block: x + attention(norm(x)), then x + mlp(norm(x))."""

    def __init__(self):
        super().__init__()
        self.norm1 = nn.LayerNorm(WIDTH)
        self.attention = SelfAttention()
        self.norm2 = nn.LayerNorm(WIDTH)
        self.mlp = nn.Sequential(nn.Linear(WIDTH, 4 * WIDTH), nn.GELU(),
                                 nn.Linear(4 * WIDTH, WIDTH))

    def forward(self, x):
        x = x + self.attention(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class TinyViT(nn.Module):
    """pixel_values [N,3,64,64] -> (last_hidden_state [N,65,64], logits [N,10])."""

    def __init__(self):
        super().__init__()
        self.patches = nn.Conv2d(CHANNELS, WIDTH, PATCH_SIZE, stride=PATCH_SIZE)
        self.class_token = nn.Parameter(torch.randn(1, 1, WIDTH) * 0.02)
        self.positions = nn.Parameter(torch.randn(1, TOKENS, WIDTH) * 0.02)
        self.blocks = nn.Sequential(*[Block() for _ in range(DEPTH)])
        self.norm = nn.LayerNorm(WIDTH)
        self.head = nn.Linear(WIDTH, CLASSES)

    def forward(self, pixel_values):
        patches = self.patches(pixel_values).flatten(2).transpose(1, 2)  # [N,64,WIDTH]
        cls = self.class_token.expand(patches.shape[0], -1, -1)
        hidden = self.norm(self.blocks(torch.cat([cls, patches], dim=1) + self.positions))
        return hidden, self.head(hidden[:, 0])


def vit_module():
    """The tiny ViT with its fixed random weights (eval mode)."""
    torch.manual_seed(SEED)
    module = TinyViT()
    module.eval()
    return module


def export_onnx(path):
    """Write the module as ONNX with a variable batch dimension on input and outputs."""
    example = torch.zeros(1, CHANNELS, IMAGE_SIZE, IMAGE_SIZE)
    axes = {name: {0: "batch"} for name in (INPUT, *OUTPUTS)}
    torch.onnx.export(vit_module(), example, path, opset_version=OPSET,
                      input_names=[INPUT], output_names=list(OUTPUTS), dynamic_axes=axes)
    _declare_hidden_shape(path)


def _declare_hidden_shape(path):
    """Write last_hidden_state's fixed sizes [batch, 65, 64] into the ONNX file.

    The exporter leaves them symbolic (the token count flows through a Reshape);
    with them declared, the configuration the server derives says dims [65, 64].
    """
    import onnx

    model = onnx.load(path)
    for output in model.graph.output:
        if output.name == OUTPUTS[0]:
            dims = output.type.tensor_type.shape.dim
            for dim, size in zip(dims[1:], (TOKENS, WIDTH)):
                dim.dim_value = size
    onnx.checker.check_model(model)
    onnx.save(model, path)


def run(pixel_values):
    """(last_hidden_state, logits) for a float32 numpy batch, computed by torch."""
    with torch.no_grad():
        pixel_values = torch.from_numpy(np.array(pixel_values, dtype=np.float32))
        hidden, logits = vit_module()(pixel_values)
    return hidden.numpy(), logits.numpy()
