"""Turning imported fact rows into commands of the fact pipeline.

Everything the plan needs is read first, in a few queries (the cycle's
appraisals, the facts, events and amounts already stored); then every row
becomes a command of `jixiao.appraisals.services.pipeline` or, for what only a
workbook can get wrong (an unknown kind or appraisee, a period outside the
cycle, the same fact twice in the file), a problem on its cell. The pipeline
checks the commands — the appraisal's state, the person's rights, the item's
rule — in the same words as the forms and the API, and writes them.

Events and amounts are lists: the file gives all of them, and only those not
stored yet become commands (the import adds, never removes). A value the
pipeline must refuse (a negative count, a word for an amount) still becomes a
command, so that the refusal is the pipeline's own.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from jixiao.appraisals import services as appraisal_services
from jixiao.appraisals.access import SELF_ROLES, SUPERVISOR_ROLES, appraisals_visible_to
from jixiao.appraisals.models import (
    AdjustmentEntry,
    Appraisal,
    Cycle,
    Event,
    FactSource,
    GroupInput,
)
from jixiao.appraisals.services.pipeline import (
    SINGLE_RATER_ROLES,
    AdjustmentCommand,
    Command,
    EventCommand,
    FactBook,
    InputCommand,
    Problem,
    RatingCommand,
    ScoreCommand,
    ValueCommand,
)
from jixiao.core import roles
from jixiao.scoring.facts_io import normalize_period
from jixiao.spreadsheets.facts import KINDS, FactRow
from jixiao.spreadsheets.readers import number, text
from jixiao.spreadsheets.writers import CellProblem

SINGLE_ROLES = SINGLE_RATER_ROLES
Apply = Callable[[Any], None]  # (actor)
# The column of a row that a pipeline problem points at.
PARTS = {"appraisal": "appraisee", "cycle": "appraisee", "item": "item", "key": "key"}


@dataclass
class Plan:
    commands: list[Command] = field(default_factory=list)
    rows: list[FactRow] = field(default_factory=list)  # the row of each command
    groups: list[tuple[FactRow, Apply]] = field(default_factory=list)  # the cycle's inputs
    problems: list[CellProblem] = field(default_factory=list)
    added: int = 0  # group inputs; the commands' outcomes are counted when written
    changed: int = 0
    unchanged: int = 0  # rows that repeat what is stored (counts, amounts, attributes …)

    def command(self, row: FactRow, command: Command) -> None:
        self.commands.append(command)
        self.rows.append(row)

    def cell_problems(self, problems: list[Problem]) -> list[CellProblem]:
        """The pipeline's problems on the cells of the rows they came from."""
        return [
            self.rows[problem.index].problem(PARTS.get(problem.field, "value"), problem.message)
            for problem in problems
        ]


class CycleFacts:
    """The cycle's appraisals and what is stored for them, read once."""

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
        self.book = FactBook(appraisals=self.appraisals.values(), actor=actor)
        ids = list(self.book.appraisals)
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


def plan_facts(
    rows: list[FactRow], context: CycleFacts, *, reason: str = "", file_name: str = ""
) -> Plan:
    """Every row as a command, or as a problem on its cell. A group input that would
    change a stored one is a problem unless a reason is given (the facts' changes
    are the pipeline's to judge)."""
    plan = Plan()
    planner = _Planner(context, plan, file_name, reason)
    for row in rows:
        planner.row(row)
    planner.finish()
    if not reason.strip():
        for row, stored in planner.pending_changes:
            plan.problems.append(
                row.problem(
                    "value",
                    _(
                        "changes the recorded value %(stored)s: give a reason to change"
                        " recorded facts"
                    )
                    % {"stored": text(stored)},
                )
            )
    return plan


def _cell_value(raw: Any) -> Any:
    """A cell as the pipeline reads it: a number when it is one, its text otherwise."""
    found = number(raw)
    return found if found is not None else text(raw)


