"""The advice a run keeps with its run log (``Run.advice``), for ``pac status``.

A real run's evaluation ends with the advisor's recommendations (one per axis, with the rules it overruled). The
run's checkpoint commits them with the run log, in the same transaction, as JSON::

    {"plan": "<the plan's name>", "language": "fr", "as_of": "<the evaluation's instant, ISO 8601>",
     "recommendations": [<each as pac_core.snapshots.recommendations_payload encodes it: rule, axis, segment,
                          sentence, evidence (the figures it quotes), the overruled rules with theirs>],
     "labels": {"<rule>": "<its word in the plan's language>", ...}}

``pac status`` reads it back (``sync_jobs.cli_status.read_advice``) and builds no evaluation: it imports neither
the engine nor the report's words (the rules' words are kept here for it). ``pac advice`` still evaluates the plan
(as of any date, in either language).
"""

from __future__ import annotations

from typing import Any

from pac_core.plan import Plan
from pac_core.results import Evaluation
from pac_core.snapshots import recommendations_payload
from sync_jobs.report.i18n import enum_label


def kept_advice(plan: Plan | None, evaluation: Evaluation | None) -> dict[str, Any] | None:
    """What a run keeps of its evaluation's advice (JSON-safe); None when the run did not evaluate."""
    if plan is None or evaluation is None:
        return None
    rules = sorted({r.rule.value for reco in evaluation.recommendations for r in (reco, *reco.overruled)})
    return {"plan": plan.name, "language": plan.language, "as_of": evaluation.as_of.isoformat(),
            "recommendations": recommendations_payload(evaluation.recommendations),
            "labels": {rule: enum_label("rule", rule, plan.language) for rule in rules}}
