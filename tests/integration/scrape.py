"""Reading a server's /metrics the way Prometheus does (prometheus_client's parser).

    families = scrape(srv)                      # {family name: Metric}
    value(families, "nv_inference_count", model="m", version="1")

The parser names counter samples `<family>_total` (OpenMetrics style) even when the
exposition writes them without the suffix; the helpers take family names.
"""

import requests
from prometheus_client.parser import text_string_to_metric_families


def scrape(srv):
    """{family name: prometheus_client Metric} of GET /metrics; asserts the status and type."""
    response = requests.get(srv.metrics_url, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    return {family.name: family for family in text_string_to_metric_families(response.text)}


def _default_sample(families, family):
    return family + "_total" if families[family].type == "counter" else family


def samples(families, family, sample=None, **labels):
    """Samples of `family` named `sample` (default: the family's own samples) whose labels
    include `labels`."""
    sample = sample or _default_sample(families, family)
    return [s for s in families[family].samples
            if s.name == sample and all(s.labels.get(k) == v for k, v in labels.items())]


def value(families, family, sample=None, **labels):
    """The value of the one sample of `family` with exactly these labels."""
    sample = sample or _default_sample(families, family)
    found = [s for s in families[family].samples if s.name == sample and s.labels == labels]
    assert len(found) == 1, f"{sample}{labels}: {found} among {families[family].samples}"
    return found[0].value


def histogram(families, family, **labels):
    """(buckets as [(upper bound as float, count)] in order, sum, count) of one series."""
    buckets = [(float(s.labels["le"]), s.value) for s in families[family].samples
               if s.name == family + "_bucket"
               and {k: v for k, v in s.labels.items() if k != "le"} == labels]
    return buckets, value(families, family, family + "_sum", **labels), \
        value(families, family, family + "_count", **labels)
