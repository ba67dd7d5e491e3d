"""Reading the strategy: the SMART check of a dictionary entry, the selection
policy of a tier (the seeds' defaults until HR sets its own) and the check of a
form against it, and the coverage report both ways (objectives → indicators →
forms, duties ↔ items)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Count
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from jixiao.indicators.models import Indicator, IndicatorVersion
from jixiao.organization.models import Position, Tier
from jixiao.schemes.models import Scheme, SchemeAssignment, SchemeItem, SchemeVersion
from jixiao.strategy.models import Duty, Objective, SuccessFactor, TierPolicy

SEED_002 = _lazy(
    "Seed 002: a middle manager's form should have no more than 10 indicators, a form below"
    " middle management no more than 6 — more makes managers spend their time scoring and"
    " people lose sight of what matters."
)
SEED_004 = _lazy(
    "Seed 004: each indicator weighs at least 5 % and weights differ by at least 5 %; the"
    " KPI / work-goal split is 100/0 for senior, 60/40 for middle and 20/80 for junior"
    " management and 0/100 for staff, with at most 5 work goals."
)

DEFAULTS: dict[str, tuple[int, float, float, int, int]] = {
    # tier: most items, least weight %, least gap %, KPI share %, most work goals
    Tier.SENIOR: (10, 5, 5, 100, 5),
    Tier.MIDDLE: (10, 5, 5, 60, 5),
    Tier.JUNIOR: (6, 5, 5, 20, 5),
    Tier.STAFF: (6, 5, 5, 0, 5),
}


def tier_policy(tier: str) -> TierPolicy:
    """HR's policy for the tier, or the seeds' default (not saved)."""
    stored = TierPolicy.objects.filter(tier=tier).first()
    if stored is not None:
        return stored
    most, least, gap, share, goals = DEFAULTS.get(tier, DEFAULTS[Tier.STAFF])
    return TierPolicy(
        tier=tier,
        max_items=most,
        min_weight=least,
        min_gap=gap,
        kpi_share=share,
        max_work_goals=goals,
        reason=f"{SEED_002} {SEED_004}",
    )


@dataclass(frozen=True)
class FormItem:
    name: str
    weight: float  # in % of the form
    kpi: bool  # linked to the dictionary (a KPI), or a work goal


def policy_problems(policy: TierPolicy, items: Sequence[FormItem]) -> list[str]:
    """What a form breaks of its tier's policy, each in a sentence."""
    problems: list[str] = []
    tier = policy.get_tier_display()
    if len(items) > policy.max_items:
        problems.append(
            _("%(count)s items: the %(tier)s tier allows at most %(most)s")
            % {"count": len(items), "tier": tier, "most": policy.max_items}
        )
    for item in items:
        if item.weight + 1e-9 < policy.min_weight:
            problems.append(
                _("「%(item)s」 weighs %(weight)s %%: at least %(least)s %% for the %(tier)s tier")
                % {
                    "item": item.name,
                    "weight": _num(item.weight),
                    "least": _num(policy.min_weight),
                    "tier": tier,
                }
            )
    weights = sorted({round(item.weight, 6) for item in items})
    for low, high in itertools.pairwise(weights):
        if high - low + 1e-9 < policy.min_gap:
            problems.append(
                _("weights %(low)s %% and %(high)s %% differ by less than %(gap)s %%")
                % {"low": _num(low), "high": _num(high), "gap": _num(policy.min_gap)}
            )
    total = sum(item.weight for item in items)
    if items and total > 0:
        share = 100 * sum(item.weight for item in items if item.kpi) / total
        if abs(share - policy.kpi_share) > 5:
            problems.append(
                _(
                    "KPIs weigh %(share)s %% of the form: the %(tier)s tier's split is"
                    " %(kpi)s/%(goals)s"
                )
                % {
                    "share": _num(share),
                    "tier": tier,
                    "kpi": policy.kpi_share,
                    "goals": 100 - policy.kpi_share,
                }
            )
    goals = sum(1 for item in items if not item.kpi)
    if goals > policy.max_work_goals:
        problems.append(
            _("%(count)s work goals: at most %(most)s")
            % {"count": goals, "most": policy.max_work_goals}
        )
    return problems


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def form_items(version_id: int) -> list[FormItem]:
    """A scheme version's items with their weights in % of the form."""
    rows = list(
        SchemeItem.objects.filter(version_id=version_id).values_list(
            "name", "weight", "indicator_id"
        )
    )
    total = sum(weight for _name, weight, _indicator in rows) or 1.0
    return [
        FormItem(name, 100 * weight / total, indicator is not None)
        for name, weight, indicator in rows
    ]


