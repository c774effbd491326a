"""``./dev fuzz [CASES]``: every fuzz target with a large budget (default 100,000 cases in all, split by share).

Prints, per target, the cases run, the crashes (any exception but the documented rejections, with the shrunk
input that reproduces it) and the timeouts (a case slower than ``--deadline`` ms); exits 1 when any.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import time
import traceback
import warnings
from collections.abc import Callable

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import DeadlineExceeded, FlakyFailure

from tests.fuzz.targets import TARGETS, Target


def counted(target: Target, count: list[int]) -> Callable[[object], None]:
    def case(value: object) -> None:
        count[0] += 1
        target.run(value)

    return case


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="./dev fuzz", description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="?", type=int, default=100_000, help="cases in all (default 100000)")
    parser.add_argument("--deadline", type=int, default=5000,
                        help="ms one case may take (default 5000: hangs take minutes, a busy machine seconds)")
    parser.add_argument("--only", help="run the targets whose name contains one of these (comma-separated)")
    parser.add_argument("--seed", type=int, default=None, help="replay a run")
    args = parser.parse_args(argv)
    wanted = [w.strip() for w in (args.only or "").split(",") if w.strip()]
    targets = [t for t in TARGETS if not wanted or any(w in t.name for w in wanted)]
    shares = sum(t.share for t in targets)
    total = crashes = timeouts = 0
    started = time.monotonic()
    for target in targets:
        with contextlib.suppress(Exception), warnings.catch_warnings():   # imports and caches first: not the
            warnings.simplefilter("ignore")                                  # cases' time (a crash shows below)
            target.run(target.strategy.example())
        count = [0]
        per = max(round(args.cases * target.share / shares), 1)
        test = settings(max_examples=per, deadline=args.deadline, database=None, derandomize=False,
                        phases=[Phase.generate, Phase.shrink], print_blob=True,
                        suppress_health_check=list(HealthCheck))(given(target.strategy)(counted(target, count)))
        if args.seed is not None:
            from hypothesis import seed

            test = seed(args.seed)(test)
        t0 = time.monotonic()
        outcome = "ok"
        try:
            test()
        except (DeadlineExceeded, FlakyFailure) as exc:
            timeouts += 1
            outcome = f"TIMEOUT: {exc}"
        except Exception as exc:   # a crash: Hypothesis has printed the shrunk input that reproduces it
            crashes += 1
            outcome = "CRASH: " + "".join(traceback.format_exception_only(exc)).strip()
        total += count[0]
        print(f"{target.name:28} {count[0]:>7} cases {time.monotonic() - t0:7.1f}s  {outcome}", flush=True)
    took = time.monotonic() - started
    print(f"fuzz: {total:,} cases across {len(targets)} targets in {took:.0f}s: {crashes} crashes, "
          f"{timeouts} timeouts")
    return 1 if crashes or timeouts else 0


if __name__ == "__main__":
    sys.exit(main())
