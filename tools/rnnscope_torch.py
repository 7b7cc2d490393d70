"""The PyTorch module equivalent to an rnnscope model file, and its loader and saver.

An rnnscope .safetensors file holds the state_dict of `SequenceModel` below (attributes `rnn` and
`head`, and `embedding` first for a model of token input) and its config as JSON under
`__metadata__["rnnscope"]`. So, in PyTorch:

    model, meta = load("model.safetensors")      # load_state_dict(strict=True) inside
    logits = model(x)                            # x: [T, B, I] (or [B, T, I] if batch_first)
    logits = model(x, lengths=lengths)           # ragged: each item's length, as rnnscope's lengths

and `save(model, "model.safetensors", meta)` writes a file that rnnscope loads.
The README shows this file; tools/make_model_fixture.py uses it, so what the README says is tested.
"""

import json

import torch
from torch import nn

try:  # the real library where it is installed; our minimal one (same format) otherwise
    from safetensors.torch import load_file, save_file
except ImportError:
    from safetensors_min import load_file, save_file

CELLS = {"rnn_tanh": nn.RNN, "rnn_relu": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


class SequenceModel(nn.Module):
    """A recurrent stack and a Linear head on every step ("steps") or on the top layer's h_n ("last")."""

    def __init__(self, mode, inputSize, hiddenSize, numClasses, numLayers=1, bias=True,
                 batchFirst=False, dropout=0.0, bidirectional=False, projSize=0,
                 headBias=True, headOn="steps", vocabSize=None, embeddingDim=0, paddingIdx=None, **_):
        super().__init__()
        # token input: ids through nn.Embedding (registered first, so its weight leads the
        # state_dict as in rnnscope), or one-hot vectors of vocabSize features
        self.vocab_size = vocabSize
        if vocabSize and embeddingDim:
            self.embedding = nn.Embedding(vocabSize, embeddingDim, padding_idx=paddingIdx)
        kw = dict(num_layers=numLayers, bias=bias, batch_first=batchFirst, dropout=dropout,
                  bidirectional=bidirectional)
        if mode.startswith("rnn_"):
            kw["nonlinearity"] = mode[4:]
        if projSize:
            kw["proj_size"] = projSize
        self.rnn = CELLS[mode](inputSize, hiddenSize, **kw)
        directions = 2 if bidirectional else 1
        self.head = nn.Linear(directions * (projSize or hiddenSize), numClasses, bias=headBias)
        self.head_on = headOn

    def forward(self, x, hx=None, lengths=None):
        if self.vocab_size:
            x = x.long()
            if hasattr(self, "embedding"):
                x = self.embedding(x)
            else:
                x = nn.functional.one_hot(x, self.vocab_size).to(self.head.weight.dtype)
        if lengths is None:
            output, state = self.rnn(x, hx)
        else:  # a packed sequence: each item stops at its own length; its outputs beyond are 0
            first = self.rnn.batch_first
            packed = nn.utils.rnn.pack_padded_sequence(x, lengths.cpu(), batch_first=first, enforce_sorted=False)
            output, state = self.rnn(packed, hx)
            output, _ = nn.utils.rnn.pad_packed_sequence(output, batch_first=first, total_length=x.shape[1 if first else 0])
        if self.head_on == "steps":
            return self.head(output)
        h_n = state[0] if isinstance(state, tuple) else state
        top = h_n.view(self.rnn.num_layers, 2 if self.rnn.bidirectional else 1, *h_n.shape[1:])[-1]
        return self.head(torch.cat(list(top), dim=-1))  # forward then reverse, as rnnscope


def load(path):
    """(model, meta) from an rnnscope model file."""
    tensors = load_file(path)
    if isinstance(tensors, tuple):  # safetensors_min also returns the metadata
        tensors = tensors[0]
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        metadata = json.loads(f.read(n)).get("__metadata__", {})
    meta = json.loads(metadata["rnnscope"])
    model = SequenceModel(**meta["config"])
    # Format 2 keeps a checkpoint's optimizer state as tensors optimizer.<state>.<parameter>: not weights.
    weights = {k: v for k, v in tensors.items() if not k.startswith("optimizer.")}
    model.load_state_dict(weights, strict=True)
    # ... and the JSON names them: each comes back flat over the parameters in state_dict order, as
    # format 1 kept it in the JSON (so meta["checkpoint"]["optimizer"]["buffers"] reads the same).
    opt = (meta.get("checkpoint") or {}).get("optimizer") or {}
    if meta.get("version") == 2 and isinstance(opt.get("buffers"), list):
        names = [n for n, _ in model.named_parameters()]
        opt["buffers"] = {b: torch.cat([tensors[f"optimizer.{b}.{n}"].reshape(-1) for n in names]) for b in opt["buffers"]}
    return model, meta


def save(model, path, meta=None):
    """Writes `model` (a SequenceModel above) as an rnnscope model file."""
    rnn = model.rnn
    mode = {nn.LSTM: "lstm", nn.GRU: "gru"}.get(type(rnn)) or "rnn_" + rnn.nonlinearity
    config = dict(mode=mode, inputSize=rnn.input_size, hiddenSize=rnn.hidden_size,
                  numLayers=rnn.num_layers, bias=rnn.bias, batchFirst=rnn.batch_first,
                  dropout=rnn.dropout, bidirectional=rnn.bidirectional,
                  projSize=getattr(rnn, "proj_size", 0), numClasses=model.head.out_features,
                  headBias=model.head.bias is not None, headOn=model.head_on)
    if model.vocab_size:
        emb = getattr(model, "embedding", None)
        config.update(vocabSize=model.vocab_size, embeddingDim=emb.embedding_dim if emb else 0,
                      paddingIdx=emb.padding_idx if emb else None)
    payload = dict(version=1, config=config, **(meta or {}))
    state = {k: v.detach().float().contiguous() for k, v in model.state_dict().items()}
    save_file(state, path, metadata={"format": "pt", "rnnscope": json.dumps(payload)})
