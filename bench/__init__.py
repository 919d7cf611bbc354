"""Benchmarks (scripts, not tests); their results are written up in docs/benchmarks.md."""
