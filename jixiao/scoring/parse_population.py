"""Reading the parts of a scheme after the items: adjustments (§7), grades (§8),
ranking (§9), distribution (§10), normalisation (§11), outcomes (§12), limits (§13)."""

from __future__ import annotations

from collections.abc import Mapping
from difflib import get_close_matches
from typing import Any

from jixiao.scoring.conditions import Condition
from jixiao.scoring.contracts import Trigger
from jixiao.scoring.errors import Path
from jixiao.scoring.model import (
    Adjustment,
    ContractOutcome,
    Distribution,
    GradeRow,
    LabelOutcome,
    Limits,
    Normalize,
    Outcomes,
    PayOutcome,
    Ranking,
    SalaryOutcome,
)
from jixiao.scoring.points import parse_points
from jixiao.scoring.reader import SchemeReader, did_you_mean
from jixiao.scoring.rules.events import parse_event_rule
from jixiao.scoring.wording import say

ADJUSTMENT_KINDS = ("bonus", "penalty", "add", "deduct", "coefficient", "gate", "points")
GATE_EFFECTS = ("zero", "no_bonus", "cap_grade", "flag")


def parse_adjustments(reader: SchemeReader, raw: object, path: Path) -> tuple[Adjustment, ...]:
    found = []
    names: set[str] = set()
    for index, entry in enumerate(reader.listing(raw, path, "adjustments")):
        adjustment = _adjustment(reader, entry, (*path, index))
        if adjustment is None:
            continue
        if adjustment.name in names:
            reader.problem(
                (*path, index, "name"),
                say("adjustment {name!r} is named twice", name=adjustment.name),
            )
        names.add(adjustment.name)
        found.append(adjustment)
    return tuple(found)


def _adjustment(reader: SchemeReader, raw: object, path: Path) -> Adjustment | None:
    spec = reader.keys(raw, path, ("name", "note", *ADJUSTMENT_KINDS), ("name",))
    if spec is None:
        return None
    name = reader.text(spec.get("name"), (*path, "name")) or ""
    kinds = [key for key in ADJUSTMENT_KINDS if key in spec]
    if len(kinds) != 1:
        reader.problem(path, say("give exactly one of {kinds}", kinds=", ".join(ADJUSTMENT_KINDS)))
        return None
    kind = kinds[0]
    where = (*path, kind)
    if kind == "points":  # v1.1 §7
        return parse_points(reader, name, spec[kind], where, path)
    if kind in ("bonus", "penalty"):
        return _amounts(reader, name, kind, spec[kind], where, path)
    if kind in ("add", "deduct"):
        body = reader.keys(spec[kind], where, ("per", "cap"), ("per",))
        if body is None:
            return None
        events = parse_event_rule(body["per"], reader, (*where, "per"))
        cap = reader.number(body["cap"], (*where, "cap"), minimum=0) if "cap" in body else None
        return None if events is None else Adjustment(name, kind, path, events=events, cap=cap)
    if kind == "coefficient":
        body = reader.keys(spec[kind], where, ("by", "values"), ("by", "values"))
        if body is None:
            return None
        values = body["values"]
        if not isinstance(values, Mapping) or not values:
            reader.problem(
                (*where, "values"),
                say("expected {{value: coefficient}}, e.g. {{none: 1, major: 0.5}}"),
            )
            return None
        numbers = {
            str(k): reader.number(v, (*where, "values", str(k)), minimum=0)
            for k, v in values.items()
        }
        if any(v is None for v in numbers.values()):
            return None
        clean = {k: float(v) for k, v in numbers.items() if v is not None}
        return Adjustment(name, kind, path, by=str(body["by"]), values=clean)
    return _gate(reader, name, spec[kind], where, path)


def _amounts(
    reader: SchemeReader, name: str, kind: str, raw: object, where: Path, path: Path
) -> Adjustment | None:
    body = reader.keys(raw if raw is not None else {}, where, ("each", "range", "cap"))
    if body is None:
        return None
    if "each" in body and "range" in body:
        reader.problem(where, say("give each or range, not both"))
        return None
    bounds = None
    key = "each" if "each" in body else "range" if "range" in body else None
    if key is not None:
        pair = body[key]
        if not isinstance(pair, list) or len(pair) != 2:
            reader.problem((*where, key), say("expected [low, high], e.g. [5, 10]"))
            return None
        low, high = (
            reader.number(pair[0], (*where, key, 0)),
            reader.number(pair[1], (*where, key, 1)),
        )
        if low is None or high is None:
            return None
        if low > high:
            reader.problem((*where, key), say("low is above high"))
            return None
        bounds = (low, high)
    cap = reader.number(body["cap"], (*where, "cap"), minimum=0) if "cap" in body else None
    return Adjustment(name, kind, path, each=bounds, cap=cap)