class _Planner:
    def __init__(self, context: CycleFacts, plan: Plan, file_name: str, reason: str) -> None:
        self.context = context
        self.reason = reason.strip()
        self.plan = plan
        self.file_name = file_name
        self.seen: dict[tuple[Any, ...], FactRow] = {}
        self.events: dict[tuple[int, str, str], list[FactRow]] = defaultdict(list)
        self.amounts: dict[tuple[int, str], list[FactRow]] = defaultdict(list)
        self.period_problem: dict[str, str | None] = {}
        self.pending_changes: list[tuple[FactRow, Any]] = []

    def problem(self, row: FactRow, part: str, message: str) -> None:
        self.plan.problems.append(row.problem(part, message))

    def note(self, row: FactRow) -> str:
        return f"{self.file_name} {row.sheet}!{row.row}".strip()[:300]

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
        getattr(self, f"_{row.kind}")(row, appraisal)

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

    # -- kinds -----------------------------------------------------------------
    def _attribute(self, row: FactRow, appraisal: Appraisal) -> None:
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

    def _common(self, row: FactRow, appraisal: Appraisal) -> dict[str, Any]:
        return {"appraisal": appraisal, "item": row.item, "source": FactSource.IMPORT}

    def _input(self, row: FactRow, appraisal: Appraisal) -> None:
        if self._duplicate(row, (appraisal.pk, row.item, "input", row.key)):
            return
        value = _cell_value(row.value)
        command = InputCommand(
            key=row.key, value=value, note=self.note(row), **self._common(row, appraisal)
        )
        self.plan.command(row, command)

    def _value(self, row: FactRow, appraisal: Appraisal) -> None:
        if self._duplicate(row, (appraisal.pk, row.item, "value")):
            return
        command = ValueCommand(
            value=_cell_value(row.value), note=self.note(row), **self._common(row, appraisal)
        )
        self.plan.command(row, command)

    def _score(self, row: FactRow, appraisal: Appraisal) -> None:
        if self._duplicate(row, (appraisal.pk, row.item, "score")):
            return
        command = ScoreCommand(
            value=_cell_value(row.value), note=self.note(row), **self._common(row, appraisal)
        )
        self.plan.command(row, command)

    def _rating(self, row: FactRow, appraisal: Appraisal) -> None:
        role = row.key
        if role and role not in SINGLE_ROLES:
            self.problem(
                row,
                "key",
                _(
                    "a %(role)s rating needs its rater: enter ratings of this role in the"
                    " application (self, supervisor and indirect ratings can be imported)"
                )
                % {"role": role},
            )
            return
        if self._duplicate(row, (appraisal.pk, row.item, "rating", role)):
            return
        command = RatingCommand(
            role=role,
            value=_cell_value(row.value),
            rater=rater_for(appraisal, role, self.context.actor),
            comment=self.note(row),
            **self._common(row, appraisal),
        )
        self.plan.command(row, command)

    def _event(self, row: FactRow, appraisal: Appraisal) -> None:
        self.events[(appraisal.pk, row.item, row.key)].append(row)

    def _adjustment(self, row: FactRow, appraisal: Appraisal) -> None:
        self.amounts[(appraisal.pk, row.item or row.key)].append(row)

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
        amount = number(row.value)
        if amount is None:
            self.problem(row, "value", _("%(value)s is not a number") % {"value": text(row.value)})
            return
        if self._duplicate(row, ("group", row.item, row.key)):
            return
        key = (attribute.strip(), value.strip(), row.key)
        stored = self.context.groups.get(key)
        if stored is not None and float(stored) == float(amount):
            self.plan.unchanged += 1
            return
        if stored is not None:
            self.plan.changed += 1
            self.pending_changes.append((row, stored))
        else:
            self.plan.added += 1
        cycle = self.context.cycle

        def apply(actor: Any) -> None:
            appraisal_services.group_input_set(
                cycle=cycle, actor=actor, attribute=key[0], value=key[1], key=key[2], amount=amount
            )

        self.plan.groups.append((row, apply))

    # -- events and amounts are lists: decided once all rows are read -----------
    def finish(self) -> None:
        for (appraisal_id, item, name), rows in self.events.items():
            self._events(self.context.book.appraisals[appraisal_id], item, name, rows)
        for (appraisal_id, name), rows in self.amounts.items():
            self._amounts(self.context.book.appraisals[appraisal_id], name, rows)

    def _event_command(self, row: FactRow, appraisal: Appraisal, count: Any, size: Any) -> None:
        cycle = self.context.cycle
        day = min(cycle.end, max(cycle.start, datetime.date.today()))
        command = EventCommand(
            name=row.key,
            occurred_on=day,
            description=self.note(row),
            count=count,
            size=size,
            **self._common(row, appraisal),
        )
        self.plan.command(row, command)

    def _events(self, appraisal: Appraisal, item: str, name: str, rows: list[FactRow]) -> None:
        values = [number(row.value) for row in rows]
        bad = [row for row, value in zip(rows, values, strict=True) if value is None or value < 0]
        if bad:  # the pipeline says what a count or a size may be
            for row in bad:
                if len(rows) == 1:
                    self._event_command(row, appraisal, _cell_value(row.value), None)
                else:
                    self._event_command(row, appraisal, 1, _cell_value(row.value))
            return
        stored = self.context.events.get((appraisal.pk, item, name), [])
        if len(rows) == 1 and all(size is None for _count, size in stored):
            have = sum(count for count, _size in stored)
            want = values[0] or 0
            if not float(want).is_integer() or int(want) > have:
                self._event_command(rows[0], appraisal, want - have, None)  # a fraction: refused
            elif int(want) < have:
                self._fewer(rows[0], have)
            else:
                self.plan.unchanged += 1
            return
        have_sizes = Counter(
            float(size if size is not None else 1) for count, size in stored for _ in range(count)
        )
        want_sizes = Counter(float(v or 0) for v in values)
        if have_sizes - want_sizes:
            self._fewer(rows[-1], sum(have_sizes.values()))
            return
        missing = list((want_sizes - have_sizes).elements())
        self.plan.unchanged += len(rows) - len(missing)
        for size in missing:
            row = next(r for r, v in zip(rows, values, strict=True) if float(v or 0) == size)
            self._event_command(row, appraisal, 1, size)

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

    def _amounts(self, appraisal: Appraisal, name: str, rows: list[FactRow]) -> None:
        def command(row: FactRow, amount: Any) -> None:
            self.plan.command(
                row,
                AdjustmentCommand(
                    appraisal=appraisal,
                    name=name,
                    amount=amount,
                    source=FactSource.IMPORT,
                    reason=self.reason or self.note(row),
                ),
            )

        bad = [row for row in rows if number(row.value) is None]
        if bad:
            for row in bad:
                command(row, _cell_value(row.value))
            return
        stored = Counter(float(a) for a in self.context.adjustments.get((appraisal.pk, name), []))
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
        for amount in missing:
            row = next(r for r in rows if float(number(r.value) or 0) == amount)
            command(row, amount)
