"""Benchmarks. ``python -m bench`` runs them all; ``python -m bench NAME`` runs one.

Every module in this package whose name does not start with ``_`` is a benchmark.
It defines ``run(size: int | None, data: pathlib.Path | None) -> None`` and prints one
line per figure through :func:`bench._common.figure`: ``NAME.figure value unit``.
"""
