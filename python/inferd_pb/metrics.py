"""pb_utils.MetricFamily / Metric: custom metrics, kept locally for now.

The stub protocol has no metrics messages yet, so these objects are a working local
stand-in: they validate their arguments like Triton, keep their values in this process
(`value()` reports them), and are NOT exported on the server's /metrics endpoint. Models
that create and update metrics therefore run unchanged; only the export is missing.
"""

import math
import threading

from .errors import TritonModelException


class Metric:
    """One labelled series of a MetricFamily."""

    def __init__(self, family, labels, buckets):
        self._family = family
        self._labels = dict(labels or {})
        self._buckets = list(buckets) if buckets is not None else None
        self._lock = threading.Lock()
        self._value = 0.0
        self._count = 0
        self._bucket_counts = [0] * len(self._buckets) if self._buckets else []

    def increment(self, value):
        """Counters and gauges: adds `value` (counters refuse negative values)."""
        kind = self._family._kind
        if kind == MetricFamily.HISTOGRAM:
            raise TritonModelException("increment() is not supported on a histogram metric")
        if kind == MetricFamily.COUNTER and value < 0:
            raise TritonModelException("a counter can only be incremented by a value >= 0")
        with self._lock:
            self._value += value

    def set(self, value):
        """Gauges only: sets the value."""
        if self._family._kind != MetricFamily.GAUGE:
            raise TritonModelException("set() is only supported on a gauge metric")
        with self._lock:
            self._value = float(value)

    def observe(self, value):
        """Histograms only: records one observation."""
        if self._family._kind != MetricFamily.HISTOGRAM:
            raise TritonModelException("observe() is only supported on a histogram metric")
        with self._lock:
            self._value += value
            self._count += 1
            for i, bound in enumerate(self._buckets):
                if value <= bound:
                    self._bucket_counts[i] += 1

    def value(self):
        """Counter/gauge value; for a histogram, the sum of the observations."""
        with self._lock:
            return self._value


class MetricFamily:
    """`MetricFamily(name, description, kind)`; `.Metric(labels=None, buckets=None)`."""

    COUNTER = 0
    GAUGE = 1
    HISTOGRAM = 2

    def __init__(self, name, description, kind):
        if not isinstance(name, str) or not name:
            raise TritonModelException("MetricFamily name must be a non-empty str")
        if kind not in (self.COUNTER, self.GAUGE, self.HISTOGRAM):
            raise TritonModelException(
                "MetricFamily kind must be MetricFamily.COUNTER, GAUGE or HISTOGRAM")
        self._name = name
        self._description = str(description)
        self._kind = kind

    def Metric(self, labels=None, buckets=None):  # noqa: N802 (Triton's spelling)
        if labels is not None and not (isinstance(labels, dict) and all(
                isinstance(k, str) and isinstance(v, str) for k, v in labels.items())):
            raise TritonModelException("metric labels must be a dict of str -> str")
        if self._kind == self.HISTOGRAM:
            if buckets is None:
                raise TritonModelException("a histogram metric needs buckets")
            if list(buckets) != sorted(buckets) or any(math.isnan(b) for b in buckets):
                raise TritonModelException("histogram buckets must be sorted numbers")
        elif buckets is not None:
            raise TritonModelException("buckets are only allowed for histogram metrics")
        return Metric(self, labels, buckets)
