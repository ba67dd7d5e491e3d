"""Every rule said in plain words a person can check (scheme-language §5).

`describe(rule)` says one rule; `describe_item(item)` adds what the item
measures, its standard (达标), when it is due and its default; `describe_scheme`
says the form-level parts (raters, adjustments, the total's clamp, grades,
forced distribution, outcomes). The words go through `say(...)`, so

    with language("zh"):
        describe(rule)   # "完成率 ≥ 98% 得 100 分；≥ 95% 得 80 分；……低于 80% 得 20 分"

Inputs and events are shown by what people call them (an item's `labels`,
§2); expressions are shown with those names and, in Chinese, with the
functions in words. One describer per rule type, in `_RULES`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from jixiao.scoring.conditions import Condition
from jixiao.scoring.contracts import Trigger
from jixiao.scoring.expr import Expression
from jixiao.scoring.model import (
    Adjustment,
    EventCost,
    EventRule,
    Item,
    LabelOutcome,
    Raters,
    Scheme,
)
from jixiao.scoring.numbers import fmt
from jixiao.scoring.rules.base import Rule
from jixiao.scoring.rules.deduct import AddRule, DeductRule
from jixiao.scoring.rules.numeric import DirectRule, FormulaRule, InterpolateRule, StepsRule
from jixiao.scoring.rules.tables import BandsRule, LevelsRule
from jixiao.scoring.wording import current_language, joined, listed, say

Labels = Mapping[str, str]
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# the expression language's functions and words, said in Chinese (§4)
_ZH_WORDS = {
    "abs": "绝对值",
    "min": "最小值",
    "max": "最大值",
    "round": "四舍五入",
    "floor": "向下取整",
    "ceil": "向上取整",
    "sum": "合计",
    "mean": "平均值",
    "count": "个数",
    "clamp": "限定在范围内",
    "and": "并且",
    "or": "或者",
    "not": "非",
    "if": "如果",
    "else": "否则",
}
# rater types as most schemes name them, when the scheme gives no label
_ZH_RATERS = {
    "self": "自评",
    "peer": "同事",
    "supervisor": "上级",
    "subordinate": "下级",
    "direct": "直接上级",
    "indirect": "间接上级",
    "customer": "客户",
    "hr": "人力资源部",
    "skip_level": "隔级上级",
    "external": "外部评价人",
}


@dataclass(frozen=True)
class Words:
    """What the describers need besides the rule: names people use, the full score."""

    labels: Labels
    full: float = 100.0
    subject: str = ""  # what the value is called ("完成率"); empty: "the value"


def name_of(name: str, labels: Labels | None = None) -> str:
    """An input's, event's or rater's display name: its label, else the name as written."""
    if labels and name in labels:
        return str(labels[name])
    return name


def rater_name(name: str, labels: Labels | None = None) -> str:
    if labels and name in labels:
        return str(labels[name])
    if current_language() == "zh":
        return _ZH_RATERS.get(name, name)
    return name


def expression_text(expression: Expression | str, labels: Labels | None = None) -> str:
    """An expression with inputs by their labels (and, in Chinese, functions in words)."""
    text = expression.text if isinstance(expression, Expression) else str(expression)
    chinese = current_language() == "zh"

    def shown(match: re.Match[str]) -> str:
        word = match.group(0)
        if labels and word in labels:
            return str(labels[word])
        if chinese and word in _ZH_WORDS:
            return _ZH_WORDS[word]
        return word

    return _NAME.sub(shown, text).replace(">=", "≥").replace("<=", "≤").replace("!=", "≠")


def points(value: float) -> str:
    return fmt(value)


def _rate_like(*values: float) -> bool:
    """Numbers read as rates (0.7 = 70%): all within ±3 and some not whole."""
    return all(abs(v) <= 3 for v in values) and any(v != int(v) for v in values)


def _percent(value: float) -> str:
    return f"{fmt(value * 100)}%"


def _number(value: float, rate: bool) -> str:
    return _percent(value) if rate else fmt(value)


def condition_text(condition: Condition) -> str:
    return condition.describe()


# -- bands and levels (§5.1, §5.2) --------------------------------------------------------
def _bands(rule: BandsRule, words: Words) -> str:
    parts: list[str] = []
    previous: Condition | None = None
    for index, (condition, (low, high)) in enumerate(rule.rows):
        if condition.is_else:
            when = _otherwise(previous)
        else:
            when = condition_text(condition)
            if index == 0:
                when = f"{words.subject or say('the value')} {when}"
        if low == high:
            parts.append(say("{when} scores {score}", when=when, score=points(low)))
        else:
            parts.append(
                say(
                    "{when} scores {low} to {high}, a person picks",
                    when=when,
                    low=points(low),
                    high=points(high),
                )
            )
        previous = condition
    if not rule.rows[-1][0].is_else:
        parts.append(say("a value in no row cannot be scored"))
    return joined(parts)


