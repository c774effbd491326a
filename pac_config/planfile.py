"""Plan files (``*.pac.yaml``): load, check and fingerprint the YAML a manager writes by hand.

Loading goes in three passes, each reporting every problem it finds, located as
``file:line key.path: message (fix)``:

1. shape: each section and each item is validated on its own against ``plan_models`` (unknown key
   with did-you-mean, French spellings normalised), so one bad action does not hide the others;
2. meaning: periods (``parse_period`` with the plan's year and timezone), scopes (``parse_scope``),
   objective costs;
3. invariants of the method, checked by ``pac_core.plan.Plan`` itself (an action's axis exists, a
   suspended axis has a reason, a window is inside the plan's period...), mapped back to file lines.
A problem caused by an item already reported (an action whose axis failed to load) is not repeated.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from pac_config.loader import Document, load_yaml
from pac_config.plan_models import ActionIn, AxisIn, PersonIn, PlanHeaderIn, SegmentIn, TopIn
from pac_core.errors import InvalidInput, PeriodError, Problem, ScopeError
from pac_core.periods import parse_period
from pac_core.plan import (
    Action,
    ActionStatus,
    ActivityType,
    Axis,
    AxisState,
    AxisStatus,
    Counting,
    Objective,
    Person,
    Plan,
    Segment,
    SegmentKind,
    Swot,
)
from pac_core.scopes import EVERYTHING, Scope, parse_scope
from pac_core.window import Window

T = TypeVar("T")
SECTIONS = ("people", "segments", "axes", "actions")
# a reference key of an item -> (the section it points to, the attribute of the built object)
_REFERENCES = {"axis": ("axes", "axis_id"), "segment": ("segments", "segment_id"), "who": ("people", "who")}


def load_plan(path: str | Path) -> Plan:
    """The plan in ``path``; raises InvalidInput carrying every problem, each located in the file."""
    if Path(path).is_dir():
        raise InvalidInput(Problem("", f"{path} is a directory", "give the plan file (*.pac.yaml)"))
    try:
        doc = load_yaml(path)
    except PermissionError:
        raise InvalidInput(Problem("", f"cannot read {path}: permission denied",
                                   "check the file's permissions")) from None
    return _load(doc)


def load_plan_text(text: str, name: str = "<plan>") -> Plan:
    """The plan written in ``text`` (``name`` is used in messages as the file name)."""
    return _load(load_yaml(name, text=text))


def check_plan_file(path: str | Path) -> list[Problem]:
    """Every problem of the plan file (YAML syntax, shape, meaning, invariants); empty when it is valid."""
    try:
        load_plan(path)
    except InvalidInput as exc:
        return exc.problems
    return []


def plan_fingerprint(path: str | Path) -> str:
    """sha256 (hex) of the file's bytes: a new version of the plan is stored when it changes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _load(doc: Document) -> Plan:
    plan, problems = _Builder(doc).build()
    if problems or plan is None:
        raise InvalidInput(sorted(problems, key=lambda p: (p.line or 0, p.path)))
    return plan


