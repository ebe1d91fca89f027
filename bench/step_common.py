"""What the bench's PyTorch peers share: flags, batches, input embedding, timed updates, output.

The peers (bench/step_reference.py, the mirror of core/model/transformer.cc, and
bench/step_torch_transformer.py, torch.nn.Transformer) differ only in their model and loss.
Everything else is here, and is what the C++ child (tools/bench/step_benchmark.cc) does too:

- the flags (tools/bench/step_benchmark.h, StepFlags): model shape, batch, dropout, warm-up,
  repeats, threads, and --batch_file;
- the batches: the synthetic one from a fixed formula (no padding), or every batch of a batch
  file (tools/bench/batch_file.h) that the bench wrote from the trainer's real batches;
  timed update r trains on batch r mod count, the warm-up updates on the batches before it;
- the batch checksum the bench compares with the C++ child's;
- the input embedding of the project's model: shared token embedding x sqrt(d), sinusoidal
  positions, dropout;
- the timed loop (zero_grad, forward with the loss, backward of loss / tokens, step) and the
  `key=value` lines it prints: parameters, batch_checksum, threads, torch_version, and per
  timed update the seconds of the update and of its forward, backward and optimizer phases.
"""
import argparse
import math
import time

import torch
import torch.nn.functional as F

PAD, BOS = 0, 2
# Synthetic token ids start above the special symbols (pad, unk, bos, eos).
FIRST_TOKEN = 4
BATCH_FILE_MAGIC = "bench_batches"
BATCH_FILE_VERSION = 1


def parse_flags(description, residuals=None):
    """The flags of every step child; `residuals` limits --residual's values (None: any)."""
    parser = argparse.ArgumentParser(description=description)
    for name, default in [("vocab_size", 8000), ("embed_dim", 256), ("ffn_dim", 1024),
                          ("attention_heads", 4), ("encoder_layers", 6), ("decoder_layers", 6),
                          ("batch_size", 64), ("source_length", 20), ("target_length", 20),
                          ("warmup", 3), ("repeats", 10), ("threads", 0)]:
        parser.add_argument("--" + name, type=int, default=default)
    for name, default in [("dropout", 0.1), ("attention_dropout", 0.1),
                          ("activation_dropout", 0.1), ("label_smoothing", 0.1), ("lr", 1e-4)]:
        parser.add_argument("--" + name, type=float, default=default)
    parser.add_argument("--residual", choices=residuals, default="admin")
    parser.add_argument("--precision", choices=["fp32"], default="fp32",
                        help="the PyTorch peers run fp32 only")
    parser.add_argument("--batch_file", default="",
                        help="batches written by the bench (tools/bench/batch_file.h) instead "
                             "of the synthetic batch of --batch_size, --source_length and "
                             "--target_length")
    o = parser.parse_args()
    if o.threads > 0:
        torch.set_num_threads(o.threads)
    torch.manual_seed(1)
    return o


def synthetic_batch(o):
    """The bench's synthetic batch (tools/bench/step_benchmark.cc, SyntheticBatch): no padding,
    ids from a fixed formula so that both languages build the same tensors without sharing an
    RNG. Returns (source, decoder input, target)."""
    def ids(length, salt):
        rows = torch.arange(o.batch_size).unsqueeze(1)
        columns = torch.arange(length).unsqueeze(0)
        return FIRST_TOKEN + (rows * 131 + columns * 31 + salt * 17) % (o.vocab_size - FIRST_TOKEN)
    source = ids(o.source_length, 1)
    target = ids(o.target_length, 2)
    previous = torch.cat([torch.full((o.batch_size, 1), BOS), target[:, :-1]], dim=1)
    return source, previous, target


