"""Appraisal services: the business actions on cycles, appraisals, facts and results."""

from jixiao.appraisals.services.appeals import (
    appeal_accept,
    appeal_answer,
    appeal_correct_fact,
    appeal_file,
    appeal_reject,
)
from jixiao.appraisals.services.appraisals import (
    appraisal_add,
    appraisal_sign_targets,
    appraisal_transition,
)
from jixiao.appraisals.services.cycles import (
    cycle_add_scheme,
    cycle_create,
    cycle_remove_scheme,
    cycle_set_committee,
    cycle_set_deadline,
    cycle_update,
    group_input_set,
    population_rule_add,
    population_rule_remove,
)
from jixiao.appraisals.services.facts import (
    adjustment_record,
    adjustment_remove,
    event_record,
    event_remove,
    fact_record,
    fact_remove,
    rating_record,
)
from jixiao.appraisals.services.interviews import (
    improvement_plan_record,
    interview_acknowledge,
    interview_record,
)
from jixiao.appraisals.services.lifecycle import (
    cycle_close,
    cycle_eligibility_compute,
    cycle_open,
    cycle_publish,
    cycle_transition,
    eligibility_override,
)
from jixiao.appraisals.services.results import (
    appraisal_recompute,
    recompute_once,
    results_correct_on_appeal,
    results_recompute,
)
from jixiao.appraisals.services.targets import (
    current_targets,
    target_change_approve,
    target_change_refuse,
    target_change_request,
    target_set,
    targets_acknowledge,
    targets_sign,
)

__all__ = [
    "adjustment_record",
    "adjustment_remove",
    "appeal_accept",
    "appeal_answer",
    "appeal_correct_fact",
    "appeal_file",
    "appeal_reject",
    "appraisal_add",
    "appraisal_recompute",
    "appraisal_sign_targets",
    "appraisal_transition",
    "current_targets",
    "cycle_add_scheme",
    "cycle_close",
    "cycle_create",
    "cycle_eligibility_compute",
    "cycle_open",
    "cycle_publish",
    "cycle_remove_scheme",
    "cycle_set_committee",
    "cycle_set_deadline",
    "cycle_transition",
    "cycle_update",
    "eligibility_override",
    "event_record",
    "event_remove",
    "fact_record",
    "fact_remove",
    "group_input_set",
    "improvement_plan_record",
    "interview_acknowledge",
    "interview_record",
    "population_rule_add",
    "population_rule_remove",
    "rating_record",
    "recompute_once",
    "results_correct_on_appeal",
    "results_recompute",
    "target_change_approve",
    "target_change_refuse",
    "target_change_request",
    "target_set",
    "targets_acknowledge",
    "targets_sign",
]