def _otherwise(previous: Condition | None) -> str:
    """`else` after `≥ 80%` is "below 80%"; after `≤ 5` "above 5"; else "otherwise"."""
    if previous is not None and previous.op in (">=", ">"):
        return say("below {operand}", operand=previous.source_operand())
    if previous is not None and previous.op in ("<=", "<"):
        return say("above {operand}", operand=previous.source_operand())
    return say("otherwise")


def _levels(rule: LevelsRule, words: Words) -> str:
    parts = []
    for level, (low, high) in rule.levels:
        if low == high:
            parts.append(say("{level}: {score}", level=level, score=points(low)))
        else:
            parts.append(
                say("{level}: {low} to {high}", level=level, low=points(low), high=points(high))
            )
    return say("by the level rated: {levels}", levels=listed(parts, say(", ")))


# -- deduct and add (§5.3) ----------------------------------------------------------------
def event_costs(events: EventRule, labels: Labels, *, adding: bool) -> list[str]:
    """One sentence per event name."""
    return [_cost(cost, name_of(cost.name, labels), adding) for cost in events.costs]


def _cost(cost: EventCost, event: str, adding: bool) -> str:
    verb = say("add") if adding else say("deduct")
    if cost.zero:
        text = say("any {event} makes the item score 0", event=event)
    elif cost.each is not None:
        text = say("{verb} {each} per {event}", verb=verb, each=points(cost.each), event=event)
    elif cost.tiers:
        text = say("{event}: {tiers}", event=event, tiers=_tiers(cost, verb))
    elif cost.sequence:
        steps = listed(
            [
                say("occurrence {k}: {verb} {cost}", k=k, verb=verb, cost=points(c))
                for k, c in enumerate(cost.sequence, 1)
            ],
            say(", "),
        )
        then = say("then each the same") if cost.then == "repeat" else say("then each doubled")
        text = say("{event}: {steps}, {then}", event=event, steps=steps, then=then)
    else:
        sizes = listed(
            [
                say(
                    "{condition}: {verb} {cost}",
                    condition=condition_text(c),
                    verb=verb,
                    cost=points(v),
                )
                for c, v in cost.by_size
            ],
            say(", "),
        )
        text = say(
            "each {event} by its size: {sizes}, other sizes nothing", event=event, sizes=sizes
        )
    if cost.zero_above is not None:
        text += say(
            "; more than {limit} {event} make the item score 0",
            limit=fmt(cost.zero_above),
            event=event,
        )
    if cost.max is not None:
        text += say("; {event} at most {cap} in all", event=event, cap=points(cost.max))
    return text


def _tiers(cost: EventCost, verb: str) -> str:
    parts = []
    start = 1.0
    for upto, each in cost.tiers:
        if cost.flat:
            if upto is None:
                parts.append(say("more: every one {verb} {cost}", verb=verb, cost=points(each)))
            else:
                parts.append(
                    say(
                        "up to {upto} in all: every one {verb} {cost}",
                        upto=fmt(upto),
                        verb=verb,
                        cost=points(each),
                    )
                )
        elif upto is None:
            parts.append(
                say(
                    "from occurrence {first} on: {verb} {cost} each",
                    first=fmt(start),
                    verb=verb,
                    cost=points(each),
                )
            )
        else:
            parts.append(
                say(
                    "occurrences {first} to {upto}: {verb} {cost} each",
                    first=fmt(start),
                    upto=fmt(upto),
                    verb=verb,
                    cost=points(each),
                )
            )
            start = upto + 1
    if cost.tiers[-1][0] is not None:
        parts.append(say("more than {upto} cannot be scored", upto=fmt(cost.tiers[-1][0] or 0)))
    return listed(parts, say(", "))


def _deduct(rule: DeductRule, words: Words) -> str:
    start = words.full if rule.start is None else rule.start
    parts = [say("start from {start}", start=points(start))]
    parts += event_costs(rule.events, words.labels, adding=False)
    if rule.floor is None:
        parts.append(say("no floor: the score may go below 0"))
    elif rule.floor == 0:
        parts.append(say("down to 0 at most"))
    else:
        parts.append(say("not below {floor}", floor=points(rule.floor)))
    if rule.carry:
        parts.append(say("what goes below the floor is taken off the total"))
    return joined(parts)


