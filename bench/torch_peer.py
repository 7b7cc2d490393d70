#!/usr/bin/python3
"""PyTorch peer for rnnscope's bench: one long-lived process speaking JSON lines on stdin/stdout.

Requests (one JSON object per line) and replies ({"ok": true, ...} or {"ok": false, "error": ...}):
  {"cmd": "hello", "threads": 1}            -> torch version, threads, BLAS actually mapped
  {"cmd": "setup", "config": {...}, "x": b64 float32 (T,B,I), or (T,B) ids when config V > 0, "targets": b64 int32 (T,B),
   "params": [{"name", "shape", "data": b64 float32}]}   -> builds the model, loads the weights
  {"cmd": "run", "steps": K}                 -> seconds (time.perf_counter), loss_first, loss_last, rss_mb
  {"cmd": "quit"}
The model is nn.RNN/LSTM/GRU + nn.Linear on every step (rnnscope's SequenceModel, same state_dict
names; with config V > 0 the ids are read one-hot, F.one_hot(x, V).float() in the forward, as
rnnscope's PyTorch module does). Tasks: "train", a step is zero_grad, forward, F.cross_entropy over all T*B steps, backward,
Adam.step; "infer", model(x) under torch.inference_mode; "stream", one step rnn(x_t, h) + head
carrying h (LSTM: the (h, c) tuple) from call to call. "run" replies also carry "check" (sum of the
last logits) for the last two.
Only replies go to stdout; anything else torch prints goes to stderr.
"""
import base64
import json
import os
import re
import sys
import time

import torch
import torch.nn.functional as F
from torch import nn


def b64(s, dtype):
    return torch.frombuffer(bytearray(base64.b64decode(s)), dtype=dtype)


def mapped_blas():
    """Shared libraries in this process whose name says BLAS (what torch really calls into)."""
    libs = set()
    with open('/proc/self/maps') as f:
        for line in f:
            parts = line.split()
            path = parts[-1] if len(parts) >= 6 else ''
            base = os.path.basename(path).lower()
            if any(k in base for k in ('blas', 'mkl_rt', 'libmkl', 'blis')):
                libs.add(os.path.realpath(path))
    return sorted(libs)


def blas_name(path):
    p = path.lower()
    if 'openblas' in p:
        return 'OpenBLAS'
    if 'mkl' in p:
        return 'MKL'
    if 'blis' in p:
        return 'BLIS'
    if '/blas/libblas' in p:
        return 'reference BLAS (netlib)'
    return os.path.basename(path)


def config_field(show, key):
    m = re.search(r'\b' + key + r'=([^,\s]*)', show)
    return m.group(1) if m else None


class Seq(nn.Module):
    def __init__(self, c):
        super().__init__()
        mode, I, H = c['mode'], c['I'], c['H']
        if mode in ('rnn_tanh', 'rnn_relu'):
            self.rnn = nn.RNN(I, H, nonlinearity=mode[4:])
        elif mode == 'lstm':
            self.rnn = nn.LSTM(I, H)
        elif mode == 'gru':
            self.rnn = nn.GRU(I, H)
        else:
            raise ValueError('unknown mode ' + str(mode))
        self.head = nn.Linear(H, c['C'])
        self.vocab = c.get('V') or 0

    def forward(self, x):
        if self.vocab:
            x = F.one_hot(x, self.vocab).float()
        out, _ = self.rnn(x)
        return self.head(out)


