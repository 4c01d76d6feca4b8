#!/usr/bin/env python3
"""Parses Prometheus metrics text from standard input with Prometheus' own Python parsers (PyPI's
prometheus_client): the strict OpenMetrics parser, and the classic text-format parser Prometheus scrapes with.

Prints the samples as JSON ([{"name", "labels", "value", "type"}], from the OpenMetrics parse) and exits 0, or names
what failed to parse and exits 1. scripts/install-deps installs prometheus_client.
"""
import json
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families as openmetrics_families
from prometheus_client.parser import text_string_to_metric_families as classic_families


def main():
    text = sys.stdin.read()
    samples = []
    try:
        for family in openmetrics_families(text):
            for s in family.samples:
                samples.append({"name": s.name, "labels": s.labels, "value": s.value, "type": family.type})
    except Exception as e:  # the parser raises ValueError and others for malformed text
        print(f"not valid OpenMetrics text: {e}", file=sys.stderr)
        return 1
    try:
        classic = sum(len(f.samples) for f in classic_families(text))
    except Exception as e:
        print(f"not valid Prometheus text: {e}", file=sys.stderr)
        return 1
    if classic == 0 and samples:
        print("the classic parser found no samples", file=sys.stderr)
        return 1
    json.dump(samples, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
