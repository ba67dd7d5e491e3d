"""The audit log in words: what each action is called, what kind of record it
touched, and each change said field by field ("状态：草稿 → 进行中").

Events store codes and raw values (`fact.recorded`, `{"recorded_by": 4}`), which
is right for code that reads them again (docs/adr/0005). People read them
through this module: one name per action code, one label per field (the model
field's own verbose name where the target is a model), foreign keys shown as
the record they point to, choices as their labels, times in the site's time
zone. `describe_events` does it for a page of events with one query per kind
of record referred to, whatever the page's size.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from jixiao.core.models import AuditEvent

ACTIONS: Mapping[str, Promise] = {
    "absence.deleted": _("absence removed"),
    "absence.recorded": _("absence recorded"),
    "absence.updated": _("absence changed"),
    "adjustment.recorded": _("adjustment recorded"),
    "adjustment.removed": _("adjustment removed"),
    "ahp.answered": _("AHP judgements given"),
    "ahp.applied": _("AHP weights applied to the form"),
    "ahp.started": _("AHP weighting started"),
    "anonymity_policy.changed": _("anonymity policy changed"),
    "appeal.accepted": _("appeal accepted"),
    "appeal.answered": _("appeal answered"),
    "appeal.fact_corrected": _("fact corrected on an appeal"),
    "appeal.filed": _("appeal filed"),
    "appeal.rejected": _("appeal rejected"),
    "appraisal.added": _("appraisee added to the cycle"),
    "appraisal.moved": _("appraisal moved on"),
    "appraisal.rater_names_viewed": _("names behind anonymous ratings read"),
    "calendar_correction.changed": _("working-day correction changed"),
    "calendar_correction.removed": _("working-day correction removed"),
    "calendar_correction.set": _("working-day correction set"),
    "company.generated": _("company generated"),
    "cycle.closed": _("cycle closed"),
    "cycle.committee_set": _("committee set"),
    "cycle.created": _("cycle created"),
    "cycle.deadline_set": _("deadline set"),
    "cycle.eligibility_checked": _("eligibility checked"),
    "cycle.group_input_set": _("group figure set"),
    "cycle.moved": _("cycle moved on"),
    "cycle.opened": _("cycle opened"),
    "cycle.population_rule_added": _("eligibility rule added"),
    "cycle.population_rule_removed": _("eligibility rule removed"),
    "cycle.published": _("results published"),
    "cycle.scheme_added": _("form added to the cycle"),
    "cycle.scheme_removed": _("form removed from the cycle"),
    "cycle.updated": _("cycle changed"),
    "eligibility.decided": _("eligibility decided"),
    "duties.imported": _("duties read from the job description"),
    "duties.replaced": _("duties replaced from Excel"),
    "duty.indicator_linked": _("indicator linked to a duty"),
    "duty.items_set": _("items measuring a duty set"),
    "employee.created": _("employee added"),
    "employee.left": _("employee left"),
    "employee.updated": _("employee changed"),
    "employee.user_linked": _("login linked to employee"),
    "cause.added": _("fishbone cause added"),
    "cause.made_indicator": _("candidate made an indicator"),
    "event.recorded": _("event recorded"),
    "event.removed": _("event removed"),
    "fact.changed": _("fact changed"),
    "fact.recorded": _("fact recorded"),
    "fact.removed": _("fact removed"),
    "facts.uploaded": _("facts uploaded"),
    "import.completed": _("import completed"),
    "improvement_plan.changed": _("improvement plan changed"),
    "improvement_plan.recorded": _("improvement plan recorded"),
    "indicator.created": _("indicator created"),
    "indicator.retired": _("indicator retired"),
    "indicator.version_added": _("indicator version added"),
    "interview.acknowledged": _("interview acknowledged"),
    "interview.changed": _("interview changed"),
    "interview.recorded": _("interview recorded"),
    "job.done": _("background task finished"),
    "job.failed": _("background task failed"),
    "job.output_downloaded": _("exported file downloaded"),
    "job.queued": _("background task queued"),
    "login.locked_out": _("login locked after failed attempts"),
    "login.unlocked": _("login unlocked"),
    "objective.indicator_linked": _("indicator linked to an objective"),
    "objective.indicator_unlinked": _("indicator no longer linked to an objective"),
    "objective.linked": _("objectives linked (cause → effect)"),
    "objective.unlinked": _("link between objectives removed"),
    "objective.saved": _("strategic objective saved"),
    "factor.added": _("key success factor added"),
    "tier_policy.saved": _("selection policy saved"),
    "position.created": _("position created"),
    "position.updated": _("position changed"),
    "rating.changed": _("rating changed"),
    "rating.recorded": _("rating recorded"),
    "rater.assigned": _("rater assigned"),
    "rater.proposed": _("peer proposed by the appraisee"),
    "rater.removed": _("rater removed"),
    "rater.reopened": _("survey reopened for a rater"),
    "rater.scoped": _("rater's items changed"),
    "result.calibrated": _("result calibrated"),
    "result.computed": _("result computed"),
    "result.corrected": _("result corrected"),
    "result.outcomes_in_force": _("pay recalculated by the grades in force"),
    "result.review_changed": _("calibration changed on review"),
    "result.review_confirmed": _("calibration confirmed on review"),
    "result.review_needed": _("calibration needs review"),
    "result.rollup_source_changed": _("a result the roll-up used changed"),
    "robot.created": _("group robot added"),
    "robot.updated": _("group robot changed"),
    "scheme.activated": _("form version put in use"),
    "scheme.assigned": _("form assigned"),
    "scheme.created": _("form created"),
    "scheme.renamed": _("form renamed"),
    "scheme.retired": _("form retired"),
    "scheme.unassigned": _("form unassigned"),
    "scheme.version_saved": _("form version saved"),
    "survey.deadline_set": _("survey deadline set"),
    "survey.reminded": _("raters reminded"),
    "target_change.approved": _("target change approved"),
    "target_change.refused": _("target change refused"),
    "target_change.requested": _("target change requested"),
    "talent.moved": _("moved to another box in the talent review"),
    "talent.potential_set": _("potential rated"),
    "talent.review_started": _("talent review started"),
    "targets.acknowledged": _("targets acknowledged"),
    "targets.signed": _("targets signed"),
    "targets.unsigned": _("targets reopened"),
    "token.created": _("API token created"),
    "token.revoked": _("API token revoked"),
    "unit.created": _("unit created"),
    "unit.updated": _("unit changed"),
    "user.created": _("login created"),
    "user.invited": _("login invitation sent"),
    "user.password_reset": _("password reset"),
    "user.roles_changed": _("roles changed"),
    "user.updated": _("login changed"),
}

# Keys of before/after that are not fields of the target's model.
FIELDS: Mapping[str, Promise] = {
    "state": _("status"),
    "total": _("total"),
    "grade": _("grade"),
    "value": _("value"),
    "values": _("values"),
    "items": _("items"),
    "reason": _("reason"),
    "note": _("note"),
    "roles": _("roles"),
    "count": _("count"),
    "rows": _("rows"),
    "file": _("file"),
    "sha256": _("file fingerprint"),
    "kind": _("kind"),
    "stage": _("stage"),
    "error": _("error"),
    "errors": _("errors"),
    "deadline": _("deadline"),
    "calibrated": _("calibrated"),
    "needs_review": _("needs review"),
    "ip": _("address"),
    "username": _("login name"),
    "ratings": _("ratings"),
    "where": _("where"),
}

EMPTY = "—"


def action_words(code: str) -> str:
    """What an action code is called, in the active language."""
    known = ACTIONS.get(code)
    if known is not None:
        return str(known)
    return _g("other change")


def action_choices() -> list[tuple[str, str]]:
    """The known actions as choices for a picker, in the active language's order."""
    return sorted(((code, str(words)) for code, words in ACTIONS.items()), key=lambda c: c[1])


