"""Benchmarks at national scale (issue 8): data generator, servers, scenarios and their baselines.

``make bench`` (national size) and ``make bench-quick`` (small, a CI smoke test) run
``python -m bench.run``; docs/benchmarks.md explains the figures it prints.
"""