class _Builder:
    """Turns one Document into a Plan, collecting located problems on the way."""

    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.problems: list[Problem] = []
        self.header: PlanHeaderIn | None = None
        self.period: Window | None = None
        self.raw_ids: dict[str, set[str]] = {name: set() for name in SECTIONS}

    # -- passes -----------------------------------------------------------------------------

    def build(self) -> tuple[Plan | None, list[Problem]]:
        if not isinstance(self.doc.data, dict):
            self.problems.append(self.doc.problem((), "a plan file is a mapping with plan:, people:, segments:, "
                                                      "axes: and actions:", "start the file with plan:"))
            return None, self.problems
        self.problems += self._validate(TopIn, None, ())[1]
        self._header()
        people = self._items("people", PersonIn, self._person)
        segments = self._items("segments", SegmentIn, self._segment)
        axes = self._items("axes", AxisIn, self._axis)
        actions = self._items("actions", ActionIn, self._action)
        if self.header is None or self.period is None:
            return None, self.problems
        try:
            plan = Plan(name=self.header.name, period=self.period, timezone=self.header.timezone,
                        currency=self.header.currency, language=self.header.language,
                        people=tuple(p for _, p in people), segments=tuple(s for _, s in segments),
                        axes=tuple(a for _, a in axes), actions=tuple(a for _, a in actions),
                        id=self.header.id or "")
        except InvalidInput as exc:
            built = {"people": people, "segments": segments, "axes": axes, "actions": actions}
            self.problems += [p for p in (self._invariant(p, built) for p in exc.problems) if p is not None]
            return None, self.problems
        return (plan if not self.problems else None), self.problems

    def _header(self) -> None:
        raw = self.doc.data.get("plan")
        if not isinstance(raw, dict):
            return
        self.header, problems = self._validate(PlanHeaderIn, raw, ("plan",))
        self.problems += problems
        if self.header is None:
            return
        text = self.header.period or str(self.header.year)
        where = ("plan", "period") if self.header.period else ("plan", "year")
        self.period = self._window(text, where)

    def _items(self, section: str, model: type[BaseModel], convert: Callable[[Any, int], T | None]
               ) -> list[tuple[int, T]]:
        """(index in the file, domain object) for each item that loaded."""
        raw = self.doc.data.get(section)
        if not isinstance(raw, list):
            return []
        for item in raw:   # what the file names, loaded or not: references to these are not re-reported
            if isinstance(item, dict):
                ident = str(item.get("email" if section == "people" else "id", "")).strip()
                self.raw_ids[section].add(ident.lower() if section == "people" else ident)
        out: list[tuple[int, T]] = []
        for i, item in enumerate(raw):
            parsed, problems = self._validate(model, item, (section, i))
            self.problems += problems
            if parsed is None:
                self._salvage(item, (section, i))
                continue
            built = convert(parsed, i)   # with placeholders where a value failed: invariants still run
            if built is not None:
                out.append((i, built))
        return out

    def _validate(self, model: type[BaseModel], data: Any, at: tuple[str | int, ...]) -> tuple[Any, list[Problem]]:
        """Document.validate, without "required key is missing" when a misspelt key is that key
        ("whne" reported as unknown with "did you mean 'when'?" is one mistake, not two)."""
        parsed, problems = self.doc.validate(model, data, at)
        meant = {(_parent(p.path), m.group(1)) for p in problems
                 if (m := re.match(r"did you mean '([^']+)'\?", p.fix)) and p.message.startswith("unknown key")}
        kept = [p for p in problems if not (p.message == "required key is missing"
                                            and (_parent(p.path), p.path.rsplit(".", 1)[-1]) in meant)]
        return parsed, kept

    def _salvage(self, item: Any, at: tuple[str | int, ...]) -> None:
        """Check the periods and scopes of an item whose shape is wrong, so that they are reported too."""
        if not isinstance(item, dict):
            return
        what = item.get("what")
        scopes = [(item.get("scope"), (*at, "scope"))]
        if isinstance(what, dict):
            scopes.append((what.get("scope"), (*at, "what", "scope")))
        for raw, where in scopes:
            if isinstance(raw, dict):
                self._scope(raw, where)
        when = item.get("when")
        if isinstance(when, str | int) and not isinstance(when, bool):
            self._window(str(when), (*at, "when"))

    # -- conversions ------------------------------------------------------------------------

    def _person(self, p: Any, i: int) -> Person:
        return Person(email=p.email, name=p.name, role=p.role)

    def _segment(self, s: Any, i: int) -> Segment:
        scope = self._scope(s.scope, ("segments", i, "scope"))
        swot = Swot(tuple(s.swot.strengths), tuple(s.swot.weaknesses), tuple(s.swot.opportunities),
                    tuple(s.swot.threats))
        return Segment(s.id, s.name, SegmentKind(s.kind), scope, swot)

    def _axis(self, a: Any, i: int) -> Axis:
        scope = self._scope(a.scope, ("axes", i, "scope"))
        st = a.status
        status = AxisStatus(AxisState(st.state), st.rank, st.reason.strip(), st.until)
        objective = None if a.objective is None else self._objective(a.objective, ("axes", i, "objective"))
        return Axis(a.id, a.name, a.segment, scope, status, objective, tuple(a.products))

    def _objective(self, o: Any, at: tuple[str | int, ...]) -> Objective | None:
        period = self.period
        if o.period is not None:
            period = self._window(o.period, (*at, "period"))
        ok = True
        if (o.effort_days is None) != (o.day_cost is None):
            missing = "day_cost" if o.day_cost is None else "effort_days"
            self.problems.append(self.doc.problem((*at, missing), "effort_days and day_cost go together",
                                                  f"add {missing}: (the cost is effort_days x day_cost)"))
            ok = False
        if o.budget is not None and o.effort_days is not None:
            self.problems.append(self.doc.problem((*at, "budget"), "give the cost once",
                                                  "keep either budget, or effort_days and day_cost"))
            ok = False
        if period is None or not ok:
            return None
        baseline = None if o.baseline == "previous_year" else Decimal(o.baseline)
        return Objective(o.additional_revenue, period, baseline, o.margin_rate, o.budget, o.effort_days,
                         o.day_cost, o.expected_roi, tuple(o.kpis))

    def _action(self, a: Any, i: int) -> Action | None:
        at: tuple[str | int, ...] = ("actions", i)
        scope = self._scope(a.what.scope, (*at, "what", "scope"))
        window = self._window(a.when, (*at, "when")) or self.period   # the plan's period stands in after an error
        if not a.text.strip():
            self.problems.append(self.doc.problem((*at, "text"), "the action's statement is empty",
                                                  "write it, e.g. 'Visiter 5 clients dormants du 69 en semaine 18'"))
        if window is None:
            return None
        return Action(id=a.id, axis_id=a.axis, text=a.text.strip(), who=a.who,
                      activity_type=ActivityType(a.what.activity), target=a.what.count, window=window,
                      counting=Counting(a.what.counting), scope=scope, info_needed=a.info.needed.strip(),
                      info_from=a.info.from_.strip(), status=ActionStatus(a.status))

    # -- helpers ----------------------------------------------------------------------------

    def _window(self, text: str, at: tuple[str | int, ...]) -> Window | None:
        if self.header is None:
            return None
        try:
            return parse_period(text, year=self.header.year, tz=self.header.timezone)
        except PeriodError as exc:
            self.problems += [self.doc.problem(at, p.message, p.fix) for p in exc.problems]
            return None

    def _scope(self, raw: dict[str, Any] | None, at: tuple[str | int, ...]) -> Scope:
        """The parsed scope; after an error (reported) the empty scope stands in."""
        try:
            return parse_scope(raw, at="scope")
        except ScopeError as exc:
            for p in exc.problems:
                sub = _path_parts(self.doc.data, at, p.path.removeprefix("scope").lstrip("."))
                self.problems.append(self.doc.problem(sub, p.message, p.fix))
            return EVERYTHING

    def _invariant(self, p: Problem, built: dict[str, list[tuple[int, Any]]]) -> Problem | None:
        """An invariant problem of Plan (indices of the built lists) located in the file, or None when
        it only repeats an item already reported (e.g. "axis X does not exist" where X failed to load)."""
        parts = _split(p.path)
        if parts and parts[0] in ("language", "currency"):
            parts = ["plan", *parts]
        if len(parts) >= 2 and parts[0] in built and isinstance(parts[1], int):
            file_index, obj = built[str(parts[0])][parts[1]]
            parts[1] = file_index
            ref = _REFERENCES.get(str(parts[2])) if len(parts) == 3 else None
            if ref and ("does not exist" in p.message or "not in the plan" in p.message):
                section, attr = ref
                if str(getattr(obj, attr)) in self.raw_ids[section]:
                    return None
            if parts[2:] == ["target"]:
                parts[2:] = ["what", "count"]
        return self.doc.problem(tuple(parts), p.message, p.fix)