# -- SMART -------------------------------------------------------------------------
@dataclass(frozen=True)
class SmartLine:
    letter: str
    label: Promise
    ok: bool
    missing: list[str] = field(default_factory=list)


def serves_strategy(indicator_id: int) -> bool:
    """Linked to an objective, a success factor or a duty — itself or an ancestor."""
    seen: set[int] = set()
    current: int | None = indicator_id
    while current is not None and current not in seen:
        seen.add(current)
        if (
            Objective.objects.filter(indicators=current).exists()
            or SuccessFactor.objects.filter(indicators=current).exists()
            or Duty.objects.filter(indicators=current).exists()
        ):
            return True
        version = IndicatorVersion.objects.filter(indicator_id=current).order_by("-number").first()
        current = version.parent_id if version is not None else None
    return False


def smart_check(version: IndicatorVersion) -> list[SmartLine]:
    """Specific, measurable, achievable, relevant, time-bound — each with what is missing."""

    def need(pairs: Sequence[tuple[str, object]]) -> list[str]:
        return [label for label, value in pairs if not value]

    specific = need([(_("definition"), version.definition), (_("formula"), version.formula)])
    measurable = need(
        [
            (_("data source"), version.data_source),
            (_("unit of measure"), version.unit),
            (_("statistical period"), version.statistical_period),
        ]
    )
    used = SchemeItem.objects.filter(indicator_id=version.indicator_id).exists()
    achievable = need([(_("polarity"), version.polarity), (_("use in a form (history)"), used)])
    relevant = (
        [] if serves_strategy(version.indicator_id) else [_("a link to an objective or a duty")]
    )
    timely = need([(_("statistical period"), version.statistical_period)])
    return [
        SmartLine("S", _lazy("specific"), not specific, specific),
        SmartLine("M", _lazy("measurable"), not measurable, measurable),
        SmartLine("A", _lazy("achievable"), not achievable, achievable),
        SmartLine("R", _lazy("relevant"), not relevant, relevant),
        SmartLine("T", _lazy("time-bound"), not timely, timely),
    ]


# -- the positions' forms ------------------------------------------------------------
@dataclass(frozen=True)
class PositionForm:
    position: Position
    scheme: Scheme
    version_id: int  # the form's current version


def position_forms(only: int | None = None) -> list[PositionForm]:
    """Each active position's form, as an appraisal would choose it (a scheme assigned
    to the position, else the position's default scheme), at its current version —
    three queries whatever the company's size."""
    chosen: dict[int, int] = {}
    assignments = SchemeAssignment.objects.filter(position__isnull=False)
    active = Position.objects.filter(is_active=True)
    if only is not None:  # one position's form
        assignments, active = assignments.filter(position=only), active.filter(pk=only)
    for position_id, scheme_id in assignments.order_by("pk").values_list(
        "position_id", "scheme_id"
    ):
        chosen.setdefault(position_id, scheme_id)
    positions = list(
        active.filter(models.Q(pk__in=chosen) | models.Q(default_scheme__isnull=False))
        .select_related("default_scheme")
        .order_by("code")
    )

    def form_of(position: Position) -> int | None:
        return chosen.get(position.pk, position.default_scheme_id)

    wanted = {scheme for scheme in map(form_of, positions) if scheme is not None}
    latest: dict[int, int] = {}
    schemes: dict[int, Scheme] = {}
    for version in (
        SchemeVersion.objects.filter(scheme_id__in=wanted)
        .select_related("scheme")
        .order_by("scheme_id", "number")
        .only("pk", "scheme")
    ):
        latest[version.scheme_id] = version.pk
        schemes[version.scheme_id] = version.scheme
    found = []
    for position in positions:
        form = form_of(position)
        if form is not None and form in latest:
            found.append(PositionForm(position, schemes[form], latest[form]))
    return found


@dataclass(frozen=True)
class ItemLink:
    """An item of a form: its code, its name and the indicator it is linked to."""

    code: str
    name: str
    indicator: int | None


