"""pb_utils.Tensor: a named tensor backed by a numpy array (always in CPU memory).

A Tensor built by the model keeps a reference to the model's array (copied only when it
is not C-contiguous or not little-endian); a Tensor handed to the model views the
shared memory or message data it arrived in. BF16 has no numpy type: such tensors hold
raw uint16 words and are reachable only through DLPack (which then needs torch).
"""

import sys

import numpy as np

from . import dtypes
from .errors import TritonModelException

_DLPACK_CPU = (1, 0)  # (kDLCPU, device id)


class _CapsuleHolder:
    """Gives a bare DLPack capsule the `__dlpack__` protocol numpy.from_dlpack expects."""

    def __init__(self, capsule):
        self._capsule = capsule

    def __dlpack__(self, stream=None):
        return self._capsule

    def __dlpack_device__(self):
        return _DLPACK_CPU


def _torch():
    """The torch module if the model already imported it, else None (never imports it)."""
    return sys.modules.get("torch")


class Tensor:
    """A named tensor: `Tensor(name, numpy_array)`."""

    __slots__ = ("_name", "_array", "_dtype")

    def __init__(self, name, array):
        if not isinstance(name, str) or not name:
            raise TritonModelException("Tensor name must be a non-empty string")
        if not isinstance(array, np.ndarray):
            array = np.asarray(array)
        enum = dtypes.enum_for_numpy(array.dtype)
        if enum is None:
            raise TritonModelException("NumPy dtype is not supported.")
        if enum != dtypes.TYPE_STRING and not array.dtype.isnative:
            array = array.astype(array.dtype.newbyteorder("="))
        if not array.flags.c_contiguous:
            array = np.ascontiguousarray(array)
        self._name = name
        self._array = array
        self._dtype = enum

    @classmethod
    def _wrap(cls, name, array, enum):
        """Builds a Tensor around an already valid array without any checks (hot path)."""
        tensor = cls.__new__(cls)
        tensor._name = name
        tensor._array = array
        tensor._dtype = enum
        return tensor

    def name(self):
        return self._name

    def shape(self):
        return list(self._array.shape)

    def triton_dtype(self):
        return self._dtype

    def is_cpu(self):
        return True

    def as_numpy(self):
        """The data as numpy (a view, not a copy). BYTES -> object array of bytes."""
        if self._dtype == dtypes.TYPE_BF16:
            raise TritonModelException(
                f"tensor '{self._name}' is BF16, which numpy cannot represent; "
                "use to_dlpack() instead")
        array = self._array
        if array.dtype.kind == "S":
            converted = np.empty(array.shape, dtype=np.object_)
            converted[...] = array
            return converted
        return array

    # --- DLPack -----------------------------------------------------------------------

    def to_dlpack(self):
        """A DLPack capsule viewing this tensor's memory (no copy)."""
        if self._dtype == dtypes.TYPE_STRING:
            raise TritonModelException(
                f"tensor '{self._name}' is BYTES, which DLPack cannot represent")
        torch = _torch()
        if self._dtype == dtypes.TYPE_BF16:
            if torch is None:
                raise TritonModelException(
                    f"tensor '{self._name}' is BF16: exporting it via DLPack needs torch "
                    "to be imported by the model")
            words = torch.from_numpy(self._array.view(np.int16))
            return torch.utils.dlpack.to_dlpack(words.view(torch.bfloat16))
        try:
            return self._array.__dlpack__()
        except (BufferError, TypeError, RuntimeError) as error:
            if torch is None:
                raise TritonModelException(
                    f"tensor '{self._name}' cannot be exported via DLPack: {error}") from None
            return torch.utils.dlpack.to_dlpack(torch.from_numpy(self._array))

    def __dlpack__(self, stream=None):
        return self.to_dlpack()

    def __dlpack_device__(self):
        return _DLPACK_CPU

    @staticmethod
    def from_dlpack(name, obj):
        """A Tensor viewing a DLPack capsule or an object with `__dlpack__` (C-contiguous)."""
        torch = _torch()
        if torch is not None and (isinstance(obj, torch.Tensor) or _is_capsule(obj)):
            return _from_torch(name, torch.utils.dlpack.from_dlpack(obj), torch)
        if _is_capsule(obj):
            obj = _CapsuleHolder(obj)
        try:
            array = np.from_dlpack(obj)
        except (BufferError, TypeError, RuntimeError, AttributeError) as error:
            raise TritonModelException(f"from_dlpack failed for '{name}': {error}") from None
        if not array.flags.c_contiguous:
            raise TritonModelException(
                f"from_dlpack: tensor '{name}' must be C-contiguous")
        return Tensor(name, array)

    def __repr__(self):
        kind = dtypes.ENUM_TO_KSERVE.get(self._dtype, "?")
        return f"Tensor(name={self._name!r}, datatype={kind}, shape={self.shape()})"


def _is_capsule(obj):
    return type(obj).__name__ == "PyCapsule"


def _from_torch(name, value, torch):
    """Tensor from a CPU torch tensor, keeping BF16 as raw words."""
    if value.device.type != "cpu":
        raise TritonModelException(f"from_dlpack: tensor '{name}' is not in CPU memory")
    if not value.is_contiguous():
        raise TritonModelException(f"from_dlpack: tensor '{name}' must be C-contiguous")
    if value.dtype == torch.bfloat16:
        words = value.view(torch.int16).numpy().view(np.uint16)
        return Tensor._wrap(name, words, dtypes.TYPE_BF16)
    return Tensor(name, value.numpy())