def _gate(
    reader: SchemeReader, name: str, raw: object, where: Path, path: Path
) -> Adjustment | None:
    body = reader.keys(raw, where, ("when", "effect", "cap_grade", "flag"), ("when",))
    if body is None:
        return None
    when = reader.expression(body["when"], (*where, "when"))
    effect: Any = body.get("effect")
    value = ""
    if isinstance(effect, Mapping) and len(effect) == 1:
        effect, value = next(iter(effect.items()))
    for key in ("cap_grade", "flag"):
        if key in body:
            effect, value = key, body[key]
    if effect not in GATE_EFFECTS:
        reader.problem(
            (*where, "effect"), say("effect is one of {effects}", effects=", ".join(GATE_EFFECTS))
        )
        return None
    if effect in ("cap_grade", "flag") and not str(value or "").strip():
        reader.problem(
            (*where, "effect"),
            say(
                "{effect} needs a value, e.g. {example}",
                effect=effect,
                example=f"{{{effect}: 合格}}",
            ),
        )
        return None
    if when is None:
        return None
    return Adjustment(
        name, "gate", path, when=when, effect=str(effect), effect_value=str(value or "")
    )


def parse_grades(reader: SchemeReader, raw: object, path: Path) -> tuple[GradeRow, ...]:
    rows: list[GradeRow] = []
    for index, row in enumerate(reader.listing(raw, path, "grade rows")):
        where = (*path, index)
        if not isinstance(row, list) or len(row) not in (2, 3):
            reader.problem(
                where,
                say("a grade row is [condition, grade] or [condition, grade, {{top: 20%}}]"),
            )
            continue
        condition = reader.condition(row[0], (*where, 0))
        grade = reader.text(row[1], (*where, 1))
        top = None
        if len(row) == 3:
            extra = reader.keys(row[2], (*where, 2), ("top",), ("top",))
            if extra is not None:
                top = reader.number(extra["top"], (*where, 2, "top"), minimum=0)
        if rows and rows[-1].condition.is_else:
            reader.problem(where, say("no row can follow else"))
        if condition is not None and grade is not None:
            rows.append(GradeRow(condition, grade, top))
    return tuple(rows)


def parse_ranking(reader: SchemeReader, raw: object, path: Path) -> Ranking | None:
    if raw is None:
        return None
    spec = reader.keys(raw, path, ("within", "by"))
    if spec is None:
        return None
    by = spec.get("by", "total")
    if by not in ("total", "normalized"):
        reader.problem((*path, "by"), say("by is total (default) or normalized"))
    within = spec.get("within")
    return Ranking(within=None if within is None else str(within), by=str(by))


def parse_distribution(reader: SchemeReader, raw: object, path: Path) -> Distribution | None:
    if raw is None:
        return None
    spec = reader.keys(raw, path, ("within", "quotas"), ("quotas",))
    if spec is None:
        return None
    quotas = spec["quotas"]
    if not isinstance(quotas, Mapping) or not quotas:
        reader.problem(
            (*path, "quotas"),
            say("expected {{grade: share}} best to worst, e.g. {{A: 10%, B: 20%}}"),
        )
        return None
    numbers = {
        str(k): reader.number(v, (*path, "quotas", str(k)), minimum=0) for k, v in quotas.items()
    }
    if any(v is None for v in numbers.values()):
        return None
    total = sum(v for v in numbers.values() if v is not None)
    if abs(total - 1) > 1e-9:
        reader.problem(
            (*path, "quotas"),
            say("the quotas add up to {total}%, not 100%", total=f"{total * 100:g}"),
        )
        return None
    within = spec.get("within")
    return Distribution(
        within=None if within is None else str(within),
        grades=tuple(numbers),
        quotas=tuple(float(v or 0) for v in numbers.values()),
    )


def parse_normalize(reader: SchemeReader, raw: object, path: Path) -> Normalize | None:
    if raw is None:
        return None
    spec = reader.keys(raw, path, ("within", "method", "group_factor"), ("within",))
    if spec is None:
        return None
    method = spec.get("method", "mean_to_100")
    if method != "mean_to_100":
        reader.problem((*path, "method"), say("method is mean_to_100"))
    by, cap = None, None
    if spec.get("group_factor") is not None:
        factor = reader.keys(spec["group_factor"], (*path, "group_factor"), ("by", "cap"), ("by",))
        if factor is not None:
            by = str(factor["by"])
            raw_cap = factor.get("cap")
            if raw_cap == "spread" or raw_cap is None:
                cap = raw_cap
            else:
                cap = reader.number(raw_cap, (*path, "group_factor", "cap"), minimum=1)
    return Normalize(within=str(spec["within"]), method=str(method), by=by, cap=cap)


