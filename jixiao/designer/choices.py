"""The designer's choices, in the reader's language: what each value of the scheme
language is called on the page (the value itself is never shown)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

PERIODS = [
    ("month", _("monthly")),
    ("quarter", _("quarterly")),
    ("half", _("half-yearly")),
    ("year", _("yearly")),
]
ITEM_PERIODS = [("", _("every period")), *PERIODS]
RULE_KINDS = [
    ("bands", _("tier table")),
    ("levels", _("rated levels")),
    ("deduct", _("deductions per event")),
    ("add", _("additions per event")),
    ("steps", _("points per step")),
    ("interpolate", _("linear between points")),
    ("formula", _("formula")),
    ("direct", _("score given by a person")),
]
OVERFLOW = [
    ("", _("stops at the floor")),
    ("carry", _("what goes below the floor is taken off the total")),
]
COUNT = [
    ("", _("only whole steps count")),
    ("whole", _("only whole steps count")),
    ("exact", _("part of a step counts in proportion")),
    ("started", _("a begun step counts as a whole one")),
]
WAYS = [
    ("each", _("the same for each")),
    ("tiers", _("by how many (tiers)")),
    ("sequence", _("the k-th occurrence costs")),
    ("by_size", _("by the size of each")),
    ("zero", _("any one makes the item 0")),
]
MODE = [
    ("", _("progressive")),
    ("progressive", _("progressive")),
    ("flat", _("all at the rate of the total")),
]
THEN = [
    ("", _("then the last cost again")),
    ("repeat", _("then the last cost again")),
    ("double", _("then doubled each time")),
]
ZERO = [("", _("no")), ("true", _("yes"))]
RATERS = [
    ("", "—"),
    ("supervisor", _("supervisor")),
    ("self", _("self")),
    ("peer", _("peers")),
    ("subordinate", _("subordinates")),
    ("direct", _("direct superior")),
    ("indirect", _("indirect superior")),
    ("customer", _("customers")),
    ("hr", _("HR department")),
]
MISSING = [
    ("", _("a missing rater's weight goes to the others")),
    ("redistribute", _("a missing rater's weight goes to the others")),
    ("zero", _("a missing rating counts 0")),
    ("error", _("a missing rating cannot be scored")),
]
WITHIN = [
    ("", _("everyone together")),
    ("department", _("within each department")),
    ("level", _("within each level")),
]
RANK_BY = [
    ("", _("by the total")),
    ("total", _("by the total")),
    ("normalized", _("by the normalised total")),
]
PART_NAMES = {
    "adjustments": _("adjustments after the weighted subtotal (YAML)"),
    "distribution": _("forced distribution (YAML)"),
    "normalize": _("normalisation across groups (YAML)"),
    "outcomes": _("outcomes: pay, salary steps, labels (YAML)"),
    "limits": _("design checks (YAML)"),
    "history": _("results of earlier periods (YAML)"),
    "grades": _("grades (YAML)"),
    "raters": _("raters (YAML)"),
    "ranking": _("ranking (YAML)"),
    "total": _("the total (YAML)"),
}
# hints with a percent sign, said here (a template's own strings escape it)
HINT_STANDARD = _("e.g. >= 98%")
HINT_TOP = _("e.g. 20%")
HINT_CONDITIONS = _(
    "conditions: >= 98%, < 5, == 0, or a range [0.95, 0.98); the first row met gives the score"
)
ADJUSTMENT_KINDS = [
    ("bonus", _("points added, entered by a person")),
    ("penalty", _("points taken off, entered by a person")),
    ("add", _("points added per event")),
    ("deduct", _("points taken off per event")),
    ("coefficient", _("the total times a factor")),
    ("gate", _("a veto (基本项/否决项)")),
    ("points", _("a points line (± points by a rule)")),
]
EFFECTS = [
    ("zero", _("the total is 0")),
    ("no_bonus", _("no bonus (the score stands)")),
    ("cap_grade", _("the grade is at most")),
    ("flag", _("flagged for attention")),
]
POINTS_RULE_KINDS = [(k, label) for k, label in RULE_KINDS if k not in ("levels", "direct")]
METHODS = [("", "—"), ("mean_to_100", _("each total × 100 / its group's mean total"))]
CAPS = [
    ("", _("no cap")),
    ("spread", _("(highest + lowest) / (2 × lowest) of the first-adjusted totals")),
]
OUTCOME_BY = [
    ("", _("by the total")),
    ("total", _("by the total")),
    ("normalized", _("by the normalised total")),
    ("grade", _("by the grade")),
]
HISTORY_PERIODS = [("month", _("monthly")), ("quarter", _("quarterly")), ("half", _("half-yearly"))]
HISTORY_VALUES = [
    ("", _("the total")),
    ("total", _("the total")),
    ("normalized", _("the normalised total")),
]
HISTORY_MISSING = [
    ("", _("a period without a result is left out")),
    ("skip", _("a period without a result is left out")),
    ("error", _("every period needs a result")),
]
PART_TITLES = {
    "raters": _("raters"),
    "ranking": _("ranking"),
    "total": _("the total"),
    "distribution": _("forced distribution"),
    "normalize": _("normalisation across groups"),
    "outcomes": _("outcomes"),
    "limits": _("design checks"),
    "history": _("results of earlier periods"),
    "adjustments": _("adjustments"),
}
HINT_WEIGHT = _("e.g. 40%")
HINT_DISTRIBUTION = _(
    "The grades best to worst and the share of people each takes (adding up to 100%); a form"
    " with a forced distribution takes its grades from it."
)
# the appraisee attributes people group by, as the engine's sentences name them
GROUP_NAMES = {"department": _("department (a grouping)"), "level": _("job level (a grouping)")}
# the groups a distribution, a normalisation or a pay pool works in
GROUPS = [
    ("", _("everyone together (no groups)")),
    ("department", _("each department on its own")),
    ("level", _("each job level on its own")),
]
