"""Continues training an rnnscope model in PyTorch, the way `rnnscope train --resume` would.

    python3 train.py --data data.json --epochs 8                  one process: a GPU if there is one, else the CPU
    torchrun --nproc_per_node 2 train.py --data data.json ...     two processes here (gloo on CPU, nccl on GPUs)
    torchrun --nnodes 4 --nproc_per_node 8 --rdzv-backend c10d --rdzv-endpoint HOST:29500 train.py ...

Everything comes from the model file (model.safetensors): the module's config and weights, the
classes, the feature normalisation (from the original training split), the split seed, batch size,
optimizer, learning-rate schedule, clipping, class weights and early stopping. The data is rnnscope's
CSV (one row per step) or JSON format. The split and the batch order are rnnscope's own (its seeded
generator, ported below), and each batch is shared out among the processes, so one process or many
take the same steps as rnnscope: the first step's loss is rnnscope's. The optimizer's moments come
from the file's checkpoint when it has them (else they start afresh). The result is a model file rnnscope reads
(`rnnscope inspect`, `predict`, `trace`, the explorer's upload).
"""

import argparse
import csv
import json
import math
import os
import re
import sys
import time
import warnings

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import DistributedSampler

from model import load, save

M32 = 0xFFFFFFFF


def rotl(x, k):
    return ((x << k) | (x >> (32 - k))) & M32


class Rng:
    """rnnscope's generator (src/tensor/rng.ts): xoshiro128** seeded through splitmix32, bit for bit."""

    def __init__(self, seed):
        x = seed & M32
        state = []
        for _ in range(4):
            x = (x + 0x9E3779B9) & M32
            z = ((x ^ (x >> 16)) * 0x85EBCA6B) & M32
            z = ((z ^ (z >> 13)) * 0xC2B2AE35) & M32
            state.append((z ^ (z >> 16)) & M32)
        self.s = state

    def u32(self):
        s0, s1, s2, s3 = self.s
        result = (rotl((s1 * 5) & M32, 7) * 9) & M32
        t = (s1 << 9) & M32
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 11)
        self.s = [s0, s1, s2, s3]
        return result

    def random(self):
        hi = self.u32() >> 5
        lo = self.u32() >> 6
        return (hi * 67108864 + lo) / 9007199254740992

    def shuffle(self, a):
        for i in range(len(a) - 1, 0, -1):
            j = math.floor(self.random() * (i + 1))
            a[i], a[j] = a[j], a[i]


def js_round(v):
    return math.floor(v + 0.5)


def split(seqs, seed):
    """rnnscope's split (src/data/dataset.ts): test, then validation, then the rest for training."""
    order = list(range(len(seqs)))
    Rng(seed).shuffle(order)
    least = 1 if len(seqs) >= 3 else 0
    n_val = max(least, js_round(len(seqs) * 0.15))
    n_test = max(least, js_round(len(seqs) * 0.15))
    pick = lambda a, b: [seqs[i] for i in order[a:b]]
    return pick(n_test + n_val, len(seqs)), pick(n_test, n_test + n_val), pick(0, n_test)


# ---- data: rnnscope's CSV and JSON formats ----

DECIMAL = re.compile(r"^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$")


def label_text(v):
    """A label as rnnscope reads it: "1", "01" and "1.0" are all class "1"; empty is no label."""
    if v is None:
        return None
    s = str(v).strip() if not isinstance(v, (int, float)) else repr(v)
    if s == "":
        return None
    if DECIMAL.match(s):
        f = float(s)
        if f == int(f):
            return str(int(f))
    return s


def read_csv(path, a, names):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f, delimiter=a.delimiter))
    header, rows = rows[0], [r for r in rows[1:] if any(c.strip() for c in r)]
    lower = [h.lower() for h in header]

    def column(given, defaults, required):
        if given:
            if given not in header:
                sys.exit(f"{path}: no column {given!r}; the header has {', '.join(header)}")
            return header.index(given)
        for d in defaults:
            if d in lower:
                return lower.index(d)
        if required:
            sys.exit(f"{path}: no {required} column; name it with --{required}-col")
        return -1

    ci = column(a.id_col, ["id", "sequence", "seq", "sequence_id", "seq_id"], "id")
    cs = column(a.step_col, ["step", "t", "time", "timestep"], None)
    cl = column(a.label_col, ["label", "class", "y", "target"], "label")
    if names and all(n in header for n in names):
        cf = [header.index(n) for n in names]
    else:
        cf = [c for c in range(len(header)) if c not in (ci, cs, cl)]
    seqs = {}
    for r in rows:
        s = seqs.setdefault(r[ci], {"id": r[ci], "rows": []})
        s["rows"].append((float(r[cs]) if cs >= 0 else len(s["rows"]), [float(r[c]) for c in cf], label_text(r[cl])))
    out = []
    for s in seqs.values():
        s["rows"].sort(key=lambda row: row[0])
        out.append({"id": s["id"], "x": [row[1] for row in s["rows"]], "labels": [row[2] for row in s["rows"]]})
    return out


