"""Read a legacy (pre-1.6, non-zip) ``torch.save`` file of float tensors into numpy, without torch.

Enough for resemblyzer's ``pretrained.pt`` (a dict of float32 tensors): the file is
a few pickles — magic number, protocol, system info, the object with storages as
persistent ids, the storage keys — followed by each storage's raw bytes, each
prefixed by its element count (int64, little-endian).
"""

from __future__ import annotations

import collections
import pickle
from pathlib import Path
from typing import Any

import numpy as np

MAGIC = 0x1950A86A20F9469CFC6C
_DTYPES = {"FloatStorage": np.float32, "DoubleStorage": np.float64, "LongStorage": np.int64,
           "IntStorage": np.int32, "HalfStorage": np.float16, "ByteStorage": np.uint8}


class _Storage:
    def __init__(self, dtype: np.dtype, key: str) -> None:
        self.dtype, self.key, self.data = np.dtype(dtype), key, None


class _Tensor:
    def __init__(self, storage: _Storage, offset: int, size: tuple, stride: tuple) -> None:
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)

    def numpy(self) -> np.ndarray:
        base = self.storage.data[self.offset:]
        item = base.itemsize
        return np.lib.stride_tricks.as_strided(base, self.size, tuple(s * item for s in self.stride)).copy()


def _rebuild_tensor_v2(storage, offset, size, stride, *args):
    return _Tensor(storage, offset, size, stride)


class _Anything:
    def __init__(self, *a, **k) -> None:
        pass

    def __setstate__(self, state) -> None:
        pass


class _Unpickler(pickle.Unpickler):
    def __init__(self, fh, storages: dict) -> None:
        super().__init__(fh)
        self.storages = storages

    def find_class(self, module: str, name: str) -> Any:
        if module == "torch._utils" and name in ("_rebuild_tensor_v2", "_rebuild_tensor"):
            return _rebuild_tensor_v2
        if module == "torch" and name in _DTYPES:
            return name
        if module == "collections" and name == "OrderedDict":
            return collections.OrderedDict
        return _Anything

    def persistent_load(self, pid):
        typename, data = pid[0], pid[1:]
        if typename != "storage":
            raise pickle.UnpicklingError(f"unsupported persistent id {typename!r}")
        storage_type, key = data[0], data[1]
        if key not in self.storages:
            self.storages[key] = _Storage(_DTYPES[storage_type], key)
        return self.storages[key]


def load_state(path: str | Path, entry: str = "model_state") -> dict[str, np.ndarray]:
    """The tensors of ``checkpoint[entry]`` as numpy arrays."""
    with open(path, "rb") as fh:
        if pickle.load(fh) != MAGIC:
            raise ValueError(f"{path}: not a legacy torch.save file")
        pickle.load(fh)  # protocol version
        pickle.load(fh)  # system info
        storages: dict[str, _Storage] = {}
        obj = _Unpickler(fh, storages).load()
        keys = pickle.load(fh)
        for key in keys:
            n = int(np.frombuffer(fh.read(8), "<i8")[0])
            st = storages[key]
            st.data = np.frombuffer(fh.read(n * st.dtype.itemsize), st.dtype)
    state = obj[entry] if entry else obj
    return {k: v.numpy() for k, v in state.items() if isinstance(v, _Tensor)}
