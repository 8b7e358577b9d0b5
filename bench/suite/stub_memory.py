"""Resident memory of one Python model's stubs, read from /proc.

inferd starts one stub per instance as a child process, with the command line
`<build>/inferd_python_stub --socket-fd=N --python-dir=DIR --shm-prefix=inferd_<server pid>_py<n>`
(its /proc/<pid>/comm is that name cut to 15 characters). Nothing there names the
model, so the model measured leaves each stub's pid in a folder of its own
(models.py); a pid counts only while it is a live child of the server running
the stub binary.
"""

import dataclasses
import os

STUB_BINARY = "inferd_python_stub"


@dataclasses.dataclass
class StubMemory:
    pid: int
    rss_kib: int
    pss_kib: int = None       # None when /proc/<pid>/smaps_rollup cannot be read
    private_kib: int = None   # pages no other process maps (Private_Clean + Private_Dirty)


def _fields_kib(path):
    """{name: kB} of the `Name:  N kB` lines of a /proc file."""
    fields = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                fields[parts[0].rstrip(":")] = int(parts[1])
    return fields


def _is_stub_of(pid, server_pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            parent = int(f.read().rsplit(")", 1)[1].split()[1])
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            program = f.read().split(b"\0")[0].decode(errors="replace")
    except OSError:
        return False
    return parent == server_pid and os.path.basename(program) == STUB_BINARY


def usage(pid):
    """StubMemory of a live process."""
    memory = StubMemory(pid, _fields_kib(f"/proc/{pid}/status")["VmRSS"])
    try:
        rollup = _fields_kib(f"/proc/{pid}/smaps_rollup")
    except OSError:
        return memory
    memory.pss_kib = rollup.get("Pss")
    memory.private_kib = rollup.get("Private_Clean", 0) + rollup.get("Private_Dirty", 0)
    return memory


def of_model(pid_folder, server_pid, expected):
    """StubMemory of each stub that left its pid in pid_folder; raises unless there are `expected`."""
    pids = sorted(int(name) for name in os.listdir(pid_folder) if name.isdigit())
    stubs = [usage(pid) for pid in pids if _is_stub_of(pid, server_pid)]
    if len(stubs) != expected:
        raise RuntimeError(f"expected {expected} live stubs of server {server_pid} in {pid_folder}, "
                           f"found {len(stubs)} (pids left there: {pids})")
    return stubs
