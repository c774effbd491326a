"""Counting as column arithmetic: scopes as masks over account columns, windows by sorted search.

The nightly question (how many activities, or distinct accounts, of each action) is answered here without a
Python object or a Python set per record or per scope:

* the countable activities are one set of NumPy columns sorted by (owner, type, start instant); an action's
  activities are a slice found by two sorted searches;
* every account field a plan's scopes read is coded once; the values of a field fall into classes (values on
  which every condition of the plan agrees), and the accounts into *combinations* of classes (a few hundred
  for a real plan); a scope's static conditions are a boolean vector over the combinations, computed once
  per distinct scope;
* dormancy is tested on the slice's accounts: the CRM flag first when the condition uses it, else a sorted
  search of the account's won close dates in ``[reference - months, reference)``;
* the size of a scope (for coverage and the forecast's ceiling) is a sum over combinations of a histogram of
  the live accounts (per reference date and rule when the scope has a dormancy condition).

The semantics are ``scope_eval``'s (``ValueTest``, ``dormancy_rule``), shared rather than re-written, and the
reference test suite checks both paths give the same counts, coverage and forecasts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from operator import attrgetter
from typing import Any

import numpy as np

from pac_core.records import Account
from pac_core.scope_eval import (
    PLAIN_FIELDS,
    AccountKey,
    ValueTest,
    account_value,
    dormancy_rule,
    is_dormancy,
    months_before,
    normalise,
)
from pac_core.scopes import Condition, Scope
from pac_core.text import fold_value

_DAY_BITS = 22             # won keys: account number << 22 | proleptic ordinal of the close date (< 4.2M)


@dataclass(frozen=True)
class Slice:
    """The countable activities of one action's owner and type inside its window, filtered by its scope."""

    accounts: np.ndarray       # account numbers, in time order
    positions: np.ndarray      # positions of the activities in the index, in time order