def form_item_links(version_ids: set[int]) -> dict[int, list[ItemLink]]:
    """The items of each scheme version, in order — one query."""
    items: dict[int, list[ItemLink]] = {}
    for version, code, name, indicator in (
        SchemeItem.objects.filter(version_id__in=version_ids)
        .order_by("version_id", "position")
        .values_list("version_id", "code", "name", "indicator_id")
    ):
        items.setdefault(version, []).append(ItemLink(code, name, indicator))
    return items


# -- coverage ----------------------------------------------------------------------
@dataclass
class Coverage:
    objectives_without_indicators: list[Objective]
    factors_without_indicators: list[SuccessFactor]
    company_indicators_not_cascaded: list[Indicator]
    indicators_serving_nothing: list[Indicator]
    items_outside_the_cascade: list[tuple[str, str]]  # (position, item)
    duties_unmeasured: list[Duty]
    # (position, item): of a position with duties, an item whose indicator none measures
    items_no_duty_calls_for: list[tuple[str, str]] = field(default_factory=list)

    @property
    def green(self) -> bool:
        return not any(
            (
                self.objectives_without_indicators,
                self.factors_without_indicators,
                self.company_indicators_not_cascaded,
                self.indicators_serving_nothing,
                self.items_outside_the_cascade,
                self.duties_unmeasured,
                self.items_no_duty_calls_for,
            )
        )


def _parents() -> dict[int, int | None]:
    """Each indicator's parent, from its latest version (one query)."""
    parents: dict[int, int | None] = {}
    for indicator, parent in IndicatorVersion.objects.order_by(
        "indicator_id", "number"
    ).values_list("indicator_id", "parent_id"):
        parents[indicator] = parent
    return parents


def coverage(limit: int = 50) -> Coverage:
    """The coverage report (each list cut at `limit`)."""
    parents = _parents()
    strategic = set(Objective.objects.values_list("indicators", flat=True)) | set(
        SuccessFactor.objects.values_list("indicators", flat=True)
    )
    strategic.discard(None)
    linked = strategic | set(Duty.objects.values_list("indicators", flat=True))
    linked.discard(None)
    via_causes = set(
        SuccessFactor.objects.filter(causes__indicator__isnull=False).values_list("pk", flat=True)
    )

    def serves(indicator: int) -> bool:
        seen: set[int] = set()
        current: int | None = indicator
        while current is not None and current not in seen:
            if current in linked:
                return True
            seen.add(current)
            current = parents.get(current)
        return False

    children = {parent for parent in parents.values() if parent is not None}
    # company indicators: at the top, measuring an objective or a success factor (one
    # that measures a duty only is a position's own)
    company = [i for i, parent in parents.items() if parent is None and i in strategic]
    not_cascaded = [i for i in company if i not in children]
    serving_nothing = [i for i in parents if not serves(i)]
    items_outside: list[tuple[str, str]] = []
    forms = position_forms()
    items = form_item_links({form.version_id for form in forms})
    called: dict[int, set[int]] = {}  # position: the indicators its duties name
    called_items: dict[int, set[str]] = {}  # position: the item codes its duties name
    for position, measured_by in Duty.objects.values_list("position_id", "indicators"):
        named = called.setdefault(position, set())
        if measured_by is not None:
            named.add(measured_by)
    for position, codes in Duty.objects.values_list("position_id", "items"):
        called_items.setdefault(position, set()).update(codes or [])
    not_called: list[tuple[str, str]] = []
    for form in forms:
        for item in items.get(form.version_id, []):
            if item.indicator is None or not serves(item.indicator):
                items_outside.append((form.position.title, item.name))
            duties = called.get(form.position.pk)
            direct = called_items.get(form.position.pk, set())
            if duties is not None and item.indicator not in duties and item.code not in direct:
                not_called.append((form.position.title, item.name))
    indicators = {
        i.pk: i
        for i in Indicator.objects.filter(pk__in=[*not_cascaded[:limit], *serving_nothing[:limit]])
    }
    return Coverage(
        objectives_without_indicators=list(
            Objective.objects.annotate(
                n=Count("indicators"), k=Count("factors__indicators")
            ).filter(n=0, k=0)[:limit]
        ),
        factors_without_indicators=list(
            SuccessFactor.objects.annotate(n=Count("indicators"))
            .filter(n=0)
            .exclude(pk__in=via_causes)
            .select_related("objective")[:limit]
        ),
        company_indicators_not_cascaded=[indicators[i] for i in not_cascaded[:limit]],
        indicators_serving_nothing=[indicators[i] for i in serving_nothing[:limit]],
        items_outside_the_cascade=items_outside[:limit],
        duties_unmeasured=list(
            Duty.objects.annotate(n=Count("indicators"))
            .filter(n=0, items=[])
            .select_related("position")[:limit]
        ),
        items_no_duty_calls_for=not_called[:limit],
    )


