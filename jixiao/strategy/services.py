"""Changing the strategy (HR): objectives and their cause → effect links, success
factors, fishbone causes, a candidate turned into a dictionary entry in one step,
indicators linked to objectives and duties, duties read from a 岗位说明书's text,
and the tier policies; every change audited in its transaction."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jixiao.core import roles
from jixiao.core.audit import audit_record, snapshot
from jixiao.core.errors import NotAllowed, ServiceError
from jixiao.indicators.models import Indicator, IndicatorVersion
from jixiao.indicators.services import CONTENT_FIELDS, indicator_save
from jixiao.organization.models import Position
from jixiao.strategy.models import Bone, Cause, Duty, Objective, SuccessFactor, TierPolicy
from jixiao.strategy.selectors import form_item_links, position_forms


def _require_hr(actor: Any) -> None:
    if not roles.is_hr(actor):
        raise NotAllowed(_("only HR changes the strategy"))


def objective_save(
    *, actor: Any, code: str, name: str, perspective: str, description: str = ""
) -> Objective:
    _require_hr(actor)
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ServiceError(_("an objective needs a code and a name"))
    with transaction.atomic():
        objective, created = Objective.objects.get_or_create(
            code=code,
            defaults={"name": name, "perspective": perspective, "description": description},
        )
        before = None if created else snapshot(objective)
        if not created:
            objective.name, objective.perspective, objective.description = (
                name,
                perspective,
                description,
            )
        objective.full_clean()
        objective.save()
        audit_record(
            actor=actor,
            action="objective.saved",
            target=objective,
            before=before,
            after=snapshot(objective),
        )
    return objective


def objective_link(*, actor: Any, cause: Objective, effect: Objective) -> None:
    """Cause → effect on the map; a link back the other way (a loop) is refused."""
    _require_hr(actor)
    if cause.pk == effect.pk:
        raise ServiceError(_("an objective cannot drive itself"))
    if _drives(effect, cause):
        raise ServiceError(
            _("「%(effect)s」 already leads to 「%(cause)s」: a map has no loops")
            % {"effect": effect, "cause": cause}
        )
    with transaction.atomic():
        cause.causes.add(effect)
        audit_record(
            actor=actor, action="objective.linked", target=cause, after={"drives": effect.code}
        )


def objective_unlink(*, actor: Any, cause: Objective, effect: Objective) -> None:
    """The cause no longer leads to the effect on the map."""
    _require_hr(actor)
    with transaction.atomic():
        cause.causes.remove(effect)
        audit_record(
            actor=actor, action="objective.unlinked", target=cause, before={"drives": effect.code}
        )


def _drives(start: Objective, goal: Objective) -> bool:
    seen: set[int] = set()
    todo = [start.pk]
    while todo:
        current = todo.pop()
        if current == goal.pk:
            return True
        if current in seen:
            continue
        seen.add(current)
        todo.extend(Objective.objects.filter(caused_by=current).values_list("pk", flat=True))
    return False


def factor_add(*, actor: Any, objective: Objective, name: str) -> SuccessFactor:
    _require_hr(actor)
    if not name.strip():
        raise ServiceError(_("a key success factor needs a name"))
    with transaction.atomic():
        factor = SuccessFactor.objects.create(objective=objective, name=name.strip())
        audit_record(actor=actor, action="factor.added", target=factor, after=snapshot(factor))
    return factor


def cause_add(
    *, actor: Any, factor: SuccessFactor, bone: str, text: str, candidate: str = ""
) -> Cause:
    _require_hr(actor)
    if bone not in Bone.values:
        raise ServiceError(_("unknown bone of the fishbone: %(bone)s") % {"bone": bone})
    if not text.strip():
        raise ServiceError(_("say what the cause is"))
    with transaction.atomic():
        cause = Cause.objects.create(
            factor=factor, bone=bone, text=text.strip(), candidate=candidate.strip()
        )
        audit_record(actor=actor, action="cause.added", target=cause, after=snapshot(cause))
    return cause


def cause_to_indicator(
    *, actor: Any, cause: Cause, code: str, effective_from: datetime.date | None = None
) -> IndicatorVersion:
    """Make the cause's candidate a dictionary entry (its name, the objective's
    perspective) linked to the success factor — one step."""
    _require_hr(actor)
    if cause.indicator_id is not None:
        raise ServiceError(
            _("this candidate is already the indicator %(code)s") % {"code": cause.indicator}
        )
    name = cause.candidate or cause.text
    if Indicator.objects.filter(code=code).exists():
        raise ServiceError(_("the code %(code)s is taken") % {"code": code})
    with transaction.atomic():
        version = indicator_save(
            actor=actor,
            code=code,
            effective_from=effective_from or timezone.localdate(),
            name=name,
            perspective=cause.factor.objective.perspective,
            purpose=_("measures 「%(factor)s」 of 「%(objective)s」")
            % {"factor": cause.factor, "objective": cause.factor.objective},
        )
        cause.indicator = version.indicator
        cause.save(update_fields=["indicator", "updated_at"])
        cause.factor.indicators.add(version.indicator)
        audit_record(
            actor=actor, action="cause.made_indicator", target=cause, after={"indicator": code}
        )
    return version


def indicator_link(
    *,
    actor: Any,
    indicator: Indicator,
    objective: Objective | None = None,
    duty: Duty | None = None,
) -> None:
    _require_hr(actor)
    with transaction.atomic():
        if objective is not None:
            objective.indicators.add(indicator)
            audit_record(
                actor=actor,
                action="objective.indicator_linked",
                target=objective,
                after={"indicator": indicator.code},
            )
        if duty is not None:
            duty.indicators.add(indicator)
            audit_record(
                actor=actor,
                action="duty.indicator_linked",
                target=duty,
                after={"indicator": indicator.code},
            )


def duty_items_set(*, actor: Any, duty: Duty, codes: list[str]) -> Duty:
    """The items of the position's form that measure a duty directly (by code), set
    by HR (audited); a code the form does not have is refused, naming it."""
    _require_hr(actor)
    form = next(iter(position_forms(only=duty.position_id)), None)
    links = form_item_links({form.version_id}).get(form.version_id, []) if form else []
    known = {item.code: item.name for item in links}
    wanted = list(dict.fromkeys(code.strip() for code in codes if code.strip()))
    unknown = [code for code in wanted if code not in known]
    if unknown:
        raise ServiceError(
            _("the position's form has no item %(codes)s") % {"codes": "、".join(unknown)}
        )
    with transaction.atomic():
        before = list(duty.items or [])
        if before == wanted:
            return duty
        duty.items = wanted
        duty.save(update_fields=["items", "updated_at"])
        audit_record(
            actor=actor,
            action="duty.items_set",
            target=duty,
            before={"items": [known.get(code, code) for code in before]},
            after={"items": [known[code] for code in wanted]},
        )
    return duty


NUMBERED = re.compile(r"^\s*(?:[（(]?\d+[)）.、．]|[一二三四五六七八九十]+[、.．])\s*")


def duties_from_text(text: str) -> list[tuple[str, str]]:
    """The duties of a pasted 岗位说明书: one a line, numbered ("1、", "2.", "(3)", "四、");
    a line without a number continues the duty above it. "工作标准：…" after a duty
    (on its own line or after "；") is its work standard."""
    duties: list[list[str]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if NUMBERED.match(line) or not duties:
            duties.append([NUMBERED.sub("", line), ""])
            continue
        if re.match(r"^(工作标准|标准)[:：]", line):
            duties[-1][1] = re.sub(r"^(工作标准|标准)[:：]\s*", "", line)
        else:
            duties[-1][0] += line
    found = []
    for duty, standard in duties:
        match = re.search(r"[；;]\s*(?:工作标准|标准)[:：]\s*(.+)$", duty)
        if match:
            standard = standard or match.group(1).strip()
            duty = duty[: match.start()].strip()
        found.append((duty.strip(), standard.strip()))
    return [(duty, standard) for duty, standard in found if duty]


def duties_import(
    *, actor: Any, position: Position, text: str, replace: bool = False
) -> list[Duty]:
    """Add (or replace) a position's duties from pasted text; nothing is written if
    none is found."""
    _require_hr(actor)
    parsed = duties_from_text(text)
    if not parsed:
        raise ServiceError(_("no duty found: write one duty a line, numbered 1、2、3、…"))
    with transaction.atomic():
        if replace:
            Duty.objects.filter(position=position).delete()
        start = (
            Duty.objects.filter(position=position)
            .order_by("-order")
            .values_list("order", flat=True)
            .first()
            or 0
        ) + 1
        duties = Duty.objects.bulk_create(
            [
                Duty(position=position, order=start + n, duty=duty, standard=standard)
                for n, (duty, standard) in enumerate(parsed)
            ]
        )
        audit_record(
            actor=actor,
            action="duties.imported",
            target=position,
            after={"duties": len(duties)},
        )
    return duties


def tier_policy_save(*, actor: Any, tier: str, reason: str = "", **values: Any) -> TierPolicy:
    _require_hr(actor)
    with transaction.atomic():
        policy, _created = TierPolicy.objects.get_or_create(
            tier=tier, defaults={**values, "reason": reason}
        )
        before = snapshot(policy)
        for name, value in values.items():
            setattr(policy, name, value)
        policy.reason = reason or policy.reason
        policy.full_clean()
        policy.save()
        audit_record(
            actor=actor,
            action="tier_policy.saved",
            target=policy,
            before=before,
            after=snapshot(policy),
        )
    return policy


def duties_replace(
    *,
    actor: Any,
    position: Position,
    rows: list[tuple[str, str, str, list[Indicator]]],
    items: list[list[str]] | None = None,
) -> list[Duty]:
    """A position's duties replaced by `rows` (duty, work standard, authority, the
    indicators that measure it), in order — the Excel import of a position's duties —
    with `items`, for each row, the codes of the form's items that measure it."""
    _require_hr(actor)
    if not rows or any(not duty.strip() for duty, *_rest in rows):
        raise ServiceError(_("every duty needs its text"))
    with transaction.atomic():
        before = list(position.duties.values_list("duty", flat=True))
        Duty.objects.filter(position=position).delete()
        duties = []
        for order, (text, standard, authority, indicators) in enumerate(rows, start=1):
            duty = Duty.objects.create(
                position=position,
                order=order,
                duty=text.strip(),
                standard=standard.strip(),
                authority=authority.strip(),
                items=list(items[order - 1]) if items else [],
            )
            duty.indicators.set(indicators)
            duties.append(duty)
        audit_record(
            actor=actor,
            action="duties.replaced",
            target=position,
            before={"duties": before},
            after={"duties": [d.duty for d in duties]},
        )
    return duties