def read_json(path):
    with open(path, encoding="utf-8-sig") as f:
        doc = json.load(f)
    items = doc["sequences"] if isinstance(doc, dict) else doc
    out = []
    for k, s in enumerate(items):
        x = [step if isinstance(step, list) else [step] for step in s["x"]]
        y = s.get("y")
        labels = [label_text(v) for v in y] if isinstance(y, list) else [label_text(y)] * len(x)
        out.append({"id": str(s.get("id", k)), "x": x, "labels": labels})
    return out


def read_data(path, a, meta):
    raw = read_json(path) if path.lower().endswith(".json") else read_csv(path, a, meta.get("features"))
    classes = {c: k for k, c in enumerate(meta["classes"])}
    norm = meta.get("normalization")
    mean = torch.tensor(norm["mean"], dtype=torch.float64) if norm else None
    std = torch.tensor(norm["std"], dtype=torch.float64) if norm else None
    seqs = []
    for s in raw:
        # float32 as read, then normalised in double and stored as float32, as rnnscope does
        x = torch.tensor(s["x"], dtype=torch.float32).double()
        if norm:
            x = (x - mean) / std
        ids = []
        for lab in s["labels"]:
            if lab is not None and lab not in classes:
                sys.exit(f"{path}: sequence {s['id']!r} has label {lab!r}, not one of the model's classes ({', '.join(classes)})")
            ids.append(-100 if lab is None else classes[lab])
        if meta.get("target", "steps") == "last":
            ids = [next((c for c in ids if c != -100), -100)]
        seqs.append({"id": s["id"], "x": x.float(), "y": torch.tensor(ids, dtype=torch.long)})
    return seqs


# ---- batches, shared out among the processes ----


class BatchSampler(DistributedSampler):
    """rnnscope's batch order, shared out: every process draws the same order (rnnscope's Rng seeded
    with seed * 100003 + epoch), cuts it into batches and takes its share of each, so all processes
    together take exactly rnnscope's batches, whatever their number."""

    def __init__(self, dataset, batch_size, seed, num_replicas, rank):
        super().__init__(dataset, num_replicas=num_replicas, rank=rank, shuffle=False, seed=seed)
        self.batch_size = batch_size

    def batches(self):
        order = list(range(len(self.dataset)))
        Rng(self.seed * 100003 + self.epoch).shuffle(order)
        for k in range(0, len(order), self.batch_size):
            whole = order[k:k + self.batch_size]
            yield whole, whole[self.rank::self.num_replicas]

    def __iter__(self):
        for _, share in self.batches():
            yield from share


def collate(seqs, T, target, batch_first, device):
    """x [T, B, I] (or [B, T, I]), targets [T, B] or [B] (-100 where there is none), lengths [B]."""
    B, I = len(seqs), seqs[0]["x"].shape[1]
    x = torch.zeros(T, B, I)
    y = torch.full((T, B) if target == "steps" else (B,), -100, dtype=torch.long)
    for b, s in enumerate(seqs):
        n = s["x"].shape[0]
        x[:n, b] = s["x"]
        if target == "steps":
            y[:n, b] = s["y"]
        else:
            y[b] = s["y"][0]
    lengths = torch.tensor([s["x"].shape[0] for s in seqs])
    if batch_first:
        x = x.transpose(0, 1).contiguous()
    return x.to(device), y.to(device), lengths


def logits_and_targets(model, x, y, lengths, target, batch_first):
    logits = model(x, lengths=lengths)
    if target == "steps" and batch_first:
        logits = logits.transpose(0, 1)
    return logits.reshape(-1, logits.shape[-1]), y.reshape(-1)


def evaluate(model, seqs, T, meta, device):
    """Mean loss (unweighted, as rnnscope's evaluate) and accuracy over every labelled target, in batches of 256."""
    cfg = model.rnn
    total = torch.zeros(3, dtype=torch.float64)
    model.eval()
    with torch.no_grad():
        for k in range(0, len(seqs), 256):
            x, y, lengths = collate(seqs[k:k + 256], T, meta.get("target", "steps"), cfg.batch_first, device)
            logits, y = logits_and_targets(model, x, y, lengths, meta.get("target", "steps"), cfg.batch_first)
            nll = torch.nn.functional.cross_entropy(logits, y, reduction="sum")
            counted = y != -100
            w = counted.sum()
            correct = (logits.argmax(-1)[counted] == y[counted]).sum()
            total += torch.tensor([nll.item(), float(w), float(correct)], dtype=torch.float64)
    model.train()
    n_targets = sum(int((s["y"] != -100).sum()) for s in seqs)
    return (total[0] / total[1]).item(), (total[2] / max(n_targets, 1)).item()


