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

Nothing hides the rest: a bad header (timezone, year, language...) is reported and replaced by a
fallback (Europe/Paris, the period's year or the current one, fr) so that every item is still checked;
an item whose shape is wrong is repaired for the later passes (unknown keys dropped, bad optional values
left to their defaults, bad required values replaced by placeholders) so that its other mistakes (a zero
count, an unknown axis or person, a bad period) are reported in the same run. Placeholders never cause
problems of their own.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from pac_config.loader import Document, _inner_model, load_yaml, plain
from pac_config.plan_models import ActionIn, AxisIn, ContextIn, GrowthRate, PersonIn, PlanHeaderIn, SegmentIn, TopIn
from pac_core.errors import InvalidInput, PeriodError, Problem, ScopeError
from pac_core.fiscal_calendar import fiscal_quarters
from pac_core.growth import resolved
from pac_core.kpi_vocabulary import resolve as resolve_kpi
from pac_core.kpi_vocabulary import suggest as suggest_kpi
from pac_core.kpi_vocabulary import vocabulary_hint
from pac_core.periods import parse_period
from pac_core.plan import (
    Action,
    ActionStatus,
    ActivityType,
    Axis,
    AxisState,
    AxisStatus,
    ContextChange,
    ContextKind,
    Counting,
    HandOver,
    Impact,
    Objective,
    Person,
    Plan,
    Segment,
    SegmentKind,
    Swot,
    default_plan_id,
)
from pac_core.scopes import EVERYTHING, Scope, parse_scope
from pac_core.text import fold_value
from pac_core.window import Window

T = TypeVar("T")
SECTIONS = ("people", "segments", "axes", "actions")
FALLBACK_TIMEZONE = "Europe/Paris"
# Stand-ins for a required value that failed, so the item's other values are still checked:
# section -> key path (dots, no indices) -> value; "{i}" becomes the item's index. Problems located
# at a stand-in are never reported (the value's own problem already is).
_PLACEHOLDERS: dict[str, dict[str, Any]] = {
    "people": {"email": "unreadable-{i}@invalid.example"},
    "segments": {"id": "unreadable-segment-{i}", "name": "?", "kind": "horizontal"},
    "axes": {"id": "unreadable-axis-{i}", "name": "?", "segment": "unreadable-segment"},
    "actions": {"id": "unreadable-action-{i}", "axis": "unreadable-axis", "text": "?",
                "who": "unreadable@invalid.example", "what": {"activity": "visit", "count": 1},
                "what.activity": "visit", "what.count": 1, "when": "?"},
}
# a reference key of an item -> (the section it points to, the attribute of the built object)
_REFERENCES = {"axis": ("axes", "axis_id"), "segment": ("segments", "segment_id"), "who": ("people", "who")}


Progress = Callable[[str, int, int], None]
"""``progress(step, done, total)``: "reading" (lines of the file) then "checking" (actions)."""


def plans_language(files: Iterable[str | Path]) -> str:
    """The language of the plans in ``files`` when they share one (``fr`` or ``en``), else English: the language of
    the labels a CRM's provisioning writes (``Connector.labels_language``; ``pac crm provision``, ``pac sandbox``,
    ``pac demo``). A plan that cannot be read counts as English (provisioning still works)."""
    try:
        languages = {load_plan(f).language for f in files}
    except (InvalidInput, OSError):
        return "en"
    return languages.pop() if len(languages) == 1 and languages <= {"fr", "en"} else "en"


def load_plan(path: str | Path, progress: Progress | None = None) -> Plan:
    """The plan in ``path``; raises InvalidInput carrying every problem, each located in the file."""
    if Path(path).is_dir():
        raise InvalidInput(Problem("", f"{path} is a directory", "give the plan file (*.pac.yaml)"))
    try:
        doc = load_yaml(path, progress=(lambda done, total: progress("reading", done, total)) if progress else None)
    except PermissionError:
        raise InvalidInput(Problem("", f"cannot read {path}: permission denied",
                                   "check the file's permissions")) from None
    return _load(doc, progress)


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


# the file's top-level ``plan:`` block: its line, then the indented, blank and comment lines that follow
_HEADER_BLOCK = re.compile(r"^plan:[^\n]*(?:\n(?:[ \t]+[^\n]*|[ \t]*#[^\n]*|[ \t]*)(?=\n|\Z))*", re.M)
_IDENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")


def _header_of(path: str | Path) -> dict[str, Any] | None:
    """The ``plan:`` header of the file ``path``, parsed alone (one small parse, not the whole file's); None when the
    file or its header cannot be read (its own check says why)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    block = _HEADER_BLOCK.search(text)
    for source in ([block.group(0)] if block else []) + [text]:
        try:
            data = load_yaml(str(path), text=source).data
        except InvalidInput:
            continue
        header = data.get("plan") if isinstance(data, dict) else None
        if isinstance(header, dict):
            return header
    return None


def plan_currency_of(path: str | Path) -> str | None:
    """The currency of the plan in ``path`` (its header's ``currency:``, EUR when it writes none, as ``Plan``
    reads it), upper-case; None when the header cannot be read or its currency is not a text."""
    header = _header_of(path)
    if header is None:
        return None
    currency = header.get("currency", "EUR")
    return currency.strip().upper() if isinstance(currency, str) else None


def plan_id_of(path: str | Path) -> tuple[str, bool] | None:
    """The id of the plan in ``path`` as ``Plan`` makes it (its ``id:``, else its name's slug) and whether the file
    wrote it (``id:``), read from the ``plan:`` header only (the settings read it for every configured plan: one
    small parse, not the whole file's); None when the file or its header cannot be read (its own check says why)."""
    header = _header_of(path)
    if header is not None:
        given = header.get("id")
        if given is not None:
            ident = str(given).strip() if isinstance(given, (str, int)) and not isinstance(given, bool) else ""
            return (ident, True) if _IDENT.fullmatch(ident) else None
        name = header.get("name")
        return (default_plan_id(name), False) if isinstance(name, str) else None
    return None


def _load(doc: Document, progress: Progress | None = None) -> Plan:
    plan, problems = _Builder(doc, progress).build()
    if problems or plan is None:
        raise InvalidInput(sorted(problems, key=lambda p: (p.line or 0, p.path)))
    return plan


class _Builder:
    """Turns one Document into a Plan, collecting located problems on the way."""

    def __init__(self, doc: Document, progress: Progress | None = None) -> None:
        self.doc = doc
        self.progress = progress
        self.problems: list[Problem] = []
        self.header: PlanHeaderIn | None = None
        self.period: Window | None = None
        self.within: Window | None = None     # the plan's period once read (None while reading it)
        self.raw_ids: dict[str, set[str]] = {name: set() for name in SECTIONS}
        # e-mails an action or axis names that no people entry has, while an entry has no readable e-mail: one
        # problem (that entry's), whose fix names them, rather than one "not in the plan's people" each
        self.unnamed: list[str] = []
        # (section, index in the file) -> key paths (relative to the item) holding a stand-in value
        self.filled: dict[tuple[str, int], list[tuple[str | int, ...]]] = {}
        self.people: list[Person] = []

    # -- passes -----------------------------------------------------------------------------

    def build(self) -> tuple[Plan | None, list[Problem]]:
        if not isinstance(self.doc.data, dict):
            self.problems.append(self.doc.problem((), "a plan file is a mapping with plan:, people:, segments:, "
                                                      "axes: and actions:", "start the file with plan:"))
            return None, self.problems
        self.problems += self._validate(TopIn, None, ())[1]
        self._header()
        people = self._items("people", PersonIn, self._person)
        self.people = [p for _, p in people]   # whom a hand-over's from: names (``_former_owner``)
        segments = self._items("segments", SegmentIn, self._segment)
        axes = self._items("axes", AxisIn, self._axis)
        actions = self._items("actions", ActionIn, self._action)
        context = self._items("context", ContextIn, self._context)
        if self.progress is not None and isinstance(self.doc.data.get("actions"), list):
            self.progress("checking", len(self.doc.data["actions"]), len(self.doc.data["actions"]))
        if self.header is None or self.period is None:
            return None, self.problems
        try:
            plan = Plan(name=self.header.name, period=self.period, timezone=self.header.timezone,
                        currency=self.header.currency, language=self.header.language,
                        date_order=self.header.date_order,
                        people=tuple(p for _, p in people), segments=tuple(s for _, s in segments),
                        axes=tuple(a for _, a in axes), actions=tuple(a for _, a in actions),
                        id=self.header.id or "", context=tuple(c for _, c in context))
        except InvalidInput as exc:
            built: dict[str, list[tuple[int, Any]]] = {"people": people, "segments": segments, "axes": axes,
                                                        "actions": actions, "context": context}
            self.problems += [p for p in (self._invariant(p, built) for p in exc.problems) if p is not None]
            self._people_fixes()
            return None, self.problems
        self._people_fixes()
        return (plan if not self.problems else None), self.problems

    def _header(self) -> None:
        """The plan's header; when it has problems they are reported and a fallback header stands in."""
        raw = self.doc.data.get("plan")
        problems: list[Problem] = []
        if isinstance(raw, dict):
            self.header, problems = self._validate(PlanHeaderIn, raw, ("plan",))
            self.problems += problems
        else:
            raw = {}   # reported by the top-level check (missing, or not a mapping)
        guessed = False
        if self.header is None:
            self.header, guessed = _fallback_header(plain(raw), [_split(p.path)[1:] for p in problems])
        text = self.header.period or str(self.header.year)
        where = ("plan", "period") if self.header.period else ("plan", "year")
        self.period = None if guessed and not self.header.period else self._window(text, where)
        if self.period is not None and self.header.fiscal_calendar is not None:
            self.period = self._fiscal_calendar(self.period, self.header.fiscal_calendar)
        self.within = self.period    # periods written without a year resolve inside the plan's period
        if self.period is not None and self.header.period and not guessed and "year" in raw \
                and not self.period.start.year <= self.header.year <= (self.period.end - timedelta(days=1)).year:
            self._year_contradicts(self.period)
        if self.period is None:   # reported; a window over everything lets the items be checked
            zone = ZoneInfo(self.header.timezone)
            self.period = Window(datetime(1900, 1, 1, tzinfo=zone), datetime(2200, 1, 1, tzinfo=zone), "?")

    def _fiscal_calendar(self, period: Window, spec: str | list[str]) -> Window:
        """The plan's period carrying the quarters ``plan.fiscal_calendar`` declares (``Window.quarters``); after a
        problem (reported at ``plan.fiscal_calendar``), four even parts standing in."""
        zone = ZoneInfo(self.header.timezone if self.header is not None else "UTC")
        first, end = period.start.astimezone(zone).date(), period.end.astimezone(zone).date()
        try:
            return replace(period, quarters=fiscal_quarters(spec, first, end))
        except PeriodError as exc:
            self.problems += [self.doc.problem(("plan", *_split(p.path)), p.message, p.fix) for p in exc.problems]
            # the plan is refused; four even parts of the period stand in, so its "Q1" is not also reported as a
            # calendar quarter outside the period (a consequence of this problem, not another one)
            step = (end - first).days / 4
            bounds = [first + timedelta(days=round(step * k)) for k in range(4)] + [end]
            return replace(period, quarters=tuple((bounds[k], bounds[k + 1]) for k in range(4)))

    def _year_contradicts(self, period: Window) -> None:
        """``plan.year`` is the year the period starts in (docs/plan-format.md), or the year it ends (a fiscal year
        named by its end, the US usage): a year the period does not touch is a period written one year off
        (« FY2028 » meant as February 2027 - January 2028 was read as 2028) or a year forgotten in a copy of last
        year's file; either way the two disagree and one is wrong (usplan audit F12)."""
        assert self.header is not None
        first, last = period.start.date(), (period.end - timedelta(days=1)).date()
        self.problems.append(self.doc.problem(
            ("plan", "year"), f"year {self.header.year} is outside plan.period ({first.isoformat()}.."
                              f"{last.isoformat()})",
            f"write year: {first.year} if the period is right (plan.year is the year the plan's period starts in), "
            f"or correct period: if the plan is for {self.header.year}"))

    def _items(self, section: str, model: type[BaseModel], convert: Callable[[Any, int], T | None]
               ) -> list[tuple[int, T]]:
        """(index in the file, domain object) for each item that loaded."""
        raw = self.doc.data.get(section)
        if not isinstance(raw, list):
            return []
        for item in raw:   # what the file names, loaded or not: references to these are not re-reported
            if isinstance(item, dict):
                ident = str(item.get("email" if section == "people" else "id", "")).strip()
                self.raw_ids.setdefault(section, set()).add(ident.lower() if section == "people" else ident)
        out: list[tuple[int, T]] = []
        for i, item in enumerate(raw):
            if self.progress is not None and section == "actions" and i % 500 == 0:
                self.progress("checking", i, len(raw))
            parsed, problems = self._validate(model, item, (section, i))
            self.problems += problems
            if parsed is None:
                parsed = self._repair(model, item, (section, i))
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
        parsed, problems = self.doc.validate(model, data, at, self._validation_context())
        meant = {(_parent(p.path), m.group(1)) for p in problems
                 if (m := re.match(r"did you mean '([^']+)'\?", p.fix)) and p.message.startswith("unknown key")}
        kept = [p for p in problems if not (p.message == "required key is missing"
                                            and (_parent(p.path), p.path.rsplit(".", 1)[-1]) in meant)]
        return parsed, kept

    def _validation_context(self) -> dict[str, Any] | None:
        """What the models' validators know of the plan once its header is read: its currency (amounts written
        with its code or symbol, "150000 USD") and language (the fix texts' examples and did-you-means)."""
        if self.header is None:
            return None
        return {"currency": self.header.currency, "language": self.header.language}

    def _repair(self, model: type[BaseModel], item: Any, at: tuple[str, int]) -> Any:
        """The item with each failing value dropped (unknown keys, bad optional values) or replaced by a
        stand-in (bad or missing required values), validated again; None when it cannot be repaired.
        The problems themselves are already reported: this only lets the later passes check the rest."""
        if not isinstance(item, dict):
            return None
        fixed = plain(item)
        filled: list[tuple[str | int, ...]] = []
        for _ in range(4):   # a dropped value may reveal one more (a misspelt key: its key is then missing)
            try:
                parsed = model.model_validate(fixed, context=self._validation_context())
            except ValidationError as exc:
                for err in exc.errors():
                    spot = _fill(model, fixed, tuple(err["loc"]), at)
                    if spot is None:
                        return None
                    filled.append(spot)
                continue
            self.filled[at] = filled
            return parsed
        return None

    def _salvage(self, item: Any, at: tuple[str | int, ...]) -> None:
        """Check the periods and scopes of an item that cannot be repaired, so that they are reported too."""
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
        return Person(email=p.email, name=p.name, role=p.role, aliases=tuple(p.aliases))

    def _segment(self, s: Any, i: int) -> Segment:
        scope = self._scope(s.scope, ("segments", i, "scope"))
        swot = Swot(tuple(s.swot.strengths), tuple(s.swot.weaknesses), tuple(s.swot.opportunities),
                    tuple(s.swot.threats))
        return Segment(s.id, s.name, SegmentKind(s.kind), scope, swot)

    def _axis(self, a: Any, i: int) -> Axis:
        scope = self._scope(a.scope, ("axes", i, "scope"))
        st = a.status
        status = AxisStatus(AxisState(st.state), st.rank, st.reason.strip(), st.until, st.since)
        objective = None if a.objective is None else self._objective(a.objective, ("axes", i, "objective"))
        return Axis(a.id, a.name, a.segment, scope, status, objective, tuple(a.products),
                    tuple(str(w).lower() for w in a.who))

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
        kpi_ids = self._kpis(o.kpis, (*at, "kpis"))
        if period is None or not ok:
            return None
        baseline = None if o.baseline == "previous_year" else Decimal(o.baseline)
        if isinstance(o.additional_revenue, GrowthRate):   # "30 %": the amount is rate x the whole period's baseline
            objective = Objective(Decimal(0), period, baseline, o.margin_rate, o.budget, o.effort_days, o.day_cost,
                                  o.expected_roi, kpi_ids, growth_rate=o.additional_revenue.rate)
            # a fixed baseline is known now (pac plan check shows the amount); a measured one at each evaluation
            currency = self.header.currency if self.header is not None else "EUR"
            return objective if baseline is None else resolved(objective, baseline, currency=currency)
        return Objective(o.additional_revenue, period, baseline, o.margin_rate, o.budget, o.effort_days,
                         o.day_cost, o.expected_roi, kpi_ids)

    def _kpis(self, names: list[str], at: tuple[str | int, ...]) -> tuple[str, ...]:
        """The KPI ids the names stand for (pac_core.kpi_vocabulary), each once; an unknown name is a problem."""
        ids: list[str] = []
        for j, name in enumerate(names):
            kpi = resolve_kpi(name)
            if kpi is None:
                language = self.header.language if self.header is not None else "fr"
                close = suggest_kpi(str(name), language)
                hint = f"did you mean {close}? " if close else ""
                self.problems.append(self.doc.problem(
                    (*at, j), f"unknown KPI {name!r}",
                    f"{hint}use one of the vocabulary (French or English name): {vocabulary_hint(language)}"))
            elif kpi not in ids:
                ids.append(kpi)
        return tuple(ids)

    def _action(self, a: Any, i: int) -> Action | None:
        at: tuple[str | int, ...] = ("actions", i)
        scope = self._scope(a.what.scope, (*at, "what", "scope"))
        if ("when",) in self.filled.get(("actions", i), ()):
            window = self.period   # the when was unreadable (reported): the plan's period stands in
        else:
            window = self._window(a.when, (*at, "when")) or self.period   # likewise after an error
        if not a.text.strip():
            self.problems.append(self.doc.problem((*at, "text"), "the action's statement is empty",
                                                  "write it, e.g. 'Visiter 5 clients dormants du 69 en semaine 18'"))
        if window is None:
            return None
        return Action(id=a.id, axis_id=a.axis, text=a.text.strip(), who=a.who,
                      activity_type=ActivityType(a.what.activity), target=a.what.count, window=window,
                      counting=Counting(a.what.counting), scope=scope, info_needed=a.info.needed.strip(),
                      info_from=a.info.from_.strip(), status=ActionStatus(a.status.state),
                      status_since=a.status.since,
                      handed_over=tuple(HandOver(self._former_owner(h.from_), h.on) for h in a.handed_over))

    def _former_owner(self, written: str) -> str:
        """The e-mail of the person a hand-over's ``from`` names: an e-mail (lower-cased), an alias (their plan
        e-mail), or a name as ``people`` writes it (letter case, accents and spaces aside); the text as written
        otherwise (``Plan`` then says it is no e-mail)."""
        text = " ".join(written.split())
        if "@" in text:
            email = text.lower()
            return next((p.email for p in self.people if email in p.aliases), email)
        wanted = fold_value(text)
        return next((p.email for p in self.people if p.name and fold_value(" ".join(p.name.split())) == wanted), text)

    def _context(self, c: Any, i: int) -> ContextChange:
        return ContextChange(ContextKind(c.kind), c.on, c.until, c.note.strip(), c.segment, c.axis, c.who,
                             c.account, c.crm_field, c.product, c.capacity, Impact(c.impact) if c.impact else None)

    # -- people -----------------------------------------------------------------------------

    def _nameless_people(self) -> list[int]:
        """The people entries (indices in the file) whose e-mail is missing or unreadable (a stand-in holds it)."""
        return [i for (section, i), spots in self.filled.items() if section == "people" and ("email",) in spots]

    def _people_fixes(self) -> None:
        """Fixes that need the people section: the e-mail a nameless entry should have (the ones the plan names
        that no entry has), and the e-mail of the person a ``who`` names by their name."""
        raw = self.doc.data.get("people")
        by_name: dict[str, tuple[str, str]] = {}
        for item in raw if isinstance(raw, list) else []:
            if isinstance(item, dict) and isinstance(item.get("name"), str) and isinstance(item.get("email"), str):
                email = item["email"].strip().lower()
                if "@" in email:
                    by_name.setdefault(fold_value(" ".join(item["name"].split())), (email, item["name"].strip()))
        emails = list(dict.fromkeys(self.unnamed))
        unnamed = (f"{emails[0]}: the plan names this e-mail, which no entry of people has" if len(emails) == 1 else
                   f"one of {', '.join(emails)}: the plan names them, and no entry of people has them")
        for k, p in enumerate(self.problems):
            if emails and re.fullmatch(r"people\[\d+\]\.email", p.path):
                self.problems[k] = replace(p, fix=f"{'add' if p.message == 'required key is missing' else 'write'} "
                                                  f"email: {unnamed}")
            elif p.message.endswith("is not an e-mail address") and re.search(r"\.who(\[\d+\])?$", p.path):
                value = _value_at(self.doc.data, _split(p.path))
                found = by_name.get(fold_value(" ".join(value.split()))) if isinstance(value, str) else None
                if found:
                    self.problems[k] = replace(p, fix=f"did you mean {found[0]}, {found[1]}'s e-mail under people? "
                                                      "identify people by e-mail")

    # -- helpers ----------------------------------------------------------------------------

    def _window(self, text: str, at: tuple[str | int, ...]) -> Window | None:
        if self.header is None:
            return None
        try:
            return parse_period(text, year=self.header.year, tz=self.header.timezone,
                                within=self.within, language=self.header.language,
                                date_order=self.header.date_order, plan_period=at == ("plan", "period"))
        except PeriodError as exc:
            self.problems += [self.doc.problem(at, p.message, p.fix) for p in exc.problems]
            return None

    def _scope(self, raw: dict[str, Any] | None, at: tuple[str | int, ...]) -> Scope:
        """The parsed scope; after an error (reported) the empty scope stands in."""
        try:
            header = self.header
            return parse_scope(raw, at="scope", currency=header.currency if header is not None else None,
                               language=header.language if header is not None else None)
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
                if section == "people" and self._nameless_people():
                    self.unnamed.append(str(getattr(obj, attr)))
                    return None
            if (len(parts) == 4 and parts[2] == "who" and isinstance(parts[3], int) and "not in the plan" in p.message
                    and self._nameless_people()):   # an axis's who[j]
                self.unnamed.append(str(obj.who[parts[3]]))
                return None
            if parts[2:] == ["target"]:
                parts[2:] = ["what", "count"]
            if len(parts) > 3 and parts[2] == "handed_over" and isinstance(
                    _value_at(self.doc.data, [str(parts[0]), file_index, "handed_over"]), dict):
                del parts[3]   # written as one mapping, not a list
            rest = tuple(parts[2:])
            if any(rest[:len(spot)] == spot for spot in self.filled.get((str(parts[0]), file_index), ())):
                return None   # about a stand-in value: the value's own problem is already reported
        return self.doc.problem(tuple(parts), p.message, p.fix)


def _fallback_header(raw: dict[str, Any], bad: list[list[str | int]]) -> tuple[PlanHeaderIn, bool]:
    """A header from ``raw`` without the keys that have problems: defaults stand in (timezone
    Europe/Paris, language fr), the year is the period's or else the current one, the name is "?".
    Also says whether the year is a guess (then no plan period is known to check windows against)."""
    fixed = {k: v for k, v in raw.items() if not any(path and path[0] == k for path in bad)}
    fixed.setdefault("name", "?")
    guessed = "year" not in fixed
    if guessed:
        found = re.search(r"\b(2\d{3})\b", str(fixed.get("period") or ""))
        fixed["year"] = int(found[1]) if found else date.today().year
        guessed = found is None
    try:
        return PlanHeaderIn.model_validate(fixed), guessed
    except ValueError:
        return PlanHeaderIn(name="?", year=date.today().year, timezone=FALLBACK_TIMEZONE), True


def _fill(model: type[BaseModel], data: dict[str, Any], rel: tuple[str | int, ...],
          at: tuple[str, int]) -> tuple[str | int, ...] | None:
    """Make the value at ``rel`` (a problem's path inside the item ``data``) acceptable, in place: drop it
    when it is an unknown key or optional, else put the section's stand-in; climbs to the enclosing key
    when neither applies. The path of what was changed, or None when nothing could be done."""
    section, index = at
    for end in range(len(rel), 0, -1):
        prefix = rel[:end]
        name = prefix[-1]
        if isinstance(name, int):
            continue
        parent: Any = data
        for part in prefix[:-1]:
            try:
                parent = parent[part]
            except (KeyError, IndexError, TypeError):
                parent = None
                break
        owner = _model_at(model, prefix[:-1])
        if not isinstance(parent, dict) or owner is None:
            continue
        field = next((f for key, f in owner.model_fields.items() if name in (key, f.alias)), None)
        if field is None or not field.is_required():
            parent.pop(name, None)
            return prefix
        key = ".".join(str(part) for part in prefix if isinstance(part, str))
        if key in _PLACEHOLDERS.get(section, {}):
            value = _PLACEHOLDERS[section][key]
            parent[name] = value.format(i=index) if isinstance(value, str) else dict(value) if isinstance(
                value, dict) else value
            return prefix
    return None


def _model_at(model: type[BaseModel], path: tuple[str | int, ...]) -> type[BaseModel] | None:
    """The pydantic model of the mapping at ``path`` inside an item of ``model`` (None: not a model)."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", {})
        field = next((f for key, f in fields.items() if part in (key, f.alias)), None)
        if field is None:
            return None
        current = _inner_model(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _value_at(data: Any, parts: Sequence[str | int]) -> Any:
    node = data
    for part in parts:
        if isinstance(node, dict) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return None
    return node


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


def plan_summary(plan: Plan, lang: str = "en") -> str:
    """ "6 segments, 8 axes, 20 actions"; in French (``lang`` ``fr``) one axis is « 1 axe » (audit clifr)."""
    def count(n: int, one: str, many: str) -> str:
        return f"{n} {one if n == 1 else many}"

    return (f"{count(len(plan.segments), 'segment', 'segments')}, "
            f"{count(len(plan.axes), 'axe' if lang == 'fr' else 'axis', 'axes')}, "
            f"{count(len(plan.actions), 'action', 'actions')}")


__all__ = ["check_plan_file", "load_plan", "load_plan_text", "plan_fingerprint", "plan_id_of", "plan_summary"]