def _parent(path: str) -> str:
    return path.rsplit(".", 1)[0] if "." in path else ""


def _split(path: str) -> list[str | int]:
    return [int(num) if num else key for key, num in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path)]


def _path_parts(data: Any, at: Sequence[str | int], rest: str) -> tuple[str | int, ...]:
    """``at`` + the key path ``rest``, where keys that contain dots ("custom.segment_code") stay whole."""
    node: Any = data
    for part in at:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            node = None
    parts = _split(rest)
    out: list[str | int] = list(at)
    i = 0
    while i < len(parts):
        part = parts[i]
        if isinstance(node, dict) and isinstance(part, str) and part not in node:
            for j in range(i + 2, len(parts) + 1):
                joined = ".".join(str(x) for x in parts[i:j])
                if joined in node:
                    part, i = joined, j - 1
                    break
        out.append(part)
        node = node.get(part) if isinstance(node, dict) else (
            node[part] if isinstance(node, list) and isinstance(part, int) and part < len(node) else None)
        i += 1
    return tuple(out)


def plan_summary(plan: Plan) -> str:
    """ "6 segments, 8 axes, 20 actions" """
    def count(n: int, one: str, many: str) -> str:
        return f"{n} {one if n == 1 else many}"

    return (f"{count(len(plan.segments), 'segment', 'segments')}, {count(len(plan.axes), 'axis', 'axes')}, "
            f"{count(len(plan.actions), 'action', 'actions')}")


__all__ = ["check_plan_file", "load_plan", "load_plan_text", "plan_fingerprint", "plan_summary"]
