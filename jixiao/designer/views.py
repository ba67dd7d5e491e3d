"""The designer's pages: the starting points, the designer of a scheme (the form as
HR knows it, edited by clicking; every change re-checked and re-scored), and saving
it as a new version with a comment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jixiao.core.errors import ServiceError
from jixiao.designer import choices
from jixiao.designer.editing import BLANK_DOCUMENT, apply
from jixiao.designer.fields import Fields, FieldsError, design_from, fields_of
from jixiao.designer.library import template_data
from jixiao.designer.library import templates as library_templates
from jixiao.designer.model import Design, design_of, document_of
from jixiao.designer.page import check, form_level, shown_nodes
from jixiao.designer.text import document_text
from jixiao.hr.access import can_change
from jixiao.hr.trial import trial_form, trial_score
from jixiao.hr.views.base import hr_page, is_htmx, refused
from jixiao.indicators.models import Indicator
from jixiao.schemes.models import Scheme
from jixiao.schemes.selectors import scheme_get, scheme_list
from jixiao.schemes.services import SchemeInvalid, scheme_save
from jixiao.scoring.source import parse_text
from jixiao.strategy.selectors import assignment_problems, design_policy_problems


def templates() -> list[tuple[str, str]]:
    """The template library (library.py): (key, the form's Chinese name)."""
    return library_templates()


def _start_document(request: HttpRequest) -> Any:
    start = request.GET.get("start", "blank")
    kind, _sep, name = start.partition(":")
    if kind == "template":
        data = template_data(name)  # as data: the template's comments stay behind
        if data is not None:
            return data
    if kind == "copy":
        scheme = scheme_get(visible_to=request.user, code=name)
        version = scheme.current_version
        if version is not None:
            data = parse_text(version.text, kind="scheme").data
            data["code"] = f"{scheme.code}-COPY"
            data["name"] = _("%(name)s (copy)") % {"name": data.get("name", "")}
            return data
    return dict(BLANK_DOCUMENT)


@hr_page
def designer_start(request: HttpRequest) -> HttpResponse:
    context = {
        "schemes": scheme_list(visible_to=request.user),
        "templates": templates(),
        "can_change": can_change(request.user),
    }
    return render(request, "designer/start.html", context)


def posted_fields(post: QueryDict) -> Fields:
    """The page's fields; a box given more than once (the raters' order) is joined."""
    out: Fields = {}
    for name in post:
        values = post.getlist(name)
        out[name] = ", ".join(v for v in values if v) if len(values) > 1 else values[0]
    return out


@hr_page
def designer(request: HttpRequest, code: str | None = None) -> HttpResponse:
    scheme = scheme_get(visible_to=request.user, code=code) if code else None
    problem = ""
    if request.method == "POST" and scheme is None and "excel" in request.FILES:
        return _from_excel(request)
    if request.method == "POST":
        fields = posted_fields(request.POST)
        try:
            design = design_from(fields)
        except FieldsError as exc:
            design, problem = None, _("a box cannot be read: %(why)s") % {"why": exc.message}
        if design is None:
            design = design_of(_start_document(request) if scheme is None else _current(scheme))
        action = request.POST.get("action", "")
        _picked(design, fields)
        if action == "save":
            saved = _save(request, design, scheme)
            if saved is not None:
                return saved
        elif action:
            apply(design, action)
    else:
        design = design_of(_start_document(request) if scheme is None else _current(scheme))
    context = designer_context(request, design, scheme)
    context["box_problem"] = problem
    if request.method == "POST" and is_htmx(request):
        return render(request, "designer/_designer.html", context)
    return render(request, "designer/designer.html", context)


def _from_excel(request: HttpRequest) -> HttpResponse:
    """A familiar form filled in Excel, read by the spreadsheets' import, as the start."""
    from jixiao.spreadsheets.services import import_scheme_form

    try:
        draft = import_scheme_form(file=request.FILES["excel"], actor=request.user)
    except ServiceError as error:
        refused(request, error)
        return redirect("designer:start")
    for note in draft.notes:
        messages.warning(request, note)
    design = design_of(parse_text(draft.text, kind="scheme").data)
    return render(request, "designer/designer.html", designer_context(request, design, None))


def _current(scheme: Scheme) -> Any:
    version = scheme.current_version
    if version is None:
        return dict(BLANK_DOCUMENT)
    return parse_text(version.text, kind="scheme").data


def _save(request: HttpRequest, design: Design, scheme: Scheme | None) -> HttpResponse | None:
    text = document_text(document_of(design))
    try:
        version = scheme_save(
            actor=request.user,
            text=text,
            scheme=scheme,
            comment=request.POST.get("comment", "").strip(),
        )
    except SchemeInvalid:
        messages.error(request, _("the scheme does not pass the check; nothing was saved"))
        return None
    except ServiceError as error:
        refused(request, error)
        return None
    messages.success(request, _("saved as version %(number)s") % {"number": version.number})
    response = redirect("hr:scheme_detail", code=version.scheme.code)
    if is_htmx(request):
        out = HttpResponse(status=204)
        out["HX-Redirect"] = response["Location"]
        return out
    return response


def _picked(design: Design, fields: Fields) -> None:
    """An indicator picked from the dictionary for an item whose link differs."""
    for name, code in fields.items():
        if name.startswith("pick-n") and code and fields.get(name[5:] + ".f.indicator") != code:
            _fill_from_indicator(design, f"indicator|{name[5:]}|{code}")


def _fill_from_indicator(design: Design, action: str) -> None:
    """Picking an indicator of the dictionary fills the item's name, unit, data source,
    the link, and notes its formula and polarity."""
    from jixiao.designer.editing import parse_at
    from jixiao.designer.model import Item, node_at

    _verb, target, *rest = action.split("|")
    code = rest[0] if rest else ""
    try:
        node = node_at(design, parse_at(target))
    except (ValueError, IndexError):
        return
    indicator = Indicator.objects.filter(code=code).first() if code else None
    if not isinstance(node, Item) or indicator is None:
        return
    current = indicator.versions.order_by("-number").first()
    if current is None:
        return
    node.fields["name"] = current.name
    node.fields["indicator"] = indicator.code
    if current.unit:
        node.fields["unit"] = current.unit
    if current.data_source:
        node.fields["source"] = current.data_source
    notes = []
    if current.formula:
        notes.append(_("formula: %(formula)s") % {"formula": current.formula})
    if current.polarity:
        notes.append(_("polarity: %(polarity)s") % {"polarity": current.get_polarity_display()})
    if notes and not node.fields.get("note"):
        node.fields["note"] = "；".join(notes)


def designer_context(request: HttpRequest, design: Design, scheme: Scheme | None) -> dict[str, Any]:
    fields = fields_of(design)
    checked = check(design)
    nodes, general = shown_nodes(design, fields, checked)
    values = request.POST if request.method == "POST" else QueryDict()
    trial_items: list[Any] = []
    trial_adjustments: list[Any] = []
    result: dict[str, Any] = {}
    if checked.parsed is not None:
        trial_items, trial_adjustments = trial_form(checked.parsed)
        result = trial_score(
            checked.parsed,
            {k: str(v) for k, v in values.items() if "|" in k and not k.startswith("n")},
        )
    form = form_level(design, fields, checked)
    errors = [p for p in checked.problems if p.severity == "error"]
    final = [v.strip() for v in fields.get("top.f.raters.f.final", "").split(",") if v.strip()]
    rater_choices = list(choices.RATERS) + [
        (v, v) for v in _raters_named(fields) if v not in dict(choices.RATERS)
    ]
    return {
        "final_slots": [*final, "", "", ""][: max(3, len(final))],
        "rater_choices": rater_choices,
        "yaml_parts": _yaml_parts(fields),
        "yaml_keys": {key for key, _label in _yaml_parts(fields)},
        "form": form,
        "form_problems": form.problems,
        "extra_boxes": _extra_boxes(design, fields),
        "scheme": scheme,
        "design": design,
        "fields": fields,
        "rendered": set(),
        "nodes": nodes,
        "general": general,
        "errors": len(errors),
        "warnings": len(checked.problems) - len(errors),
        "text": checked.text,
        "top_sum": _top_sum(design),
        "items": trial_items,
        "adjustments": trial_adjustments,
        "result": result,
        "values": values,
        "choices": choices,
        "indicators": Indicator.objects.order_by("code")[:500],
        "comment": values.get("comment", ""),
        "can_change": can_change(request.user),
        "tier_policy": design_policy_problems(scheme, checked.parsed),  # issue 15
    }


def _yaml_parts(fields: Fields) -> list[tuple[str, str]]:
    """The form-level parts shown as YAML boxes (those without a form of their own)."""
    import json

    boxes = json.loads(fields.get("top.boxes", "{}") or "{}")
    names = choices.PART_NAMES
    return [(key, str(names.get(key, key))) for key, shown in boxes.items() if shown == "yaml"]


def _raters_named(fields: Fields) -> list[str]:
    """Every rater type the form names (its own words where not the usual ones): in the
    final orders and the weights and trims, the form's and the items'."""
    import re

    found: list[str] = []
    for name, value in fields.items():
        if name.endswith(".f.raters.f.final") or name == "top.f.raters.f.final":
            found += [v.strip() for v in value.split(",") if v.strip()]
        elif re.search(r"raters\.f\.(weights|trim)\.[0-9]+\.key$", name) and value:
            found.append(value)
    return list(dict.fromkeys(found))


def _extra_boxes(design: Design, fields: Fields) -> list[tuple[str, str]]:
    """The keys no form covers, where they were written (`….x`), as YAML boxes beside
    the forms: named by the part they belong to."""
    import re

    from jixiao.designer.editing import parse_at
    from jixiao.designer.model import node_at

    out = []
    for name, value in fields.items():
        if not value or not name.endswith(".x") or re.fullmatch(r"n[0-9-]+\.x", name):
            continue
        head, _dot, rest = name.partition(".")
        if head == "top" and rest != "x":
            key = rest.split(".")[1]
            part = str(choices.PART_TITLES.get(key, key))
        elif head.startswith("a") and head[1:].isdigit():
            part = _("adjustment %(number)s") % {"number": int(head[1:]) + 1}
        elif head.startswith("n"):
            try:
                part = node_at(design, parse_at(head)).name
            except (IndexError, ValueError):
                continue
        else:
            continue
        out.append((name, _("more settings of “%(part)s” (YAML)") % {"part": part}))
    return out


def _top_sum(design: Design) -> str:
    from jixiao.designer.editing import weights_of
    from jixiao.scoring.numbers import fmt

    total = weights_of(design).sums.get(())
    return "" if total is None else fmt(total)


@hr_page
def assign_view(request: HttpRequest, code: str) -> HttpResponse:
    """Assign the scheme to a position or a unit (its people, or itself), or take an
    assignment back; then back to the scheme's page."""
    from django.core.exceptions import ValidationError

    from jixiao.organization.models import Position, Unit
    from jixiao.schemes.services import scheme_assign, scheme_unassign

    scheme = scheme_get(visible_to=request.user, code=code)
    if request.method != "POST":
        return redirect("hr:scheme_detail", code=scheme.code)
    try:
        if request.POST.get("remove"):
            found = scheme.assignments.filter(pk=request.POST["remove"]).first()
            if found is not None:
                scheme_unassign(assignment=found, actor=request.user)
        else:
            target = request.POST.get("target", "")
            kind, _sep, pk = target.partition(":")
            position = Position.objects.filter(pk=pk).first() if kind == "position" else None
            unit = Unit.objects.filter(pk=pk).first() if kind == "unit" else None
            scope = request.POST.get("scope") or "members"
            scheme_assign(
                actor=request.user, scheme=scheme, position=position, unit=unit, scope=scope
            )
            messages.success(request, _("the scheme is assigned"))
            version = scheme.current_version
            if position is not None and version is not None:  # the tier's selection policy
                for problem in assignment_problems(version.pk, position.tier):
                    messages.warning(request, problem)
    except ValidationError:
        messages.error(request, _("the scheme is already assigned there"))
    except ServiceError as error:
        refused(request, error)
    return redirect("hr:scheme_detail", code=scheme.code)