OUTCOME_KINDS = ("pay", "salary", "contract")
# the result's own outcome names (§12): a label outcome may not take one
RESULT_OUTCOMES = (
    "pay", "salary_step", "salary_grade", "fee_deduction", "triggers", "reference_period",
    "failed_items", "trigger_periods",
)  # fmt: skip
LABEL_BY = ("total", "normalized", "grade")


def parse_outcomes(reader: SchemeReader, raw: object, path: Path) -> Outcomes:
    if raw is None:
        return Outcomes()
    if not isinstance(raw, Mapping):
        reader.problem(path, say("expected a mapping with {keys}", keys=", ".join(OUTCOME_KINDS)))
        return Outcomes()
    spec = {str(k): v for k, v in raw.items()}
    labels = tuple(
        found
        for name, body in spec.items()
        if name not in OUTCOME_KINDS
        and (found := _label(reader, name, body, (*path, name))) is not None
    )
    return Outcomes(
        pay=_pay(reader, spec["pay"], (*path, "pay")) if "pay" in spec else None,
        salary=_salary(reader, spec["salary"], (*path, "salary")) if "salary" in spec else None,
        contract=_contract(reader, spec["contract"], (*path, "contract"))
        if "contract" in spec
        else None,
        labels=labels,
    )


def _label(reader: SchemeReader, name: str, raw: object, path: Path) -> LabelOutcome | None:
    """A label outcome (§12, v1.1): `{by: total | normalized | grade, table: ...}`."""
    if not isinstance(raw, Mapping) or "table" not in raw:
        near = get_close_matches(name, list(OUTCOME_KINDS), n=1, cutoff=0.6)
        if near:  # `salery: {steps: ...}` is a misspelling, not a label outcome
            reader.problem(path, did_you_mean(name, OUTCOME_KINDS))
            return None
    if name in RESULT_OUTCOMES:
        reader.problem(
            path,
            say(
                "{name!r} is one of the result's own outcome names ({names}); name it otherwise",
                name=name,
                names=", ".join(RESULT_OUTCOMES),
            ),
        )
        return None
    spec = reader.keys(raw, path, ("by", "table"), ("table",))
    if spec is None:
        return None
    by = str(spec.get("by", "total"))
    if by not in LABEL_BY:
        near = get_close_matches(by, list(LABEL_BY), n=1, cutoff=0.6)
        reader.problem(
            (*path, "by"),
            say("by is total (default), normalized or grade; did you mean {near!r}?", near=near[0])
            if near
            else say("by is total (default), normalized or grade"),
        )
        return None
    table = spec["table"]
    where = (*path, "table")
    if by == "grade":
        if not isinstance(table, Mapping) or not table:
            said = say(
                "by grade, the table is {{grade: label}}, e.g. {example}",
                example="{优秀: 优先晋升, 差: 调岗}",
            )
            reader.problem(where, said)
            return None
        grades = {}
        for grade, label in table.items():
            text = reader.text(label, (*where, str(grade)))
            if text is not None:
                grades[str(grade)] = text
        return LabelOutcome(name, by, path, grades=grades)
    if not isinstance(table, list) or not table:
        reader.problem(
            where, say("expected a list of [condition, label] rows, e.g. ['>= 80', 晋升培训]")
        )
        return None
    rows = []
    for index, row in enumerate(table):
        if not isinstance(row, list) or len(row) != 2:
            reader.problem((*where, index), say("a row is [condition, label]"))
            continue
        condition = reader.condition(row[0], (*where, index, 0))
        text = reader.text(row[1], (*where, index, 1))
        if condition is not None and text is not None:
            rows.append((condition, text))
    return LabelOutcome(name, by, path, rows=tuple(rows))


def _pay(reader: SchemeReader, raw: object, path: Path) -> PayOutcome | None:
    spec = reader.keys(
        raw, path, ("coefficients", "pool", "within", "factor"), ("coefficients", "pool")
    )
    if spec is None:
        return None
    raw_coefficients = spec["coefficients"]
    if not isinstance(raw_coefficients, Mapping) or not raw_coefficients:
        reader.problem((*path, "coefficients"), say("expected {{grade: coefficient}}"))
        return None
    coefficients = {}
    for grade, value in raw_coefficients.items():
        number = reader.number(value, (*path, "coefficients", str(grade)), minimum=0)
        if number is not None:
            coefficients[str(grade)] = number
    factor = reader.expression(spec["factor"], (*path, "factor")) if "factor" in spec else None
    within = spec.get("within")
    return PayOutcome(
        coefficients, str(spec["pool"]), None if within is None else str(within), factor
    )


