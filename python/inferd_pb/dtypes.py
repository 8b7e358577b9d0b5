"""Datatype tables: config enum numbers, KServe names, config strings and numpy dtypes.

One place for every datatype translation on the Python side (config.md section 7).
BYTES (enum 13) is numpy `object_`; BF16 (enum 14) has no numpy type, so its data is
carried as raw `uint16` words.
"""

import numpy as np

TYPE_INVALID = 0
TYPE_BOOL = 1
TYPE_UINT8 = 2
TYPE_UINT16 = 3
TYPE_UINT32 = 4
TYPE_UINT64 = 5
TYPE_INT8 = 6
TYPE_INT16 = 7
TYPE_INT32 = 8
TYPE_INT64 = 9
TYPE_FP16 = 10
TYPE_FP32 = 11
TYPE_FP64 = 12
TYPE_STRING = 13
TYPE_BF16 = 14

# Enum number -> numpy type, for the fixed-size types numpy can represent.
_ENUM_TO_NUMPY = {
    TYPE_BOOL: np.bool_,
    TYPE_UINT8: np.uint8,
    TYPE_UINT16: np.uint16,
    TYPE_UINT32: np.uint32,
    TYPE_UINT64: np.uint64,
    TYPE_INT8: np.int8,
    TYPE_INT16: np.int16,
    TYPE_INT32: np.int32,
    TYPE_INT64: np.int64,
    TYPE_FP16: np.float16,
    TYPE_FP32: np.float32,
    TYPE_FP64: np.float64,
    TYPE_STRING: np.object_,
}

# Enum number <-> KServe datatype name (the protocol's `datatype` field).
ENUM_TO_KSERVE = {
    TYPE_BOOL: "BOOL",
    TYPE_UINT8: "UINT8",
    TYPE_UINT16: "UINT16",
    TYPE_UINT32: "UINT32",
    TYPE_UINT64: "UINT64",
    TYPE_INT8: "INT8",
    TYPE_INT16: "INT16",
    TYPE_INT32: "INT32",
    TYPE_INT64: "INT64",
    TYPE_FP16: "FP16",
    TYPE_FP32: "FP32",
    TYPE_FP64: "FP64",
    TYPE_STRING: "BYTES",
    TYPE_BF16: "BF16",
}
KSERVE_TO_ENUM = {name: enum for enum, name in ENUM_TO_KSERVE.items()}

# KServe name -> numpy dtype used to view the raw little-endian data (BF16 as raw words).
KSERVE_TO_WIRE_DTYPE = {
    name: np.dtype(_ENUM_TO_NUMPY[enum]).newbyteorder("<")
    for enum, name in ENUM_TO_KSERVE.items()
    if enum not in (TYPE_STRING, TYPE_BF16)
}
KSERVE_TO_WIRE_DTYPE["BF16"] = np.dtype("<u2")

# numpy dtype (native or explicit byte order) -> enum, keyed by (kind, itemsize).
_KIND_SIZE_TO_ENUM = {
    ("b", 1): TYPE_BOOL,
    ("u", 1): TYPE_UINT8,
    ("u", 2): TYPE_UINT16,
    ("u", 4): TYPE_UINT32,
    ("u", 8): TYPE_UINT64,
    ("i", 1): TYPE_INT8,
    ("i", 2): TYPE_INT16,
    ("i", 4): TYPE_INT32,
    ("i", 8): TYPE_INT64,
    ("f", 2): TYPE_FP16,
    ("f", 4): TYPE_FP32,
    ("f", 8): TYPE_FP64,
}

# Config strings (`data_type` in config.pbtxt) -> numpy type. No BF16 entry, as in Triton.
TRITON_STRING_TO_NUMPY = {
    "TYPE_BOOL": np.bool_,
    "TYPE_UINT8": np.uint8,
    "TYPE_UINT16": np.uint16,
    "TYPE_UINT32": np.uint32,
    "TYPE_UINT64": np.uint64,
    "TYPE_INT8": np.int8,
    "TYPE_INT16": np.int16,
    "TYPE_INT32": np.int32,
    "TYPE_INT64": np.int64,
    "TYPE_FP16": np.float16,
    "TYPE_FP32": np.float32,
    "TYPE_FP64": np.float64,
    "TYPE_STRING": np.object_,
}


def enum_for_numpy(dtype):
    """Enum number for a numpy dtype or type, or None when it has no Triton equivalent.

    `object_` and `bytes_` (kind 'S', any length) both map to BYTES (13).
    """
    try:
        dt = np.dtype(dtype)
    except TypeError:
        return None
    if dt.kind in ("O", "S"):
        return TYPE_STRING
    return _KIND_SIZE_TO_ENUM.get((dt.kind, dt.itemsize))


def numpy_for_enum(enum):
    """numpy type for an enum number, or None (BF16, INVALID and unknown numbers)."""
    return _ENUM_TO_NUMPY.get(enum)
