"""The trial calculation (试算): a form generated from a scheme's items — a value,
inputs, events, ratings or a score, as each rule needs — scored for one made-up
appraisee through the engine. Nothing is stored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from jixiao.appraisals.models.results import engine_language
from jixiao.hr.familiar import rule_label
from jixiao.scoring import FactsError, facts_from_data, score
from jixiao.scoring import Scheme as EngineScheme
from jixiao.scoring.describe import item_labels, name_of, rater_name
from jixiao.scoring.model import Item
from jixiao.scoring.wording import language


@dataclass(frozen=True)
class Field:
    name: str  # the form field's name, e.g. "ev|部门管理|violation"
    label: str
    kind: str = "number"  # number | text | select
    choices: tuple[str, ...] = ()
    hint: str = ""


@dataclass
class ItemFields:
    code: str
    name: str
    rule: str
    fields: list[Field] = field(default_factory=list)


def _rater_types(scheme: EngineScheme, item: Item) -> tuple[str, ...]:
    raters = item.raters or scheme.raters
    return raters.types if raters is not None else ()


def _levels(item: Item) -> tuple[str, ...]:
    levels = getattr(item.rule, "levels", None)
    return tuple(str(name) for name, _points in levels) if levels else ()


def item_fields(scheme: EngineScheme, item: Item) -> ItemFields:
    """The boxes of one item; inputs and events shown by what people call them
    (the item's `labels`), raters by their role in words."""
    found = ItemFields(item.code, item.name, rule_label(item.rule.kind))
    labels = item_labels(item)
    events = item.rule.event_names()
    names: set[str] = set()
    for expression in (item.measure, *item.rule.expressions()):
        if expression is not None:
            names |= set(expression.names)
    for name in sorted(names - events):
        found.fields.append(Field(f"in|{item.code}|{name}", name_of(name, labels), hint=_("input")))
    if item.measure is None and item.rule.needs_value:
        found.fields.append(Field(f"v|{item.code}", _("value"), hint=_("e.g. 0.97 or 97%")))
    for name in sorted(events):
        found.fields.append(
            Field(f"ev|{item.code}|{name}", name_of(name, labels), hint=_("occurrences"))
        )
    if item.rule.takes_ratings():
        levels = _levels(item)
        kind, choices = ("select", ("", *levels)) if levels else ("number", ())
        types = _rater_types(scheme, item)
        if types:
            for role in types:
                found.fields.append(
                    Field(
                        f"r|{item.code}|{role}",
                        _rater(role, labels),
                        kind,
                        choices,
                        hint=_("rating"),
                    )
                )
        elif item.rule.kind == "direct":
            found.fields.append(Field(f"s|{item.code}", _("score"), hint=_("score")))
        elif not item.rule.needs_value:
            found.fields.append(Field(f"v|{item.code}", _("level"), kind, choices))
    return found


def attribute_name(attribute: str) -> str:
    """An appraisee attribute the engine groups by, in words."""
    names = {"department": _("department"), "level": _("job level"), "unit": _("unit")}
    return str(names.get(attribute, attribute))


def _rater(role: str, labels: Mapping[str, str]) -> str:
    with language(engine_language(get_language() or "")):
        return rater_name(role, labels)


def adjustment_fields(scheme: EngineScheme) -> list[Field]:
    fields: list[Field] = []
    names: set[str] = set()
    for adjustment in scheme.adjustments:
        if adjustment.kind in ("bonus", "penalty"):
            fields.append(Field(f"adj|{adjustment.name}", adjustment.name, hint=adjustment.kind))
        elif adjustment.kind in ("add", "deduct") and adjustment.events is not None:
            for name in sorted(adjustment.events.names):
                fields.append(Field(f"aev|{name}", name, hint=adjustment.name))
        elif adjustment.kind == "coefficient" and adjustment.by:
            choices = ("", *(str(value) for value in adjustment.values))
            fields.append(Field(f"ain|{adjustment.by}", adjustment.by, "select", choices))
            names.add(adjustment.by)
        elif adjustment.kind == "gate" and adjustment.when is not None:
            for name in sorted(set(adjustment.when.names) - names):
                fields.append(Field(f"ain|{name}", name, hint=adjustment.name))
                names.add(name)
        elif adjustment.kind == "points" and adjustment.item is not None:
            fields += _points_fields(adjustment.name, adjustment.item, names)
    return fields + _outcome_fields(scheme, names)


def _points_fields(name: str, item: Item, names: set[str]) -> list[Field]:
    """A points line (v1.1) reads the appraisee's own inputs and events, shown by what
    people call them (its `labels`)."""
    labels = item_labels(item)
    events = item.rule.event_names()
    read: set[str] = set()
    for expression in (item.measure, *item.rule.expressions()):
        if expression is not None:
            read |= set(expression.names)
    fields = []
    for one in sorted(read - events - names):
        fields.append(Field(f"ain|{one}", name_of(one, labels), hint=name))
        names.add(one)
    for event in sorted(events):
        fields.append(Field(f"aev|{event}", name_of(event, labels), hint=name))
    return fields


def _outcome_fields(scheme: EngineScheme, names: set[str]) -> list[Field]:
    """Pay needs the appraisee's group and its pool; salary steps the current grade."""
    fields: list[Field] = []
    pay, salary = scheme.outcomes.pay, scheme.outcomes.salary
    if pay is not None:
        if pay.within:
            fields.append(
                Field(f"attr|{pay.within}", attribute_name(pay.within), "text", hint=_("group"))
            )
        group = pay.within or "all"
        fields.append(Field(f"grp|{group}|{pay.pool}", pay.pool, hint=_("pay pool")))
    if salary is not None:
        for name in (salary.current, salary.min, salary.max):
            if name and name not in names:
                fields.append(Field(f"ain|{name}", name, hint=_("salary grade")))
                names.add(name)
    return fields


def trial_form(scheme: EngineScheme) -> tuple[list[ItemFields], list[Field]]:
    return [item_fields(scheme, item) for item in scheme.items], adjustment_fields(scheme)


def _number(text: str) -> float | str:
    cleaned = text.strip().replace(",", "")
    try:
        if cleaned.endswith("%"):
            return float(cleaned[:-1]) / 100
        return float(cleaned)
    except ValueError:
        return text.strip()


def _count(text: str) -> int | list[float] | None:
    """An event: a count (`3`), or sizes separated by commas or spaces (`3, 1`)."""
    parts = [part for part in text.replace("，", ",").replace(",", " ").split() if part]
    if not parts:
        return None
    try:
        if len(parts) == 1 and float(parts[0]).is_integer():
            return int(float(parts[0]))
        return [float(part) for part in parts]
    except ValueError:
        return None


def facts_document(values: Mapping[str, str], period: str = "") -> dict[str, Any]:
    """One appraisee's facts (§14) from the trial form's fields; blanks are left out."""
    facts: dict[str, dict[str, Any]] = {}
    appraisee: dict[str, Any] = {"id": "TRIAL", "name": _("trial")}
    for key, raw in values.items():
        if not isinstance(raw, str) or not raw.strip():
            continue
        parts = key.split("|")
        kind = parts[0]
        if kind == "v" and len(parts) == 2:
            facts.setdefault(parts[1], {})["value"] = _number(raw)
        elif kind == "s" and len(parts) == 2:
            facts.setdefault(parts[1], {})["score"] = _number(raw)
        elif kind == "in" and len(parts) == 3:
            facts.setdefault(parts[1], {}).setdefault("inputs", {})[parts[2]] = _number(raw)
        elif kind == "ev" and len(parts) == 3 and _count(raw) is not None:
            facts.setdefault(parts[1], {}).setdefault("events", {})[parts[2]] = _count(raw)
        elif kind == "r" and len(parts) == 3:
            facts.setdefault(parts[1], {}).setdefault("ratings", {})[parts[2]] = _number(raw)
        elif kind == "ain" and len(parts) == 2:
            appraisee.setdefault("inputs", {})[parts[1]] = _number(raw)
        elif kind == "aev" and len(parts) == 2 and _count(raw) is not None:
            appraisee.setdefault("events", {})[parts[1]] = _count(raw)
        elif kind == "adj" and len(parts) == 2 and isinstance(_number(raw), float):
            appraisee.setdefault("adjustments", {})[parts[1]] = [_number(raw)]
    groups: dict[str, dict[str, dict[str, Any]]] = {}
    for key, raw in values.items():
        parts = key.split("|")
        if parts[0] == "attr" and len(parts) == 2 and isinstance(raw, str) and raw.strip():
            appraisee.setdefault("attributes", {})[parts[1]] = raw.strip()
    for key, raw in values.items():
        parts = key.split("|")
        amount = _number(raw) if isinstance(raw, str) and raw.strip() else None
        if parts[0] == "grp" and len(parts) == 3 and isinstance(amount, float):
            attribute = parts[1]
            group = "all" if attribute == "all" else appraisee.get("attributes", {}).get(attribute)
            if group:
                groups.setdefault(attribute, {}).setdefault(str(group), {})[parts[2]] = amount
    if facts:
        appraisee["facts"] = facts
    document: dict[str, Any] = {"appraisees": [appraisee]}
    if groups:
        document["groups"] = groups
    if period.strip():
        document["period"] = period.strip()
    return document


def trial_score(
    scheme: EngineScheme, values: Mapping[str, str], period: str = ""
) -> dict[str, Any]:
    """The engine's result for the trial appraisee, or `{"problems": [...]}` when the
    facts themselves cannot be read."""
    document = facts_document(values, period)
    try:
        factset = facts_from_data(document).periods[0]
    except FactsError as exc:
        return {"problems": [str(problem) for problem in exc.problems]}
    run = score(scheme, factset)
    with language(engine_language(get_language() or "")):  # traces in the page's language
        result = dict(run.result(0))
    result["outcome_words"] = outcome_words(result.get("outcomes") or {})
    return result


def outcome_words(outcomes: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The result's outcomes as a person reads them: each by its name in words, a value
    not given (no pay without a pool) as a dash."""
    names = {
        "pay": _("performance pay"),
        "salary_step": _("salary steps"),
        "salary_grade": _("salary grade"),
        "fee_deduction": _("service fee deducted"),
        "triggers": _("contract clauses triggered"),
    }
    shown = []
    for key, value in outcomes.items():
        if key == "trigger_periods":  # the months behind each clause: not a value to show
            continue
        if value is None or value == []:
            text = "—"
        elif isinstance(value, list):
            text = "、".join(str(v) for v in value)
        else:
            text = str(value)
        shown.append((str(names.get(key, key)), text))
    return shown
