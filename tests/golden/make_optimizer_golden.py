#!/usr/bin/python3
"""Writes the optimizer golden trajectories of tests/optimizers_test.cc (run once, commit the output).

    /usr/bin/python3 tests/golden/make_optimizer_golden.py   # Debian's python3-torch 1.13.1

optim_input.txt is an input of //tools:optim_replay (P, the P initial values, then one line of P
gradients per step). Each optim_<case>.txt starts with comment lines, then one line with the
case's flags (what optim_replay takes), then the P parameter values after each step. All numbers
are float64 written with 17 significant digits, so C++ reads exactly what Python used.

Cases that PyTorch 1.13 has are computed by torch.optim.SGD/Adam/AdamW/RAdam on float64 tensors.
The RAdam variants it lacks (the reference radam.py, the fairseq RAdam of the Admin runs, the
paper's threshold 4, decoupled weight decay) come from plain_radam below, a direct transcription
of the formulas of docs/formulas.md section 7, checked here against torch.optim.RAdam where they
overlap.
"""

import math
import os
import random

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
NUM_PARAMS = 4
NUM_STEPS = 30


def make_input():
    """Initial values and gradients whose scale changes over four decades, with some zeros."""
    rng = random.Random(20200417)
    init = [0.5, -1.25, 2.0, 0.0]
    grads = []
    for step in range(NUM_STEPS):
        scale = 10 ** rng.uniform(-2, 1)
        row = [rng.gauss(0, 1) * scale for _ in range(NUM_PARAMS)]
        if step % 7 == 0:
            row[step % NUM_PARAMS] = 0.0
        grads.append(row)
    return init, grads


def torch_trajectory(make_optimizer, init, grads):
    param = torch.tensor(init, dtype=torch.float64, requires_grad=True)
    optimizer = make_optimizer([param])
    rows = []
    for grad in grads:
        param.grad = torch.tensor(grad, dtype=torch.float64)
        optimizer.step()
        rows.append(param.detach().tolist())
    return rows


def plain_radam(init, grads, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, threshold=5.0,
                inclusive=False, below='sgd', weight_decay_mode='l2'):
    """RAdam from docs/formulas.md section 7.1-7.4, one scalar at a time.

    threshold/inclusive: rectify when rho_t > threshold (>= when inclusive).
    below: 'sgd' steps lr * m_hat below the threshold, 'none' does not update.
    weight_decay_mode: 'l2' adds wd * p to the gradient; 'decoupled' does p -= lr * wd * p every
    step; 'decoupled_on_update' only on steps that update p (reference radam.py).
    """
    beta1, beta2 = betas
    p = list(init)
    m = [0.0] * len(p)
    v = [0.0] * len(p)
    rho_inf = 2 / (1 - beta2) - 1
    rows = []
    for t, grad in enumerate(grads, start=1):
        g = list(grad)
        if weight_decay_mode == 'l2':
            g = [gi + weight_decay * pi for gi, pi in zip(g, p)]
        m = [beta1 * mi + (1 - beta1) * gi for mi, gi in zip(m, g)]
        v = [beta2 * vi + (1 - beta2) * gi * gi for vi, gi in zip(v, g)]
        bias1 = 1 - beta1 ** t
        bias2 = 1 - beta2 ** t
        rho_t = rho_inf - 2 * t * beta2 ** t / bias2
        rectified = rho_t >= threshold if inclusive else rho_t > threshold
        updates = rectified or below == 'sgd'
        if weight_decay_mode == 'decoupled' or (weight_decay_mode == 'decoupled_on_update' and
                                                updates):
            p = [pi - lr * weight_decay * pi for pi in p]
        if rectified:
            r_t = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf /
                            ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            p = [pi - lr * r_t * math.sqrt(bias2) / bias1 * mi / (math.sqrt(vi) + eps)
                 for pi, mi, vi in zip(p, m, v)]
        elif below == 'sgd':
            p = [pi - lr * mi / bias1 for pi, mi in zip(p, m)]
        rows.append(p)
    return rows


def max_relative_difference(a_rows, b_rows):
    return max(abs(a - b) / max(abs(b), 1e-300)
               for a_row, b_row in zip(a_rows, b_rows) for a, b in zip(a_row, b_row))


