"""A large plan for the commands' benchmark: ``python -m benchmarks big-plan OUT.pac.yaml [--copies 60] [--extra 111]``.

The shipped example plan scaled: its 8 axes 5 times (40 axes, prioritised ranks kept distinct), its 20 actions
``--copies`` times (60: 1,200 actions) over the 5 copies of their axes, and ``--extra`` more reps (111: 120
people) who own every other copy's actions and are users of no CRM of the demo org (as reps whose CRM account is not
made yet). Served with ``python -m benchmarks sync``'s org (``bench_sync.served_org``), it measures what a manager
and ops get from ``pac plan check / lint``, ``pac sync``, ``pac status``, ``pac advice``, ``pac explain`` and
``pac report`` on a plan of that size (docs/sync.md and docs/report.md, "A large plan").
"""

from __future__ import annotations

import argparse
import copy
from pathlib import Path
from typing import Any

import yaml

EXAMPLE = Path(__file__).resolve().parents[1] / "config" / "plans" / "example.pac.yaml"


def big_plan(copies: int = 60, extra: int = 111) -> dict[str, Any]:
    """The example plan with 5 x its axes, ``copies`` x its actions and ``extra`` more reps."""
    src = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    people = list(src["people"]) + [{"email": f"rep{i:03d}@durand-process.example", "name": f"Commercial {i:03d}",
                                     "role": "rep"} for i in range(extra)]
    reps = [p["email"] for p in people if p["role"] == "rep"]
    axes = []
    for v in range(5):
        for axis in src["axes"]:
            a = copy.deepcopy(axis)
            if v:
                a["id"], a["name"] = f"{axis['id']}-{v}", f"{axis['name']} ({v})"
            if isinstance(a.get("status"), dict) and "rank" in a["status"]:
                a["status"]["rank"] += 2 * v
            axes.append(a)
    actions: list[dict[str, Any]] = []
    for k in range(copies):
        for action in src["actions"]:
            a = copy.deepcopy(action)
            if k:
                a["id"] = f"{action['id']}-{k:03d}"
                a["axis"] = action["axis"] if k % 5 == 0 else f"{action['axis']}-{k % 5}"
                if k % 2:
                    a["who"] = reps[(k * 20 + len(actions)) % len(reps)]
            actions.append(a)
    return {"plan": {**src["plan"], "name": "PAC 2027 — grande équipe"}, "people": people,
            "segments": src["segments"], "axes": axes, "actions": actions}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks big-plan", description=__doc__.split("\n")[0])
    parser.add_argument("out", help="the plan file to write")
    parser.add_argument("--copies", type=int, default=60, help="copies of the example's 20 actions (60: 1,200)")
    parser.add_argument("--extra", type=int, default=111, help="reps added to the example's 9 people")
    args = parser.parse_args(argv)
    plan = big_plan(args.copies, args.extra)
    Path(args.out).write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    print(f"{args.out}: {len(plan['axes'])} axes, {len(plan['actions'])} actions, {len(plan['people'])} people")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