def _add(rule: AddRule, words: Words) -> str:
    cap = words.full if rule.cap is None else rule.cap
    parts = []
    if rule.start:
        parts.append(say("start from {start}", start=points(rule.start)))
    parts += event_costs(rule.events, words.labels, adding=True)
    if math.isfinite(cap):  # a points line (v1.1 §7) has no full score: no cap unless set
        parts.append(say("at most {cap}", cap=points(cap)))
    return joined(parts)


# -- steps, interpolate, formula, direct (§5.4–§5.7) --------------------------------------
def _steps(rule: StepsRule, words: Words) -> str:
    rate = _rate_like(rule.standard, rule.step)
    step = (
        say("{points} percentage point(s)", points=fmt(rule.step * 100)) if rate else fmt(rule.step)
    )
    parts = [
        say(
            "{base} at the standard {standard}",
            base=points(rule.base),
            standard=_number(rule.standard, rate),
        )
    ]
    if rule.below:
        verb = say("add") if rule.below > 0 else say("deduct")
        parts.append(
            say(
                "{verb} {points} per {step} below",
                verb=verb,
                points=points(abs(rule.below)),
                step=step,
            )
        )
    if rule.above:
        verb = say("add") if rule.above > 0 else say("deduct")
        parts.append(
            say(
                "{verb} {points} per {step} above",
                verb=verb,
                points=points(abs(rule.above)),
                step=step,
            )
        )
    counting = {
        "whole": say("only whole steps count"),
        "exact": say("part of a step counts in proportion"),
        "started": say("a begun step counts as a whole one"),
    }
    parts.append(counting.get(rule.count, rule.count))
    parts += _bounds(rule.min, rule.max)
    return joined(parts)


def _bounds(low: float | None, high: float | None) -> list[str]:
    out = []
    if low is not None:
        out.append(say("at least {low}", low=points(low)))
    if high is not None:
        out.append(say("at most {cap}", cap=points(high)))
    return out


def _interpolate(rule: InterpolateRule, words: Words) -> str:
    numbers = [x for x, _ in rule.points if isinstance(x, float | int)]
    rate = bool(numbers) and _rate_like(*numbers)
    shown = [
        say(
            "{x}: {score}",
            x=expression_text(x, words.labels) if isinstance(x, Expression) else _number(x, rate),
            score=points(score),
        )
        for x, score in rule.points
    ]
    return say(
        "{subject} on a straight line through {points}; beyond the ends the end's score",
        subject=words.subject or say("the value"),
        points=listed(shown, say(", ")),
    )


def _formula(rule: FormulaRule, words: Words) -> str:
    parts = [say("score = {formula}", formula=expression_text(rule.formula, words.labels))]
    parts += _bounds(rule.min, rule.max)
    return joined(parts)


def _direct(rule: DirectRule, words: Words) -> str:
    if rule.min is not None and rule.max is not None:
        return say(
            "a person gives the score, {low} to {high}", low=points(rule.min), high=points(rule.max)
        )
    return joined([say("a person gives the score"), *_bounds(rule.min, rule.max)])


_RULES: dict[type[Rule], Callable[[Rule, Words], str]] = {
    BandsRule: _bands,  # type: ignore[dict-item]
    LevelsRule: _levels,  # type: ignore[dict-item]
    DeductRule: _deduct,  # type: ignore[dict-item]
    AddRule: _add,  # type: ignore[dict-item]
    StepsRule: _steps,  # type: ignore[dict-item]
    InterpolateRule: _interpolate,  # type: ignore[dict-item]
    FormulaRule: _formula,  # type: ignore[dict-item]
    DirectRule: _direct,  # type: ignore[dict-item]
}


def describe(
    rule: Rule, *, labels: Labels | None = None, full: float = 100.0, subject: str = ""
) -> str:
    """The rule in words (the current language): its scoring standard, 得分标准."""
    return _RULES[type(rule)](rule, Words(labels or {}, full, subject))


def item_labels(item: Item) -> Labels:
    raw = item.info.get("labels")
    return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, Mapping) else {}


