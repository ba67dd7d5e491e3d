"""The AHP workbench (issue 15): HR asks invited experts to compare a section's
items (or a form's sections) two by two on Saaty's 1–9 scale, the engine combines
their judgements as scheme-language §16 says (`jixiao.scoring.ahp`: trim, geometric
or arithmetic mean, reciprocal matrix, consistency ratio), the most inconsistent
pairs are pointed out, and the weights are applied to the form as a new version."""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from jixiao.core import roles
from jixiao.core.audit import audit_record
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.organization.selectors import users_named
from jixiao.schemes.models import Scheme, SchemeVersion
from jixiao.schemes.services import scheme_save
from jixiao.scoring.ahp import AhpResult, ahp
from jixiao.scoring.ahp_read import AhpError
from jixiao.strategy.models import AhpAnswer, AhpSession

SEPARATOR = " › "

# Saaty's scale in words: how much more important the first is than the second.
SCALE: list[tuple[str, Any]] = [
    ("9", _lazy("extremely more important")),
    ("7", _lazy("very strongly more important")),
    ("5", _lazy("strongly more important")),
    ("3", _lazy("moderately more important")),
    ("1", _lazy("equally important")),
    ("1/3", _lazy("moderately less important")),
    ("1/5", _lazy("strongly less important")),
    ("1/7", _lazy("very strongly less important")),
    ("1/9", _lazy("extremely less important")),
]
BETWEEN = ["8", "6", "4", "2", "1/2", "1/4", "1/6", "1/8"]
IN_BETWEEN = _lazy("between the two judgements around it")


def full_scale() -> list[tuple[str, Any]]:
    """All 17 choices from 9 down to 1/9, the even ones said as in between."""
    order = ["9", "8", "7", "6", "5", "4", "3", "2", "1"]
    order += [f"1/{n}" for n in range(2, 10)]
    named = dict(SCALE)
    return [(value, named.get(value, IN_BETWEEN)) for value in order]


def value_of(text: str) -> float:
    if text.startswith("1/"):
        return 1 / float(text[2:])
    return float(text)


def _document(scheme: Scheme) -> tuple[SchemeVersion, dict[str, Any]]:
    version = scheme.current_version
    if version is None:
        raise ServiceError(_("the scheme has no version yet"))
    data = yaml.safe_load(version.text)
    if not isinstance(data, dict):
        raise ServiceError(_("the scheme's document cannot be read"))
    return version, data


def _siblings(data: dict[str, Any], section: str) -> list[dict[str, Any]]:
    """The nodes weighed together: the top-level sections, or a section's children."""
    nodes: list[dict[str, Any]] = data.get("sections") or []
    if not section:
        return nodes
    for name in section.split(SEPARATOR):
        found = next((node for node in nodes if node.get("name") == name), None)
        if found is None:
            raise ServiceError(_("the form has no section 「%(name)s」") % {"name": name})
        nodes = found.get("items") or found.get("sections") or []
    return nodes


def sections_of(scheme: Scheme) -> list[str]:
    """Every section path of the scheme's current version ("" = the sections)."""
    _version, data = _document(scheme)
    paths = [""]

    def walk(nodes: list[dict[str, Any]], above: str) -> None:
        for node in nodes:
            if "items" in node or "sections" in node:
                path = f"{above}{SEPARATOR}{node['name']}" if above else str(node.get("name"))
                paths.append(path)
                walk(node.get("sections") or [], path)

    walk(data.get("sections") or [], "")
    return paths


def ahp_start(
    *,
    actor: Any,
    scheme: Scheme,
    section: str,
    experts: str | list[str],
    aggregate: str = "geometric",
    trim: int = 0,
) -> AhpSession:
    if not roles.is_hr(actor):
        raise NotAllowed(_("only HR starts an AHP weighting"))
    _version, data = _document(scheme)
    nodes = _siblings(data, section)
    names = [str(node.get("name") or node.get("code")) for node in nodes]
    if len(names) < 2:
        raise ServiceError(_("at least two criteria are needed to compare"))
    users = users_named(experts)  # login names or 工号; unknown ones refused together
    if not users:
        raise ServiceError(_("invite at least one expert"))
    with transaction.atomic():
        session = AhpSession.objects.create(
            scheme=scheme,
            section=section,
            names=names,
            aggregate=aggregate,
            trim=trim,
            created_by=actor,
        )
        AhpAnswer.objects.bulk_create([AhpAnswer(session=session, expert=u) for u in users])
        audit_record(
            actor=actor,
            action="ahp.started",
            target=session,
            after={"criteria": names, "experts": sorted(experts), "trim": trim},
        )
    return session


def pairs(session: AhpSession) -> list[tuple[int, int, str, str]]:
    names = session.names
    return [(i, j, names[i], names[j]) for i, j in itertools.combinations(range(len(names)), 2)]


