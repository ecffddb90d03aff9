"""Benchmarks: ``python -m bench`` runs every ``bench/bench_*.py`` and prints JSON lines.

Each module defines ``run() -> Iterable[dict]``; every dict is one measure and
is printed as one JSON line. Targets are ratios against a baseline measured in
the same run, because this machine is noisy.
"""
