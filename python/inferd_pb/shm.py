"""POSIX shared memory segments, used through their files under /dev/shm.

Inputs: the server creates the segment and the stub maps it read-write, so the numpy
arrays given to the model are writable views (a model may scale its input in place).
A mapping is never closed explicitly: arrays may still view it, and it is unmapped when
the last of them is gone.

Outputs: the stub creates one segment per large tensor, named `<prefix>_<counter>`,
sized exactly, and fills it with one pwrite. pwrite copies once into the segment's pages
and is about twice as fast as filling a fresh mapping, which faults every page.
"""

import itertools
import mmap
import os

SHM_DIR = "/dev/shm"


def path_of(name):
    """File path of a POSIX shared memory name ("/name" or "name")."""
    return os.path.join(SHM_DIR, name.lstrip("/"))


def map_segment(name, size=None):
    """Maps an existing segment read-write; `size` defaults to the segment's size."""
    fd = os.open(path_of(name), os.O_RDWR)
    try:
        if not size:
            size = os.fstat(fd).st_size
        return mmap.mmap(fd, size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
    finally:
        os.close(fd)


def unlink(name):
    """Removes a segment; a missing one is not an error."""
    try:
        os.unlink(path_of(name))
    except FileNotFoundError:
        pass


class InputSegment:
    """The instance's current input segment (named in `init`, replaced by `execute`)."""

    def __init__(self):
        self.name = None
        self.size = 0
        self.mapping = None

    def use(self, name, size):
        """Switches to segment `name`; remaps only when it changed."""
        if not name:
            return
        if name != self.name or (size and size != self.size):
            self.mapping = map_segment(name, size)
            self.name = name
            self.size = len(self.mapping)

    def view(self, name):
        """A buffer for segment `name`: the current mapping, or a fresh one for another name."""
        if name == self.name and self.mapping is not None:
            return self.mapping
        return map_segment(name)


class OutputSegments:
    """Creates the segments for outgoing tensors larger than the inline limit."""

    def __init__(self, prefix):
        self._prefix = "/" + prefix.lstrip("/")
        self._counter = itertools.count()

    @property
    def prefix(self):
        return self._prefix

    def create(self, data):
        """Creates a new segment holding exactly `data` (a bytes-like); returns its name."""
        name = f"{self._prefix}_{next(self._counter)}"
        path = path_of(name)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            view = memoryview(data).cast("B")
            os.ftruncate(fd, len(view))
            written = 0
            while written < len(view):
                written += os.pwrite(fd, view[written:], written)
        except BaseException:
            os.unlink(path)
            raise
        finally:
            os.close(fd)
        return name
