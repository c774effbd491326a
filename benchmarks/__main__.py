"""Dispatcher: ``python -m benchmarks engine|sync|incremental|pull|big-plan|explain-axis [...]``."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = {"engine": "benchmarks.bench_engine", "sync": "benchmarks.bench_sync",
              "incremental": "benchmarks.bench_incremental", "pull": "benchmarks.bench_pull",
              "big-plan": "benchmarks.big_plan", "explain-axis": "benchmarks.bench_explain_axis"}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in BENCHMARKS:
        print(f"usage: python -m benchmarks {{{'|'.join(BENCHMARKS)}}} [options]   (--help after the name)")
        return 2
    try:
        module = importlib.import_module(BENCHMARKS[argv[0]])
    except ModuleNotFoundError as exc:
        if exc.name != BENCHMARKS[argv[0]]:
            raise
        print(f"the {argv[0]} benchmark is not installed in this tree ({BENCHMARKS[argv[0]]} is missing)")
        return 2
    return int(module.main(argv[1:]) or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
