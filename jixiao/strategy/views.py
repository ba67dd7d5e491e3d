"""The strategy pages (HR changes, the auditor reads): the map, an objective with its
success factors and fishbones, the coverage report, the tier policies and a
position's duties."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from jixiao.core import roles
from jixiao.core.errors import ServiceError
from jixiao.indicators.models import Indicator, Perspective
from jixiao.organization.models import Position, Tier
from jixiao.schemes.models import Scheme
from jixiao.strategy import ahp, services
from jixiao.strategy.models import (
    AhpAggregate,
    AhpSession,
    Bone,
    Cause,
    Duty,
    Objective,
    SuccessFactor,
)
from jixiao.strategy.selectors import (
    cascade,
    coverage,
    form_item_links,
    in_cascade,
    position_forms,
    tier_policy,
)

View = Callable[..., HttpResponse]
LANES = [Perspective.FINANCIAL, Perspective.CUSTOMER, Perspective.INTERNAL, Perspective.LEARNING]
WIDTH, LANE, BOX_W, BOX_H = 960, 110, 170, 46


def strategy_page(view: View) -> View:
    """HR reads and changes; the auditor reads; nobody else sees these pages."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not roles.reads_everything(request.user):
            raise Http404
        if request.method == "POST":
            if not roles.is_hr(request.user):
                raise Http404
            try:
                return view(request, *args, **kwargs)
            except ServiceError as error:
                messages.error(request, str(error))
                return redirect(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


def _layout(objectives: list[Objective]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Boxes in four lanes (财务 at the top, 学习与成长 at the bottom) and arrows."""
    boxes: dict[int, dict[str, Any]] = {}
    for lane, perspective in enumerate(LANES):
        row = [o for o in objectives if o.perspective == perspective]
        step = WIDTH / (len(row) + 1) if row else WIDTH
        for n, objective in enumerate(row, start=1):
            boxes[objective.pk] = {
                "objective": objective,
                "x": round(step * n - BOX_W / 2),
                "y": lane * LANE + 40,
                "cx": round(step * n),
            }
    arrows = []
    for objective in objectives:
        for effect in objective.causes.all():
            if objective.pk in boxes and effect.pk in boxes:
                start, end = boxes[objective.pk], boxes[effect.pk]
                up = end["y"] < start["y"]
                arrows.append(
                    {
                        "x1": start["cx"],
                        "y1": start["y"] if up else start["y"] + BOX_H,
                        "x2": end["cx"],
                        "y2": end["y"] + BOX_H if up else end["y"],
                    }
                )
    return list(boxes.values()), arrows


@strategy_page
def strategy_map(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if request.POST.get("do") == "unlink":
            services.objective_unlink(
                actor=request.user,
                cause=get_object_or_404(Objective, pk=request.POST.get("cause")),
                effect=get_object_or_404(Objective, pk=request.POST.get("effect")),
            )
        elif request.POST.get("do") == "link":
            services.objective_link(
                actor=request.user,
                cause=get_object_or_404(Objective, pk=request.POST.get("cause")),
                effect=get_object_or_404(Objective, pk=request.POST.get("effect")),
            )
        else:
            services.objective_save(
                actor=request.user,
                code=request.POST.get("code", ""),
                name=request.POST.get("name", ""),
                perspective=request.POST.get("perspective", ""),
                description=request.POST.get("description", ""),
            )
        messages.success(request, _("Saved."))
        return redirect("strategy:map")
    objectives = list(Objective.objects.prefetch_related("causes", "indicators"))
    boxes, arrows = _layout(objectives)
    lanes = [
        {"label": label, "y": n * LANE + 20, "band": n * LANE}
        for n, (_value, label) in enumerate(Perspective.choices)
    ]
    return render(
        request,
        "strategy/map.html",
        {
            "objectives": objectives,
            "boxes": boxes,
            "arrows": arrows,
            "lanes": lanes,
            "height": LANE * len(LANES),
            "width": WIDTH,
            "box_w": BOX_W,
            "box_h": BOX_H,
            "perspectives": Perspective.choices,
        },
    )


@strategy_page
def objective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_object_or_404(Objective, pk=pk)
    if request.method == "POST":
        do = request.POST.get("do")
        if do == "factor":
            services.factor_add(
                actor=request.user, objective=objective, name=request.POST.get("name", "")
            )
        elif do == "cause":
            factor = get_object_or_404(objective.factors, pk=request.POST.get("factor"))
            services.cause_add(
                actor=request.user,
                factor=factor,
                bone=request.POST.get("bone", ""),
                text=request.POST.get("text", ""),
                candidate=request.POST.get("candidate", ""),
            )
        elif do == "indicator":
            cause = get_object_or_404(
                Cause, pk=request.POST.get("cause"), factor__objective=objective
            )
            services.cause_to_indicator(
                actor=request.user, cause=cause, code=request.POST.get("code", "").strip()
            )
        elif do == "link":
            indicator = Indicator.objects.filter(code=request.POST.get("code", "").strip()).first()
            if indicator is None:
                raise ServiceError(
                    _("no indicator has the code %(code)s") % {"code": request.POST.get("code", "")}
                )
            services.indicator_link(actor=request.user, indicator=indicator, objective=objective)
        messages.success(request, _("Saved."))
        return redirect("strategy:objective", pk=objective.pk)
    factors = objective.factors.prefetch_related("causes__indicator", "indicators")
    return render(
        request,
        "strategy/objective.html",
        {
            "objective": objective,
            "factors": [(factor, _fishbone(factor)) for factor in factors],
            "bones": Bone.choices,
        },
    )


SPINE_Y, BONE_TOP, BONE_BOTTOM, BONE_RUN, SHOWN_CAUSES = 130, 24, 236, 60, 5


def _fishbone(factor: SuccessFactor) -> list[dict[str, Any]]:
    """The fishbone drawn (SVG): the six usual bones (and 其他 when used), three above
    the spine and three below, each with its causes written along it; the head is the
    success factor. Coordinates only; the template draws."""
    causes = list(factor.causes.all())
    used = [value for value, _label in Bone.choices if value != Bone.OTHER]
    if any(c.bone == Bone.OTHER for c in causes):
        used.append(Bone.OTHER)
    labels = dict(Bone.choices)
    drawn = []
    for n, bone in enumerate(used):
        top = n % 2 == 0
        x = 40 + (n // 2) * 170
        end = BONE_TOP if top else BONE_BOTTOM
        lines = []
        mine = [c for c in causes if c.bone == bone]
        for k, cause in enumerate(mine[:SHOWN_CAUSES]):
            y = end + (18 * (k + 1) if top else -18 * (k + 1))
            along = x + round(BONE_RUN * abs(y - end) / abs(SPINE_Y - end))
            words = cause.text if len(cause.text) <= 9 else cause.text[:8] + "…"
            lines.append({"x": along + 6, "y": y + 4, "text": words, "cause": cause})
        if len(mine) > SHOWN_CAUSES:
            y = end + (18 * (SHOWN_CAUSES + 1) if top else -18 * (SHOWN_CAUSES + 1))
            lines.append({"x": x + 70, "y": y + 4, "text": "…", "cause": None})
        drawn.append(
            {
                "label": labels[bone],
                "x1": x,
                "y1": end,
                "x2": x + BONE_RUN,
                "y2": SPINE_Y,
                "lx": x - 6,
                "ly": end - 8 if top else end + 16,
                "causes": lines,
            }
        )
    return drawn


@strategy_page
def coverage_report(request: HttpRequest) -> HttpResponse:
    return render(request, "strategy/coverage.html", {"report": coverage()})


@strategy_page
def cascade_tree(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":  # an indicator put under another (or a new one added)
        code = request.POST.get("code", "").strip()
        above = request.POST.get("parent", "").strip()
        parent = Indicator.objects.filter(code=above).first() if above else None
        if not code or (above and parent is None):
            raise ServiceError(
                _("no indicator has the code %(code)s") % {"code": above or code or "—"}
            )
        services.indicator_place(
            actor=request.user,
            code=code,
            parent=parent,
            effective_from=timezone.localdate(),
            name=request.POST.get("name", ""),
        )
        messages.success(request, _("Saved."))
        return redirect("strategy:cascade")
    roots = cascade()
    inside = [root for root in roots if in_cascade(root)]
    outside = [root for root in roots if not in_cascade(root)]
    return render(request, "strategy/cascade.html", {"roots": inside, "outside": outside})


@strategy_page
def policies(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        tier = request.POST.get("tier", "")
        if tier not in Tier.values:
            raise ServiceError(_("unknown tier"))
        try:
            values = {
                "max_items": int(request.POST.get("max_items", "")),
                "min_weight": float(request.POST.get("min_weight", "")),
                "min_gap": float(request.POST.get("min_gap", "")),
                "kpi_share": int(request.POST.get("kpi_share", "")),
                "max_work_goals": int(request.POST.get("max_work_goals", "")),
            }
        except ValueError as error:
            raise ServiceError(_("give every figure as a number")) from error
        services.tier_policy_save(
            actor=request.user, tier=tier, reason=request.POST.get("reason", ""), **values
        )
        messages.success(request, _("Saved."))
        return redirect("strategy:policies")
    return render(
        request, "strategy/policies.html", {"policies": [tier_policy(tier) for tier in Tier.values]}
    )


@strategy_page
def position_duties(request: HttpRequest, pk: int) -> HttpResponse:
    position = get_object_or_404(Position, pk=pk)
    if request.method == "POST":
        if request.POST.get("do") == "link":
            duty = get_object_or_404(Duty, pk=request.POST.get("duty"), position=position)
            indicator = Indicator.objects.filter(code=request.POST.get("code", "").strip()).first()
            if indicator is None:
                raise ServiceError(
                    _("no indicator has the code %(code)s") % {"code": request.POST.get("code", "")}
                )
            services.indicator_link(actor=request.user, indicator=indicator, duty=duty)
        elif request.POST.get("do") == "items":
            duty = get_object_or_404(Duty, pk=request.POST.get("duty"), position=position)
            services.duty_items_set(
                actor=request.user, duty=duty, codes=request.POST.getlist("items")
            )
            messages.success(request, _("Saved."))
        else:
            found = services.duties_import(
                actor=request.user,
                position=position,
                text=request.POST.get("text", ""),
                replace=request.POST.get("replace") == "on",
            )
            messages.success(request, _("%(count)s duties read.") % {"count": len(found)})
        return redirect("strategy:duties", pk=position.pk)
    duties = list(position.duties.prefetch_related("indicators"))
    form = next(iter(position_forms(only=position.pk)), None)
    items = form_item_links({form.version_id}).get(form.version_id, []) if form else []
    named: set[int] = set()
    direct: set[str] = set()
    measures: dict[int, list[str]] = {}  # duty: the items of the position's form measuring it
    for duty in duties:
        codes = {i.pk for i in duty.indicators.all()}
        mine = set(duty.items or [])
        measures[duty.pk] = [i.name for i in items if i.indicator in codes or i.code in mine]
        named |= codes
        direct |= mine
    return render(
        request,
        "strategy/duties.html",
        {
            "position": position,
            "duties": [(duty, measures[duty.pk]) for duty in duties],
            "form": form,
            "items": items,
            "uncalled": [
                i.name for i in items if i.indicator not in named and i.code not in direct
            ],
        },
    )


# -- the AHP workbench ---------------------------------------------------------------
@strategy_page
def ahp_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        scheme = get_object_or_404(Scheme, code=request.POST.get("scheme", ""))
        try:
            trim = int(request.POST.get("trim", "0") or 0)
        except ValueError as error:
            raise ServiceError(_("give every figure as a number")) from error
        session = ahp.ahp_start(
            actor=request.user,
            scheme=scheme,
            section=request.POST.get("section", ""),
            experts=request.POST.get("experts", ""),
            aggregate=request.POST.get("aggregate", "geometric"),
            trim=trim,
        )
        return redirect("strategy:ahp", pk=session.pk)
    chosen = Scheme.objects.filter(code=request.GET.get("scheme", "")).first()
    return render(
        request,
        "strategy/ahp_list.html",
        {
            "sessions": AhpSession.objects.select_related("scheme", "applied_version")[:50],
            "schemes": Scheme.objects.order_by("code"),
            "chosen": chosen,
            "sections": ahp.sections_of(chosen) if chosen else [],
            "aggregates": AhpAggregate.choices,
        },
    )


@strategy_page
def ahp_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(AhpSession.objects.select_related("scheme"), pk=pk)
    if request.method == "POST":
        version = ahp.ahp_apply(
            session=session, actor=request.user, comment=request.POST.get("comment", "")
        )
        messages.success(
            request,
            _("The weights are in version %(number)s of %(scheme)s.")
            % {"number": version.number, "scheme": session.scheme},
        )
        return redirect("strategy:ahp", pk=session.pk)
    outcome = ahp.ahp_outcome(session)
    rows = []
    if outcome is not None:
        weights = outcome.result.weights
        rows = [
            {"name": n, "weight": f"{w:.2%}"} for n, w in zip(session.names, weights, strict=True)
        ]
    return render(
        request,
        "strategy/ahp_detail.html",
        {
            "session": session,
            "answers": session.answers.select_related("expert"),
            "outcome": outcome,
            "rows": rows,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def ahp_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """An invited expert's phone-friendly form: one choice per pair, in words."""
    session = get_object_or_404(AhpSession, pk=pk)
    answer = session.answers.filter(expert_id=request.user.pk).first()
    if answer is None:
        raise Http404
    if request.method == "POST":
        judgements = {
            f"{i}-{j}": request.POST.get(f"pair-{i}-{j}", "") for i, j, _a, _b in ahp.pairs(session)
        }
        try:
            ahp.ahp_answer(session=session, actor=request.user, judgements=judgements)
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Thank you: your judgements are saved."))
            return redirect("strategy:ahp_answer", pk=session.pk)
    given = answer.judgements or {}
    scale = ahp.full_scale()
    return render(
        request,
        "strategy/ahp_answer.html",
        {
            "session": session,
            "answer": answer,
            "pairs": [
                {"key": f"{i}-{j}", "a": a, "b": b, "given": given.get(f"{i}-{j}", "1")}
                for i, j, a, b in ahp.pairs(session)
            ],
            "scale": scale,
        },
    )
