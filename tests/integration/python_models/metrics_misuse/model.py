"""Uses the custom metrics API wrongly on purpose. ACTION names the misuse; RESULT is
"<exception class>: <message>" of what it raised, or "ok"."""

import numpy as np
import triton_python_backend_utils as pb_utils

Family = pb_utils.MetricFamily


class TritonPythonModel:
    def initialize(self, args):
        self.counter_family = Family("misuse_counter", "A counter", Family.COUNTER)
        self.gauge_family = Family("misuse_gauge", "A gauge", Family.GAUGE)
        self.histogram_family = Family("misuse_histogram", "A histogram", Family.HISTOGRAM)
        self.counter = self.counter_family.Metric(labels={"k": "v"})
        self.gauge = self.gauge_family.Metric()
        self.histogram = self.histogram_family.Metric(buckets=[1.0, 2.0])
        self.actions = {
            "set_counter": lambda: self.counter.set(1),
            "negative_increment": lambda: self.counter.increment(-1),
            "observe_counter": lambda: self.counter.observe(1),
            "observe_gauge": lambda: self.gauge.observe(1),
            "increment_histogram": lambda: self.histogram.increment(1),
            "value_histogram": lambda: self.histogram.value(),
            "kind_conflict": lambda: Family("misuse_counter", "A counter", Family.GAUGE),
            "other_model_kind_conflict": lambda: Family("custom_requests", "", Family.GAUGE),
            "reserved_name": lambda: Family("nv_inference_count", "", Family.COUNTER),
            "bad_name": lambda: Family("bad-name", "", Family.COUNTER),
            "bad_label": lambda: self.gauge_family.Metric(labels={"bad-label": "x"}),
            "label_not_str": lambda: self.gauge_family.Metric(labels={"k": 1}),
            "no_buckets": lambda: self.histogram_family.Metric(labels={"other": "x"}),
            "unsorted_buckets": lambda: self.histogram_family.Metric(buckets=[2.0, 1.0]),
            "buckets_on_gauge": lambda: self.gauge_family.Metric(buckets=[1.0]),
            "same_kind_again": lambda: Family("misuse_counter", "Other text", Family.COUNTER),
        }

    def execute(self, requests):
        responses = []
        for request in requests:
            action = pb_utils.get_input_tensor_by_name(request, "ACTION").as_numpy()[0].decode()
            try:
                self.actions[action]()
                result = "ok"
            except Exception as error:  # noqa: BLE001 (the test reads what was raised)
                result = f"{type(error).__name__}: {error}"
            out = np.array([result.encode()], dtype=np.object_)
            responses.append(pb_utils.InferenceResponse([pb_utils.Tensor("RESULT", out)]))
        return responses