def describe_item(item: Item, *, subject: bool = True) -> str:
    """The item's rule with what it measures, its standard, when it is due and its default."""
    labels = item_labels(item)
    parts = []
    if item.measure is not None:
        parts.append(say("value = {measure}", measure=expression_text(item.measure, labels)))
    parts.append(
        describe(item.rule, labels=labels, full=item.full, subject=item.name if subject else "")
    )
    if item.full != 100:
        parts.append(say("full score {full}", full=points(item.full)))
    if item.standard is not None:
        parts.append(say("met when {condition}", condition=condition_text(item.standard)))
    if item.period is not None:
        parts.append(_DUE[item.period]() if item.period in _DUE else item.period)
    if item.default is not None:
        parts.append(say("without facts: {default}", default=_default(item.default, labels)))
    if item.raters is not None:
        parts.append(describe_raters(item.raters))
    return joined(parts)


_DUE: dict[str, Callable[[], str]] = {
    "month": lambda: say("due every month"),
    "quarter": lambda: say("due at the end of each quarter only"),
    "half": lambda: say("due at the end of each half-year only"),
    "year": lambda: say("due at the end of the year only"),
}


def _default(default: Mapping[str, object], labels: Labels) -> str:
    shown = []
    for kind, value in default.items():
        if isinstance(value, Mapping):
            named = rater_name if kind == "ratings" else name_of  # 上级 良, 迟到 0
            inner = listed(
                [f"{named(str(k), labels)} {_plain(v)}" for k, v in value.items()], say(", ")
            )
            shown.append(inner)
        else:
            shown.append(_plain(value))
    return listed(shown, say(", "))


def _plain(value: object) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        return fmt(float(value))
    if isinstance(value, list):
        return listed([_plain(v) for v in value], say(", "))
    return str(value)


# -- the form-level parts (§6–§12) --------------------------------------------------------
def describe_raters(raters: Raters, labels: Labels | None = None) -> str:
    if raters.final:
        order = listed([rater_name(r, labels) for r in raters.final], say(", else "))
        return say("the first rating present counts: {order}", order=order)
    parts = [
        say(
            "ratings weighted {weights}",
            weights=listed(
                [f"{rater_name(r, labels)} {_percent(w)}" for r, w in raters.weights.items()],
                say(", "),
            ),
        )
    ]
    for rater, trim in raters.trim.items():
        parts.append(
            say(
                "{rater}: the {trim} highest and lowest dropped",
                rater=rater_name(rater, labels),
                trim=trim,
            )
        )
    missing = {
        "redistribute": say("a missing rater's weight goes to the others"),
        "zero": say("a missing rating counts 0"),
        "error": say("a missing rating cannot be scored"),
    }
    parts.append(missing.get(raters.missing, raters.missing))
    return joined(parts)


def describe_adjustment(adjustment: Adjustment) -> str:
    kind = adjustment.kind
    if kind in ("bonus", "penalty"):
        parts = [
            say("a person enters points added")
            if kind == "bonus"
            else say("a person enters points taken off")
        ]
        if adjustment.each is not None:
            low, high = adjustment.each
            parts.append(say("each {low} to {high}", low=points(low), high=points(high)))
        if adjustment.cap is not None:
            parts.append(say("at most {cap} in all", cap=points(adjustment.cap)))
        text = joined(parts)
    elif kind in ("add", "deduct"):
        costs = event_costs(adjustment.events or EventRule(()), {}, adding=kind == "add")
        if adjustment.cap is not None:
            costs.append(say("at most {cap} in all", cap=points(adjustment.cap)))
        text = joined(costs)
    elif kind == "points" and adjustment.item is not None:  # v1.1 §7
        text = describe_points(adjustment.item)
    elif kind == "coefficient":
        values = listed([f"{k} × {fmt(v)}" for k, v in adjustment.values.items()], say(", "))
        text = say(
            "the total times a factor by {input}: {values}", input=str(adjustment.by), values=values
        )
    else:
        effects = {
            "zero": say("the total is 0"),
            "no_bonus": say("no bonus (the score stands)"),
            "cap_grade": say("the grade is at most {grade}", grade=adjustment.effect_value),
            "flag": say("flagged: {flag}", flag=adjustment.effect_value),
        }
        when = expression_text(adjustment.when, {}) if adjustment.when is not None else ""
        text = say(
            "when {when}: {effect}",
            when=when,
            effect=effects.get(adjustment.effect, adjustment.effect),
        )
    return say("{adjustment}: {text}", adjustment=adjustment.name, text=text)


def describe_points(item: Item) -> str:
    """A points line (v1.1 §7): its rule's score is added to the total as points."""
    labels = item_labels(item)
    parts = []
    if item.measure is not None:
        parts.append(say("value = {measure}", measure=expression_text(item.measure, labels)))
    parts.append(describe(item.rule, labels=labels, full=item.full))
    return say(
        "points added to the total, a negative score taking points off: {rule}",
        rule=joined(parts),
    )


