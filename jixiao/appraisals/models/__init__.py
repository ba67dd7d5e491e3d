"""Appraisal models, one module per part of the process."""

from jixiao.appraisals.models.anonymity import AnonymityPolicy
from jixiao.appraisals.models.appraisals import Appraisal
from jixiao.appraisals.models.cycles import (
    Cycle,
    CycleScheme,
    Eligibility,
    EligibilityDecision,
    GroupInput,
    PopulationKind,
    PopulationRule,
    Stage,
    StageDeadline,
)
from jixiao.appraisals.models.facts import (
    AdjustmentEntry,
    Event,
    Fact,
    FactKind,
    FactSource,
    Rating,
)
from jixiao.appraisals.models.raters import AssignmentState, RaterAssignment, SurveyDeadline
from jixiao.appraisals.models.results import Result
from jixiao.appraisals.models.steps import (
    Appeal,
    ImprovementPlan,
    Interview,
    TargetChangeRequest,
)

__all__ = [
    "AdjustmentEntry",
    "AnonymityPolicy",
    "Appeal",
    "Appraisal",
    "AssignmentState",
    "Cycle",
    "CycleScheme",
    "Eligibility",
    "EligibilityDecision",
    "Event",
    "Fact",
    "FactKind",
    "FactSource",
    "GroupInput",
    "ImprovementPlan",
    "Interview",
    "PopulationKind",
    "PopulationRule",
    "RaterAssignment",
    "Rating",
    "Result",
    "Stage",
    "StageDeadline",
    "SurveyDeadline",
    "TargetChangeRequest",
]
