"""pb_utils.MetricFamily / Metric: custom metrics, exported on the server's /metrics.

Inside a model instance's stub the values live in the server (`metric` messages,
PROTOCOL.md). The server owns them because instances of a model run in separate
processes and, as in Triton, series with the same family and labels are one value.
Costs on the model's side:
  * MetricFamily(...) and the first Metric(...) per family and labels wait for the
    server's answer, because they can fail (name taken by another kind, bad names);
  * increment/set/observe send one message and do not wait: the stub knows the kind,
    so every error is raised here before sending, and the socket keeps the order, so
    a later value() or a scrape after the response sees the update;
  * value() asks the server (the value may include other instances' updates).

Outside an instance's stub (the short-lived auto_complete_config stub, or pb_utils
imported by a script or a test) there is no server to hold them: the values are kept
in this process by the same rules and are not exported.

The series a stub created stay on /metrics until the instance is finalized (its model
unloaded, the server stopping) or its stub is replaced; deleting the Python objects
earlier does not remove them.
"""

import math
import numbers
import threading

from . import runtime
from .errors import TritonModelException

_KIND_NAMES = {0: "COUNTER", 1: "GAUGE", 2: "HISTOGRAM"}


def _number(value, what):
    """`value` as a float; TritonModelException when it is not a number."""
    if not isinstance(value, numbers.Real):
        raise TritonModelException(f"{what} expects a number, got {type(value).__name__}")
    return float(value)


def _to_wire(value):
    """JSON has no NaN or infinities: the protocol spells them as strings."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return value


def _from_wire(value):
    if isinstance(value, str):
        return {"NaN": math.nan, "+Inf": math.inf, "-Inf": -math.inf}.get(value, math.nan)
    return float(value)


class _ServerStore:
    """Metrics held by the server, for one stub."""

    def __init__(self, rt):
        self._rt = rt
        self._lock = threading.Lock()
        self._metric_ids = {}  # (family name, sorted labels) -> id the server knows

    def _call(self, header, what):
        rt = self._rt
        request_id = rt.next_id()
        header["type"] = "metric"
        header["request_id"] = request_id
        channel = rt.channel
        channel.expect("metric_result", request_id)
        try:
            channel.send(header)
            result, _ = channel.next_reply("metric_result", request_id)
        except OSError as error:
            raise TritonModelException(f"{what}: {error}") from None
        finally:
            channel.forget("metric_result", request_id)
        if not result.get("ok"):
            raise TritonModelException(f"{what}: {result.get('message', '')}")
        return result

    def add_family(self, name, description, kind):
        self._call({"op": "family", "name": name, "description": description,
                    "kind": _KIND_NAMES[kind]}, "Error when creating MetricFamily")

    def add_metric(self, family, labels, buckets):
        key = (family, tuple(sorted(labels.items())))
        with self._lock:
            metric_id = self._metric_ids.get(key)
        if metric_id is not None:
            return metric_id
        metric_id = self._rt.next_id()
        header = {"op": "create", "metric_id": metric_id, "family": family, "labels": labels}
        if buckets is not None:
            header["buckets"] = [_to_wire(b) for b in buckets]
        self._call(header, "Error when creating Metric")
        with self._lock:
            return self._metric_ids.setdefault(key, metric_id)

    def update(self, op, metric_id, value):
        try:
            self._rt.channel.send({"type": "metric", "op": op, "metric_id": metric_id,
                                   "value": _to_wire(value)})
        except OSError:
            pass  # the server is gone; the stub is about to end

    def value(self, metric_id):
        result = self._call({"op": "value", "metric_id": metric_id},
                            "Failed to get metric value")
        return _from_wire(result.get("value", 0))


class _LocalSeries:
    def __init__(self, buckets):
        self.value = 0.0
        self.buckets = buckets
        self.counts = [0] * len(buckets) if buckets else []
        self.count = 0


class _LocalStore:
    """Metrics kept in this process, by the server's rules, when there is no server."""

    def __init__(self):
        self._lock = threading.Lock()
        self._families = {}  # name -> kind
        self._series = []
        self._ids = {}  # (family, sorted labels) -> index in _series

    def add_family(self, name, description, kind):
        with self._lock:
            existing = self._families.setdefault(name, kind)
        if existing != kind:
            raise TritonModelException(
                f"Error when creating MetricFamily: metric family '{name}' already exists as a "
                f"{_KIND_NAMES[existing].lower()}, not a {_KIND_NAMES[kind].lower()}")

    def add_metric(self, family, labels, buckets):
        key = (family, tuple(sorted(labels.items())))
        with self._lock:
            if key not in self._ids:
                self._ids[key] = len(self._series)
                self._series.append(_LocalSeries(buckets))
            return self._ids[key]

    def update(self, op, metric_id, value):
        with self._lock:
            series = self._series[metric_id]
            if op == "increment":
                series.value += value
            elif op == "set":
                series.value = value
            else:
                series.value += value
                series.count += 1
                for i, bound in enumerate(series.buckets):
                    if value <= bound:
                        series.counts[i] += 1
                        break

    def value(self, metric_id):
        with self._lock:
            return self._series[metric_id].value