class Session:
    """One configuration: "train" (zero_grad, forward, cross-entropy, backward, Adam), "infer" (the
    forward pass of the batch under torch.inference_mode) or "stream" (one step from a kept state)."""

    def __init__(self, req):
        c = req['config']
        self.task = c.get('task', 'train')
        if self.task not in ('train', 'infer', 'stream'):
            raise ValueError('task %r is not implemented in torch_peer.py' % self.task)
        T, B, I, C = c['T'], c['B'], c['I'], c['C']
        self.T, self.C = T, C
        self.model = Seq(c)
        state = {p['name']: b64(p['data'], torch.float32).reshape(p['shape']) for p in req.get('params') or []}
        if state:
            self.model.load_state_dict(state, strict=True)
        if c.get('V'):
            if self.task != 'train':
                raise ValueError('token input is benched for training only')
            self.x = b64(req['x'], torch.float32).reshape(T, B).long()
        else:
            self.x = b64(req['x'], torch.float32).reshape(T, B, I).clone()
        self.y = b64(req['targets'], torch.int32).long().reshape(T * B)
        if self.task == 'train':
            self.opt = torch.optim.Adam(self.model.parameters(), lr=c['lr'])
        else:
            self.model.eval()
            # stream: step i feeds x[i mod T] of sequence 0 as a (1, 1, I) batch; the state is kept here.
            self.xs = [self.x[t:t + 1, 0:1].clone() for t in range(T)]
            self.t = 0
            self.h = None

    def step(self):
        # set_to_none=True: the faster zeroing (the default from PyTorch 2.0 on).
        self.opt.zero_grad(set_to_none=True)
        logits = self.model(self.x)
        loss = F.cross_entropy(logits.reshape(-1, self.C), self.y)
        loss.backward()
        self.opt.step()
        return loss

    def run(self, steps):
        if self.task == 'infer':
            return self.run_infer(steps)
        if self.task == 'stream':
            return self.run_stream(steps)
        first = last = None
        t0 = time.perf_counter()
        for i in range(steps):
            loss = self.step()
            if i == 0:
                first = loss.item()
        last = loss.item()
        seconds = time.perf_counter() - t0
        return {'seconds': seconds, 'loss_first': first, 'loss_last': last, 'rss_mb': rss_mb()}

    def run_infer(self, steps):
        model, x = self.model, self.x
        with torch.inference_mode():
            t0 = time.perf_counter()
            for _ in range(steps):
                logits = model(x)
            seconds = time.perf_counter() - t0
        return {'seconds': seconds, 'loss_first': None, 'loss_last': None, 'check': float(logits.sum()), 'rss_mb': rss_mb()}

    def run_stream(self, steps):
        rnn, head, xs, T = self.model.rnn, self.model.head, self.xs, self.T
        h, t = self.h, self.t
        with torch.inference_mode():
            t0 = time.perf_counter()
            for _ in range(steps):
                out, h = rnn(xs[t], h)
                logits = head(out)
                t += 1
                if t == T:
                    t = 0
            seconds = time.perf_counter() - t0
        self.h, self.t = h, t
        return {'seconds': seconds, 'loss_first': None, 'loss_last': None, 'check': float(logits.sum()), 'rss_mb': rss_mb()}


def rss_mb():
    with open('/proc/self/statm') as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf('SC_PAGE_SIZE') / 2**20


def hello(req):
    threads = int(req.get('threads', 1))
    torch.set_num_threads(threads)
    torch.ones(8, 8) @ torch.ones(8, 8)  # make sure the BLAS in use is mapped
    show = torch.__config__.show()
    libs = mapped_blas()
    return {
        'torch': torch.__version__,
        'python': sys.version.split()[0],
        'threads': torch.get_num_threads(),
        'blas_info': config_field(show, 'BLAS_INFO'),
        'blas_libs': libs,
        'blas': ', '.join(blas_name(p) for p in libs) or 'none mapped',
        'config_show': show,
    }


def main():
    session = None
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
            cmd = req.get('cmd')
            if cmd == 'quit':
                break
            if cmd == 'hello':
                rep = hello(req)
            elif cmd == 'setup':
                session = None
                session = Session(req)
                rep = {}
            elif cmd == 'run':
                if session is None:
                    raise RuntimeError('run before setup')
                rep = session.run(int(req['steps']))
            else:
                raise ValueError('unknown cmd %r' % cmd)
            rep['ok'] = True
        except Exception as e:  # the bench reports it and carries on with other peers
            rep = {'ok': False, 'error': '%s: %s' % (type(e).__name__, e)}
        sys.stdout.write(json.dumps(rep) + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
