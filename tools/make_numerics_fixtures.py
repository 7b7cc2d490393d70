#!/usr/bin/python3
"""Writes the numerical-edge fixtures of rnnscope: PyTorch's float32 sigmoid over the far tails, and
LSTM and GRU cases whose gates are closed, so that gates, states and gradients are 1e-9 to 1e-26.

    /usr/bin/python3 tools/make_numerics_fixtures.py test/fixtures/numerics

The parity fixtures compare with an absolute tolerance of 1e-5, under which a gate of 1e-7 and one of
1e-20 agree; test/numerics.test.ts compares these relatively. The cases are parity cases
(tools/make_fixtures.py, the format of tools/FIXTURES.md), checked against its step-by-step reference.
"""
import json
import os
import sys

import torch

import make_fixtures as mf


def sigmoid_fixture():
    # every 0.05 over [-110, 110] (the far tails where sigmoid is below float32's least normal, then 0,
    # and where it rounds to 1), as float32, and PyTorch's float32 sigmoid of each
    x = torch.arange(-2200, 2201, dtype=torch.float64).mul(0.05).float()
    return dict(torch=str(torch.__version__), x=x, sigmoid=torch.sigmoid(x))


CASES = [
    # input gate near sigmoid(-40) = 4e-18, forget gate near sigmoid(-20) = 2e-9: c_t and h_t near 1e-18
    mf.case("lstm_closed_gates", "lstm", gate_bias=[-40.0, -20.0, 0.0, 0.0]),
    # reset and update gates near sigmoid(-30) = 9e-14
    mf.case("gru_closed_gates", "gru", gate_bias=[-30.0, -30.0, 0.0]),
]


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: /usr/bin/python3 tools/make_numerics_fixtures.py test/fixtures/numerics")
    out_dir = argv[1]
    torch.set_num_threads(1)
    os.makedirs(out_dir, exist_ok=True)
    fixtures = {"sigmoid": sigmoid_fixture()}
    for c, g in CASES:
        fixtures[c["name"]] = mf.run_case(c, g)
    for name, f in fixtures.items():
        f = mf.to_json(f)
        path = os.path.join(out_dir, name + ".json")
        text = json.dumps(f, separators=(",", ":"), allow_nan=False) + "\n"
        with open(path, "w") as fh:
            fh.write(text)
        with open(path) as fh:
            assert mf.same(json.load(fh), f), f"{path}: JSON round trip changed a value"
        print(f"{name:24s} {len(text) / 1024:.1f} KiB")


if __name__ == "__main__":
    main(sys.argv)