class AccountColumns:
    """The accounts as columns: liveness, CRM dormant flags, won close dates, and coded scope fields."""

    def __init__(self, accounts: Sequence[Account], owner_email: Mapping[AccountKey, str],
                 won_dates: Sequence[tuple[date, ...]], default_months: int, scopes: Sequence[Scope]) -> None:
        n = self.n = len(accounts)
        self.default_months = default_months
        self.live = np.fromiter(map(attrgetter("deleted"), accounts), dtype=bool, count=n)
        np.logical_not(self.live, out=self.live)
        dormant = list(map(attrgetter("dormant"), accounts))
        self.flags = np.fromiter((1 if d is True else 2 if d is False else 0 for d in dormant), dtype=np.uint8,
                                 count=n)
        self.all_flagged = bool(n) and bool(self.flags.all())
        counts = np.fromiter(map(len, won_dates), dtype=np.int64, count=n)
        owners = np.repeat(np.arange(n, dtype=np.int64), counts)
        days = np.fromiter((d.toordinal() for dates in won_dates for d in dates), dtype=np.int64,
                           count=int(counts.sum()))
        self.won_keys = np.sort((owners << _DAY_BITS) | days)       # sorted by account, then close date
        order = np.argsort(days, kind="stable")
        self.won_days_sorted, self.won_accounts_by_day = days[order], owners[order]
        self._combos(accounts, owner_email, scopes)
        self._static: dict[tuple[Condition, ...], np.ndarray] = {}
        self._histograms: dict[tuple[Any, ...], np.ndarray] = {}

    # -- static conditions: classes of values, combinations of classes ------------------------------------------
    def _combos(self, accounts: Sequence[Account], owner_email: Mapping[AccountKey, str],
                scopes: Sequence[Scope]) -> None:
        conditions: dict[str, list[Condition]] = {}
        for scope in scopes:
            for c in scope.accounts_part.conditions:   # deal conditions (owner, products) are revenue only
                if not is_dormancy(c) and c not in conditions.setdefault(c.field, []):
                    conditions[c.field].append(c)
        self.fields = sorted(conditions)
        self._class_pass: dict[Condition, tuple[int, np.ndarray]] = {}   # condition -> (field column, per class)
        columns = []
        for k, field in enumerate(self.fields):
            if field in PLAIN_FIELDS:
                values = [fold_value(v) if isinstance(v, str) else normalise(v)
                          for v in map(attrgetter(field), accounts)]
            else:
                values = [account_value(a, field, owner_email) for a in accounts]
            distinct: dict[Any, int] = {}
            codes = np.fromiter((distinct.setdefault(v, len(distinct)) for v in values), dtype=np.int64,
                                count=self.n)
            keys = list(distinct)
            tests = [ValueTest(c) for c in conditions[field]]
            passes = np.array([[t(v) for t in tests] for v in keys], dtype=bool).reshape(len(keys), len(tests))
            classes, of_value = np.unique(passes, axis=0, return_inverse=True)
            for j, condition in enumerate(conditions[field]):
                self._class_pass[condition] = (k, classes[:, j].copy())
            columns.append(of_value.reshape(-1)[codes])
        columns.append(self.live.astype(np.int64))
        stacked = np.stack(columns) if columns else np.zeros((1, self.n), dtype=np.int64)
        combos, self.combo = np.unique(stacked, axis=1, return_inverse=True)
        self.combo = self.combo.reshape(-1)
        self.combo_classes = combos            # (fields + live) x combinations
        self.combo_live = combos[-1].astype(bool)

    def static_pass(self, static: tuple[Condition, ...]) -> np.ndarray:
        """Per combination: live and every static condition holds."""
        found = self._static.get(static)
        if found is None:
            found = self.combo_live.copy()
            for condition in static:
                k, per_class = self._class_pass[condition]
                found &= per_class[self.combo_classes[k]]
            self._static[static] = found
        return found

    # -- dormancy ------------------------------------------------------------------------------------------------
    def dormant_on(self, numbers: np.ndarray, condition: Condition, reference: date) -> np.ndarray:
        """Per account number: the dormancy condition holds at ``reference`` (CRM flag first when it applies)."""
        wanted, months, use_flag = dormancy_rule(condition, self.default_months)
        result = np.empty(len(numbers), dtype=bool)
        todo = np.ones(len(numbers), dtype=bool)
        if use_flag:
            flags = self.flags[numbers]
            flagged = flags != 0
            result[flagged] = (flags[flagged] == 1) == wanted
            todo = ~flagged
        if todo.any():
            some = numbers[todo]
            low, high = months_before(reference, months).toordinal(), reference.toordinal()
            base = some << _DAY_BITS
            won = np.searchsorted(self.won_keys, base | high) > np.searchsorted(self.won_keys, base | low)
            result[todo] = won != wanted
        return result

    def _dormant_histogram(self, condition: Condition, reference: date) -> np.ndarray:
        """Per combination: live accounts passing this dormancy condition at ``reference``."""
        wanted, months, use_flag = dormancy_rule(condition, self.default_months)
        key: tuple[Any, ...] = (wanted, use_flag) if use_flag and self.all_flagged else \
            (wanted, months, use_flag, reference)
        found = self._histograms.get(key)
        if found is None:
            if use_flag and self.all_flagged:
                passing = (self.flags == 1) == wanted
            else:
                low, high = months_before(reference, months).toordinal(), reference.toordinal()
                lo, hi = np.searchsorted(self.won_days_sorted, [low, high])
                active = np.zeros(self.n, dtype=bool)
                active[self.won_accounts_by_day[lo:hi]] = True
                passing = active != wanted
                if use_flag:
                    flagged = self.flags != 0
                    passing[flagged] = (self.flags[flagged] == 1) == wanted
            found = self._histograms[key] = np.bincount(self.combo[passing & self.live],
                                                        minlength=self.combo_classes.shape[1])
        return found

    def _live_histogram(self) -> np.ndarray:
        found = self._histograms.get(("live",))
        if found is None:
            found = self._histograms[("live",)] = np.bincount(self.combo[self.live],
                                                              minlength=self.combo_classes.shape[1])
        return found

    # -- the two questions ---------------------------------------------------------------------------------------
    def size(self, scope: Scope, reference: date) -> int:
        """How many live accounts are in ``scope``, dormancy judged at ``reference``."""
        scope = scope.accounts_part
        static = tuple(c for c in scope.conditions if not is_dormancy(c))
        dynamic = [c for c in scope.conditions if is_dormancy(c)]
        passing = self.static_pass(static)
        if not dynamic:
            return int(self._live_histogram()[passing].sum())
        if len(dynamic) == 1:
            return int(self._dormant_histogram(dynamic[0], reference)[passing].sum())
        numbers = np.flatnonzero(passing[self.combo])
        keep = np.ones(len(numbers), dtype=bool)
        for condition in dynamic:
            keep &= self.dormant_on(numbers, condition, reference)
        return int(keep.sum())

    def inside(self, scope: Scope, reference: date, numbers: np.ndarray) -> np.ndarray:
        """Per account number given: in ``scope`` at ``reference`` (a boolean mask)."""
        scope = scope.accounts_part
        static = tuple(c for c in scope.conditions if not is_dormancy(c))
        mask = self.static_pass(static)[self.combo[numbers]]
        for condition in scope.conditions:
            if is_dormancy(condition) and mask.any():
                mask &= self.dormant_on(numbers, condition, reference)
        return mask
