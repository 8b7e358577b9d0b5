"""The BYTES tensor encoding: per element a u32 little-endian length, then the bytes.

Used for BYTES inputs arriving from the server, BYTES outputs going back, and the public
`serialize_byte_tensor` / `deserialize_bytes_tensor` helpers.
"""

import struct

import numpy as np

_LENGTH = struct.Struct("<I")


def _element_bytes(item):
    """One element as bytes: bytes-like as is, str as UTF-8, anything else via str()."""
    if isinstance(item, bytes):
        return item
    if isinstance(item, str):
        return item.encode("utf-8")
    if isinstance(item, (bytearray, memoryview)):
        return bytes(item)
    return str(item).encode("utf-8")


def encode(array):
    """Encodes every element of an object or bytes_ array, in C order, into one bytes."""
    pack = _LENGTH.pack
    parts = []
    append = parts.append
    for item in array.ravel(order="C").tolist():
        data = _element_bytes(item)
        append(pack(len(data)))
        append(data)
    return b"".join(parts)


def decode(buffer, offset=0, size=None, count=None):
    """Decodes encoded elements from `buffer[offset:offset+size]` into a list of bytes.

    `count`, when given, is the number of elements the tensor's shape promises; a buffer
    holding a different number raises ValueError, as does a truncated element.
    """
    view = memoryview(buffer)
    try:
        end = len(view) if size is None else offset + size
        if end > len(view):
            raise ValueError("BYTES tensor data runs past the end of its buffer")
        unpack = _LENGTH.unpack_from
        items = []
        append = items.append
        while offset < end:
            if offset + 4 > end:
                raise ValueError("BYTES tensor data ends inside an element length")
            (length,) = unpack(view, offset)
            offset += 4
            if offset + length > end:
                raise ValueError("BYTES tensor element runs past the end of the data")
            append(bytes(view[offset:offset + length]))
            offset += length
        if count is not None and len(items) != count:
            raise ValueError(
                f"BYTES tensor holds {len(items)} elements but its shape needs {count}")
        return items
    finally:
        view.release()


def object_array(items, shape=None):
    """A numpy object array holding `items` (Python bytes), reshaped to `shape`."""
    array = np.empty(len(items), dtype=np.object_)
    array[:] = items
    return array if shape is None else array.reshape(shape)
