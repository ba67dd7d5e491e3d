"""Checking imported facts against a cycle, and planning what to write.

Everything the check needs is read first, in a few queries (the cycle's
appraisals, their schemes, the facts already stored); then every row is
checked and turned into an operation, or into a problem on its cell. A row
that would store what is stored already is counted unchanged; a row that
would change a stored fact needs a reason, as in the forms.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from jixiao.appraisals import services as appraisal_services
from jixiao.appraisals.access import (
    SELF_ROLES,
    SKIP_LEVEL_ROLES,
    SUPERVISOR_ROLES,
    appraisals_visible_to,
    can_rate,
    can_record_facts,
)
from jixiao.appraisals.models import (
    AdjustmentEntry,
    Appraisal,
    Cycle,
    Event,
    Fact,
    FactSource,
    GroupInput,
    Rating,
)
from jixiao.appraisals.services.facts import CLOSED_APPRAISAL_STATES
from jixiao.core import roles
from jixiao.schemes.engine import engine_scheme
from jixiao.scoring import Scheme as EngineScheme
from jixiao.scoring.facts_io import normalize_period
from jixiao.spreadsheets.facts import KINDS, FactRow
from jixiao.spreadsheets.readers import number, text
from jixiao.spreadsheets.writers import CellProblem

SINGLE_ROLES = SELF_ROLES | SUPERVISOR_ROLES | SKIP_LEVEL_ROLES
Apply = Callable[[Any, str, str], None]  # (actor, reason, note)


@dataclass
class Plan:
    operations: list[tuple[FactRow, Apply]] = field(default_factory=list)
    new_facts: list[tuple[FactRow, Fact]] = field(default_factory=list)  # inserted in bulk
    problems: list[CellProblem] = field(default_factory=list)
    added: int = 0
    changed: int = 0
    unchanged: int = 0


class CycleFacts:
    """The cycle's appraisals and the facts stored for them, read once."""

    def __init__(self, cycle: Cycle, actor: Any) -> None:
        self.cycle = cycle
        self.actor = actor
        visible = appraisals_visible_to(actor).filter(cycle=cycle)
        self.appraisals: dict[str, Appraisal] = {
            appraisal.appraisee_id: appraisal
            for appraisal in visible.select_related(
                "cycle",
                "employee__supervisor__supervisor__user",
                "employee__supervisor__user",
                "employee__user",
                "unit",
                "scheme_version__scheme",
            )
        }
        self.schemes: dict[int, EngineScheme] = {}
        for appraisal in self.appraisals.values():
            if appraisal.scheme_version_id not in self.schemes:
                self.schemes[appraisal.scheme_version_id] = engine_scheme(appraisal.scheme_version)
        ids = [appraisal.pk for appraisal in self.appraisals.values()]
        self.facts = {
            (f.appraisal_id, f.item, f.kind, f.key): f.value
            for f in Fact.objects.filter(appraisal_id__in=ids).only(
                "appraisal_id", "item", "kind", "key", "value"
            )
        }
        self.ratings: dict[tuple[int, str, str], list[tuple[int, Any]]] = defaultdict(list)
        for r in Rating.objects.filter(appraisal_id__in=ids).only(
            "appraisal_id", "item", "role", "rater_id", "value"
        ):
            self.ratings[(r.appraisal_id, r.item, r.role)].append((r.rater_id, r.value))
        self.events: dict[tuple[int, str, str], list[tuple[int, float | None]]] = defaultdict(list)
        for e in Event.objects.filter(appraisal_id__in=ids).only(
            "appraisal_id", "item", "name", "count", "size"
        ):
            self.events[(e.appraisal_id, e.item, e.name)].append((e.count, e.size))
        self.adjustments: dict[tuple[int, str], list[float]] = defaultdict(list)
        for a in AdjustmentEntry.objects.filter(appraisal_id__in=ids).only(
            "appraisal_id", "name", "amount"
        ):
            self.adjustments[(a.appraisal_id, a.name)].append(a.amount)
        self.groups = {
            (g.attribute, g.value, g.key): g.amount for g in GroupInput.objects.filter(cycle=cycle)
        }
        self._may: dict[tuple[int, str, str], bool] = {}

    def may_record(self, appraisal: Appraisal, item: str) -> bool:
        key = (appraisal.pk, item, "")
        if key not in self._may:
            self._may[key] = can_record_facts(self.actor, appraisal, item)
        return self._may[key]

    def may_rate(self, appraisal: Appraisal, role: str) -> bool:
        key = (appraisal.pk, "", role)
        if key not in self._may:
            self._may[key] = can_rate(self.actor, appraisal, role)
        return self._may[key]

    def item_codes(self) -> set[str]:
        return {item.code for scheme in self.schemes.values() for item in scheme.items}