def _model(target_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def target_words(target_type: str) -> str:
    """What kind of record a target is ("考核结果"), from its model's verbose name."""
    model = _model(target_type)
    if model is None:
        return _g("record")
    return str(model._meta.verbose_name)


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def _field(model: type[models.Model] | None, key: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    try:
        field = model._meta.get_field(key)
    except FieldDoesNotExist:
        return None
    return field if isinstance(field, models.Field) else None


def field_words(model: type[models.Model] | None, key: str) -> str:
    field = _field(model, key)
    if field is not None:
        return str(field.verbose_name)
    known = FIELDS.get(key)
    return str(known) if known is not None else key.replace("_", " ")


def _when(text: str) -> str | None:
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if len(text) <= 10:  # a date alone
        return moment.date().isoformat()
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M")


def value_words(value: Any, field: models.Field[Any, Any] | None = None, names: Any = None) -> str:
    """One stored value in words: labels for choices, names for links, local times."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return _g("yes") if value else _g("no")
    if field is not None and field.is_relation and names is not None:
        if isinstance(value, list):
            return "、".join(str(names.get((field.related_model, v), v)) for v in value)
        return str(names.get((field.related_model, value), value))
    if field is not None and field.choices:
        labels = {str(key): label for key, label in field.flatchoices}
        label = labels.get(str(value))
        if label is not None:
            return str(label)
    if isinstance(value, str):
        if len(value) >= 10 and value[4:5] == "-" and value[:4].isdigit():
            moment = _when(value)
            if moment is not None:
                return moment
        return value
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, Mapping):
        return "；".join(f"{field_words(None, str(k))}：{value_words(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "、".join(value_words(v) for v in value)
    return str(value)


def _keys(event: AuditEvent) -> list[str]:
    keys: list[str] = []
    for side in (event.before, event.after):
        if isinstance(side, Mapping):
            keys.extend(key for key in side if key not in keys)
    return keys


def _links(events: Sequence[AuditEvent]) -> dict[tuple[Any, Any], str]:
    """The records that events' foreign-key values point to: one query per model."""
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for event in events:
        model = _model(event.target_type)
        for key in _keys(event):
            field = _field(model, key)
            if field is None or not field.is_relation or field.related_model is None:
                continue
            for side in (event.before, event.after):
                if not isinstance(side, Mapping):
                    continue
                value = side.get(key)
                values = value if isinstance(value, list) else [value]  # many-to-many: ids
                pk = field.related_model._meta.pk
                for v in values:
                    try:  # a stored id of the right kind only (old events may hold names)
                        key_value = pk.to_python(v) if pk is not None else None
                    except (ValidationError, TypeError, ValueError):
                        continue
                    if key_value not in (None, ""):
                        wanted[field.related_model].add(key_value)
    names: dict[tuple[Any, Any], str] = {}
    for model, ids in wanted.items():
        for row in model._default_manager.filter(pk__in=ids):
            names[(model, row.pk)] = str(row)
    return names


def changes(event: AuditEvent, names: Mapping[tuple[Any, Any], str] | None = None) -> list[Change]:
    """The event's change, field by field, in words."""
    model = _model(event.target_type)
    before = event.before if isinstance(event.before, Mapping) else {}
    after = event.after if isinstance(event.after, Mapping) else {}
    said: list[Change] = []
    for key in _keys(event):
        field = _field(model, key)
        said.append(
            Change(
                field=field_words(model, key),
                before=value_words(before.get(key), field, names) if key in before else EMPTY,
                after=value_words(after.get(key), field, names) if key in after else EMPTY,
            )
        )
    return said


@dataclass(frozen=True)
class EventWords:
    event: AuditEvent
    action: str
    target_kind: str
    changes: list[Change]


def describe_events(events: Iterable[AuditEvent]) -> list[EventWords]:
    """A page of events in words (a bounded number of queries: one per kind of link)."""
    rows = list(events)
    names = _links(rows)
    return [
        EventWords(
            event=event,
            action=action_words(event.action),
            target_kind=target_words(event.target_type),
            changes=changes(event, names),
        )
        for event in rows
    ]
