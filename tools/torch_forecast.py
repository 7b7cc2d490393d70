#!/usr/bin/python3
"""The note's PyTorch side: the same architecture trained in PyTorch on the same windows as
`rnnscope train --series`, and its test RMSE in the target's units.

    /usr/bin/python3 tools/torch_forecast.py co2-concentration.csv --target CO2 --window 24 \
        --horizon 1 --cell gru --hidden 16 --epochs 20 --lr 0.01 --batch-size 32 --seed 0

The windows are rnnscope's (src/data/series.ts), rebuilt here step for step: each window is W rows of
the target relative to the window's last value (unless --absolute), its targets the next H changes;
the chronological split cuts rows at round(0.70 N) and round(0.85 N) and keeps only the windows
wholly inside one part; inputs are standardised with the training windows' steps (population std),
targets with the training windows' targets. The model is nn.RNN/LSTM/GRU + nn.Linear on h_n[-1],
trained with Adam and MSELoss over shuffled batches. Only the initial weights and the batch order
differ from rnnscope's run (PyTorch's own RNG): compare the RMSE, not the bits.
"""
import argparse
import csv
import math

import torch


def js_round(x):
    return math.floor(x + 0.5)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("csv")
    ap.add_argument("--target", required=True)
    ap.add_argument("--window", type=int, required=True)
    ap.add_argument("--horizon", type=int, default=1)
    ap.add_argument("--cell", default="gru", choices=["rnn", "lstm", "gru"])
    ap.add_argument("--hidden", type=int, default=8)
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--lr", type=float, default=0.005)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--absolute", action="store_true")
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(1)

    with open(a.csv) as fh:
        y = [float(r[a.target]) for r in csv.DictReader(fh)]
    N, W, H = len(y), a.window, a.horizon
    rel = not a.absolute
    windows = []
    for s in range(0, N - W - H + 1):
        off = y[s + W - 1] if rel else 0.0
        windows.append((s, [y[s + t] - off for t in range(W)], [y[s + W + h] - off for h in range(H)], off))
    b, a_ = js_round(N * 0.85), js_round(N * 0.70)
    span = W + H
    part = lambda lo, hi: [w for w in windows if w[0] >= lo and w[0] + span <= hi]
    train, val, test = part(0, a_), part(a_, b), part(b, N)

    xs = [v for w in train for v in w[1]]
    mx = sum(xs) / len(xs)
    vx = sum(v * v for v in xs) / len(xs) - mx * mx
    sx = math.sqrt(vx) if vx > 1e-12 else 1.0
    my = [sum(w[2][h] for w in train) / len(train) for h in range(H)]
    sy = [math.sqrt(sum((w[2][h] - my[h]) ** 2 for w in train) / len(train)) for h in range(H)]

    def tensors(ws):
        x = torch.tensor([[[(v - mx) / sx] for v in w[1]] for w in ws], dtype=torch.float32)  # [B, W, 1]
        t = torch.tensor([[(w[2][h] - my[h]) / sy[h] for h in range(H)] for w in ws], dtype=torch.float32)
        return x, t

    rnn = dict(rnn=torch.nn.RNN, lstm=torch.nn.LSTM, gru=torch.nn.GRU)[a.cell](1, a.hidden, batch_first=True)
    head = torch.nn.Linear(a.hidden, H)
    params = list(rnn.parameters()) + list(head.parameters())
    opt = torch.optim.Adam(params, lr=a.lr)

    def forward(x):
        _, hn = rnn(x)
        if a.cell == "lstm":
            hn = hn[0]
        return head(hn[-1])

    xt, tt = tensors(train)
    for _ in range(a.epochs):
        order = torch.randperm(len(train))
        for k in range(0, len(train), a.batch_size):
            idx = order[k:k + a.batch_size]
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(forward(xt[idx]), tt[idx])
            loss.backward()
            opt.step()
    with torch.no_grad():
        xe, _ = tensors(test)
        pz = forward(xe)
    se = 0.0
    for i, w in enumerate(test):
        for h in range(H):
            p = pz[i, h].item() * sy[h] + my[h] + w[3]
            se += (p - (w[2][h] + w[3])) ** 2
    rmse = math.sqrt(se / (len(test) * H))
    print(f"torch {a.cell}: {len(train)}/{len(val)}/{len(test)} windows, test RMSE {rmse:.4f}")


if __name__ == "__main__":
    main()
