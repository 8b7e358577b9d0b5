"""What one copy of a buffer costs on this machine: numpy's copyto (a memcpy for
contiguous arrays) timed in the bench process, the unit the python family reads
the added time of its 1 MiB rows in.

Two figures, since the server's copies fall somewhere between them: the same
source and destination over and over (both stay in the CPU's caches), and a
rotation over enough buffers that each copy reads and writes main memory.
"""

import time

import numpy as np

ROTATION_BYTES = 256 << 20   # well past the last-level cache of the CPUs we run on


def _mean_us(copy_once, repeats):
    """Mean µs of copy_once over `repeats` calls, best of five rounds (the least disturbed)."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for i in range(repeats):
            copy_once(i)
        best = min(best, (time.perf_counter() - start) / repeats * 1e6)
    return best


def memcpy_us(nbytes):
    """(µs in cache, µs from and to main memory) for one copy of nbytes."""
    src, dst = np.ones(nbytes, np.uint8), np.zeros(nbytes, np.uint8)
    in_cache = _mean_us(lambda _: np.copyto(dst, src), 200)
    count = max(2, ROTATION_BYTES // (2 * nbytes))
    sources = [np.ones(nbytes, np.uint8) for _ in range(count)]
    targets = [np.zeros(nbytes, np.uint8) for _ in range(count)]
    from_memory = _mean_us(lambda i: np.copyto(targets[i % count], sources[i % count]), count)
    return in_cache, from_memory