_HISTORY_VALUE: dict[str, Callable[[], str]] = {
    "total": lambda: say("total"),
    "normalized": lambda: say("normalized total"),
}
_HISTORY_PERIOD: dict[str, Callable[[], str]] = {
    "month": lambda: say("month"),
    "quarter": lambda: say("quarter"),
    "half": lambda: say("half-year"),
}


def describe_history(scheme: Scheme) -> list[str]:
    """The history inputs (v1.1 §15): which earlier results each holds, and what a
    missing one does."""
    from jixiao.scoring.history import INSIDE

    out = []
    for entry in scheme.history:
        period = _HISTORY_PERIOD[entry.period]() if entry.period in _HISTORY_PERIOD else ""
        value = _HISTORY_VALUE[entry.value]() if entry.value in _HISTORY_VALUE else entry.value
        text = say(
            "{name}: the {value} of each {period} inside the period scored, oldest first",
            name=entry.name,
            value=value,
            period=period,
        )
        expected = INSIDE.get((scheme.period, entry.period))
        if entry.missing == "error" and expected is not None:
            missing = say(
                "every {period} needs a result ({count} in all), else it cannot be scored",
                period=period,
                count=expected,
            )
        else:
            missing = say("a {period} without a result is left out", period=period)
        out.append(joined([text, missing]))
    return out


def describe_total(scheme: Scheme) -> str:
    low, high = scheme.total_min, scheme.total_max
    if low is None and high is None:
        return say("the total is not clamped")
    parts = []
    if low is not None:
        parts.append(say("the total is at least {low}", low=points(low)))
    parts.append(
        say("the total has no upper limit")
        if high is None
        else say("the total is at most {high}", high=points(high))
    )
    return joined(parts)


def describe_grades(scheme: Scheme) -> str:
    parts = []
    previous: Condition | None = None
    for row in scheme.grades:
        when = _otherwise(previous) if row.condition.is_else else condition_text(row.condition)
        if row.top is not None:
            when = say("{when} and ranked in the top {top}", when=when, top=_percent(row.top))
        parts.append(say("{when}: {grade}", when=when, grade=row.grade))
        previous = row.condition
    return joined(parts)


def describe_distribution(scheme: Scheme) -> str:
    distribution = scheme.distribution
    if distribution is None:
        return ""
    quotas = listed(
        [
            f"{g} {_percent(q)}"
            for g, q in zip(distribution.grades, distribution.quotas, strict=True)
        ],
        say(", "),
    )
    if distribution.within:
        return say(
            "forced distribution within each {within}: {quotas}",
            within=distribution.within,
            quotas=quotas,
        )
    return say("forced distribution: {quotas}", quotas=quotas)


def describe_outcomes(scheme: Scheme) -> list[str]:
    out = []
    pay = scheme.outcomes.pay
    if pay is not None:
        factors = listed([f"{g} × {fmt(v)}" for g, v in pay.coefficients.items()], say(", "))
        parts = [
            say(
                "pay: the pool {pool} shared by grade factors {factors}",
                pool=pay.pool,
                factors=factors,
            )
        ]
        if pay.within:
            parts.append(say("shared within each {within}", within=pay.within))
        if pay.factor is not None:
            parts.append(say("the pool times {factor}", factor=expression_text(pay.factor)))
        out.append(joined(parts))
    salary = scheme.outcomes.salary
    if salary is not None:
        steps = listed(
            [
                say("{condition}: {steps} step(s)", condition=condition_text(c), steps=fmt(s))
                for c, s in salary.steps
            ],
            say(", "),
        )
        parts = [
            say("salary steps: {steps}", steps=steps),
            say("from the salary grade in {current}", current=salary.current),
        ]
        if salary.min is not None:
            parts.append(say("not below the grade in {low}", low=salary.min))
        if salary.max is not None:
            parts.append(say("not above the grade in {high}", high=salary.max))
        out.append(joined(parts))
    contract = scheme.outcomes.contract
    if contract is not None and contract.fee_deduction:
        fees = listed(
            [f"{condition_text(c)} → {_percent(v)}" for c, v in contract.fee_deduction], say(", ")
        )
        out.append(say("service fee deducted: {fees}", fees=fees))
    if contract is not None and contract.reference_periods:
        out.append(
            say(
                "the first {count} period(s) are for reference only",
                count=contract.reference_periods,
            )
        )
    out += [describe_trigger(trigger) for trigger in (contract.triggers if contract else ())]
    out += [describe_label(label) for label in scheme.outcomes.labels]
    return out


