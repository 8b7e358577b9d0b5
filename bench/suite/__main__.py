"""bench/run: generate the models, start the servers, measure every row family,
write bench/results/<date>.md with its PNG plots. See bench/README.md.

    bench/run [--quick] [--only tiny,python,ensemble,resnet,flask] [--results-dir DIR]
"""

import argparse
import contextlib
import datetime
import os
import shlex
import sys
import tempfile
import time

from common import ROOT
from suite import cpu_share, machine, models, plots, report
from suite.context import Run
from suite.families import ALL, BY_KEY
from suite.processes import raise_on_termination
from suite.settings import FULL, QUICK


def say(line):
    print(line, file=sys.stderr, flush=True)


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short windows and fewer levels (a smoke run)")
    parser.add_argument("--only", help="comma-separated row families: " + ", ".join(BY_KEY))
    parser.add_argument("--results-dir", default=os.path.join(ROOT, "bench", "results"))
    args = parser.parse_args(argv)
    keys = args.only.split(",") if args.only else list(BY_KEY)
    unknown = [k for k in keys if k not in BY_KEY]
    if unknown:
        parser.error(f"unknown row family {', '.join(unknown)}; choose from {', '.join(BY_KEY)}")
    args.families = [f for f in ALL if f.KEY in keys]
    return args


def report_stem(args, started):
    """<date>.md for the whole suite; partial and quick runs say so in their names."""
    stem = f"{started:%Y-%m-%d}"
    if len(args.families) < len(ALL):
        stem += "-" + "-".join(f.KEY for f in args.families)
    return stem + ("-quick" if args.quick else "")


def measure(args, settings, work_dir):
    names = [m for family in args.families for m in family.MODELS]
    repo = os.path.join(work_dir, "models")
    say(f"writing models: {', '.join(sorted(set(names)))}")
    models.make(repo, names)
    results = []
    with contextlib.ExitStack() as stack:
        run = Run(settings, work_dir, repo, names, stack, say)
        for family in args.families:
            say(f"{family.KEY}: {family.TITLE}")
            start, meter = time.monotonic(), cpu_share.Meter()
            result = family.run(run)
            result.seconds, result.others_cpu = time.monotonic() - start, meter.share()
            results.append(result)
    return results


def main(argv):
    args = parse_args(argv)
    settings = QUICK if args.quick else FULL
    raise_on_termination()
    started = datetime.datetime.now()
    facts = machine.facts()
    meter = cpu_share.Meter()
    try:
        with tempfile.TemporaryDirectory(prefix="inferd-bench-") as work_dir:
            results = measure(args, settings, work_dir)
    except KeyboardInterrupt:
        say("bench/run: interrupted; servers stopped, temporary files removed")
        return 130
    facts.append(("load average at end", machine.load_average()))
    facts.append(("other processes during the run", f"{meter.share():.0%} of all cores"))
    os.makedirs(args.results_dir, exist_ok=True)
    stem = report_stem(args, started)
    plot_names = {}
    for result in results:
        plot_names[result.key] = f"{stem}-{result.key}.png"
        plots.write(result, os.path.join(args.results_dir, plot_names[result.key]))
    command = "bench/run " + " ".join(shlex.quote(a) for a in argv)
    minutes = (datetime.datetime.now() - started).total_seconds() / 60
    text = report.render(command.strip(), started, minutes, facts, settings, results, plot_names)
    path = os.path.join(args.results_dir, stem + ".md")
    with open(path, "w") as f:
        f.write(text)
    print("\n".join(report.summary(results)))
    say(f"report: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