def read_batch_file(path):
    """Every (source, decoder input, target) of a batch file (tools/bench/batch_file.h)."""
    with open(path) as f:
        words = f.read().split()
    if words[:2] != [BATCH_FILE_MAGIC, str(BATCH_FILE_VERSION)] or len(words) < 3:
        raise SystemExit(f"{path}: not a version {BATCH_FILE_VERSION} bench batch file")
    numbers = [int(w) for w in words[2:]]
    count, at = numbers[0], 1
    batches = []
    for _ in range(count):
        rows, source_width, target_width = numbers[at:at + 3]
        at += 3
        tensors = []
        for width in (source_width, target_width, target_width):
            tensors.append(torch.tensor(numbers[at:at + rows * width]).view(rows, width))
            at += rows * width
        batches.append(tuple(tensors))
    if at != len(numbers):
        raise SystemExit(f"{path}: {len(numbers) - at} numbers after the last batch")
    return batches


def load_batches(o):
    batches = read_batch_file(o.batch_file) if o.batch_file else [synthetic_batch(o)]
    largest = max(int(t.max()) for batch in batches for t in batch)
    if largest >= o.vocab_size:
        raise SystemExit(f"the batches hold id {largest}, beyond --vocab_size={o.vocab_size}")
    return batches


def batch_checksum(batches):
    """Sums of the source, decoder input and target ids, batch b weighted by b + 1 (so that the
    order counts): tools/bench/step_benchmark.cc computes the same."""
    sums = [sum((b + 1) * int(batch[i].sum()) for b, batch in enumerate(batches))
            for i in range(3)]
    return ",".join(str(s) for s in sums)


def sinusoidal_embedding(positions, dim):
    """core/model/positional_embedding.cc; position 0 (padding) embeds to zeros."""
    half = dim // 2
    step = math.log(10000.0) / max(half - 1, 1)
    frequencies = torch.exp(torch.arange(half, dtype=torch.float32) * -step)
    angles = positions.float().unsqueeze(-1) * frequencies
    embedding = torch.cat([torch.sin(angles), torch.cos(angles)], dim=-1)
    return embedding.masked_fill(positions.eq(0).unsqueeze(-1), 0.0)


def embed(embedding, tokens, dropout, training):
    """core/model/transformer.cc's input: the token embedding x sqrt(d), plus the sinusoidal
    position of each real token (counted from 1; padding gets 0), then dropout."""
    dim = embedding.embedding_dim
    real = tokens.ne(PAD).long()
    positions = torch.cumsum(real, dim=-1) * real
    x = embedding(tokens) * math.sqrt(dim)
    x = x + sinusoidal_embedding(positions, dim)
    return F.dropout(x, dropout, training)


def time_updates(o, model, optimizer, loss_and_tokens):
    """Trains `model` for o.warmup + o.repeats updates on the batches of `o` and prints the
    result lines. `loss_and_tokens(source, previous, target)` runs the forward pass and
    returns the summed loss and the number of real target tokens."""
    model.train()
    batches = load_batches(o)
    print(f"parameters={sum(p.numel() for p in model.parameters())}")
    print(f"batch_checksum={batch_checksum(batches)}")
    print(f"threads={torch.get_num_threads()}")
    print(f"torch_version={torch.__version__}")

    phases = {"step": [], "forward": [], "backward": [], "optimizer": []}
    for update in range(o.warmup + o.repeats):
        source, previous, target = batches[(update - o.warmup) % len(batches)]
        start = time.perf_counter()
        optimizer.zero_grad()
        loss, tokens = loss_and_tokens(source, previous, target)
        forward_end = time.perf_counter()
        (loss / tokens).backward()
        backward_end = time.perf_counter()
        optimizer.step()
        end = time.perf_counter()
        if update >= o.warmup:
            phases["step"].append(end - start)
            phases["forward"].append(forward_end - start)
            phases["backward"].append(backward_end - forward_end)
            phases["optimizer"].append(end - backward_end)
    for phase, seconds in phases.items():
        print(f"{phase}_seconds=" + ",".join(f"{s:.6f}" for s in seconds))
