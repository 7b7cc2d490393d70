#!/usr/bin/python3
"""Writes rnnscope's PyTorch parity fixtures: one JSON file per case.

    /usr/bin/python3 tools/make_fixtures.py test/fixtures/parity

Needs Debian's python3-torch (PyTorch 1.13). The format is described in tools/FIXTURES.md.
Every case is checked before it is written: against a step-by-step reference written here from
PyTorch's documented equations (outputs, states and every gradient), against known facts about
h_n, padding and unbatched input, and by reading the written file back.
"""
import glob
import json
import math
import os
import sys
import zlib

import torch
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

# Dimension letters: T steps, B batch, I input features, H hidden, P proj, D directions, L layers,
# C classes, G gates (4 LSTM, 3 GRU, 1 RNN).
SIZES = dict(input_size=3, hidden_size=4, seq=5, batch=3, num_classes=3, proj_size=2)
MODES = ("rnn_tanh", "rnn_relu", "lstm", "gru")
OPTIM_STEPS = 3
IGNORE = -100


# ----------------------------------------------------------------------------------------------
# Cases


def case(name, mode, **kw):
    c = dict(
        name=name, mode=mode,
        input_size=SIZES["input_size"], hidden_size=SIZES["hidden_size"],
        num_layers=1, bidirectional=False, batch_first=False, bias=True, proj_size=0,
        head_bias=True, num_classes=SIZES["num_classes"], head_on="steps", dtype="float32",
    )
    # Generator-only knobs (not written): batch=None is unbatched; weight_scale saturates; gate_bias
    # adds one number per gate block to bias_ih (closed gates, tools/make_numerics_fixtures.py).
    gen = dict(batch=SIZES["batch"], seq=SIZES["seq"], h0=False, lengths=None, class_weights=False,
               weight_scale=1.0, optim=False, gate_bias=None)
    for k, v in kw.items():
        (c if k in c else gen)[k] = v
    assert set(kw) <= set(c) | set(gen), kw
    return c, gen