def indicator_unlink(*, actor: Any, indicator: Indicator, objective: Objective) -> None:
    """The indicator no longer measures the objective."""
    _require_hr(actor)
    with transaction.atomic():
        objective.indicators.remove(indicator)
        audit_record(
            actor=actor,
            action="objective.indicator_unlinked",
            target=objective,
            before={"indicator": indicator.code},
        )


def indicator_place(
    *,
    actor: Any,
    code: str,
    parent: Indicator | None,
    effective_from: datetime.date,
    name: str = "",
) -> IndicatorVersion:
    """Put an indicator in the cascade under `parent` (None: at the top, a company
    indicator): a new version of the entry with the same answers and the new parent
    indicator; or, for a code not yet in the dictionary, a new entry of that name,
    in the parent's perspective, to be completed in the dictionary."""
    _require_hr(actor)
    indicator = Indicator.objects.filter(code=code).first()
    current = indicator.versions.order_by("-number").first() if indicator is not None else None
    if indicator is None or current is None:
        if not name.strip():
            raise ServiceError(
                _("the indicator %(code)s is not in the dictionary: give its name") % {"code": code}
            )
        above = parent.versions.order_by("-number").first() if parent is not None else None
        return indicator_save(
            actor=actor,
            code=code,
            effective_from=effective_from,
            name=name.strip(),
            perspective=above.perspective if above is not None else "",
            parent=parent,
        )
    if parent is not None and _above(parent, indicator):
        raise ServiceError(
            _("%(parent)s is below %(code)s in the cascade: an indicator cannot be under itself")
            % {"parent": parent.code, "code": code}
        )
    content = {field: getattr(current, field) for field in CONTENT_FIELDS}
    content["parent"] = parent
    return indicator_save(
        actor=actor,
        code=code,
        effective_from=effective_from,
        reason=_("cascade"),
        **content,
    )


def _above(start: Indicator, goal: Indicator) -> bool:
    """Whether `goal` is `start` or above it, following the latest versions' parents."""
    seen: set[int] = set()
    current: int | None = start.pk
    while current is not None and current not in seen:
        if current == goal.pk:
            return True
        seen.add(current)
        latest = (
            IndicatorVersion.objects.filter(indicator_id=current)
            .order_by("-number")
            .values_list("parent_id", flat=True)
            .first()
        )
        current = latest
    return False
