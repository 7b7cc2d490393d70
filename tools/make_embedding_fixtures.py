"""PyTorch fixtures for token input: nn.Embedding (with and without padding_idx) or one-hot in front
of each cell, a head on every step, cross-entropy; forward and every gradient.

    /usr/bin/python3 tools/make_embedding_fixtures.py test/fixtures/embedding

Each case is built by `SequenceModel` of tools/rnnscope_torch.py (the module a model file loads
into), seeded with torch.manual_seed(crc32(name)) on one thread, so a rerun writes the same bytes.
Fields: `config` (rnnscope's SequenceModel options), `dtype`, `state_dict` (PyTorch's names, the
embedding first), `x` (ids [T, B] or [B, T] batch-first, or [T] unbatched), `lengths` (optional),
`targets` (next-token classes, -100 on padded steps), and `expected`: `logits`, `loss`, `grads`
(name -> gradient, the padding row of the embedding zero by nn.Embedding's rule).
"""

import json
import os
import sys
import zlib

import torch
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from rnnscope_torch import SequenceModel  # noqa: E402

T, B, V, H = 6, 3, 7, 5

CASES = [
    dict(name="embed_lstm", mode="lstm", embeddingDim=4, paddingIdx=0, lengths=[6, 4, 2]),
    dict(name="embed_gru_batch_first", mode="gru", embeddingDim=3, batchFirst=True),
    dict(name="embed_rnn_tanh_2layer_bidir", mode="rnn_tanh", embeddingDim=4, numLayers=2, bidirectional=True, paddingIdx=-1),
    dict(name="embed_rnn_relu_unbatched", mode="rnn_relu", embeddingDim=3, unbatched=True),
    dict(name="onehot_lstm", mode="lstm", embeddingDim=0),
    dict(name="onehot_gru_last", mode="gru", embeddingDim=0, headOn="last", numClasses=2),
    dict(name="embed_lstm_f64", mode="lstm", embeddingDim=4, paddingIdx=2, dtype="float64", lengths=[3, 6, 5]),
]


def to_json(v):
    if isinstance(v, torch.Tensor):
        return v.tolist()
    return v


def run(c):
    torch.manual_seed(zlib.crc32(c["name"].encode()))
    dtype = torch.float64 if c.get("dtype") == "float64" else torch.float32
    E = c["embeddingDim"]
    config = dict(mode=c["mode"], inputSize=E or V, hiddenSize=H, numClasses=c.get("numClasses", V),
                  numLayers=c.get("numLayers", 1), batchFirst=c.get("batchFirst", False),
                  bidirectional=c.get("bidirectional", False), headOn=c.get("headOn", "steps"),
                  vocabSize=V, embeddingDim=E)
    if c.get("paddingIdx") is not None:
        config["paddingIdx"] = c["paddingIdx"]
    m = SequenceModel(**config).to(dtype)
    if E:
        pad = m.embedding.padding_idx
        assert pad is None or bool((m.embedding.weight[pad] == 0).all()), "padding row starts at zero"
    unbatched = c.get("unbatched", False)
    bf = config["batchFirst"]
    shape = (T,) if unbatched else ((B, T) if bf else (T, B))
    x = torch.randint(0, V, shape)
    lengths = c.get("lengths")
    if lengths:
        # the padding id on padded steps, as a data loader would put it
        for b, n in enumerate(lengths):
            for t in range(n, T):
                x[(b, t) if bf else (t, b)] = m.embedding.padding_idx if E and m.embedding.padding_idx is not None else 0
    if config["headOn"] == "steps":
        targets = torch.randint(0, config["numClasses"], shape)
        if lengths:
            for b, n in enumerate(lengths):
                for t in range(n, T):
                    targets[(b, t) if bf else (t, b)] = -100
    else:
        targets = torch.randint(0, config["numClasses"], (B,))

    if lengths:
        feats = m.embedding(x) if E else torch.nn.functional.one_hot(x, V).to(dtype)
        packed = pack_padded_sequence(feats, torch.tensor(lengths), batch_first=bf, enforce_sorted=False)
        out, state = m.rnn(packed)
        out, _ = pad_packed_sequence(out, batch_first=bf, total_length=T)
        if config["headOn"] == "steps":
            logits = m.head(out)
        else:
            h_n = state[0] if isinstance(state, tuple) else state
            D = 2 if config["bidirectional"] else 1
            top = h_n.view(config["numLayers"], D, *h_n.shape[1:])[-1]
            logits = m.head(torch.cat(list(top), dim=-1))
    else:
        logits = m(x)
    C = config["numClasses"]
    loss = torch.nn.functional.cross_entropy(logits.reshape(-1, C), targets.reshape(-1), ignore_index=-100)
    loss.backward()
    grads = {k: p.grad for k, p in m.named_parameters()}
    if E and m.embedding.padding_idx is not None:
        assert bool((grads["embedding.weight"][m.embedding.padding_idx] == 0).all()), "padding row gets no gradient"
    out = dict(
        name=c["name"], config=config, dtype=c.get("dtype", "float32"),
        state_dict={k: to_json(v.detach()) for k, v in m.state_dict().items()},
        x=x.tolist(), targets=targets.tolist(),
        expected=dict(logits=to_json(logits.detach()), loss=loss.item(), grads={k: to_json(g) for k, g in grads.items()}),
    )
    if lengths:
        out["lengths"] = lengths
    return out


def main(out_dir):
    torch.set_num_threads(1)
    os.makedirs(out_dir, exist_ok=True)
    for f in os.listdir(out_dir):
        if f.endswith(".json"):
            os.remove(os.path.join(out_dir, f))
    for c in CASES:
        case = run(c)
        with open(os.path.join(out_dir, c["name"] + ".json"), "w") as f:
            json.dump(case, f, allow_nan=False)
            f.write("\n")
        print(f"{c['name']}: loss {case['expected']['loss']:.6f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "test/fixtures/embedding")
