"""A minimal safetensors reader and writer for torch tensors, in pure Python.

Debian ships python3-torch but not the `safetensors` package, and torch alone cannot read the
format. This follows the reference library (huggingface/safetensors, safetensors/src/tensor.rs):

    8 bytes   N, the header length, little-endian u64
    N bytes   UTF-8 JSON {"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets"}},
              padded with spaces to a multiple of 8 so the data section is 8-byte aligned
    the rest  tensor data, little-endian, row-major; data_offsets are relative to its start

The writer orders tensors as the library does (larger dtypes first, then by name). The reader
applies its checks: sorted by offset, the tensors must tile the data section exactly.
"""

import json
import struct
import sys

import torch

# Name, torch dtype, bytes per element; ordered as the library's Dtype enum (by alignment).
DTYPES = [
    ("BOOL", torch.bool, 1), ("U8", torch.uint8, 1), ("I8", torch.int8, 1),
    ("I16", torch.int16, 2), ("F16", torch.float16, 2), ("BF16", torch.bfloat16, 2),
    ("I32", torch.int32, 4), ("F32", torch.float32, 4), ("F64", torch.float64, 8),
    ("I64", torch.int64, 8),
]
_BY_TORCH = {t: (name, size, rank) for rank, (name, t, size) in enumerate(DTYPES)}
_BY_NAME = {name: (t, size) for name, t, size in DTYPES}

assert sys.byteorder == "little", "tensor bytes are written as the host stores them"


def _raw_bytes(t):
    """The tensor's bytes, row-major; reinterpreted as bytes so bfloat16 needs no numpy support."""
    return t.detach().cpu().contiguous().reshape(-1).view(torch.uint8).numpy().tobytes()


def save_bytes(tensors, metadata=None):
    """Serializes a dict name -> torch.Tensor (and optional dict str -> str) to safetensors bytes."""
    order = sorted(tensors, key=lambda k: (-_BY_TORCH[tensors[k].dtype][2], k))
    header, blobs, offset = {}, [], 0
    if metadata is not None:
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items())
        header["__metadata__"] = metadata
    for name in order:
        t = tensors[name]
        blob = _raw_bytes(t)
        header[name] = {"dtype": _BY_TORCH[t.dtype][0], "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")  # as serde_json
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def save_file(tensors, path, metadata=None):
    """Like safetensors.torch.save_file."""
    with open(path, "wb") as f:
        f.write(save_bytes(tensors, metadata))


def load_bytes(data):
    """Parses safetensors bytes into (dict name -> torch.Tensor, metadata dict); raises ValueError."""
    if len(data) < 8:
        raise ValueError("HeaderTooSmall")
    (n,) = struct.unpack("<Q", data[:8])
    if n > 100_000_000:
        raise ValueError("HeaderTooLarge")
    if 8 + n > len(data):
        raise ValueError("InvalidHeaderLength")
    header = json.loads(data[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", None) or {}
    if not all(isinstance(v, str) for v in metadata.values()):
        raise ValueError("metadata values must be strings")
    entries = sorted(header.items(), key=lambda kv: tuple(kv[1]["data_offsets"]))
    body = memoryview(data)[8 + n:]
    tensors, start = {}, 0
    for name, info in entries:
        begin, end = info["data_offsets"]
        if begin != start or end < begin:
            raise ValueError(f"InvalidOffset({name})")
        dtype, size = _BY_NAME[info["dtype"]]
        count = 1
        for d in info["shape"]:
            count *= d
        if end - begin != count * size:
            raise ValueError(f"TensorInvalidInfo({name})")
        raw = bytearray(body[begin:end])  # a copy: frombuffer needs a writable, owned buffer
        flat = torch.frombuffer(raw, dtype=torch.uint8) if raw else torch.empty(0, dtype=torch.uint8)
        tensors[name] = flat.view(dtype).reshape(info["shape"]).clone()
        start = end
    if start != len(body):
        raise ValueError("MetadataIncompleteBuffer")
    return tensors, metadata


def load_file(path):
    """Like safetensors.torch.load_file, but also returns the metadata."""
    with open(path, "rb") as f:
        return load_bytes(f.read())
