"""What a row family hands to the report and the plots."""

import dataclasses


@dataclasses.dataclass
class Table:
    columns: list
    rows: list            # lists of cells (strings), one per row
    title: str = ""


@dataclasses.dataclass
class Series:
    """One line of a plot: throughput against latency over a concurrency sweep."""
    label: str
    points: list          # (concurrency, inferences per second, p50, p99), latencies in the panel's unit


@dataclasses.dataclass
class Panel:
    title: str
    unit: str             # "µs" or "ms"
    series: list


@dataclasses.dataclass
class Target:
    row: str
    target: str
    measured: str
    passed: bool          # None: what was measured cannot decide it (the family says why)


@dataclasses.dataclass
class FamilyResult:
    key: str
    title: str
    about: str            # what the rows are and how they were measured (Markdown)
    tables: list
    targets: list
    panels: list
    notes: list = dataclasses.field(default_factory=list)
    seconds: float = 0
    others_cpu: float = 0   # share of all cores other processes used meanwhile


def verdict(passed):
    if passed is None:
        return "no verdict"
    return "PASS" if passed else "MISS"


def rate(value):
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def latency(us, unit):
    """A latency given in µs, written in `unit`."""
    if unit == "ms":
        value = us / 1000
        return f"{value:.0f}" if value >= 100 else f"{value:.1f}"
    return f"{us:,.0f}" if us >= 10 else f"{us:.1f}"


def perf_cells(row, unit):
    """Throughput, p50, p99 and average of an inferd-perf row; unstable levels marked *."""
    mark = "" if row.get("stable", True) else "*"
    return [rate(row["inferences_per_second"]) + mark, latency(row["p50_latency_us"], unit),
            latency(row["p99_latency_us"], unit), latency(row["avg_latency_us"], unit)]


def perf_point(level, row, unit):
    scale = 1000 if unit == "ms" else 1
    return (level, row["inferences_per_second"], row["p50_latency_us"] / scale, row["p99_latency_us"] / scale)
