"""Writes test/fixtures/safetensors/torch_written.safetensors from real torch tensors, and beside it
torch_written.json with what torch says each tensor holds as float32 (Tensor.float()), for
test/safetensors.test.ts to compare against.

The file holds the state_dict of nn.LSTM(3, 2) + nn.Linear(2, 3) under rnnscope's names (rnn.*, head.*)
and one tensor each of F64, F16 and BF16, so the reader's conversions are checked against torch's.
It writes with safetensors_min rather than the `safetensors` package: their bytes are identical (checked
against safetensors 0.8.0), but the package orders metadata keys at random, and a fixture must not change
when it is regenerated.

    python3 tools/make_safetensors_fixture.py    (Debian's python3, with python3-torch)
"""

import json
import os

import torch

from safetensors_min import load_file, save_file

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "safetensors")


def main():
    torch.manual_seed(0)
    rnn, head = torch.nn.LSTM(3, 2), torch.nn.Linear(2, 3)
    tensors = {f"rnn.{k}": v for k, v in rnn.state_dict().items()}
    tensors.update({f"head.{k}": v for k, v in head.state_dict().items()})
    # Values that round when narrowed to float32, or sit at the edges of the small formats.
    tensors["dtypes.f64"] = torch.tensor([[0.1, 1 / 3], [-2.5e-40, 1e30]], dtype=torch.float64)
    tensors["dtypes.f16"] = torch.tensor([1.0, -0.0, 2 ** -24, 65504.0, -0.333], dtype=torch.float16)
    tensors["dtypes.bf16"] = torch.tensor([3.140625, -1e-3, 3e38], dtype=torch.bfloat16)
    metadata = {"format": "pt", "rnnscope.cell": "LSTM", "note": "written by torch, unicode ✓"}

    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "torch_written.safetensors")
    save_file(tensors, path, metadata)

    # Read it back before anyone relies on it.
    back, meta = load_file(path)
    assert meta == metadata and back.keys() == tensors.keys()
    for k, v in tensors.items():
        assert back[k].dtype == v.dtype and torch.equal(back[k], v), k

    expected = {k: {"dtype": str(v.dtype).removeprefix("torch."), "shape": list(v.shape),
                    "values": v.float().reshape(-1).tolist()} for k, v in tensors.items()}
    with open(os.path.join(OUT, "torch_written.json"), "w") as f:
        json.dump({"torch": torch.__version__, "metadata": metadata, "tensors": expected}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
