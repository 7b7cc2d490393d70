#!/usr/bin/python3
"""Writes rnnscope's PyTorch fixtures of the regression losses: one JSON file per case.

    /usr/bin/python3 tools/make_loss_fixtures.py test/fixtures/loss

Needs Debian's python3-torch (PyTorch 1.13). Two kinds of case (tools/FIXTURES.md, "Regression
losses"): `pointwise` cases give pred, target and a mask straight to the loss; `model` cases run a
recurrent model whose head gives K real values per step (or per sequence), with padded steps left
out of the loss, and record the loss and every parameter's gradient. All in float64.
"""
import glob
import json
import os
import sys
import zlib

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import Model, case  # noqa: E402  (the same module and case format as the cell fixtures)

LOSSES = dict(
    mse=lambda p, t, a: F.mse_loss(p, t),
    l1=lambda p, t, a: F.l1_loss(p, t),
    huber=lambda p, t, a: F.huber_loss(p, t, delta=a.get("delta", 1.0)),
    smooth_l1=lambda p, t, a: F.smooth_l1_loss(p, t, beta=a.get("beta", 1.0)),
)


def loss_of(loss, args, pred, target, mask):
    """PyTorch's loss of the kept elements: pred[mask] against target[mask], reduction mean."""
    return LOSSES[loss](pred[mask], target[mask], args)


def as_list(t):
    return t.detach().tolist()


def pointwise(name, loss, args, shape, masked, edges=False):
    torch.manual_seed(zlib.crc32(name.encode()))
    pred = torch.randn(*shape, dtype=torch.float64) * 2
    target = torch.randn(*shape, dtype=torch.float64) * 2
    if edges:
        # the kinks: d = 0, d = +-delta (or beta), where PyTorch's backward picks a side
        k = args.get("delta", args.get("beta", 1.0))
        flat_p, flat_t = pred.view(-1), target.view(-1)
        flat_p[0] = flat_t[0]
        flat_p[1] = flat_t[1] + k
        flat_p[2] = flat_t[2] - k
    mask = torch.rand(*shape) > 0.3 if masked else torch.ones(*shape, dtype=torch.bool)
    pred.requires_grad_(True)
    value = loss_of(loss, args, pred, target, mask)
    value.backward()
    return dict(name=name, kind="pointwise", loss=loss, args=args, shape=list(shape), pred=as_list(pred),
                target=as_list(target), mask=as_list(mask.to(torch.int64)),
                expected=dict(loss=value.item(), grad=as_list(pred.grad)))


def model_case(name, mode, loss, args, head_on, K, lengths):
    c, g = case(name, mode, head_on=head_on, dtype="float64")
    c["num_classes"] = K
    torch.manual_seed(zlib.crc32(name.encode()))
    model = Model(c).to(torch.float64)
    T, B, I = g["seq"], g["batch"], c["input_size"]
    x = torch.randn(T, B, I, dtype=torch.float64)
    if head_on == "steps":
        target = torch.randn(T, B, K, dtype=torch.float64)
        mask = torch.zeros(T, B, K, dtype=torch.bool)
        for b, n in enumerate(lengths):
            mask[:n, b, :] = True
    else:
        target = torch.randn(B, K, dtype=torch.float64)
        mask = torch.ones(B, K, dtype=torch.bool)
    state = {n: p.detach().clone() for n, p in model.named_params()}
    _, _, _, out = model(x, lengths, None, None)
    value = loss_of(loss, args, out, target, mask)
    value.backward()
    fixture = dict(c)
    fixture.update(name=name, kind="model", loss=loss, args=args, num_outputs=K,
                   state_dict={n: as_list(p) for n, p in state.items()}, x=as_list(x), lengths=list(lengths),
                   target=as_list(target), mask=as_list(mask.to(torch.int64)),
                   expected=dict(output=as_list(out), loss=value.item(),
                                 grads={n: as_list(p.grad) for n, p in model.named_params()}))
    return fixture


def all_cases():
    out = []
    for loss, args in [("mse", {}), ("l1", {}), ("huber", {"delta": 1.0}), ("huber", {"delta": 0.5}),
                       ("smooth_l1", {"beta": 1.0}), ("smooth_l1", {"beta": 0.5}), ("smooth_l1", {"beta": 0.0})]:
        tag = loss + "".join(f"_{k}{v:g}".replace(".", "p") for k, v in args.items())
        out.append(pointwise(f"{tag}_vector", loss, args, (7,), masked=False, edges=loss != "mse"))
        out.append(pointwise(f"{tag}_masked_2d", loss, args, (5, 3, 2), masked=True))
    out.append(model_case("model_gru_mse_steps_lengths", "gru", "mse", {}, "steps", 2, [5, 2, 4]))
    out.append(model_case("model_lstm_huber_steps_lengths", "lstm", "huber", {"delta": 0.5}, "steps", 1, [3, 5, 1]))
    out.append(model_case("model_rnn_l1_last", "rnn_tanh", "l1", {}, "last", 3, [5, 3, 4]))
    out.append(model_case("model_gru_smooth_l1_last", "gru", "smooth_l1", {"beta": 0.5}, "last", 2, [2, 5, 5]))
    return out


def main(out_dir):
    torch.set_num_threads(1)
    os.makedirs(out_dir, exist_ok=True)
    for old in glob.glob(os.path.join(out_dir, "*.json")):
        os.remove(old)
    for f in all_cases():
        path = os.path.join(out_dir, f["name"] + ".json")
        text = json.dumps(f, allow_nan=False)
        assert json.loads(text) == json.loads(text)
        with open(path, "w") as fh:
            fh.write(text + "\n")
        print(f"{f['name']}: loss {f['expected']['loss']:.6g}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "test/fixtures/loss")
