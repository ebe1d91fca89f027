#!/usr/bin/python3
"""PyTorch eager reference of one training update, for `bazel run //tools/bench`.

The same encoder-decoder Transformer as core/model/transformer.cc, written the way a PyTorch user
would write it: the same modules and parameter shapes (separate q/k/v/out projections with
biases, one embedding shared by source, target and output projection, sinusoidal positions,
one LayerNorm per sublayer, Admin's omega), the same operations in the same order
(core/model/attention.cc, feed_forward.cc, sublayer.cc, residual.cc, positional_embedding.cc), the
same label-smoothed cross-entropy (core/model/label_smoothed_loss.cc), torch.optim.Adam with its
defaults (LibTorch's torch::optim::Adam in C++), and the same batches. Initial values differ:
they do not change the time of an update. Flags, batches, the input embedding, the timed
updates and the `key=value` lines it prints are bench/step_common.py's, shared with
bench/step_torch_transformer.py.

    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 bench/step_reference.py --embed_dim=256 \
        --ffn_dim=1024 --attention_heads=4 --encoder_layers=6 --decoder_layers=6
"""
import math

import torch
import torch.nn.functional as F
from torch import nn

from step_common import PAD, embed, parse_flags, time_updates


class Attention(nn.Module):
    def __init__(self, d, heads, attention_dropout):
        super().__init__()
        self.heads, self.head_dim = heads, d // heads
        self.attention_dropout = attention_dropout
        self.q_proj, self.k_proj = nn.Linear(d, d), nn.Linear(d, d)
        self.v_proj, self.out_proj = nn.Linear(d, d), nn.Linear(d, d)

    def split_heads(self, x):
        return x.view(x.size(0), x.size(1), self.heads, self.head_dim).transpose(1, 2)

    def forward(self, query, key_value, key_padding_mask, causal):
        batch, length, d = query.shape
        q = self.split_heads(self.q_proj(query) * (1.0 / math.sqrt(self.head_dim)))
        keys = self.split_heads(self.k_proj(key_value))
        values = self.split_heads(self.v_proj(key_value))
        scores = torch.matmul(q, keys.transpose(-2, -1))
        scores = scores.masked_fill(key_padding_mask.view(batch, 1, 1, keys.size(2)),
                                    float("-inf"))
        if causal:
            future = torch.ones(length, length, dtype=torch.bool).triu(diagonal=1)
            scores = scores.masked_fill(future, float("-inf"))
        probabilities = torch.softmax(scores, dim=-1, dtype=torch.float32).to(query.dtype)
        probabilities = F.dropout(probabilities, self.attention_dropout, self.training)
        context = torch.matmul(probabilities, values).transpose(1, 2).reshape(batch, length, d)
        return self.out_proj(context)


class FeedForward(nn.Module):
    def __init__(self, d, ffn_dim, activation_dropout):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(d, ffn_dim), nn.Linear(ffn_dim, d)
        self.activation_dropout = activation_dropout

    def forward(self, x):
        return self.fc2(F.dropout(F.relu(self.fc1(x)), self.activation_dropout, self.training))


class Residual(nn.Module):
    """core/model/residual.cc: post LN(x + f), pre x + f(LN x), admin LN(x * omega + f), none x + f."""

    def __init__(self, mode, d):
        super().__init__()
        self.mode = mode
        if mode != "none":
            self.layer_norm = nn.LayerNorm(d, eps=1e-5)
        if mode == "admin":
            self.omega = nn.Parameter(torch.ones(d))

    def branch_input(self, x):
        return self.layer_norm(x) if self.mode == "pre" else x

    def combine(self, x, branch):
        if self.mode == "post":
            return self.layer_norm(x + branch)
        if self.mode == "admin":
            return self.layer_norm(x * self.omega + branch)
        return x + branch


def run_sublayer(residual, x, branch, dropout, training):
    """core/model/sublayer.cc: the branch output gets dropout before the residual sum."""
    return residual.combine(x, F.dropout(branch(residual.branch_input(x)), dropout, training))


