"""Two versions of a scheme side by side, the differences said in words:
"「预算执行偏差率」分档：≥ 95% 由 80 分改为 85 分"."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from jixiao.designer.model import MISSING, Design, Item, Section, design_of, walk
from jixiao.hr.familiar import form_rows
from jixiao.hr.views.base import hr_page
from jixiao.schemes.engine import engine_scheme
from jixiao.schemes.models import SchemeVersion
from jixiao.schemes.selectors import scheme_get
from jixiao.scoring.source import parse_text


def _items(design: Design) -> dict[str, tuple[list[str], Item]]:
    """Items by code (their name when they have none), with their section path."""
    out: dict[str, tuple[list[str], Item]] = {}
    trail: dict[tuple[int, ...], str] = {}
    for at, node in walk(design.children):
        trail[at] = node.name
        if isinstance(node, Item):
            code = str(node.fields.get("code", node.name))
            out[code] = ([trail[at[:i]] for i in range(1, len(at))], node)
    return out


def _shown(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace(">=", "≥").replace("<=", "≤")


def _table(rule: Any) -> dict[str, Any]:
    return {_shown(row.when): (row.score, row.high) for row in rule.rows} if rule else {}


def _score(pair: tuple[Any, Any]) -> str:
    low, high = pair
    text = _shown(low) if high is MISSING else f"{_shown(low)}–{_shown(high)}"
    return _("%(score)s points") % {"score": text}


def differences(old: Any, new: Any) -> list[str]:
    """What changed from one document to the next, one sentence each."""
    before, after = design_of(old), design_of(new)
    said: list[str] = []
    if isinstance(old, dict) and isinstance(new, dict) and old.get("name") != new.get("name"):
        said.append(
            _("the form's name: %(old)s → %(new)s")
            % {"old": old.get("name"), "new": new.get("name")}
        )
    old_items, new_items = _items(before), _items(after)
    for code, (_trail, item) in old_items.items():
        if code not in new_items:
            said.append(_("「%(name)s」 removed") % {"name": item.name})
    for code, (trail, item) in new_items.items():
        if code not in old_items:
            said.append(
                _("「%(name)s」 added to %(where)s")
                % {"name": item.name, "where": " / ".join(trail) or "—"}
            )
            continue
        was = old_items[code][1]
        said += _item_changes(was, item)
    said += _section_changes(before, after)
    for key in ("grades", "raters", "ranking", "total", "adjustments", "distribution", "outcomes"):
        if isinstance(old, dict) and isinstance(new, dict) and old.get(key) != new.get(key):
            said.append(_("%(part)s changed") % {"part": _part(key)})
    return said


def _part(key: str) -> str:
    names = {
        "grades": _("grades"),
        "raters": _("raters"),
        "ranking": _("ranking"),
        "total": _("the total's limits"),
        "adjustments": _("adjustments"),
        "distribution": _("forced distribution"),
        "outcomes": _("outcomes"),
    }
    return names.get(key, key)


def _item_changes(was: Item, item: Item) -> list[str]:
    said = []
    name = item.name
    if was.fields.get("weight") != item.fields.get("weight"):
        said.append(
            _("「%(name)s」 weight: %(old)s → %(new)s")
            % {
                "name": name,
                "old": _shown(was.fields.get("weight")),
                "new": _shown(item.fields.get("weight")),
            }
        )
    for key, label in (
        ("measure", _("value computed as")),
        ("standard", _("met when")),
        ("source", _("data source")),
    ):
        if was.fields.get(key) != item.fields.get(key):
            said.append(
                _("「%(name)s」 %(what)s: %(old)s → %(new)s")
                % {
                    "name": name,
                    "what": label,
                    "old": _shown(was.fields.get(key, "—")),
                    "new": _shown(item.fields.get(key, "—")),
                }
            )
    old_rule, new_rule = was.rule, item.rule
    if old_rule is None or new_rule is None or old_rule.kind != new_rule.kind:
        if (old_rule and old_rule.kind) != (new_rule and new_rule.kind):
            said.append(_("「%(name)s」 is scored another way") % {"name": name})
        return said
    if new_rule.kind in ("bands", "levels", "interpolate"):
        kind = {"bands": _("tiers"), "levels": _("levels"), "interpolate": _("points")}[
            new_rule.kind
        ]
        before, after = _table(old_rule), _table(new_rule)
        for when, pair in after.items():
            if when in before and before[when] != pair:
                said.append(
                    _("「%(name)s」 %(kind)s: %(when)s from %(old)s to %(new)s")
                    % {
                        "name": name,
                        "kind": kind,
                        "when": when,
                        "old": _score(before[when]),
                        "new": _score(pair),
                    }
                )
            elif when not in before:
                said.append(
                    _("「%(name)s」 %(kind)s: row %(when)s added, %(new)s")
                    % {"name": name, "kind": kind, "when": when, "new": _score(pair)}
                )
        for when in before:
            if when not in after:
                said.append(
                    _("「%(name)s」 %(kind)s: row %(when)s removed")
                    % {"name": name, "kind": kind, "when": when}
                )
    else:
        from jixiao.designer.model import rule_document

        if rule_document(old_rule) != rule_document(new_rule):
            said.append(_("「%(name)s」 scoring standard changed") % {"name": name})
    return said


def _section_changes(before: Design, after: Design) -> list[str]:
    old = {n.name: n for _at, n in walk(before.children) if isinstance(n, Section)}
    said = []
    for _at, node in walk(after.children):
        if isinstance(node, Section) and node.name in old:
            was = old[node.name].fields.get("weight")
            if was != node.fields.get("weight"):
                said.append(
                    _("section 「%(name)s」 weight: %(old)s → %(new)s")
                    % {
                        "name": node.name,
                        "old": _shown(was),
                        "new": _shown(node.fields.get("weight")),
                    }
                )
    return said


def _version(versions: Any, number: str | None, fallback: SchemeVersion | None) -> SchemeVersion:
    found = versions.filter(number=number).first() if number else fallback
    if found is None:
        raise Http404
    return found


@hr_page
def compare_view(request: HttpRequest, code: str) -> HttpResponse:
    scheme = scheme_get(visible_to=request.user, code=code)
    versions = scheme.versions.all()
    newest = scheme.current_version
    right = _version(versions, request.GET.get("b"), newest)
    previous = versions.filter(number__lt=right.number).order_by("-number").first()
    left = _version(versions, request.GET.get("a"), previous or right)
    said = differences(
        parse_text(left.text, kind="scheme").data, parse_text(right.text, kind="scheme").data
    )
    left_rows = form_rows(engine_scheme(left), left.text)
    right_rows = form_rows(engine_scheme(right), right.text)
    before = {row.code: (row.weight, row.standard) for row in left_rows}
    after = {row.code: (row.weight, row.standard) for row in right_rows}
    context = {
        "scheme": scheme,
        "left": left,
        "right": right,
        "left_rows": left_rows,
        "right_rows": right_rows,
        "changed": {
            code for code in before.keys() | after.keys() if before.get(code) != after.get(code)
        },
        "said": said,
        "versions": versions.order_by("-number"),
    }
    return render(request, "designer/compare.html", context)
