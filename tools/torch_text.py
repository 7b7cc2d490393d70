"""The README's text figures in PyTorch, on the very data rnnscope used.

classify: a table of names (name,gender) and rnnscope's split (train --split-out: id,split, the id
  being the row number from 1); the same model as rnnscope's (one-hot characters over the training
  split's vocabulary, <pad> 0 and <unk> 1, an LSTM or GRU, a Linear head on the last state), Adam,
  batch 32; prints test accuracy, seconds, and the one-feature baseline (each last letter's
  commonest class in training; the commonest class overall for a last letter training never had).

    /usr/bin/python3 tools/torch_text.py classify names.csv split.csv --cell lstm --hidden 32 --epochs 10 --lr 0.01

lm: a plain text cut as rnnscope cuts it (the first 80% trains, the next 10% validates, the last
  10% tests; chunks of --length characters, the next character the target at every step); prints the
  test loss per character in nats.

    /usr/bin/python3 tools/torch_text.py lm book.txt --cell lstm --hidden 128 --length 100 --epochs 5 --lr 0.005
"""

import argparse
import csv
import time
from collections import Counter

import torch
from torch import nn

CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


def vocabulary(texts):
    counts = Counter(ch for t in texts for ch in t)
    kept = sorted(counts, key=lambda c: (-counts[c], ord(c) if len(c) == 1 else c))
    return {t: i for i, t in enumerate(["<pad>", "<unk>"] + kept)}


class Model(nn.Module):
    def __init__(self, cell, V, H, C, on_steps):
        super().__init__()
        self.V = V
        self.rnn = CELLS[cell](V, H)
        self.head = nn.Linear(H, C)
        self.on_steps = on_steps

    def forward(self, x, lengths=None):
        x = nn.functional.one_hot(x, self.V).float()  # [T, B, V]
        if self.on_steps:
            out, _ = self.rnn(x)
            return self.head(out)
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, enforce_sorted=False)
        _, state = self.rnn(packed)
        h = state[0] if isinstance(state, tuple) else state
        return self.head(h[-1])


def classify(a):
    with open(a.table, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with open(a.split, newline="", encoding="utf-8") as f:
        side = {r["id"]: r["split"] for r in csv.DictReader(f)}
    parts = {"train": [], "val": [], "test": []}
    for i, r in enumerate(rows):
        parts[side[str(i + 1)]].append((r[a.text_col], r[a.label_col]))
    classes = sorted({l for _, l in parts["train"]})
    vocab = vocabulary([t for t, _ in parts["train"]])

    def tensors(items):
        T = max(len(t) for t, _ in items)
        x = torch.zeros(T, len(items), dtype=torch.long)
        for b, (t, _) in enumerate(items):
            x[: len(t), b] = torch.tensor([vocab.get(ch, 1) for ch in t])
        lengths = torch.tensor([len(t) for t, _ in items])
        y = torch.tensor([classes.index(l) for _, l in items])
        return x, lengths, y

    torch.manual_seed(a.seed)
    model = Model(a.cell, len(vocab), a.hidden, len(classes), False)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    train = parts["train"]
    started = time.time()
    for _ in range(a.epochs):
        order = torch.randperm(len(train)).tolist()
        for k in range(0, len(train), a.batch):
            x, lengths, y = tensors([train[i] for i in order[k : k + a.batch]])
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(x, lengths), y)
            loss.backward()
            opt.step()
    seconds = time.time() - started
    with torch.no_grad():
        x, lengths, y = tensors(parts["test"])
        acc = (model(x, lengths).argmax(-1) == y).float().mean().item()
    # the one-feature baseline: the last letter's commonest class in training
    by_last = {}
    for t, l in train:
        by_last.setdefault(t[-1].lower(), Counter())[l] += 1
    common = Counter(l for _, l in train).most_common(1)[0][0]
    guess = [by_last[t[-1].lower()].most_common(1)[0][0] if t[-1].lower() in by_last else common for t, _ in parts["test"]]
    base = sum(g == l for g, (_, l) in zip(guess, parts["test"])) / len(guess)
    print(f"{a.cell} test accuracy {acc:.3f} ({len(parts['test'])} names), {seconds:.1f} s; last-letter baseline {base:.3f}")


def lm(a):
    with open(a.text, encoding="utf-8") as f:
        text = f.read().lstrip("\ufeff")
    n = len(text)
    val_start, test_start = round(n * 0.8), round(n * 0.9)
    vocab = vocabulary([text[:val_start]])
    ids = torch.tensor([vocab.get(ch, 1) for ch in text])

    def chunks(lo, hi):
        starts = list(range(lo, hi - a.length, a.length))
        x = torch.stack([ids[s : s + a.length] for s in starts], 1)
        y = torch.stack([ids[s + 1 : s + a.length + 1] for s in starts], 1)
        return x, y

    xs, ys = chunks(0, val_start)
    torch.manual_seed(a.seed)
    model = Model(a.cell, len(vocab), a.hidden, len(vocab), True)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    started = time.time()
    for _ in range(a.epochs):
        order = torch.randperm(xs.shape[1])
        for k in range(0, xs.shape[1], a.batch):
            b = order[k : k + a.batch]
            opt.zero_grad()
            logits = model(xs[:, b])
            loss = nn.functional.cross_entropy(logits.reshape(-1, len(vocab)), ys[:, b].reshape(-1))
            loss.backward()
            opt.step()
    seconds = time.time() - started
    with torch.no_grad():
        x, y = chunks(test_start, n)
        loss = nn.functional.cross_entropy(model(x).reshape(-1, len(vocab)), y.reshape(-1)).item()
    print(f"{a.cell} test loss per character {loss:.4f} nats ({y.numel()} characters), {seconds:.1f} s")


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="what", required=True)
    c = sub.add_parser("classify")
    c.add_argument("table")
    c.add_argument("split")
    c.add_argument("--text-col", default="name")
    c.add_argument("--label-col", default="gender")
    l = sub.add_parser("lm")
    l.add_argument("text")
    l.add_argument("--length", type=int, default=100)
    for q in (c, l):
        q.add_argument("--cell", default="lstm", choices=list(CELLS))
        q.add_argument("--hidden", type=int, default=32)
        q.add_argument("--epochs", type=int, default=10)
        q.add_argument("--lr", type=float, default=0.01)
        q.add_argument("--batch", type=int, default=32)
        q.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(1)
    classify(a) if a.what == "classify" else lm(a)