def optim_runs():
    """The optimizer runs of the one case per mode that has them."""
    def run(opt, clip=None, sched=None):
        return dict(optimizer=opt, steps=OPTIM_STEPS, clip_grad_norm=clip, scheduler=sched)
    return [
        run(dict(type="sgd", lr=0.1)),
        run(dict(type="sgd", lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
        run(dict(type="sgd", lr=0.1, momentum=0.9, dampening=0.1)),
        run(dict(type="adam", lr=0.01)),
        run(dict(type="adam", lr=0.01, weight_decay=0.1, amsgrad=True)),
        run(dict(type="adamw", lr=0.01, weight_decay=0.1)),
        run(dict(type="rmsprop", lr=0.01)),
        run(dict(type="rmsprop", lr=0.01, momentum=0.9, centered=True, weight_decay=0.01)),
        run(dict(type="adam", lr=0.01), clip=0.5, sched=dict(type="step", step_size=1, gamma=0.5)),
        run(dict(type="sgd", lr=0.1), sched=dict(type="cosine", t_max=2, eta_min=0.001)),
        # Adam barely feels a clip (it divides the scale out); plain SGD shows it in full.
        run(dict(type="sgd", lr=0.5), clip=0.05),
    ]


def all_cases():
    cases = []
    for m in MODES:
        lstm = m == "lstm"
        cases += [
            case(f"{m}_base", m, optim=True),
            case(f"{m}_two_layers", m, num_layers=2, weight_scale=2.0),
            case(f"{m}_bidir", m, bidirectional=True),
            case(f"{m}_batch_first", m, batch_first=True),
            case(f"{m}_no_bias", m, bias=False, head_bias=False),
            case(f"{m}_h0_c0" if lstm else f"{m}_h0", m, h0=True),
            case(f"{m}_unbatched", m, batch=None),
            case(f"{m}_lengths", m, lengths=[5, 2, 4]),
            case(f"{m}_2layer_bidir_lengths_h0", m, num_layers=2, bidirectional=True,
                 lengths=[3, 5, 1], h0=True, weight_scale=2.0),
            # No item uses all T steps here: padding reaches to total_length.
            case(f"{m}_batch_first_bidir_lengths", m, batch_first=True, bidirectional=True,
                 lengths=[2, 4, 3]),
            case(f"{m}_last_bidir_lengths", m, head_on="last", bidirectional=True,
                 lengths=[4, 5, 2], weight_scale=2.0),
            case(f"{m}_last_2layer", m, head_on="last", num_layers=2),
            case(f"{m}_class_weights", m, class_weights=True),
            case(f"{m}_float64", m, dtype="float64", num_layers=2, bidirectional=True,
                 lengths=[5, 3, 4], h0=True),
            case(f"{m}_unbatched_bidir_2layer", m, batch=None, bidirectional=True, num_layers=2,
                 h0=True),
        ]
        if lstm:
            P = SIZES["proj_size"]
            cases += [
                case("lstm_proj", m, proj_size=P),
                case("lstm_proj_bidir_2layer_h0_c0", m, proj_size=P, bidirectional=True,
                     num_layers=2, h0=True, weight_scale=2.0),
                case("lstm_proj_lengths", m, proj_size=P, lengths=[1, 5, 3]),
            ]
    names = [c["name"] for c, _ in cases]
    assert len(names) == len(set(names))
    return cases


# ----------------------------------------------------------------------------------------------
# PyTorch run


def make_module(c):
    kw = dict(input_size=c["input_size"], hidden_size=c["hidden_size"], num_layers=c["num_layers"],
              bias=c["bias"], batch_first=c["batch_first"], dropout=0.0,
              bidirectional=c["bidirectional"])
    m = c["mode"]
    if m.startswith("rnn_"):
        return torch.nn.RNN(nonlinearity=m[4:], **kw)
    if m == "lstm":
        return torch.nn.LSTM(proj_size=c["proj_size"], **kw)
    return torch.nn.GRU(**kw)


def h_out(c):
    return c["proj_size"] or c["hidden_size"]


class Model(torch.nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        D = 2 if c["bidirectional"] else 1
        self.rnn = make_module(c)
        self.head = torch.nn.Linear(D * h_out(c), c["num_classes"], bias=c["head_bias"])

    def named_params(self):
        """PyTorch's names without the `rnn.` prefix, rnn first, then head: the fixture order."""
        out = [(n, p) for n, p in self.rnn.named_parameters()]
        out += [("head." + n, p) for n, p in self.head.named_parameters()]
        return out

    def forward(self, x, lengths, h0, c0):
        c = self.c
        hx = None if h0 is None else ((h0, c0) if c["mode"] == "lstm" else h0)
        T = x.shape[1] if c["batch_first"] else x.shape[0]
        if lengths is not None:
            packed = pack_padded_sequence(x, torch.tensor(lengths), batch_first=c["batch_first"],
                                          enforce_sorted=False)
            out, hn = self.rnn(packed, hx)
            out, _ = pad_packed_sequence(out, batch_first=c["batch_first"], total_length=T)
        else:
            out, hn = self.rnn(x, hx)
        h_n, c_n = hn if c["mode"] == "lstm" else (hn, None)
        if c["head_on"] == "steps":
            logits = self.head(out)
        else:
            top = h_n[-2:] if c["bidirectional"] else h_n[-1:]  # [D, B, H_out], forward first
            logits = self.head(torch.cat(list(top), dim=-1))  # [B, D*H_out]
        return out, h_n, c_n, logits


def loss_of(logits, targets, weight):
    C = logits.shape[-1]
    return F.cross_entropy(logits.reshape(-1, C), targets.reshape(-1), weight=weight,
                           ignore_index=IGNORE)


def make_inputs(c, g, dtype):
    """x, h0, c0, targets, class weights for a case, drawn after the module's init."""
    T, B, I, H, C = g["seq"], g["batch"], c["input_size"], c["hidden_size"], c["num_classes"]
    D = 2 if c["bidirectional"] else 1
    LD = c["num_layers"] * D
    bshape = () if B is None else (B,)
    x = torch.randn(T, *bshape, I, dtype=dtype)
    if c["batch_first"] and B is not None:  # unbatched x is [T, I] whatever batch_first says
        x = x.transpose(0, 1).contiguous()
    h0 = c0 = None
    if g["h0"]:
        h0 = 0.5 * torch.randn(LD, *bshape, h_out(c), dtype=dtype)
        if c["mode"] == "lstm":
            c0 = 0.5 * torch.randn(LD, *bshape, H, dtype=dtype)
    if c["head_on"] == "last":
        assert B is not None, "unbatched + head_on last is not generated"
        targets = torch.randint(0, C, (B,))
    else:
        targets = torch.randint(0, C, (T, *bshape))  # [T, B] or [T]
        if g["lengths"] is not None:
            for b, n in enumerate(g["lengths"]):
                targets[n:, b] = IGNORE
        if c["batch_first"] and B is not None:
            targets = targets.transpose(0, 1).contiguous()
    weight = None
    if g["class_weights"]:
        weight = torch.rand(C, dtype=dtype) * 2 + 0.1
    return x, h0, c0, targets, weight


def build(c, g):
    dtype = torch.float64 if c["dtype"] == "float64" else torch.float32
    torch.manual_seed(zlib.crc32(c["name"].encode()))
    model = Model(c)
    with torch.no_grad():
        for n, p in model.rnn.named_parameters():
            if n.startswith("weight"):
                p.mul_(g["weight_scale"])
            if n.startswith("bias_ih") and g["gate_bias"] is not None:
                p.add_(torch.tensor(g["gate_bias"]).repeat_interleave(c["hidden_size"]))
    model = model.to(dtype)
    x, h0, c0, targets, weight = make_inputs(c, g, dtype)
    return model, x, h0, c0, targets, weight


def run_case(c, g):
    model, x, h0, c0, targets, weight = build(c, g)
    state = {n: p.detach().clone() for n, p in model.named_params()}
    x = x.clone().requires_grad_(True)
    if h0 is not None:
        h0.requires_grad_(True)
    if c0 is not None:
        c0.requires_grad_(True)
    out, h_n, c_n, logits = model(x, g["lengths"], h0, c0)
    loss = loss_of(logits, targets, weight)
    loss.backward()
    expected = dict(output=out.detach(), h_n=h_n.detach())
    if c_n is not None:
        expected["c_n"] = c_n.detach()
    expected["logits"] = logits.detach()
    expected["loss"] = loss.item()
    expected["grads"] = {n: p.grad.detach().clone() for n, p in model.named_params()}
    expected["grad_x"] = x.grad.detach().clone()
    if h0 is not None:
        expected["grad_h0"] = h0.grad.detach().clone()
    if c0 is not None:
        expected["grad_c0"] = c0.grad.detach().clone()

    fixture = dict(c)
    fixture["state_dict"] = state
    fixture["x"] = x.detach()
    if h0 is not None:
        fixture["h0"] = h0.detach()
    if c0 is not None:
        fixture["c0"] = c0.detach()
    if g["lengths"] is not None:
        fixture["lengths"] = list(g["lengths"])
    fixture["targets"] = targets
    if weight is not None:
        fixture["class_weights"] = weight
    fixture["expected"] = expected

    check_facts(c, g, fixture)
    check_reference(c, g, fixture)

    if g["optim"]:
        fixture["optim_runs"] = [
            run_optim(c, g, r, state, x.detach(), h0, c0, targets, weight) for r in optim_runs()]
    return fixture


OPTIM_KWARGS = ("lr", "momentum", "dampening", "nesterov", "weight_decay", "betas", "eps", "alpha",
                "centered", "amsgrad")
OPTIMIZERS = dict(sgd=torch.optim.SGD, adam=torch.optim.Adam, adamw=torch.optim.AdamW,
                  rmsprop=torch.optim.RMSprop)


def make_optimizer(params, o):
    kw = {k: (tuple(v) if k == "betas" else v) for k, v in o.items() if k != "type"}
    return OPTIMIZERS[o["type"]](params, **kw)


def resolved(o):
    """The optimizer spec with every PyTorch default written out (AdamW's weight_decay defaults to
    0.01, Adam's to 0), so a runner needs no table of defaults."""
    opt = make_optimizer([torch.zeros(1, requires_grad=True)], o)
    d = opt.defaults
    out = dict(type=o["type"])
    for k in OPTIM_KWARGS:
        if k in d:
            out[k] = list(d[k]) if k == "betas" else d[k]
    return out


def make_scheduler(opt, s):
    if s is None:
        return None
    if s["type"] == "step":
        return torch.optim.lr_scheduler.StepLR(opt, step_size=s["step_size"], gamma=s["gamma"])
    if s["type"] == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=s["t_max"], eta_min=s["eta_min"])
    raise ValueError(s)


def run_optim(c, g, r, state, x, h0, c0, targets, weight):
    r = dict(r, optimizer=resolved(r["optimizer"]))
    model, *_ = build(c, g)  # same seed: the case's state_dict
    assert all(torch.equal(p, state[n]) for n, p in model.named_params())
    params = [p for _, p in model.named_params()]
    opt = make_optimizer(params, r["optimizer"])
    sched = make_scheduler(opt, r["scheduler"])
    h0 = None if h0 is None else h0.detach()
    c0 = None if c0 is None else c0.detach()
    losses, lrs = [], []
    for _ in range(r["steps"]):
        opt.zero_grad()
        *_, logits = model(x, g["lengths"], h0, c0)
        loss = loss_of(logits, targets, weight)
        loss.backward()
        if r["clip_grad_norm"] is not None:
            torch.nn.utils.clip_grad_norm_(params, r["clip_grad_norm"])
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        if sched is not None:
            sched.step()
        losses.append(loss.item())
    out = dict(r)
    out["expected_losses"] = losses
    out["expected_lrs"] = lrs
    out["expected_params"] = {n: p.detach().clone() for n, p in model.named_params()}
    assert all(math.isfinite(v) for v in losses), (c["name"], r, losses)
    check_optim_reference(c, g, out, x, h0, c0, targets, weight)
    return out


# ----------------------------------------------------------------------------------------------
# Self-checks


def close(a, b, dtype, what):
    tol = 1e-12 if dtype == "float64" else 2e-6
    assert a.shape == b.shape, (what, a.shape, b.shape)
    err = ((a - b).abs() - tol * b.abs()).max().item() if a.numel() else 0.0
    assert err <= tol, f"{what}: off by {err}"


def check_facts(c, g, f):
    """Facts any correct implementation shows: where h_n sits in output, padding, shapes."""
    e = f["expected"]
    out, h_n = e["output"], e["h_n"]
    D = 2 if c["bidirectional"] else 1
    L, P, H, T = c["num_layers"], h_out(c), c["hidden_size"], g["seq"]
    unbatched = g["batch"] is None
    if unbatched:  # add the batch dimension so the checks below read the same
        out, h_n = out.unsqueeze(1), h_n.unsqueeze(1)
    elif c["batch_first"]:
        out = out.transpose(0, 1)
    B = out.shape[1]
    assert out.shape == (T, B, D * P), out.shape
    assert h_n.shape == (L * D, B, P), h_n.shape
    if "c_n" in e:
        assert e["c_n"].shape == (L * D, *(() if unbatched else (B,)), H)
    lengths = g["lengths"] or [T] * B
    for b, n in enumerate(lengths):
        # The forward state after the item's own last step is its h_n ...
        assert torch.equal(h_n[-D, b], out[n - 1, b, :P]), (c["name"], b)
        # ... the reverse state after its last processed step (time 0) is the reverse h_n ...
        if D == 2:
            assert torch.equal(h_n[-1, b], out[0, b, P:]), (c["name"], b)
            if n > 1:  # ... and h_n is not output[-1] (the docstring trap)
                assert not torch.equal(h_n[-1, b], out[n - 1, b, P:])
        # ... and padded steps are zero, in the output and in grad_x.
        assert not out[n:, b].any()
        gx = e["grad_x"]
        gx = gx.unsqueeze(1) if unbatched else (gx.transpose(0, 1) if c["batch_first"] else gx)
        assert not gx[n:, b].any()
    if c["head_on"] == "last":
        assert e["logits"].shape == (B, c["num_classes"])
    else:
        assert e["logits"].shape == e["output"].shape[:-1] + (c["num_classes"],)
    if unbatched:
        check_unbatched(c, g, f)


def check_unbatched(c, g, f):
    """Unbatched input gives what the same sequence gives as a batch of one."""
    model, *_ = build(c, g)
    dim = 0 if c["batch_first"] else 1
    h0 = f.get("h0")
    c0 = f.get("c0")
    with torch.no_grad():
        out, h_n, c_n, _ = model(f["x"].unsqueeze(dim), None,
                                 None if h0 is None else h0.unsqueeze(1),
                                 None if c0 is None else c0.unsqueeze(1))
    e = f["expected"]
    close(out.squeeze(dim), e["output"], c["dtype"], "unbatched output")
    close(h_n.squeeze(1), e["h_n"], c["dtype"], "unbatched h_n")


def reference(c, sd, x, lengths, h0, c0):
    """Step-by-step recurrence from PyTorch's documented equations. x: [T, B, I] time-major.
    Returns output [T, B, D*P] (zero where padded), h_n [L*D, B, P], c_n [L*D, B, H]."""
    T, B, _ = x.shape
    D = 2 if c["bidirectional"] else 1
    H, P, mode = c["hidden_size"], h_out(c), c["mode"]
    lengths = torch.tensor(lengths if lengths is not None else [T] * B)
    zeros_h = x.new_zeros(B, P)
    zeros_c = x.new_zeros(B, H)
    layer_in, h_n, c_n = x, [], []
    for layer in range(c["num_layers"]):
        outs = []
        for d in range(D):
            sfx = f"_l{layer}" + ("_reverse" if d else "")
            k = layer * D + d
            w_ih, w_hh = sd["weight_ih" + sfx], sd["weight_hh" + sfx]
            b_ih = sd.get("bias_ih" + sfx)
            b_hh = sd.get("bias_hh" + sfx)
            w_hr = sd.get("weight_hr" + sfx)
            h = zeros_h if h0 is None else h0[k]
            cc = zeros_c if c0 is None else c0[k]
            steps = [None] * T
            for t in (range(T - 1, -1, -1) if d else range(T)):
                valid = (t < lengths).unsqueeze(1)  # [B, 1]
                gi = layer_in[t] @ w_ih.t() + (0 if b_ih is None else b_ih)
                gh = h @ w_hh.t() + (0 if b_hh is None else b_hh)
                if mode == "rnn_tanh":
                    hn, cn = torch.tanh(gi + gh), cc
                elif mode == "rnn_relu":
                    hn, cn = torch.relu(gi + gh), cc
                elif mode == "lstm":
                    i, f_, gg, o = (gi + gh).chunk(4, dim=1)
                    cn = torch.sigmoid(f_) * cc + torch.sigmoid(i) * torch.tanh(gg)
                    hn = torch.sigmoid(o) * torch.tanh(cn)
                    if w_hr is not None:
                        hn = hn @ w_hr.t()
                else:
                    ir, iz, in_ = gi.chunk(3, dim=1)
                    hr, hz, hn_ = gh.chunk(3, dim=1)
                    r = torch.sigmoid(ir + hr)
                    z = torch.sigmoid(iz + hz)
                    n = torch.tanh(in_ + r * hn_)
                    hn, cn = (1 - z) * n + z * h, cc
                h = torch.where(valid, hn, h)
                cc = torch.where(valid, cn, cc)
                steps[t] = torch.where(valid, hn, torch.zeros_like(hn))
            outs.append(torch.stack(steps))
            h_n.append(h)
            c_n.append(cc)
        layer_in = torch.cat(outs, dim=-1)
    return layer_in, torch.stack(h_n), torch.stack(c_n)


def check_reference(c, g, f):
    """Outputs, states, loss and every gradient match an independent step-by-step reference."""
    dtype = c["dtype"]
    sd = {n: v.clone().requires_grad_(True) for n, v in f["state_dict"].items()}
    x = f["x"].clone().requires_grad_(True)
    h0 = None if "h0" not in f else f["h0"].clone().requires_grad_(True)
    c0 = None if "c0" not in f else f["c0"].clone().requires_grad_(True)
    unbatched = g["batch"] is None
    xt = x.unsqueeze(1) if unbatched else (x.transpose(0, 1) if c["batch_first"] else x)
    h0t = None if h0 is None else (h0.unsqueeze(1) if unbatched else h0)
    c0t = None if c0 is None else (c0.unsqueeze(1) if unbatched else c0)
    out, h_n, c_n = reference(c, sd, xt, g["lengths"], h0t, c0t)
    if unbatched:
        out, h_n, c_n = out.squeeze(1), h_n.squeeze(1), c_n.squeeze(1)
    elif c["batch_first"]:
        out = out.transpose(0, 1)
    if c["head_on"] == "steps":
        feats = out
    else:
        feats = torch.cat(list(h_n[-2:] if c["bidirectional"] else h_n[-1:]), dim=-1)
    logits = feats @ sd["head.weight"].t()
    if c["head_bias"]:
        logits = logits + sd["head.bias"]
    loss = loss_of(logits, f["targets"], f.get("class_weights"))
    loss.backward()
    e = f["expected"]
    close(out, e["output"], dtype, "output")
    close(h_n, e["h_n"], dtype, "h_n")
    if "c_n" in e:
        close(c_n, e["c_n"], dtype, "c_n")
    close(logits, e["logits"], dtype, "logits")
    close(loss.detach(), torch.tensor(e["loss"], dtype=loss.dtype), dtype, "loss")
    assert list(e["grads"]) == list(sd), (list(e["grads"]), list(sd))
    for n, p in sd.items():
        close(p.grad, e["grads"][n], dtype, "grad " + n)
    close(x.grad, e["grad_x"], dtype, "grad_x")
    if h0 is not None:
        close(h0.grad, e["grad_h0"], dtype, "grad_h0")
    if c0 is not None:
        close(c0.grad, e["grad_c0"], dtype, "grad_c0")


def lr_at(r, step):
    """Learning rate of step `step` (0-based) in closed form."""
    o, s = r["optimizer"], r["scheduler"]
    if s is None:
        return o["lr"]
    if s["type"] == "step":
        return o["lr"] * s["gamma"] ** (step // s["step_size"])
    return s["eta_min"] + (o["lr"] - s["eta_min"]) * (1 + math.cos(math.pi * step / s["t_max"])) / 2


def optim_update(o, lr, p, g, st):
    """One parameter's update, written from PyTorch's docs (torch.optim.*, 1.13)."""
    t, wd = o["type"], o["weight_decay"]
    if t == "sgd":
        if wd:
            g = g + wd * p
        if o["momentum"]:
            if "buf" not in st:
                st["buf"] = g.clone()  # the first step takes the gradient undampened
            else:
                st["buf"] = o["momentum"] * st["buf"] + (1 - o["dampening"]) * g
            g = g + o["momentum"] * st["buf"] if o["nesterov"] else st["buf"]
        return p - lr * g
    if t in ("adam", "adamw"):
        b1, b2 = o["betas"]
        if t == "adamw":
            p = p * (1 - lr * wd)
        elif wd:
            g = g + wd * p
        st["k"] = k = st.get("k", 0) + 1
        st["m"] = b1 * st.get("m", 0) + (1 - b1) * g
        st["v"] = b2 * st.get("v", 0) + (1 - b2) * g * g
        v = st["v"]
        if o["amsgrad"]:
            st["vmax"] = v = torch.maximum(st.get("vmax", v), v)
        denom = v.sqrt() / math.sqrt(1 - b2 ** k) + o["eps"]
        return p - lr / (1 - b1 ** k) * st["m"] / denom
    if t == "rmsprop":
        a = o["alpha"]
        if wd:
            g = g + wd * p
        st["sq"] = a * st.get("sq", 0) + (1 - a) * g * g
        if o["centered"]:
            st["ga"] = a * st.get("ga", 0) + (1 - a) * g
            avg = (st["sq"] - st["ga"] * st["ga"]).sqrt() + o["eps"]
        else:
            avg = st["sq"].sqrt() + o["eps"]
        if o["momentum"] > 0:
            st["buf"] = o["momentum"] * st.get("buf", 0) + g / avg
            return p - lr * st["buf"]
        return p - lr * g / avg
    raise ValueError(t)


def check_optim_reference(c, g, r, x, h0, c0, targets, weight):
    """The run's losses, learning rates and final parameters match the documented update rules."""
    model, *_ = build(c, g)
    named = model.named_params()
    states = {n: {} for n, _ in named}
    for step in range(r["steps"]):
        for _, p in named:
            p.grad = None
        *_, logits = model(x, g["lengths"], h0, c0)
        loss = loss_of(logits, targets, weight)
        loss.backward()
        close(loss.detach(), torch.tensor(r["expected_losses"][step], dtype=loss.dtype), c["dtype"],
              f"{r['optimizer']} loss {step}")
        lr = lr_at(r, step)
        assert abs(lr - r["expected_lrs"][step]) <= 1e-15, (lr, r["expected_lrs"][step])
        grads = {n: p.grad.clone() for n, p in named}
        if r["clip_grad_norm"] is not None:
            norm = math.sqrt(sum(float((v.double() ** 2).sum()) for v in grads.values()))
            coef = min(1.0, r["clip_grad_norm"] / (norm + 1e-6))
            r["_clipped"] = r.get("_clipped", 0) + (coef < 1)
            grads = {n: v * coef for n, v in grads.items()}
        with torch.no_grad():
            for n, p in named:
                p.copy_(optim_update(r["optimizer"], lr, p, grads[n], states[n]))
    for n, p in named:
        close(p.detach(), r["expected_params"][n], c["dtype"], f"{r['optimizer']} param {n}")
    if r["optimizer"]["type"] == "sgd" and r["clip_grad_norm"] is not None:
        assert r["_clipped"] == r["steps"], "the SGD clip run must clip at every step"
    r.pop("_clipped", None)


# ----------------------------------------------------------------------------------------------
# JSON


def to_json(v):
    if isinstance(v, torch.Tensor):
        return v.tolist()  # float32 elements become the Python float of their exact value
    if isinstance(v, dict):
        return {k: to_json(w) for k, w in v.items()}
    if isinstance(v, (list, tuple)):
        return [to_json(w) for w in v]
    return v


def same(a, b):
    """Exact structural equality, float bits included."""
    if isinstance(a, dict):
        return isinstance(b, dict) and list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float):
        return isinstance(b, float) and a == b
    return type(a) is type(b) and a == b


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: /usr/bin/python3 tools/make_fixtures.py test/fixtures/parity")
    out_dir = argv[1]
    torch.set_num_threads(1)  # reductions in one fixed order
    os.makedirs(out_dir, exist_ok=True)
    for old in glob.glob(os.path.join(out_dir, "*.json")):
        os.remove(old)
    total = 0
    cases = all_cases()
    for c, g in cases:
        fixture = to_json(run_case(c, g))
        path = os.path.join(out_dir, c["name"] + ".json")
        text = json.dumps(fixture, separators=(",", ":"), allow_nan=False) + "\n"
        with open(path, "w") as fh:
            fh.write(text)
        with open(path) as fh:
            assert same(json.load(fh), fixture), f"{path}: JSON round trip changed a value"
        total += len(text)
        e = fixture["expected"]
        runs = fixture.get("optim_runs", [])
        print(f"{c['name']:36s} {c['dtype']:7s} loss {e['loss']:.6f}  "
              f"{len(e['grads'])} grads  {len(runs)} optim runs  {len(text) / 1024:.1f} KiB")
    print(f"{len(cases)} fixtures, {total / 1024:.0f} KiB, torch {torch.__version__}, in {out_dir}")


if __name__ == "__main__":
    main(sys.argv)