_local_store = _LocalStore()


def _store():
    rt = runtime.maybe_current()
    if rt is not None and rt.metrics_store is not None:
        return rt.metrics_store
    return _local_store


def server_store(rt):
    """The store a model instance's stub uses (installed on its Runtime at init)."""
    return _ServerStore(rt)


class Metric:
    """One labelled series of a MetricFamily; made by MetricFamily.Metric()."""

    __slots__ = ("_kind", "_store", "_id")

    def __init__(self, kind, store, metric_id):
        self._kind = kind
        self._store = store
        self._id = metric_id

    def increment(self, value):
        """Counters (value >= 0) and gauges: adds `value`."""
        value = _number(value, "increment()")
        if self._kind == MetricFamily.HISTOGRAM:
            raise TritonModelException(
                "Failed to increment metric value: a histogram does not support increment(); "
                "use observe()")
        if self._kind == MetricFamily.COUNTER and value < 0:
            raise TritonModelException(
                "Failed to increment metric value: a counter can only be incremented by "
                f"non-negative values, got {value}")
        self._store.update("increment", self._id, value)

    def set(self, value):
        """Gauges: sets the value."""
        value = _number(value, "set()")
        if self._kind != MetricFamily.GAUGE:
            raise TritonModelException(
                f"Failed to set metric value: a {_KIND_NAMES[self._kind].lower()} does not support "
                "set(); only gauges do")
        self._store.update("set", self._id, value)

    def observe(self, value):
        """Histograms: records one observation."""
        value = _number(value, "observe()")
        if self._kind != MetricFamily.HISTOGRAM:
            raise TritonModelException(
                f"Failed to observe metric value: a {_KIND_NAMES[self._kind].lower()} does not "
                "support observe(); only histograms do")
        self._store.update("observe", self._id, value)

    def value(self):
        """The value of a counter or gauge (with every instance's updates)."""
        if self._kind == MetricFamily.HISTOGRAM:
            raise TritonModelException(
                "Failed to get metric value: a histogram does not support value()")
        return self._store.value(self._id)


class MetricFamily:
    """`MetricFamily(name, description, kind)`; `.Metric(labels=None, buckets=None)`."""

    COUNTER = 0
    GAUGE = 1
    HISTOGRAM = 2

    def __init__(self, name, description, kind):
        if not isinstance(name, str) or not name:
            raise TritonModelException("MetricFamily name must be a non-empty str")
        if not isinstance(description, str):
            raise TritonModelException("MetricFamily description must be a str")
        if isinstance(kind, bool) or kind not in _KIND_NAMES:
            raise TritonModelException(
                "MetricFamily kind must be MetricFamily.COUNTER, GAUGE or HISTOGRAM")
        self._name = name
        self._description = description
        self._kind = kind
        self._store = _store()
        self._store.add_family(name, description, kind)

    def Metric(self, labels=None, buckets=None):  # noqa: N802 (Triton's spelling)
        """The series with `labels` (a dict of str -> str); histograms need `buckets`,
        the increasing upper bounds of their buckets."""
        if labels is None:
            labels = {}
        if not (isinstance(labels, dict) and all(
                isinstance(k, str) and isinstance(v, str) for k, v in labels.items())):
            raise TritonModelException("metric labels must be a dict of str -> str")
        if self._kind == self.HISTOGRAM:
            if buckets is None:
                raise TritonModelException(
                    "Error when creating Metric: a histogram metric needs buckets")
            buckets = [_number(b, "buckets") for b in buckets]
            if any(not math.isfinite(b) for b in buckets) or any(
                    a >= b for a, b in zip(buckets, buckets[1:])):
                raise TritonModelException(
                    "Error when creating Metric: histogram buckets must be finite and strictly "
                    "increasing")
            if not buckets:
                raise TritonModelException(
                    "Error when creating Metric: a histogram metric needs buckets")
        elif buckets is not None:
            raise TritonModelException(
                "Error when creating Metric: buckets are only allowed for histogram metrics")
        metric_id = self._store.add_metric(self._name, dict(labels), buckets)
        return Metric(self._kind, self._store, metric_id)
