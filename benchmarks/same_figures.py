"""Whole evaluations of fixed organisations, digested, to check that a speed change leaves every figure as it was.

Usage: ``python -m benchmarks.same_figures write FILE`` on the code before a change, then ``python -m
benchmarks.same_figures check FILE`` on the code after it: each case's ``repr`` of the whole ``Evaluation`` (so every
``Decimal`` keeps its exponent, every list its order) is compared by SHA-256; exit 1 and the first differing field
when one differs. The cases cover both record paths (columns and objects), full and split attribution, fx rates and
none, explanations (every action and axis, and a few by id), an earlier evaluation date, and empty records.
Not a test: the engine's tests pin the rules; this pins "nothing moved" across a refactoring of the engine's insides.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from benchmarks.realistic import generate_columns, generate_realistic
from benchmarks.synthetic import generate
from pac_core.engine import evaluate
from pac_core.engine_settings import EngineSettings
from pac_core.records import Records
from pac_core.results import Evaluation

FX = EngineSettings(fx_rates={"USD": Decimal("0.92")}, capacity={"PX200": Decimal(20000)})
SPLIT = replace(FX, attribution="split")
NO_FX = EngineSettings()


def cases() -> Iterator[tuple[str, Callable[[], Evaluation]]]:
    """(name, a function evaluating the case)."""
    plan, columns, as_of = generate_columns(0.05, seed=1)
    some = [a.id for a in plan.actions[::7]][:40] + [x.id for x in plan.axes[:5]]
    yield "real-columns-0.05-fx-some", lambda: evaluate(plan, columns, as_of=as_of, settings=FX, explain=some)
    yield "real-columns-0.05-split", lambda: evaluate(plan, columns, as_of=as_of, settings=SPLIT)
    yield "real-columns-0.05-nofx", lambda: evaluate(plan, columns, as_of=as_of, settings=NO_FX)
    yield "real-columns-0.05-earlier", lambda: evaluate(plan, columns, as_of=as_of - timedelta(days=200), settings=FX)
    plan2, columns2, as_of2 = generate_columns(0.02, seed=3)
    yield "real-columns-0.02-explain", lambda: evaluate(plan2, columns2, as_of=as_of2, settings=SPLIT, explain=True)
    plan3, records3, as_of3 = generate_realistic(0.01, seed=4)
    yield "real-objects-0.01-explain", lambda: evaluate(plan3, records3, as_of=as_of3, settings=FX, explain=True)
    yield "real-objects-0.01-split", lambda: evaluate(plan3, records3, as_of=as_of3, settings=SPLIT)
    plan4, records4, as_of4 = generate(0.02, seed=5)
    yield "synthetic-0.02-fx", lambda: evaluate(plan4, records4, as_of=as_of4, settings=FX, explain=True)
    yield "synthetic-0.02-split", lambda: evaluate(plan4, records4, as_of=as_of4, settings=SPLIT)
    yield "synthetic-0.02-earlier", lambda: evaluate(plan4, records4, as_of=as_of4 - timedelta(days=90), settings=FX)
    yield "empty", lambda: evaluate(plan4, Records(), as_of=as_of4, settings=FX)
    plan5, columns5, as_of5 = generate_columns(0.25, seed=2027)
    yield "real-columns-0.25-bench", lambda: evaluate(plan5, columns5, as_of=as_of5, settings=FX)


def digest(evaluation: Evaluation) -> tuple[str, dict[str, str]]:
    """The whole evaluation's digest, and one per top-level field (to name the first that differs)."""
    fields = {name: hashlib.sha256(repr(getattr(evaluation, name)).encode()).hexdigest()
              for name in evaluation.__dataclass_fields__}
    return hashlib.sha256(repr(evaluation).encode()).hexdigest(), fields


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("write", "check"):
        print(__doc__)
        return 2
    mode, path = argv[0], Path(argv[1])
    got: dict[str, dict[str, Any]] = {}
    for name, run in cases():
        whole, fields = digest(run())
        got[name] = {"whole": whole, "fields": fields}
        print(f"{name}: {whole[:16]}")
    if mode == "write":
        path.write_text(json.dumps(got, indent=1))
        print(f"written: {path} ({len(got)} cases)")
        return 0
    kept = json.loads(path.read_text())
    bad = 0
    for name, now in got.items():
        before = kept.get(name)
        if before is None or before["whole"] != now["whole"]:
            bad += 1
            moved = [f for f, h in now["fields"].items() if before is None or before["fields"].get(f) != h]
            print(f"DIFFERS: {name}: fields {', '.join(moved)}")
    print("same figures in every case" if not bad else f"{bad} case(s) differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