def rater_for(appraisal: Appraisal, role: str, actor: Any) -> Any:
    """Who gives a single-rater rating: the appraisee (self), the supervisor, the
    supervisor's supervisor; HR enters it on their behalf. Without an account: HR."""
    employee = appraisal.employee
    person = None
    if employee is not None and role in SELF_ROLES:
        person = employee
    elif employee is not None and role in SUPERVISOR_ROLES:
        person = employee.supervisor
    elif employee is not None and employee.supervisor is not None:
        person = employee.supervisor.supervisor
    user = person.user if person is not None else None
    return user if user is not None and roles.is_hr(actor) else actor


def plan_facts(rows: list[FactRow], context: CycleFacts, *, reason: str = "") -> Plan:
    """Check every row and plan its operation; problems name the bad cell. A row
    that would change a stored fact is a problem unless a reason is given."""
    plan = Plan()
    checker = _Checker(context, plan)
    for row in rows:
        checker.row(row)
    checker.finish()
    if not reason.strip():
        for row, stored in checker.pending_changes:
            plan.problems.append(
                row.problem(
                    "value",
                    _(
                        "changes the recorded value %(stored)s: give a reason to change"
                        " recorded facts"
                    )
                    % {"stored": _fmt(stored)},
                )
            )
    plan.problems.sort(key=lambda p: (p.sheet, p.row, p.column))
    return plan


def _fmt(value: Any) -> str:
    return text(value) if not isinstance(value, list) else ", ".join(text(v) for v in value)


