"""One run of the suite: its settings, model repository, servers and measurements.

Servers start on first use and stay up until the run ends (the ExitStack the
run was given stops them, whatever way it ends). One inferd serves every model
of the run.
"""

from suite import flask_server, inferd_server, nginx_server
from suite.measure import Perf, in_process

# The model nginx mimics: its answers are copies of inferd's for this model.
NGINX_MODEL = ("identity_onnx", "INPUT0", 16)


class Run:
    def __init__(self, settings, work_dir, repo, models, stack, say):
        self.settings = settings
        self.work_dir = work_dir
        self.repo = repo
        self.models = sorted(models)
        self.say = say
        self.perf = Perf(settings, work_dir, say)
        self._stack = stack
        self._servers = {}
        self._pids = {}

    def _server(self, name, start):
        if name not in self._servers:
            self.say(f"starting {name}")
            service, endpoint = start()
            self._stack.callback(service.stop)
            self._servers[name] = endpoint
            self._pids[name] = service.proc.pid
        return self._servers[name]

    def inferd(self):
        return self._server("inferd", lambda: inferd_server.start(self.repo, self.models, self.work_dir))

    def inferd_pid(self):
        """The process id of the run's inferd (started if need be)."""
        self.inferd()
        return self._pids["inferd"]

    def nginx(self):
        inferd = self.inferd()
        return self._server("nginx", lambda: nginx_server.start(inferd.http, *NGINX_MODEL, self.work_dir))

    def flask(self):
        return self._server("flask", lambda: flask_server.start(self.work_dir))

    def sweep(self, paths, levels, interval_ms=None):
        """{label: {level: inferd-perf row}} for paths {label: (endpoint, model, protocol)}, or
        (endpoint, model, protocol, busy_poll_us) for a load generator polling for its answers.
        Every path is measured at a level before the next level, so rows compared
        at one level are measured minutes apart at most. After its first level, a path's
        windows grow with the concurrency as settings.window_ms says, from the
        throughput measured at that first level."""
        interval_ms = interval_ms or self.settings.interval_ms
        rows = {label: {} for label in paths}
        for level in levels:
            for label, (endpoint, model, protocol, *polling) in paths.items():
                first = next(iter(rows[label].values()), None)
                rate = first["inferences_per_second"] if first else 0
                window = self.settings.window_ms(interval_ms, level, rate)
                rows[label][level] = self.perf(endpoint, model, protocol, level, window, *polling)
        return rows

    def rounds(self, paths, level, count):
        """Like sweep at one level, `count` times over (the paths in turn each round):
        ({label: {level: the round's row with the median average latency}},
         {label: [average latency of each round, µs]})."""
        measured = {label: [] for label in paths}
        for _ in range(count):
            for label, by_level in self.sweep(paths, [level]).items():
                measured[label].append(by_level[level])
        medians = {label: {level: sorted(rows, key=lambda row: row["avg_latency_us"])[len(rows) // 2]}
                   for label, rows in measured.items()}
        return medians, {label: [row["avg_latency_us"] for row in rows] for label, rows in measured.items()}

    def raw(self, model, batches, repo=None):
        """{batch: inferd_in_process row} for the model (of the run's repository unless
        `repo` names another one)."""
        self.say(f"  in process: {model}, batches {', '.join(map(str, batches))}")
        return in_process(repo or self.repo, model, batches, self.settings.raw_seconds, self.work_dir)