__all__ = ["Coverage", "FormItem", "coverage", "policy_problems", "smart_check", "tier_policy"]


def assignment_problems(scheme_version_id: int, tier: str) -> list[str]:
    """A form's problems against the policy of the tier it is assigned to, each a
    sentence, the tier's reason last (when there is any problem)."""
    policy = tier_policy(tier)
    problems = policy_problems(policy, form_items(scheme_version_id))
    return [*problems, str(policy.reason)] if problems and policy.reason else problems


@dataclass
class CascadeNode:
    indicator: Indicator
    name: str
    objectives: list[str]
    positions: list[str]
    children: list[CascadeNode]


def cascade() -> list[CascadeNode]:
    """The indicators as a tree (company → department → position) by their parent
    links, each with the objectives it serves and the positions whose forms use it —
    a fixed number of queries whatever the dictionary's size."""
    latest: dict[int, tuple[str, int | None]] = {}
    for indicator, name, parent in IndicatorVersion.objects.order_by(
        "indicator_id", "number"
    ).values_list("indicator_id", "name", "parent_id"):
        latest[indicator] = (name, parent)
    indicators = {i.pk: i for i in Indicator.objects.filter(pk__in=latest)}
    serves: dict[int, list[str]] = {}
    for indicator, objective in Objective.objects.filter(indicators__isnull=False).values_list(
        "indicators", "name"
    ):
        serves.setdefault(indicator, []).append(objective)
    for indicator, objective in SuccessFactor.objects.filter(indicators__isnull=False).values_list(
        "indicators", "objective__name"
    ):  # through a key success factor
        if objective not in serves.get(indicator, []):
            serves.setdefault(indicator, []).append(objective)
    used: dict[int, set[str]] = {}
    forms = position_forms()
    items = form_item_links({form.version_id for form in forms})
    for form in forms:
        for item in items.get(form.version_id, []):
            if item.indicator is not None:
                used.setdefault(item.indicator, set()).add(form.position.title)
    nodes = {
        pk: CascadeNode(
            indicator=indicators[pk],
            name=name,
            objectives=sorted(serves.get(pk, [])),
            positions=sorted(used.get(pk, set())),
            children=[],
        )
        for pk, (name, _parent) in latest.items()
        if pk in indicators
    }
    roots: list[CascadeNode] = []
    for pk, node in sorted(nodes.items(), key=lambda pair: pair[1].indicator.code):
        above = latest[pk][1]
        if above is not None and above in nodes and above != pk:
            nodes[above].children.append(node)
        else:
            roots.append(node)
    return roots


def in_cascade(node: CascadeNode) -> bool:
    """A top of the tree that is part of the cascade: it serves an objective, has
    indicators under it, or a position's form uses it (the others are dictionary
    entries nothing has taken up yet, such as a starter library's)."""
    return bool(node.children or node.objectives or node.positions)


def design_policy_problems(scheme: Scheme | None, parsed: Any) -> list[tuple[str, list[str]]]:
    """For the designer: what the form being edited (`parsed`, the engine's reading)
    breaks of the selection policy of each tier whose positions use the scheme (as
    assigned or as their default form) — (the tier, its problems with the seeds'
    reason last), tiers without a problem left out. A query, and one a tier at most."""
    if scheme is None or scheme.pk is None or parsed is None:
        return []
    from jixiao.scoring.weights import effective_weights

    tiers = set(
        Position.objects.filter(is_active=True)
        .filter(models.Q(scheme_assignments__scheme=scheme) | models.Q(default_scheme=scheme))
        .values_list("tier", flat=True)
    )
    if not tiers:
        return []
    weights = effective_weights(parsed)
    total = sum(weights.values()) or 1.0
    items = [
        FormItem(
            item.name,
            100 * weights.get(item.code, 0.0) / total,
            item.info.get("indicator") not in (None, ""),
        )
        for item in parsed.items
    ]
    found = []
    for tier in sorted(tiers, key=Tier.values.index):
        policy = tier_policy(tier)
        problems = policy_problems(policy, items)
        if problems:
            found.append((policy.get_tier_display(), [*problems, str(policy.reason)]))
    return found