class EncoderLayer(nn.Module):
    def __init__(self, o):
        super().__init__()
        self.dropout = o.dropout
        self.self_attn = Attention(o.embed_dim, o.attention_heads, o.attention_dropout)
        self.self_attn_residual = Residual(o.residual, o.embed_dim)
        self.ffn = FeedForward(o.embed_dim, o.ffn_dim, o.activation_dropout)
        self.ffn_residual = Residual(o.residual, o.embed_dim)

    def forward(self, x, padding_mask):
        x = run_sublayer(self.self_attn_residual, x,
                         lambda h: self.self_attn(h, h, padding_mask, causal=False),
                         self.dropout, self.training)
        return run_sublayer(self.ffn_residual, x, self.ffn, self.dropout, self.training)


class DecoderLayer(nn.Module):
    def __init__(self, o):
        super().__init__()
        self.dropout = o.dropout
        self.self_attn = Attention(o.embed_dim, o.attention_heads, o.attention_dropout)
        self.self_attn_residual = Residual(o.residual, o.embed_dim)
        self.encoder_attn = Attention(o.embed_dim, o.attention_heads, o.attention_dropout)
        self.encoder_attn_residual = Residual(o.residual, o.embed_dim)
        self.ffn = FeedForward(o.embed_dim, o.ffn_dim, o.activation_dropout)
        self.ffn_residual = Residual(o.residual, o.embed_dim)

    def forward(self, x, padding_mask, encoder_states, encoder_padding_mask):
        x = run_sublayer(self.self_attn_residual, x,
                         lambda h: self.self_attn(h, h, padding_mask, causal=True),
                         self.dropout, self.training)
        x = run_sublayer(
            self.encoder_attn_residual, x,
            lambda h: self.encoder_attn(h, encoder_states, encoder_padding_mask, causal=False),
            self.dropout, self.training)
        return run_sublayer(self.ffn_residual, x, self.ffn, self.dropout, self.training)


class Transformer(nn.Module):
    def __init__(self, o):
        super().__init__()
        self.o = o
        self.embed_tokens = nn.Embedding(o.vocab_size, o.embed_dim, padding_idx=PAD)
        self.encoder_layers = nn.ModuleList(EncoderLayer(o) for _ in range(o.encoder_layers))
        self.decoder_layers = nn.ModuleList(DecoderLayer(o) for _ in range(o.decoder_layers))
        # Pre-LN closes each stack with a LayerNorm (core/model/transformer.cc).
        if o.residual == "pre":
            self.encoder_final_layer_norm = nn.LayerNorm(o.embed_dim, eps=1e-5)
            self.decoder_final_layer_norm = nn.LayerNorm(o.embed_dim, eps=1e-5)

    def forward(self, source, previous_target):
        source_mask = source.eq(PAD)
        x = embed(self.embed_tokens, source, self.o.dropout, self.training)
        for layer in self.encoder_layers:
            x = layer(x, source_mask)
        if self.o.residual == "pre":
            x = self.encoder_final_layer_norm(x)
        target_mask = previous_target.eq(PAD)
        y = embed(self.embed_tokens, previous_target, self.o.dropout, self.training)
        for layer in self.decoder_layers:
            y = layer(y, target_mask, x, source_mask)
        if self.o.residual == "pre":
            y = self.decoder_final_layer_norm(y)
        return F.linear(y, self.embed_tokens.weight)


def label_smoothed_loss(logits, targets, epsilon):
    """core/model/label_smoothed_loss.cc: sums over the real target tokens."""
    vocab_size = logits.size(-1)
    log_probs = torch.log_softmax(logits, dim=-1, dtype=torch.float32)
    real = targets.ne(PAD)
    nll = -log_probs.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    smooth = -log_probs.sum(-1)
    eps_i = epsilon / (vocab_size - 1) if vocab_size > 1 else 0.0
    per_token = (1.0 - epsilon - eps_i) * nll + eps_i * smooth
    zero = torch.zeros((), dtype=per_token.dtype)
    return torch.where(real, per_token, zero).sum(), real.sum()


def main():
    o = parse_flags(__doc__.splitlines()[0], residuals=["post", "pre", "admin", "none"])
    model = Transformer(o)
    optimizer = torch.optim.Adam(model.parameters(), lr=o.lr)
    time_updates(o, model, optimizer, lambda source, previous, target: label_smoothed_loss(
        model(source, previous), target, o.label_smoothing))


if __name__ == "__main__":
    main()
