"""dL/dh_t of every step, from PyTorch: the oracle of Recurrent.stateGrads (test/state-grads.test.ts).

Each cell runs as nn.RNN / nn.LSTM / nn.GRU (one layer, float64) and again unrolled with the same
weights through nn.RNNCell / LSTMCell / GRUCell, where every h_t gets retain_grad(); the loss is a fixed
random linear function of every h_t and of h_n (and c_n). The unrolled output must equal the module's.

    /usr/bin/python3 tools/make_state_grad_fixture.py test/fixtures/state-grads
"""
import json
import os
import sys
import zlib

import torch
from torch import nn

T, B, I, H = 6, 3, 4, 5
torch.set_num_threads(1)


def case(mode):
    torch.manual_seed(zlib.crc32(mode.encode()))
    kw = {"nonlinearity": "tanh"} if mode == "rnn_tanh" else {}
    module = {"rnn_tanh": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[mode](I, H, **kw).double()
    cell = {"rnn_tanh": nn.RNNCell, "lstm": nn.LSTMCell, "gru": nn.GRUCell}[mode](I, H, **kw).double()
    with torch.no_grad():
        for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            p = getattr(module, n + "_l0")
            p.mul_(2.5)  # out of the activations' linear range
            getattr(cell, n).copy_(p)
    x = torch.randn(T, B, I, dtype=torch.float64)
    w = torch.randn(T, B, H, dtype=torch.float64)
    u = torch.randn(B, H, dtype=torch.float64)
    v = torch.randn(B, H, dtype=torch.float64)
    out_module, _ = module(x)
    h = torch.zeros(B, H, dtype=torch.float64)
    c = torch.zeros(B, H, dtype=torch.float64)
    hs = []
    for t in range(T):
        if mode == "lstm":
            h, c = cell(x[t], (h, c))
        else:
            h = cell(x[t], h)
        h.retain_grad()
        hs.append(h)
    out = torch.stack(hs)
    assert torch.allclose(out, out_module, atol=1e-12), mode
    loss = (w * out).sum() + (u * hs[-1]).sum() + ((v * c).sum() if mode == "lstm" else 0)
    loss.backward()
    flat = lambda t: t.detach().reshape(-1).tolist()
    return {
        "mode": mode,
        "T": T,
        "B": B,
        "I": I,
        "H": H,
        "params": {n + "_l0": flat(getattr(module, n + "_l0")) for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")},
        "x": flat(x),
        "dOutput": flat(w),
        "dhN": flat(u),
        "dcN": flat(v) if mode == "lstm" else None,
        "stateGrads": [g for h in hs for g in flat(h.grad)],
        "torch": torch.__version__,
    }


def main(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for mode in ("rnn_tanh", "lstm", "gru"):
        path = os.path.join(out_dir, f"{mode}.json")
        with open(path, "w") as f:
            json.dump(case(mode), f, allow_nan=False)
        print(path)


if __name__ == "__main__":
    main(sys.argv[1])
