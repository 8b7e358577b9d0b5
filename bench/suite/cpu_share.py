"""How much of the machine's CPU went to processes other than this run's.

Figures from a shared machine are only as good as its quiet: the report gives,
for each row family, the share of all cores that other processes used while it
was measured (busy time of the whole machine minus that of this process, its
servers, their children and the children it has reaped).
"""

import os
import time

_TICKS = os.sysconf("SC_CLK_TCK")


def _machine_busy():
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / _TICKS


def _tree_busy(root):
    """CPU seconds of root and its live descendants, with the children each has reaped."""
    parents, times = {}, {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(name)
        parents[pid] = int(fields[1])
        times[pid] = sum(int(v) for v in fields[11:15]) / _TICKS  # utime stime cutime cstime
    total = 0.0
    for pid, seconds in times.items():
        ancestor = pid
        while ancestor not in (root, 0, 1) and ancestor in parents:
            ancestor = parents[ancestor]
        if ancestor == root:
            total += seconds
    return total


class Meter:
    """Started at construction; share() is the other processes' part of all cores since."""

    def __init__(self):
        self._start = (time.monotonic(), _machine_busy(), _tree_busy(os.getpid()))

    def share(self):
        wall, machine, ours = self._start
        elapsed = (time.monotonic() - wall) * os.cpu_count()
        others = (_machine_busy() - machine) - (_tree_busy(os.getpid()) - ours)
        return max(0.0, others / elapsed) if elapsed > 0 else 0.0
