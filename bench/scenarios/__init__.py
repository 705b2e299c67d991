"""The scenarios of docs/benchmarks.md."""
