#!/usr/bin/python3
"""torch.nn.Transformer peer of one training update, for `bazel run //tools/bench`.

The model a PyTorch user would pick instead of the project's: torch.nn.Transformer with the
bench's shape (batch_first, packed q/k/v in-projection, ReLU, its own dropout everywhere, Post-LN,
or Pre-LN for --residual=pre; it always closes each stack with a LayerNorm and has no Admin
omega, so its parameter count differs slightly from the C++ model's), the project's input
(one token embedding shared by source, target and the output projection, x sqrt(d), sinusoidal
positions, dropout), source, target and memory key-padding masks and the causal mask,
F.cross_entropy with label smoothing summed over the real target tokens, and torch.optim.Adam
with its defaults. Flags, batches, the timed updates and the `key=value` lines it prints are
bench/step_common.py's, shared with the mirror script bench/step_reference.py.

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/step_torch_transformer.py --embed_dim=256 \
        --ffn_dim=1024 --attention_heads=4 --encoder_layers=6 --decoder_layers=6
"""
import torch
import torch.nn.functional as F
from torch import nn

from step_common import PAD, embed, parse_flags, time_updates


class TorchTransformer(nn.Module):
    def __init__(self, o):
        super().__init__()
        self.dropout = o.dropout
        self.embed_tokens = nn.Embedding(o.vocab_size, o.embed_dim, padding_idx=PAD)
        self.transformer = nn.Transformer(
            d_model=o.embed_dim, nhead=o.attention_heads, num_encoder_layers=o.encoder_layers,
            num_decoder_layers=o.decoder_layers, dim_feedforward=o.ffn_dim, dropout=o.dropout,
            batch_first=True, norm_first=o.residual == "pre")

    def forward(self, source, previous_target):
        source_mask = source.eq(PAD)
        causal = nn.Transformer.generate_square_subsequent_mask(previous_target.size(1))
        y = self.transformer(
            embed(self.embed_tokens, source, self.dropout, self.training),
            embed(self.embed_tokens, previous_target, self.dropout, self.training),
            tgt_mask=causal, src_key_padding_mask=source_mask,
            tgt_key_padding_mask=previous_target.eq(PAD), memory_key_padding_mask=source_mask)
        return F.linear(y, self.embed_tokens.weight)


def main():
    o = parse_flags(__doc__.splitlines()[0])
    model = TorchTransformer(o)
    optimizer = torch.optim.Adam(model.parameters(), lr=o.lr)

    def loss_and_tokens(source, previous, target):
        logits = model(source, previous)
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), target.reshape(-1),
                               label_smoothing=o.label_smoothing, ignore_index=PAD,
                               reduction="sum")
        return loss, target.ne(PAD).sum()

    time_updates(o, model, optimizer, loss_and_tokens)


if __name__ == "__main__":
    main()
