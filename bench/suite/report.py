"""The Markdown report of a run: header, targets summary, then one section per row family."""

from suite.result import verdict


def _table(columns, rows):
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def summary(results):
    """The targets of every family as one table (also pasted into bench/README.md)."""
    rows = [[r.key, t.row, t.target, t.measured, verdict(t.passed)] for r in results for t in r.targets]
    return _table(["family", "row", "target", "measured", "result"], rows)


def render(command, started, minutes, facts, settings, results, plot_names):
    lines = [f"# inferd benchmark suite ({started:%Y-%m-%d})", "",
             f"`{command}`, started {started:%Y-%m-%d %H:%M}, took {minutes:.1f} min"
             + (" (quick: short windows, numbers for a smoke test only)." if settings.quick else "."), ""]
    lines += [f"- {what}: {value}" for what, value in facts]
    longer = (f", longer where needed for each client to complete {settings.requests_per_client} requests in a "
              f"window at the throughput its path had at its first level (at most {settings.longest_window_ms} ms),"
              if settings.requests_per_client else "")
    lines += ["", "All load comes from build/inferd-perf in concurrency mode (one connection and one synchronous "
              "request at a time per concurrent client) except where a family says otherwise, over loopback, with "
              f"windows of {settings.interval_ms} ms ({settings.model_interval_ms} ms for ResNet-50){longer} until "
              f"three in a row agree within {settings.stability_percent}% (at most {settings.max_trials}); `*` marks a level that "
              "did not. Servers and load generator share the machine's cores. Every row is measured in the same run "
              "as its baseline.", "", "## Targets", ""]
    lines += summary(results)
    for result in results:
        lines += ["", f"## {result.title}", "", result.about, ""]
        for table in result.tables:
            if table.title:
                lines += [f"### {table.title}", ""]
            lines += _table(table.columns, table.rows) + [""]
        lines += [f"- {note}" for note in result.notes]
        if result.notes:
            lines.append("")
        lines += [f"![{result.title}]({plot_names[result.key]})", "",
                  f"Measured in {result.seconds / 60:.1f} min; other processes used {result.others_cpu:.0%} of all "
                  "cores meanwhile."]
    return "\n".join(lines) + "\n"