def _rows(
    reader: SchemeReader, raw: object, path: Path, what: str
) -> tuple[tuple[Condition, float], ...]:
    rows = []
    for index, row in enumerate(reader.listing(raw, path, what)):
        where = (*path, index)
        if not isinstance(row, list) or len(row) != 2:
            reader.problem(
                where,
                say("a row is [condition, step]")
                if what == "step"
                else say("a row is [condition, share]"),
            )
            continue
        condition, number = (
            reader.condition(row[0], (*where, 0)),
            reader.number(row[1], (*where, 1)),
        )
        if condition is not None and number is not None:
            rows.append((condition, number))
    return tuple(rows)


def _salary(reader: SchemeReader, raw: object, path: Path) -> SalaryOutcome | None:
    spec = reader.keys(raw, path, ("steps", "current", "min", "max"), ("steps", "current"))
    if spec is None:
        return None
    steps = _rows(reader, spec["steps"], (*path, "steps"), "step")
    low, high = spec.get("min"), spec.get("max")
    return SalaryOutcome(
        steps,
        str(spec["current"]),
        None if low is None else str(low),
        None if high is None else str(high),
    )


def _contract(reader: SchemeReader, raw: object, path: Path) -> ContractOutcome | None:
    spec = reader.keys(raw, path, ("fee_deduction", "reference_periods", "triggers"))
    if spec is None:
        return None
    fee = _rows(reader, spec.get("fee_deduction"), (*path, "fee_deduction"), "share")
    reference = reader.number(
        spec.get("reference_periods", 0), (*path, "reference_periods"), minimum=0
    )
    triggers = []
    names: set[str] = set()
    for index, entry in enumerate(
        reader.listing(spec.get("triggers"), (*path, "triggers"), "triggers")
    ):
        trigger = _trigger(reader, entry, (*path, "triggers", index))
        if trigger is not None:
            if trigger.name in names:
                reader.problem(
                    (*path, "triggers", index, "name"),
                    say("{name!r} is named twice", name=trigger.name),
                )
            names.add(trigger.name)
            triggers.append(trigger)
    return ContractOutcome(fee, int(reference or 0), tuple(triggers))


TRIGGER_KEYS = ("name", "failed_items", "when", "item", "consecutive", "periods", "sum", "reaches")


def _trigger(reader: SchemeReader, raw: object, path: Path) -> Trigger | None:
    """A contract trigger (§12): `failed_items` or `when`, with `consecutive` or
    `periods`; or `sum` with `reaches`; `item` shows that item's facts."""
    body = reader.keys(raw, path, TRIGGER_KEYS, ("name",))
    if body is None:
        return None
    name = reader.text(body.get("name"), (*path, "name"))
    conditions = [key for key in ("failed_items", "when", "sum") if key in body]
    if len(conditions) != 1:
        reader.problem(path, say("give exactly one of failed_items, when or sum"))
        return None
    windows = [key for key in ("consecutive", "periods", "sum") if key in body]
    if len(windows) > 1:
        reader.problem(path, say("give one of consecutive, periods or sum … reaches"))
        return None
    if ("reaches" in body) != ("sum" in body):
        said = say("sum and reaches go together: {example}", example="{sum: losses, reaches: 3}")
        reader.problem(path, said)
        return None
    failed = (
        reader.condition(body["failed_items"], (*path, "failed_items"))
        if "failed_items" in body
        else None
    )
    when = reader.expression(body["when"], (*path, "when")) if "when" in body else None
    total = reader.expression(body["sum"], (*path, "sum")) if "sum" in body else None
    reaches = reader.number(body["reaches"], (*path, "reaches")) if "reaches" in body else None
    consecutive = reader.number(body.get("consecutive", 1), (*path, "consecutive"), minimum=1)
    periods = (
        reader.number(body["periods"], (*path, "periods"), minimum=1) if "periods" in body else None
    )
    item = reader.text(body["item"], (*path, "item")) if "item" in body else None
    if name is None or consecutive is None or (failed, when, total) == (None, None, None):
        return None
    if ("periods" in body and periods is None) or ("reaches" in body and reaches is None):
        return None
    return Trigger(
        name,
        failed,
        int(consecutive),
        when=when,
        periods=None if periods is None else int(periods),
        sum=total,
        reaches=reaches,
        item=item,
    )


def parse_limits(reader: SchemeReader, raw: object, path: Path) -> Limits:
    if raw is None:
        return Limits()
    spec = reader.keys(raw, path, ("max_items", "min_weight", "weight_gap"))
    if spec is None:
        return Limits()
    max_items = (
        reader.number(spec["max_items"], (*path, "max_items"), minimum=1)
        if "max_items" in spec
        else None
    )
    min_weight = (
        reader.number(spec["min_weight"], (*path, "min_weight"), minimum=0)
        if "min_weight" in spec
        else None
    )
    gap = (
        reader.number(spec["weight_gap"], (*path, "weight_gap"), minimum=0)
        if "weight_gap" in spec
        else None
    )
    return Limits(None if max_items is None else int(max_items), min_weight, gap)