def ahp_answer(*, session: AhpSession, actor: Any, judgements: dict[str, str]) -> AhpAnswer:
    answer = AhpAnswer.objects.filter(session=session, expert=actor).first()
    if answer is None:
        raise NotAllowed(_("you are not invited to this weighting"))
    if session.applied_version_id is not None:
        raise ServiceError(_("the weights are already applied: the judgements are closed"))
    allowed = {text for text, _label in SCALE} | set(BETWEEN)
    wanted = {f"{i}-{j}" for i, j, _a, _b in pairs(session)}
    missing = sorted(wanted - set(judgements))
    if missing:
        raise ServiceError(_("judge every pair: %(count)s left") % {"count": len(missing)})
    wrong = [key for key in wanted if judgements[key] not in allowed]
    if wrong:
        raise ServiceError(_("a judgement is not on the 1–9 scale"))
    with transaction.atomic():
        answer.judgements = {key: judgements[key] for key in sorted(wanted)}
        answer.answered_at = timezone.now()
        answer.save(update_fields=["judgements", "answered_at", "updated_at"])
        audit_record(actor=actor, action="ahp.answered", target=answer, after=answer.judgements)
    return answer


def _matrix(session: AhpSession, judgements: dict[str, str]) -> list[list[float]]:
    n = len(session.names)
    matrix = [[1.0] * n for _ in range(n)]
    for i, j, _a, _b in pairs(session):
        value = value_of(judgements[f"{i}-{j}"])
        matrix[i][j], matrix[j][i] = value, 1 / value
    return matrix


@dataclass(frozen=True)
class Outcome:
    result: AhpResult
    answered: int
    invited: int
    worst: list[tuple[str, str, float, float]]  # (a, b, judged, implied by the weights)


def ahp_outcome(session: AhpSession) -> Outcome | None:
    """The combined weights once at least one expert has answered, with the pairs
    whose combined judgement is furthest from what the weights imply."""
    answers = list(session.answers.all())
    done = [a for a in answers if a.answered_at is not None]
    if not done:
        return None
    try:
        result = ahp(
            [_matrix(session, a.judgements) for a in done],
            names=session.names,
            aggregate=session.aggregate,  # type: ignore[arg-type]
            trim=session.trim if len(done) >= 2 * session.trim + 1 else 0,
        )
    except AhpError as error:
        raise ServiceError("; ".join(str(p) for p in error.problems)) from error
    worst = []
    for i, j, a, b in pairs(session):
        judged = result.matrix[i][j]
        implied = result.weights[i] / result.weights[j]
        worst.append((abs(math.log(judged / implied)), a, b, judged, implied))
    worst.sort(reverse=True)
    return Outcome(
        result=result,
        answered=len(done),
        invited=len(answers),
        worst=[(a, b, judged, implied) for _d, a, b, judged, implied in worst[:3]],
    )


def _weights(values: tuple[float, ...], total: float) -> list[float]:
    """The weights scaled to `total`, in hundredths, the rounding left on the largest."""
    scaled = [round(total * value, 2) for value in values]
    largest = max(range(len(scaled)), key=lambda k: scaled[k])
    scaled[largest] = round(scaled[largest] + total - sum(scaled), 2)
    return scaled


def ahp_apply(*, session: AhpSession, actor: Any, comment: str = "") -> SchemeVersion:
    """Write the weights into the form as its next version (with a comment)."""
    if not roles.is_hr(actor):
        raise NotAllowed(_("only HR applies weights to a form"))
    outcome = ahp_outcome(session)
    if outcome is None:
        raise ServiceError(_("no expert has answered yet"))
    if not outcome.result.consistent:
        raise ServiceError(
            _(
                "the judgements are not consistent enough (CR %(cr)s ≥ 0.1): ask the experts to"
                " look again at the pairs shown"
            )
            % {"cr": f"{outcome.result.cr:.4f}"}
        )
    _version, data = _document(session.scheme)
    nodes = _siblings(data, session.section)
    if [str(node.get("name") or node.get("code")) for node in nodes] != list(session.names):
        raise ServiceError(_("the form's items changed since the weighting began: start again"))
    total = sum(float(node.get("weight", 0) or 0) for node in nodes) or 100.0
    for node, weight in zip(nodes, _weights(outcome.result.weights, total), strict=True):
        node["weight"] = int(weight) if float(weight).is_integer() else weight
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    words = "、".join(
        f"{name} {weight:.2%}"
        for name, weight in zip(session.names, outcome.result.weights, strict=True)
    )
    with transaction.atomic():
        said = comment or _("AHP weights (%(experts)s experts, CR %(cr)s): %(weights)s") % {
            "experts": outcome.answered,
            "cr": f"{outcome.result.cr:.4f}",
            "weights": words,
        }
        version = scheme_save(actor=actor, text=text, scheme=session.scheme, comment=said[:200])
        session.applied_version = version
        session.save(update_fields=["applied_version", "updated_at"])
        audit_record(
            actor=actor, action="ahp.applied", target=session, after={"version": version.number}
        )
    return version