class _Checker:
    def __init__(self, context: CycleFacts, plan: Plan) -> None:
        self.context = context
        self.plan = plan
        self.seen: dict[tuple[Any, ...], FactRow] = {}
        self.events: dict[tuple[int, str, str], list[FactRow]] = defaultdict(list)
        self.amounts: dict[tuple[int, str], list[FactRow]] = defaultdict(list)
        self.known_items = context.item_codes()
        self.period_problem: dict[str, str | None] = {}
        self.pending_changes: list[tuple[FactRow, Any]] = []
        self.by_pk = {appraisal.pk: appraisal for appraisal in context.appraisals.values()}

    def problem(self, row: FactRow, part: str, message: str) -> None:
        self.plan.problems.append(row.problem(part, message))

    # -- one row ---------------------------------------------------------------
    def row(self, row: FactRow) -> None:
        if row.kind not in KINDS:
            self.problem(
                row,
                "kind",
                _("unknown kind of fact %(kind)s; expected one of %(kinds)s")
                % {"kind": row.kind or "—", "kinds": ", ".join(KINDS)},
            )
            return
        if row.period and not self._period_ok(row):
            return
        if row.kind == "group":
            self._group(row)
            return
        appraisal = self.context.appraisals.get(row.appraisee)
        if appraisal is None:
            message = (
                _("the appraisee column is empty")
                if not row.appraisee
                else _("unknown appraisee %(id)s: no such 工号 in this cycle")
                % {"id": row.appraisee}
            )
            self.problem(row, "appraisee", message)
            return
        if appraisal.state in CLOSED_APPRAISAL_STATES:
            self.problem(row, "appraisee", _("facts can no longer be recorded for this appraisal"))
            return
        scheme = self.context.schemes[appraisal.scheme_version_id]
        handler = getattr(self, f"_{row.kind}")
        handler(row, appraisal, scheme)

    def _period_ok(self, row: FactRow) -> bool:
        if row.period not in self.period_problem:
            self.period_problem[row.period] = self._period_message(row.period)
        message = self.period_problem[row.period]
        if message:
            self.problem(row, "period", message)
        return message is None

    def _period_message(self, period: str) -> str | None:
        cycle = self.context.cycle
        try:
            written = normalize_period(period)
        except ValueError:
            return _("%(period)s is not a period (write 2026-10, 2026-Q4, 2026-H2 or 2026)") % {
                "period": period
            }
        if written == cycle.period:
            return None
        return _("the period %(period)s is outside the cycle %(cycle)s (%(cycle_period)s)") % {
            "period": written,
            "cycle": cycle.name,
            "cycle_period": cycle.period,
        }

    def _duplicate(self, row: FactRow, key: tuple[Any, ...]) -> bool:
        first = self.seen.get(key)
        if first is not None:
            self.problem(
                row,
                "value",
                _("duplicate row: the same fact is already given in row %(row)d")
                % {"row": first.row},
            )
            return True
        self.seen[key] = row
        return False

    def _item(self, row: FactRow, scheme: EngineScheme) -> Any:
        item = scheme.item(row.item)
        if item is None:
            self.problem(
                row,
                "item",
                _("the scheme %(scheme)s has no item %(item)s")
                % {"scheme": scheme.code, "item": row.item or "—"},
            )
        return item

    def _allowed(self, row: FactRow, appraisal: Appraisal, item: str) -> bool:
        if self.context.may_record(appraisal, item):
            return True
        self.problem(row, "item", _("you may not record facts of this item"))
        return False

    def _number(self, row: FactRow, *, minimum: float | None = None) -> float | int | None:
        value = number(row.value)
        if value is None:
            self.problem(row, "value", _("%(value)s is not a number") % {"value": text(row.value)})
            return None
        if minimum is not None and value < minimum:
            self.problem(
                row,
                "value",
                _("%(value)s is below %(minimum)s") % {"value": value, "minimum": minimum},
            )
            return None
        return value

    # -- kinds -----------------------------------------------------------------
    def _attribute(self, row: FactRow, appraisal: Appraisal, scheme: EngineScheme) -> None:
        if self._duplicate(row, (appraisal.pk, "attribute", row.key)):
            return
        stored = appraisal.attributes.get(
            row.key, appraisal.appraisee_name if row.key == "name" else None
        )
        if text(stored) == text(row.value):
            self.plan.unchanged += 1
            return
        self.problem(
            row,
            "value",
            _("attributes come from the organisation when the cycle opens (stored: %(stored)s)")
            % {"stored": text(stored) or "—"},
        )

    def _input(self, row: FactRow, appraisal: Appraisal, scheme: EngineScheme) -> None:
        if row.item and self._item(row, scheme) is None:
            return
        if not row.key:
            self.problem(row, "key", _("an input needs a name"))
            return
        if not self._allowed(row, appraisal, row.item):
            return
        value: Any = number(row.value)
        if value is None and row.item:
            self._number(row)
            return
        if value is None:
            value = text(row.value)
        self._fact(row, appraisal, "input", value)

    def _value(self, row: FactRow, appraisal: Appraisal, scheme: EngineScheme) -> None:
        item = self._item(row, scheme)
        if item is None or not self._allowed(row, appraisal, row.item):
            return
        if item.rule.kind == "levels":
            value: Any = self._level(row, item)
        else:
            value = self._number(row)
        if value is not None:
            self._fact(row, appraisal, "value", value)

    def _score(self, row: FactRow, appraisal: Appraisal, scheme: EngineScheme) -> None:
        item = self._item(row, scheme)
        if item is None or not self._allowed(row, appraisal, row.item):
            return
        value = self._number(row)
        if value is None:
            return
        low, high = getattr(item.rule, "min", None), getattr(item.rule, "max", None)
        if item.rule.kind == "direct" and (
            (low is not None and value < low) or (high is not None and value > high)
        ):
            self.problem(
                row,
                "value",
                _("%(value)s is outside the scale %(low)s–%(high)s")
                % {"value": value, "low": text(low) or "…", "high": text(high) or "…"},
            )
            return
        self._fact(row, appraisal, "score", value)

    def _level(self, row: FactRow, item: Any) -> Any:
        raw = number(row.value)
        value: Any = raw if raw is not None else text(row.value)
        _points, errors = item.rule.rating_points(np.array([value], dtype=object))
        if errors:
            levels = ", ".join(str(name) for name, _score in getattr(item.rule, "levels", ()))
            self.problem(
                row,
                "value",
                _("%(value)s is outside the rating scale (%(levels)s)")
                % {"value": text(row.value), "levels": levels},
            )
            return None
        return value

    def _rating(self, row: FactRow, appraisal: Appraisal, scheme: EngineScheme) -> None:
        item = self._item(row, scheme)
        if item is None:
            return
        role = row.key
        if not item.rule.takes_ratings():
            self.problem(row, "item", _("the item %(item)s takes no ratings") % {"item": item.code})
            return
        if role not in SINGLE_ROLES:
            self.problem(
                row,
                "key",
                _(
                    "a %(role)s rating needs its rater: enter ratings of this role in the"
                    " application (self, supervisor and indirect ratings can be imported)"
                )
                % {"role": role or "—"},
            )
            return
        if not self.context.may_rate(appraisal, role):
            self.problem(row, "key", _("you may not rate this appraisal in this role"))
            return
        if self._duplicate(row, (appraisal.pk, row.item, "rating", role)):
            return
        value = self._level(row, item)
        if value is None:
            return
        rater = rater_for(appraisal, role, self.context.actor)
        stored = self.context.ratings.get((appraisal.pk, row.item, role), [])
        if stored and stored[0] == (rater.pk, value):
            self.plan.unchanged += 1
            return
        if stored:
            self._change(row, stored[0][1])
        else:
            self.plan.added += 1

        def apply(actor: Any, reason: str, note: str) -> None:
            appraisal_services.rating_record(
                appraisal=appraisal,
                actor=actor,
                item=row.item,
                role=role,
                value=value,
                rater=rater,
                comment=note,
                reason=reason,
            )

        self.plan.operations.append((row, apply))

    def _event(self, row: FactRow, appraisal: Appraisal, scheme: EngineScheme) -> None:
        if row.item:
            item = self._item(row, scheme)
            if item is None:
                return
            names = item.rule.event_names()
            if row.key not in names:
                self.problem(
                    row,
                    "key",
                    _("the item %(item)s has no event %(event)s (its events: %(events)s)")
                    % {
                        "item": item.code,
                        "event": row.key or "—",
                        "events": ", ".join(sorted(names)) or "—",
                    },
                )
                return
        elif not row.key:
            self.problem(row, "key", _("an event needs a name"))
            return
        if not self._allowed(row, appraisal, row.item):
            return
        if self._number(row, minimum=0) is None:
            return
        self.events[(appraisal.pk, row.item, row.key)].append(row)

    def _adjustment(self, row: FactRow, appraisal: Appraisal, scheme: EngineScheme) -> None:
        name = row.item or row.key
        kinds = {adjustment.name: adjustment.kind for adjustment in scheme.adjustments}
        if kinds.get(name) not in ("bonus", "penalty"):
            self.problem(
                row,
                "item",
                _("the scheme %(scheme)s has no bonus or penalty %(name)s")
                % {"scheme": scheme.code, "name": name or "—"},
            )
            return
        if not self._allowed(row, appraisal, "") or self._number(row) is None:
            return
        self.amounts[(appraisal.pk, name)].append(row)

    def _group(self, row: FactRow) -> None:
        attribute, _sep, value = row.item.partition("=")
        if not value or not row.key:
            self.problem(
                row, "item", _("a group row names its group as attribute=value, e.g. level=中层")
            )
            return
        if not roles.is_hr(self.context.actor):
            self.problem(row, "item", _("only HR may set group inputs"))
            return
        amount = self._number(row)
        if amount is None or self._duplicate(row, ("group", row.item, row.key)):
            return
        key = (attribute.strip(), value.strip(), row.key)
        stored = self.context.groups.get(key)
        if stored is not None and float(stored) == float(amount):
            self.plan.unchanged += 1
            return
        if stored is not None:
            self._change(row, stored)
        cycle = self.context.cycle

        def apply(actor: Any, reason: str, note: str) -> None:
            appraisal_services.group_input_set(
                cycle=cycle, actor=actor, attribute=key[0], value=key[1], key=key[2], amount=amount
            )

        self.plan.operations.append((row, apply))

    # -- writing single facts ----------------------------------------------------
    def _fact(self, row: FactRow, appraisal: Appraisal, kind: str, value: Any) -> None:
        key = row.key if kind == "input" else ""
        if self._duplicate(row, (appraisal.pk, row.item, kind, key)):
            return
        stored_key = (appraisal.pk, row.item, kind, key)
        if stored_key not in self.context.facts:
            self.plan.added += 1
            fact = Fact(appraisal=appraisal, item=row.item, kind=kind, key=key, value=value)
            self.plan.new_facts.append((row, fact))
            return
        stored = self.context.facts[stored_key]
        if stored == value:
            self.plan.unchanged += 1
            return
        self._change(row, stored)

        def apply(actor: Any, reason: str, note: str) -> None:
            appraisal_services.fact_record(
                appraisal=appraisal,
                actor=actor,
                kind=kind,
                item=row.item,
                key=key,
                value=value,
                source=FactSource.IMPORT,
                note=note[:300],
                reason=reason,
            )

        self.plan.operations.append((row, apply))

    def _change(self, row: FactRow, stored: Any) -> None:
        self.plan.changed += 1
        self.pending_changes.append((row, stored))

    # -- events and amounts are lists: decided once all rows are read -----------
    def finish(self) -> None:
        for (appraisal_id, item, name), rows in self.events.items():
            self._events(appraisal_id, item, name, rows)
        for (appraisal_id, name), rows in self.amounts.items():
            self._amounts(appraisal_id, name, rows)

    def _appraisal(self, pk: int) -> Appraisal:
        return self.by_pk[pk]

    def _events(self, appraisal_id: int, item: str, name: str, rows: list[FactRow]) -> None:
        stored = self.context.events.get((appraisal_id, item, name), [])
        appraisal = self._appraisal(appraisal_id)
        values = [number(row.value) or 0 for row in rows]
        to_add: list[tuple[int, float | None]] = []
        if len(rows) == 1 and all(size is None for _count, size in stored):
            have = sum(count for count, _size in stored)
            want = values[0]
            if not float(want).is_integer():
                self.problem(rows[0], "value", _("a count of events is a whole number"))
                return
            if int(want) > have:
                to_add = [(int(want) - have, None)]
            elif int(want) < have:
                self._fewer(rows[0], have)
                return
        else:
            have_sizes = Counter(
                float(size if size is not None else 1)
                for count, size in stored
                for _ in range(count)
            )
            want_sizes = Counter(float(v) for v in values)
            if have_sizes - want_sizes:
                self._fewer(rows[-1], sum(have_sizes.values()))
                return
            to_add = [(1, size) for size in (want_sizes - have_sizes).elements()]
        if not to_add:
            self.plan.unchanged += len(rows)
            return
        self.plan.added += len(rows)
        day = min(self.context.cycle.end, max(self.context.cycle.start, datetime.date.today()))
        for count, size in to_add:

            def apply(
                actor: Any, reason: str, note: str, count: int = count, size: float | None = size
            ) -> None:
                appraisal_services.event_record(
                    appraisal=appraisal,
                    actor=actor,
                    item=item,
                    name=name,
                    occurred_on=day,
                    description=note,
                    count=count,
                    size=size,
                    source=FactSource.IMPORT,
                    reason=reason,
                )

            self.plan.operations.append((rows[0], apply))

    def _fewer(self, row: FactRow, have: int) -> None:
        self.problem(
            row,
            "value",
            _(
                "%(have)d events are already recorded, more than the file gives; remove"
                " events in the application, the import only adds them"
            )
            % {"have": have},
        )

    def _amounts(self, appraisal_id: int, name: str, rows: list[FactRow]) -> None:
        stored = Counter(float(a) for a in self.context.adjustments.get((appraisal_id, name), []))
        wanted = Counter(float(number(row.value) or 0) for row in rows)
        if stored - wanted:
            self.problem(
                rows[-1],
                "value",
                _(
                    "amounts already recorded for %(name)s are not in the file; remove them in"
                    " the application, the import only adds them"
                )
                % {"name": name},
            )
            return
        missing = list((wanted - stored).elements())
        self.plan.unchanged += len(rows) - len(missing)
        self.plan.added += len(missing)
        appraisal = self._appraisal(appraisal_id)
        for amount in missing:

            def apply(actor: Any, reason: str, note: str, amount: float = amount) -> None:
                appraisal_services.adjustment_record(
                    appraisal=appraisal,
                    actor=actor,
                    name=name,
                    amount=amount,
                    reason=reason or note,
                )

            self.plan.operations.append((rows[-1], apply))