def main():
    init, grads = make_input()
    with open(os.path.join(HERE, 'optim_input.txt'), 'w') as out:
        out.write('%d\n' % NUM_PARAMS)
        for row in [init] + grads:
            out.write(' '.join('%.17g' % x for x in row) + '\n')

    lr = 0.01
    sgd_lr = 0.05
    torch_cases = {
        'sgd': ('--optimizer=sgd --lr=0.05', 'torch.optim.SGD(lr=0.05)',
                lambda ps: torch.optim.SGD(ps, lr=sgd_lr)),
        'sgd_momentum': (
            '--optimizer=sgd --lr=0.05 --momentum=0.9 --dampening=0.1 --weight_decay=0.01',
            'torch.optim.SGD(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01)',
            lambda ps: torch.optim.SGD(ps, lr=sgd_lr, momentum=0.9, dampening=0.1,
                                       weight_decay=0.01)),
        'sgd_nesterov': (
            '--optimizer=sgd --lr=0.05 --momentum=0.9 --nesterov=true --weight_decay=0.01',
            'torch.optim.SGD(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)',
            lambda ps: torch.optim.SGD(ps, lr=sgd_lr, momentum=0.9, nesterov=True,
                                       weight_decay=0.01)),
        'adam': ('--optimizer=adam --lr=0.01 --betas=0.9,0.98 --eps=1e-06',
                 'torch.optim.Adam(lr=0.01, betas=(0.9, 0.98), eps=1e-6)',
                 lambda ps: torch.optim.Adam(ps, lr=lr, betas=(0.9, 0.98), eps=1e-6)),
        'adam_l2': ('--optimizer=adam --lr=0.01 --weight_decay=0.1',
                    'torch.optim.Adam(lr=0.01, weight_decay=0.1)',
                    lambda ps: torch.optim.Adam(ps, lr=lr, weight_decay=0.1)),
        'adamw': ('--optimizer=adam --lr=0.01 --betas=0.9,0.98 --weight_decay=0.1 '
                  '--decoupled_weight_decay=true',
                  'torch.optim.AdamW(lr=0.01, betas=(0.9, 0.98), weight_decay=0.1)',
                  lambda ps: torch.optim.AdamW(ps, lr=lr, betas=(0.9, 0.98), weight_decay=0.1)),
        'adam_amsgrad': ('--optimizer=adam --lr=0.01 --weight_decay=0.01 --amsgrad=true',
                         'torch.optim.Adam(lr=0.01, weight_decay=0.01, amsgrad=True)',
                         lambda ps: torch.optim.Adam(ps, lr=lr, weight_decay=0.01, amsgrad=True)),
        'adamw_amsgrad': ('--optimizer=adam --lr=0.01 --weight_decay=0.1 '
                          '--decoupled_weight_decay=true --amsgrad=true',
                          'torch.optim.AdamW(lr=0.01, weight_decay=0.1, amsgrad=True)',
                          lambda ps: torch.optim.AdamW(ps, lr=lr, weight_decay=0.1, amsgrad=True)),
        'radam': ('--optimizer=radam --lr=0.01', 'torch.optim.RAdam(lr=0.01)',
                  lambda ps: torch.optim.RAdam(ps, lr=lr)),
        'radam_l2': ('--optimizer=radam --lr=0.01 --betas=0.9,0.98 --eps=1e-06 --weight_decay=0.1',
                     'torch.optim.RAdam(lr=0.01, betas=(0.9, 0.98), eps=1e-6, weight_decay=0.1)',
                     lambda ps: torch.optim.RAdam(ps, lr=lr, betas=(0.9, 0.98), eps=1e-6,
                                                  weight_decay=0.1)),
    }
    # radam_reference and radam_fairseq differ only in when weight decay applies; with an update
    # on every step (below_threshold=sgd) the two decoupled modes coincide, so radam_decoupled
    # and radam_reference_sgd are equal by design.
    plain_cases = {
        'radam_paper': ('--optimizer=radam --lr=0.01 --rectify_threshold=4',
                        'paper Algorithm 2: rho_t > 4, SGD-momentum step below it',
                        dict(threshold=4.0)),
        'radam_reference': (
            '--optimizer=radam --lr=0.01 --betas=0.9,0.98 --weight_decay=0.1 '
            '--rectify_inclusive=true --below_threshold=none '
            '--weight_decay_mode=decoupled_on_update',
            'reference radam.py RAdam(lr=0.01, betas=(0.9, 0.98), weight_decay=0.1) '
            '(degenerated_to_sgd=False)',
            dict(betas=(0.9, 0.98), weight_decay=0.1, inclusive=True, below='none',
                 weight_decay_mode='decoupled_on_update')),
        'radam_reference_sgd': (
            '--optimizer=radam --lr=0.01 --weight_decay=0.1 --rectify_inclusive=true '
            '--below_threshold=sgd --weight_decay_mode=decoupled_on_update',
            'reference radam.py RAdam(lr=0.01, weight_decay=0.1, degenerated_to_sgd=True)',
            dict(weight_decay=0.1, inclusive=True, below='sgd',
                 weight_decay_mode='decoupled_on_update')),
        'radam_fairseq': (
            '--optimizer=radam --lr=0.01 --betas=0.9,0.98 --weight_decay=0.1 '
            '--rectify_inclusive=true --below_threshold=none --weight_decay_mode=decoupled',
            'Transformer-Clinic radam_fairseq/radam.py, --adam-betas (0.9,0.98) --weight-decay 0.1',
            dict(betas=(0.9, 0.98), weight_decay=0.1, inclusive=True, below='none',
                 weight_decay_mode='decoupled')),
        'radam_decoupled': (
            '--optimizer=radam --lr=0.01 --weight_decay=0.1 --weight_decay_mode=decoupled',
            'torch.optim.RAdam(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True) '
            '(PyTorch >= 2.1)',
            dict(weight_decay=0.1, weight_decay_mode='decoupled')),
    }

    # The plain transcription must agree with PyTorch where PyTorch 1.13 has the variant.
    for name, kwargs in [('radam', {}),
                         ('radam_l2', dict(betas=(0.9, 0.98), eps=1e-6, weight_decay=0.1))]:
        difference = max_relative_difference(plain_radam(init, grads, lr, **kwargs),
                                             torch_trajectory(torch_cases[name][2], init, grads))
        assert difference < 1e-12, (name, difference)

    def write(name, flags, source, rows):
        with open(os.path.join(HERE, 'optim_%s.txt' % name), 'w') as out:
            out.write('# %s on optim_input.txt, float64; written by make_optimizer_golden.py\n' %
                      source)
            out.write(flags + '\n')
            for row in rows:
                out.write(' '.join('%.17g' % x for x in row) + '\n')

    for name, (flags, source, make_optimizer) in torch_cases.items():
        write(name, flags, source + ' (torch %s)' % torch.__version__,
              torch_trajectory(make_optimizer, init, grads))
    for name, (flags, source, kwargs) in plain_cases.items():
        write(name, flags, source + ' (plain_radam)', plain_radam(init, grads, lr, **kwargs))


if __name__ == '__main__':
    main()