def make_optimizer(spec, params):
    kind, lr = spec.get("type", "adam"), spec.get("lr")
    wd = spec.get("weightDecay")
    if kind == "sgd":
        return torch.optim.SGD(params, lr=lr if lr is not None else 0.1, momentum=spec.get("momentum", 0) or 0,
                               nesterov=bool(spec.get("nesterov")), weight_decay=wd or 0)
    lr = lr if lr is not None else 0.005
    if kind == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=wd or 0)
    if kind == "adamw":
        return torch.optim.AdamW(params, lr=lr, weight_decay=0.01 if wd is None else wd)
    if kind == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, momentum=spec.get("momentum", 0) or 0, weight_decay=wd or 0)
    sys.exit(f"unknown optimizer {kind!r} in the model file")


def make_schedule(spec, opt):
    if not spec:
        return None
    if spec["type"] == "step":
        return torch.optim.lr_scheduler.StepLR(opt, step_size=spec["stepSize"], gamma=spec.get("gamma", 0.1))
    return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=spec["tMax"], eta_min=spec.get("etaMin", 0))


def restore_moments(opt, model, meta):
    """rnnscope's optimizer state, when the file keeps it (its buffers under PyTorch's state keys, flat
    over the parameters in state_dict order, as load() gives them from either format); False when not."""
    state = (meta.get("checkpoint") or {}).get("optimizer") or {}
    buffers, step = state.get("buffers"), state.get("step")
    params = list(model.parameters())
    total = sum(p.numel() for p in params)
    if state.get("kind") != type(opt).__name__ or not isinstance(buffers, dict) or not isinstance(step, int) or step < 1:
        return False
    if not all(isinstance(b, (list, torch.Tensor)) and len(b) == total for b in buffers.values()):
        return False
    at = 0
    for p in params:
        n = p.numel()
        st = {} if isinstance(opt, torch.optim.SGD) else {"step": torch.tensor(float(step))}
        for name, b in buffers.items():
            st[name] = torch.as_tensor(b[at:at + n], dtype=p.dtype, device=p.device).view_as(p).clone()
        opt.state[p] = st
        at += n
    return True