def describe_label(label: LabelOutcome) -> str:
    """A label outcome (§12, v1.1): its table in words."""
    if label.by == "grade":
        rows = [say("{when}: {grade}", when=g, grade=text) for g, text in label.grades.items()]
        return say(
            "{name} by the grade: {rows}; other grades none", name=label.name, rows=joined(rows)
        )
    rows = [say("{when}: {grade}", when=condition_text(c), grade=text) for c, text in label.rows]
    by = say("by the normalized total") if label.by == "normalized" else say("by the total")
    return say("{name} {by}: {rows}; otherwise none", name=label.name, by=by, rows=joined(rows))


def describe_trigger(trigger: Trigger) -> str:
    """A contract trigger (§12): its condition or sum, and its window."""
    condition = ""
    if trigger.when is not None:
        condition = trigger.when.text
    elif trigger.failed_items is not None:
        condition = say("items not met {condition}", condition=condition_text(trigger.failed_items))
    name = trigger.name
    if trigger.sum is not None:
        text = say(
            "{name}: {expression} adds up to {reaches} over the contract",
            name=name,
            expression=trigger.sum.text,
            reaches=fmt(trigger.reaches or 0),
        )
    elif trigger.periods is not None:
        text = say(
            "{name}: {condition} in {count} periods in all",
            name=name,
            condition=condition,
            count=trigger.periods,
        )
    elif trigger.consecutive > 1:
        text = say(
            "{name}: {condition} in {count} periods in a row",
            name=name,
            condition=condition,
            count=trigger.consecutive,
        )
    else:
        text = say("{name}: in any period where {condition}", name=name, condition=condition)
    if trigger.item is not None:
        text = say("{text} (with the facts of item {item})", text=text, item=trigger.item)
    return text


def describe_ranking(scheme: Scheme) -> str:
    """How appraisees are ranked (§9); "" when the scheme says nothing of it."""
    ranking = scheme.ranking
    if ranking is None:
        return ""
    by = say("by the normalized total") if ranking.by == "normalized" else say("by the total")
    if ranking.within:
        return say("ranked within each {within} {by}", within=ranking.within, by=by)
    return say("ranked all together {by}", by=by)


def describe_normalize(scheme: Scheme) -> str:
    """Normalisation across groups (§11), with its group factor and the factor's cap."""
    normalize = scheme.normalize
    if normalize is None:
        return ""
    parts = [
        say(
            "normalised within each {within}: each total × 100 / its group's mean total",
            within=normalize.within,
        )
    ]
    if normalize.by is not None:
        parts.append(
            say(
                "then times the group's factor: its {by} over the smallest {by}",
                by=normalize.by,
            )
        )
        if normalize.cap == "spread":
            parts.append(say("the factors capped by the spread of the groups' totals"))
        elif isinstance(normalize.cap, int | float):
            parts.append(say("the factors capped at {cap}", cap=fmt(float(normalize.cap))))
        else:
            parts.append(say("the factors not capped"))
    return joined(parts)


def describe_limits(scheme: Scheme) -> str:
    """The design checks (§13); "" when there are none."""
    limits = scheme.limits
    parts = []
    if limits.max_items is not None:
        parts.append(say("at most {count} items", count=limits.max_items))
    if limits.min_weight is not None:
        parts.append(
            say(
                "a warning when an item carries less than {share} of the total",
                share=_percent(limits.min_weight),
            )
        )
    if limits.weight_gap is not None:
        parts.append(
            say(
                "a warning when two effective weights differ by less than {gap}",
                gap=_percent(limits.weight_gap),
            )
        )
    return joined(parts)


def describe_scheme(scheme: Scheme) -> list[str]:
    """The form-level parts, one sentence each (raters, adjustments, total, grades, ...)."""
    out = describe_history(scheme)
    if scheme.raters is not None:
        out.append(describe_raters(scheme.raters))
    out += [describe_adjustment(a) for a in scheme.adjustments]
    out.append(describe_total(scheme))
    if scheme.grades:
        out.append(describe_grades(scheme))
    if scheme.distribution is not None:
        out.append(describe_distribution(scheme))
    out += describe_outcomes(scheme)
    out += [
        text
        for text in (describe_ranking(scheme), describe_normalize(scheme), describe_limits(scheme))
        if text
    ]
    return out
