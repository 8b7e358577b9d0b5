"""Keeps custom metrics the way Triton's documentation shows: families and metrics made in
initialize, updated in execute. Per request: `custom_requests` counts it, `custom_last_size`
holds the size of X, `custom_input_sum` observes the sum of X. SEEN answers the counter's
value. Both instances use the same labels, so they add to the same series."""

import numpy as np
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    def initialize(self, args):
        labels = {"model": args["model_name"], "version": args["model_version"]}
        self.requests = pb_utils.MetricFamily(
            "custom_requests", "Requests this model saw", pb_utils.MetricFamily.COUNTER
        ).Metric(labels=labels)
        self.last_size = pb_utils.MetricFamily(
            "custom_last_size", "Elements of the last input", pb_utils.MetricFamily.GAUGE
        ).Metric(labels=labels)
        self.input_sum = pb_utils.MetricFamily(
            "custom_input_sum", "Sum of each input", pb_utils.MetricFamily.HISTOGRAM
        ).Metric(labels=labels, buckets=[1.0, 10.0, 100.0])

    def execute(self, requests):
        responses = []
        for request in requests:
            x = pb_utils.get_input_tensor_by_name(request, "X").as_numpy()
            self.requests.increment(1)
            self.last_size.set(x.size)
            self.input_sum.observe(float(x.sum()))
            seen = np.array([self.requests.value()], dtype=np.float64)
            responses.append(pb_utils.InferenceResponse([pb_utils.Tensor("SEEN", seen)]))
        return responses
