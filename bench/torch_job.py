"""The whole job of bench/job.ts done in PyTorch, the short way a practitioner would write it:
the csv module, a TensorDataset and DataLoader, the lesson's model (RNN, 8 units, a head on every
step), one epoch of Adam, then prediction with the class and probabilities written as CSV.

    python3 bench/torch_job.py train DATA.csv MODEL.safetensors
    python3 bench/torch_job.py predict DATA.csv MODEL.safetensors OUT.csv

Like rnnscope: a seeded 70/15/15 split by sequence, features standardised with the training split's
statistics (saved with the model), batch 32, lr 0.005, one thread.
"""

import csv
import json
import os
import random
import resource
import sys

import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from safetensors_min import load_file, save_file  # noqa: E402


def read(path):
    with open(path, newline="") as f:
        rows = csv.reader(f)
        head = next(rows)
        feats = [i for i, h in enumerate(head) if h not in ("id", "step", "label")]
        seqs = {}
        for r in rows:
            seqs.setdefault(r[0], []).append((int(r[1]), [float(r[i]) for i in feats], r[-1]))
    ids = list(seqs)
    classes = sorted({s[2] for v in seqs.values() for s in v})
    index = {c: i for i, c in enumerate(classes)}
    x = torch.tensor([[s[1] for s in sorted(seqs[k])] for k in ids])  # [N, T, I]
    y = torch.tensor([[index[s[2]] for s in sorted(seqs[k])] for k in ids])  # [N, T]
    return ids, classes, x, y


class Model(nn.Module):
    def __init__(self, inputs, classes, hidden=8):
        super().__init__()
        self.rnn = nn.RNN(inputs, hidden, batch_first=True)
        self.head = nn.Linear(hidden, classes)

    def forward(self, x):
        return self.head(self.rnn(x)[0])


def train(data, out):
    torch.manual_seed(1)
    ids, classes, x, y = read(data)
    order = list(range(len(ids)))
    random.Random(1).shuffle(order)
    n_test = n_val = round(0.15 * len(ids))
    train_idx = torch.tensor(order[n_test + n_val:])
    mean = x[train_idx].reshape(-1, x.shape[2]).mean(0)
    std = x[train_idx].reshape(-1, x.shape[2]).std(0, unbiased=False)
    xs = (x - mean) / std
    model = Model(x.shape[2], len(classes))
    opt = torch.optim.Adam(model.parameters(), lr=0.005)
    loader = DataLoader(TensorDataset(xs[train_idx], y[train_idx]), batch_size=32, shuffle=True)
    for xb, yb in loader:
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(xb).reshape(-1, len(classes)), yb.reshape(-1))
        loss.backward()
        opt.step()
    meta = json.dumps(dict(classes=classes, mean=mean.tolist(), std=std.tolist()))
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, out, metadata={"job": meta})


def predict(data, model_path, out):
    tensors = load_file(model_path)
    tensors, metadata = tensors if isinstance(tensors, tuple) else (tensors, {})
    meta = json.loads(metadata["job"])
    ids, _, x, y = read(data)
    classes = meta["classes"]
    model = Model(x.shape[2], len(classes))
    model.load_state_dict(tensors)
    xs = (x - torch.tensor(meta["mean"])) / torch.tensor(meta["std"])
    with open(out, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "step", "predicted"] + ["p_" + c for c in classes])
        with torch.no_grad():
            for start in range(0, len(ids), 256):
                p = torch.softmax(model(xs[start:start + 256]), -1)
                for b in range(p.shape[0]):
                    for t in range(p.shape[1]):
                        row = p[b, t].tolist()
                        w.writerow([ids[start + b], t, classes[max(range(len(row)), key=row.__getitem__)]] +
                                   [f"{v:.6f}" for v in row])


if __name__ == "__main__":
    torch.set_num_threads(1)
    if sys.argv[1] == "train":
        train(sys.argv[2], sys.argv[3])
    else:
        predict(sys.argv[2], sys.argv[3], sys.argv[4])
    print(f"maxrss-self-kb {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", file=sys.stderr)
