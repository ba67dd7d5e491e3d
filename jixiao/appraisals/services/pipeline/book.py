"""`FactBook`: what the check of a batch of fact commands reads, once: the
appraisals' stored states, their schemes, the facts and ratings already recorded
for them, and the person's rights (decided once per item for the whole batch)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any

from jixiao.appraisals.access import (
    SELF_ROLES,
    SKIP_LEVEL_ROLES,
    SUPERVISOR_ROLES,
    can_rate,
    facts_recordable_by,
    relations_by_appraisal,
)
from jixiao.appraisals.models import Appraisal, Fact, Rating
from jixiao.appraisals.services.pipeline.commands import Command
from jixiao.appraisals.workflow import APPRAISEE, SKIP_LEVEL, SUPERVISOR
from jixiao.core import roles
from jixiao.schemes.engine import engine_scheme
from jixiao.schemes.models import SchemeVersion
from jixiao.scoring import Scheme as EngineScheme
from jixiao.scoring.model import Item

SINGLE_RATER_ROLES = SELF_ROLES | SUPERVISOR_ROLES | SKIP_LEVEL_ROLES


class FactBook:
    """What the check of a batch reads, once: the appraisals' stored states, their
    schemes and the facts and ratings already recorded for them."""

    def __init__(
        self, *, appraisals: Iterable[Appraisal], actor: Any, ratings: bool = True
    ) -> None:
        """`ratings=False`: the batch records no rating, so the stored ratings are not read."""
        self.actor = actor
        self.appraisals = {appraisal.pk: appraisal for appraisal in appraisals}
        ids = list(self.appraisals)
        self.states: dict[int, tuple[str, str]] = {
            pk: (state, cycle_state)
            for pk, state, cycle_state in Appraisal.objects.filter(pk__in=ids).values_list(
                "pk", "state", "cycle__state"
            )
        }  # decide on the stored states, not on a stale copy
        self.schemes: dict[int, EngineScheme] = {}
        self.items: dict[int, dict[str, Item]] = {}
        for version in _versions(self.appraisals.values()):
            scheme = engine_scheme(version)
            self.schemes[version.pk] = scheme
            self.items[version.pk] = {item.code: item for item in scheme.items}
        self.facts: dict[tuple[Any, ...], Any] = {
            ("fact", f.appraisal_id, f.item, f.kind, f.key): f.value
            for f in Fact.objects.filter(appraisal_id__in=ids).only(
                "appraisal_id", "item", "kind", "key", "value"
            )
        }
        stored = Rating.objects.filter(appraisal_id__in=ids if ratings else [])
        for r in stored.only("appraisal_id", "item", "role", "rater_id", "value"):
            rater = None if r.role in SINGLE_RATER_ROLES else r.rater_id
            self.facts[("rating", r.appraisal_id, r.item, r.role, rater)] = (r.value, r.rater_id)
        self._may: dict[tuple[Any, ...], bool] = {}
        self._survey: Any = None  # the assigned raters' rules, read when a rating asks
        self._standings: dict[int, set[str]] | None = None

    def scheme(self, appraisal: Appraisal) -> EngineScheme:
        return self.schemes[appraisal.scheme_version_id]

    def item(self, appraisal: Appraisal, code: str) -> Item | None:
        return self.items[appraisal.scheme_version_id].get(code)

    def may_record(self, appraisal: Appraisal, item: str) -> bool:
        """Decided once per item for all the batch's appraisals (constant queries)."""
        if ("record", item) not in self._may:
            self._may[("record", item)] = True
            allowed = facts_recordable_by(self.actor, list(self.appraisals.values()), item)
            for pk in self.appraisals:
                self._may[("record", pk, item)] = pk in allowed
        return self._may.get(("record", appraisal.pk, item), False)

    def may_rate(self, appraisal: Appraisal, role: str) -> bool:
        key = ("rate", appraisal.pk, role)
        if key not in self._may:
            self._may[key] = self._may_rate(appraisal, role)
        return self._may[key]

    def _may_rate(self, appraisal: Appraisal, role: str) -> bool:
        """`can_rate`, the standings of the whole batch read once (a team's sheet costs
        the queries of one appraisal); roles given by assignment (peers …) as
        `can_rate` decides them."""
        needed = (
            APPRAISEE
            if role in SELF_ROLES
            else SUPERVISOR
            if role in SUPERVISOR_ROLES
            else SKIP_LEVEL
            if role in SKIP_LEVEL_ROLES
            else None
        )
        if needed is None or roles.is_hr(self.actor):
            return can_rate(self.actor, appraisal, role)
        if self._standings is None:
            self._standings = relations_by_appraisal(self.actor, list(self.appraisals.values()))
        return needed in self._standings.get(appraisal.pk, set())

    def survey_refusal(
        self, appraisal: Appraisal, role: str, item: Item, rater_id: int, late: bool
    ) -> tuple[str, str]:
        """An assigned rater's item scope and survey deadline (services.raters)."""
        if self._survey is None:
            from jixiao.appraisals.services.raters import SurveyRules

            self._survey = SurveyRules(self.appraisals.values())
        refusal: tuple[str, str] = self._survey.refusal(
            appraisal=appraisal, role=role, item=item, rater_id=rater_id, late=late
        )
        return refusal

    def covers(self, commands: Sequence[Command]) -> bool:
        return all(command.appraisal.pk in self.appraisals for command in commands)


def _versions(appraisals: Collection[Appraisal]) -> list[SchemeVersion]:
    """The appraisals' scheme versions (with their schemes): those already loaded with
    an appraisal (`select_related`) as they are, the others read in one query."""
    found: dict[int, SchemeVersion] = {}
    for appraisal in appraisals:
        if Appraisal.scheme_version.is_cached(appraisal):
            version = appraisal.scheme_version
            if SchemeVersion.scheme.is_cached(version):
                found[version.pk] = version
    missing = {a.scheme_version_id for a in appraisals} - set(found)
    if missing:
        found.update(
            (version.pk, version)
            for version in SchemeVersion.objects.filter(pk__in=missing).select_related("scheme")
        )
    return list(found.values())
