"""Throughput against p50 and p99 latency, one PNG per row family."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def _draw(axes, panel):
    for index, series in enumerate(panel.series):
        color = f"C{index}"
        levels, rates, p50, p99 = zip(*series.points)
        label = series.label.replace("`", "")
        axes.plot(rates, p50, "o-", color=color, label=f"{label} p50")
        axes.plot(rates, p99, "x--", color=color, alpha=0.7, label=f"{label} p99")
        for level, x, y in zip(levels, rates, p50):
            axes.annotate(f"c{level}", (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7, color=color)
    latencies = [v for s in panel.series for p in s.points for v in p[2:]]
    if latencies and min(latencies) > 0 and max(latencies) / min(latencies) > 20:
        axes.set_yscale("log")
    axes.set_title(panel.title)
    axes.set_xlabel("inferences/s")
    axes.set_ylabel(f"latency ({panel.unit})")
    axes.grid(True, alpha=0.3)
    axes.legend(fontsize=7)


def write(result, path):
    """Draws the family's panels side by side into a PNG at path."""
    figure, axes = plt.subplots(1, len(result.panels), figsize=(6.5 * len(result.panels), 4.8), squeeze=False)
    for panel, ax in zip(result.panels, axes[0]):
        _draw(ax, panel)
    figure.suptitle(result.title, fontsize=10)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
