#!/usr/bin/python3
"""Writes model files from PyTorch for rnnscope to load (test/fixtures/model/), with the logits
PyTorch computes for a fixed input, so a test shows that a PyTorch-saved model gives the same
numbers in rnnscope. Run: /usr/bin/python3 tools/make_model_fixture.py test/fixtures/model"""

import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
from rnnscope_torch import SequenceModel, load, save  # noqa: E402

out = sys.argv[1] if len(sys.argv) > 1 else "test/fixtures/model"
os.makedirs(out, exist_ok=True)
CASES = {
    "torch_gru_bidir_2layer": dict(mode="gru", inputSize=5, hiddenSize=8, numClasses=3, numLayers=2, bidirectional=True),
    "torch_lstm_proj_last": dict(mode="lstm", inputSize=4, hiddenSize=6, numClasses=2, projSize=3, headOn="last", batchFirst=True),
    "torch_rnn_seed": dict(mode="rnn_tanh", inputSize=5, hiddenSize=8, numClasses=3),
}
for name, config in CASES.items():
    torch.manual_seed(len(name))
    model = SequenceModel(**config).eval()
    x = torch.randn(2, 7, config["inputSize"]) if config.get("batchFirst") else torch.randn(7, 2, config["inputSize"])
    path = os.path.join(out, name + ".safetensors")
    save(model, path, {"classes": [f"class{i}" for i in range(config["numClasses"])]})
    again, meta = load(path)  # the README's round trip, checked here
    with torch.no_grad():
        logits = model(x)
        assert torch.equal(logits, again(x)), name
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump({"x": x.tolist(), "logits": logits.tolist()}, f)
    print(f"{name}: {sum(p.numel() for p in model.parameters())} parameters, logits {list(logits.shape)}")