def finite_or_none(v):
    return v if isinstance(v, (int, float)) and math.isfinite(v) else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="model.safetensors", help="the rnnscope model file to go on from")
    ap.add_argument("--data", required=True, help="sequences in rnnscope's CSV or JSON format (the file it was trained on)")
    ap.add_argument("--epochs", type=int, help="train up to this many epochs in all, as rnnscope train --resume (default: one more)")
    ap.add_argument("--out", default="trained.safetensors", help="where to write the model (default trained.safetensors)")
    ap.add_argument("--id-col")
    ap.add_argument("--step-col")
    ap.add_argument("--label-col")
    ap.add_argument("--delimiter", default=",")
    ap.add_argument("--json", action="store_true", help="print events as JSON lines (rank 0)")
    a = ap.parse_args()

    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    cuda = torch.cuda.is_available()
    device = torch.device("cuda", local) if cuda else torch.device("cpu")
    if cuda:
        torch.cuda.set_device(device)
    if world > 1:
        dist.init_process_group("nccl" if cuda else "gloo")
    say = print if rank == 0 else (lambda *_, **__: None)

    model, meta = load(a.model)
    model.to(device)
    cfg_train = meta.get("train") or {}
    history = list(meta.get("history") or [])
    epochs = a.epochs if a.epochs is not None else len(history) + 1
    if epochs <= len(history):
        sys.exit(f"{a.model} has trained {len(history)} epochs already; give --epochs above {len(history)} to go on")
    seed = cfg_train.get("seed", (meta.get("taskSpec") or {}).get("seed", 0))
    target = meta.get("target", model.head_on)
    meta["target"] = target
    train, val, test = split(read_data(a.data, a, meta), seed)
    T = max(s["x"].shape[0] for s in train + val)
    batch_size = cfg_train.get("batchSize", 32)
    weight = torch.tensor(cfg_train["classWeights"], dtype=torch.float32, device=device) if cfg_train.get("classWeights") else None
    clip = cfg_train.get("clipNorm")
    es = cfg_train.get("earlyStopping")

    net = DistributedDataParallel(model) if world > 1 else model
    opt = make_optimizer(cfg_train.get("optimizer") or {}, model.parameters())
    schedule = make_schedule(cfg_train.get("schedule"), opt)
    moments = restore_moments(opt, model, meta)
    with warnings.catch_warnings():  # bring the schedule to the epoch the model file reached
        warnings.simplefilter("ignore")
        for _ in range(len(history)):
            schedule and schedule.step()
    sampler = BatchSampler(train, batch_size, seed, world, rank)
    say(f"{len(train)} training, {len(val)} validation, {len(test)} test sequences; {world} process(es) on {device.type}; "
        f"epochs {len(history) + 1} to {epochs}; optimizer state {'restored' if moments else 'fresh'}")

    best = (math.inf, 0, None)
    for epoch in range(len(history) + 1, epochs + 1):
        t0 = time.time()
        sampler.set_epoch(epoch)
        lr = opt.param_groups[0]["lr"]
        sums = torch.zeros(3, dtype=torch.float64, device=device)  # weighted loss, weight, correct
        counted_all, norms, clipped, batches = 0, [], 0, 0
        for whole, share in sampler.batches():
            batches += 1
            # the whole batch's target weight: the mean is over all processes' targets
            _, y_all, _ = collate([train[i] for i in whole], T, target, False, "cpu")
            kept = y_all[y_all != -100]
            total_w = float(weight.cpu()[kept].sum()) if weight is not None else float(kept.numel())
            empty = not share  # fewer items than processes: this one takes part with weight 0
            x, y, lengths = collate([train[i] for i in (share or whole[:1])], T, target, model.rnn.batch_first, device)
            logits, y = logits_and_targets(net, x, y, lengths, target, model.rnn.batch_first)
            nll = torch.nn.functional.cross_entropy(logits, y, weight=weight, reduction="sum")
            if empty:
                nll = nll * 0
            opt.zero_grad(set_to_none=False)
            # DistributedDataParallel averages gradients over processes: scale so that they sum instead
            (nll * (world / total_w)).backward()
            norm = torch.nn.utils.clip_grad_norm_(model.parameters(), clip if clip else math.inf).item()
            opt.step()
            counted = y != -100
            correct = 0 if empty else int((logits.argmax(-1)[counted] == y[counted]).sum())
            part = torch.tensor([0.0 if empty else nll.item(), 0.0, float(correct)], dtype=torch.float64, device=device)
            if world > 1:
                dist.all_reduce(part)
            loss = part[0].item() / total_w
            sums += part
            sums[1] += total_w
            counted_all += kept.numel()
            norms.append(norm)
            clipped += 1 if clip and norm > clip else 0
            if a.json:
                say(json.dumps({"type": "batch", "epoch": epoch, "batch": batches, "loss": loss, "gradNorm": norm}))
            if not math.isfinite(loss) or not math.isfinite(norm):
                sys.exit(f"training stopped at epoch {epoch}, step {batches}: the loss or gradient norm is not finite; lower the learning rate or clip gradients")
        val_loss, val_acc = evaluate(model, val, T, meta, device) if val else (math.nan, math.nan)
        rec = {"epoch": epoch, "loss": sums[0].item() / sums[1].item(), "trainAccuracy": sums[2].item() / counted_all,
               "valLoss": val_loss, "valAccuracy": val_acc, "lr": lr, "gradNormMean": sum(norms) / len(norms),
               "gradNormMax": max(norms), "clippedFraction": clipped / len(norms), "seconds": time.time() - t0}
        history.append({k: finite_or_none(v) for k, v in rec.items()})
        if schedule:
            schedule.step()
        say(json.dumps({"type": "epoch", **history[-1]}) if a.json else
            f"epoch {epoch}: loss {rec['loss']:.4f}, train accuracy {rec['trainAccuracy']:.3f}, held-out {val_acc:.3f}")
        if es:
            if val_loss < best[0] - es.get("minDelta", 0):
                best = (val_loss, epoch, {k: v.detach().clone() for k, v in model.state_dict().items()})
            elif epoch - best[1] >= es["patience"]:
                say(f"held-out loss has not improved for {es['patience']} epochs since epoch {best[1]}; its weights are restored")
                break
    if es and best[2] is not None:
        model.load_state_dict(best[2])

    test_loss, test_acc = evaluate(model, test, T, meta, device) if test else (math.nan, math.nan)
    if rank == 0:
        keep = {k: v for k, v in meta.items() if k not in ("version", "config", "checkpoint")}
        keep["history"] = history
        save(model.cpu(), a.out, keep)
        say(json.dumps({"type": "saved", "path": a.out, "epochs": len(history), "testAccuracy": test_acc}) if a.json else
            f"Saved {a.out}: {len(history)} epochs, test accuracy {test_acc:.3f}. Next: rnnscope predict --model {a.out}")
    if world > 1:
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
