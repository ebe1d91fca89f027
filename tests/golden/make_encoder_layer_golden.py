#!/usr/bin/python3
"""Golden outputs of PyTorch's nn.TransformerEncoderLayer for tests/transformer_layer_test.cc.

Run once with Debian's python3-torch 1.13.1 (same kernels as the C++ library):
    /usr/bin/python3 tests/golden/make_encoder_layer_golden.py
It writes encoder_layer_{post,pre}.txt: every tensor as a line `name dim0 dim1 ...`
followed by a line of its values (row-major, %.9g). The test copies the weights into a
core::EncoderLayer and compares outputs; it does not need Python.
"""
import os

import torch

D, HEADS, FFN, BATCH, LENGTH = 8, 2, 16, 2, 5


def dump(out, name, tensor):
    tensor = tensor.detach().to(torch.float64).contiguous()
    out.write("%s %s\n" % (name, " ".join(str(s) for s in tensor.shape)))
    out.write(" ".join("%.9g" % v for v in tensor.flatten().tolist()) + "\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for norm_first, mode in ((False, "post"), (True, "pre")):
        torch.manual_seed(1111)
        layer = torch.nn.TransformerEncoderLayer(
            D, HEADS, dim_feedforward=FFN, dropout=0.0, batch_first=True, norm_first=norm_first)
        # Non-trivial LayerNorm parameters, so a swapped norm would show.
        with torch.no_grad():
            for norm in (layer.norm1, layer.norm2):
                norm.weight.uniform_(0.5, 1.5)
                norm.bias.uniform_(-0.5, 0.5)
        layer.eval()
        x = torch.randn(BATCH, LENGTH, D)
        padding = torch.zeros(BATCH, LENGTH, dtype=torch.bool)
        padding[1, 3:] = True  # the second sentence has 3 real tokens
        y = layer(x, src_key_padding_mask=padding)
        with open(os.path.join(here, "encoder_layer_%s.txt" % mode), "w") as out:
            w = layer.self_attn.in_proj_weight
            b = layer.self_attn.in_proj_bias
            for i, name in enumerate(("q_proj", "k_proj", "v_proj")):
                dump(out, name + ".weight", w[i * D:(i + 1) * D])
                dump(out, name + ".bias", b[i * D:(i + 1) * D])
            dump(out, "out_proj.weight", layer.self_attn.out_proj.weight)
            dump(out, "out_proj.bias", layer.self_attn.out_proj.bias)
            dump(out, "fc1.weight", layer.linear1.weight)
            dump(out, "fc1.bias", layer.linear1.bias)
            dump(out, "fc2.weight", layer.linear2.weight)
            dump(out, "fc2.bias", layer.linear2.bias)
            dump(out, "norm1.weight", layer.norm1.weight)
            dump(out, "norm1.bias", layer.norm1.bias)
            dump(out, "norm2.weight", layer.norm2.weight)
            dump(out, "norm2.bias", layer.norm2.bias)
            dump(out, "input", x)
            dump(out, "padding", padding.to(torch.float64))
            dump(out, "output", y)


if __name__ == "__main__":
    main()
