"""The shapes of the API's requests and answers (they make its OpenAPI document)."""

from __future__ import annotations

import datetime
from typing import Any, Generic, TypeVar

from ninja import Field, Schema

T = TypeVar("T")
MAX_ID = 2**53  # ids and numbers beyond this are not ours (and overflow some databases)

Name = Field(..., min_length=1, max_length=100)


class ErrorDetail(Schema):
    code: str
    message: str
    details: list[Any] = Field(default_factory=list)


class ErrorBody(Schema):
    error: ErrorDetail


class Page(Schema, Generic[T]):
    count: int = Field(..., description="how many there are in all, with these filters")
    limit: int
    offset: int
    items: list[T]


# -- who is calling, and tokens ---------------------------------------------------
class ScopeOut(Schema):
    sources: list[str]
    cycle_states: list[str]
    read_results: bool


class MeOut(Schema):
    username: str
    display_name: str
    is_hr: bool
    is_auditor: bool
    employee: str | None = Field(None, description="the employee number, if linked")
    token: str | None = Field(None, description="the prefix of the token in use")
    token_expires_at: datetime.datetime | None = Field(
        None, description="when the token in use stops working"
    )
    read_only: bool = Field(False, description="whether the token in use may only read")
    scope: ScopeOut | None = Field(None, description="a service token's scope")


class TokenOut(Schema):
    id: int
    kind: str
    name: str
    prefix: str
    user: str
    scope: ScopeOut | None
    read_only: bool = Field(..., description="may only read: anything else is refused (403)")
    created_at: datetime.datetime
    expires_at: datetime.datetime = Field(..., description="the token stops working then (401)")
    expired: bool
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None


class TokenCreatedOut(TokenOut):
    secret: str = Field(..., description="shown once: store it now, it cannot be read again")


ReadOnly = Field(False, description="a read-only token may only read (GET)")
ExpiresOn = Field(
    None,
    description="its last day (default: a year from now; at most three years, a setting)",
)


class PersonalTokenIn(Schema):
    name: str = Name
    read_only: bool = ReadOnly
    expires_on: datetime.date | None = ExpiresOn


class ServiceTokenIn(Schema):
    name: str = Name
    sources: list[str] = Field(..., min_length=1, description="data sources, e.g. 财务部")
    cycle_states: list[str] | None = Field(
        None, description="cycle states it may record facts in (default: before publication)"
    )
    read_results: bool = False
    read_only: bool = ReadOnly
    expires_on: datetime.date | None = ExpiresOn


class RevokeIn(Schema):
    reason: str = Field("", max_length=500)


# -- organisation ---------------------------------------------------------------
class UnitOut(Schema):
    code: str
    name: str
    kind: str
    parent: str | None
    is_active: bool


class UnitIn(Schema):
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Name
    kind: str
    parent: str | None = None


class UnitPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    kind: str | None = None
    parent: str | None = None
    is_active: bool | None = None
    reason: str = ""


class PositionOut(Schema):
    code: str
    title: str
    unit: str
    tier: str
    family: str
    responsibilities: str
    authorities: str
    work_standards: str
    salary_grade_min: int | None
    salary_grade_max: int | None
    default_scheme: str | None
    is_active: bool


class PositionIn(Schema):
    code: str = Field(..., min_length=1, max_length=40)
    title: str = Name
    unit: str
    tier: str
    family: str
    responsibilities: str = ""
    authorities: str = ""
    work_standards: str = ""
    salary_grade_min: int | None = Field(None, ge=0, le=32767)
    salary_grade_max: int | None = Field(None, ge=0, le=32767)


class PositionPatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=100)
    unit: str | None = None
    tier: str | None = None
    family: str | None = None
    responsibilities: str | None = None
    authorities: str | None = None
    work_standards: str | None = None
    salary_grade_min: int | None = Field(None, ge=0, le=32767)
    salary_grade_max: int | None = Field(None, ge=0, le=32767)
    is_active: bool | None = None
    reason: str = ""


class EmployeeOut(Schema):
    number: str
    name: str
    unit: str
    position: str | None
    supervisor: str | None
    hire_date: datetime.date
    leave_date: datetime.date | None
    status: str
    is_data_owner: bool


class EmployeeIn(Schema):
    number: str = Field(..., min_length=1, max_length=40)
    name: str = Name
    unit: str
    hire_date: datetime.date
    position: str | None = None
    supervisor: str | None = None
    status: str = "active"
    is_data_owner: bool = False


class EmployeePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    unit: str | None = None
    position: str | None = None
    supervisor: str | None = None
    leave_date: datetime.date | None = None
    status: str | None = None
    is_data_owner: bool | None = None
    reason: str = ""


# -- dictionary -------------------------------------------------------------------
class IndicatorOut(Schema):
    code: str
    version: int
    effective_from: datetime.date
    effective_to: datetime.date | None
    name: str
    definition: str
    purpose: str
    data_source: str
    formula: str
    statistical_period: str
    unit: str
    perspective: str
    dimension: str
    category: str
    polarity: str
    incomplete: bool


# -- schemes -------------------------------------------------------------------------
class SchemeItemOut(Schema):
    code: str
    name: str
    section: str
    rule: str
    weight: float
    full: float
    source: str
    indicator: str | None


class SchemeOut(Schema):
    code: str
    name: str
    period: str
    is_active: bool
    version: int | None = Field(None, description="the current version")


class SchemeVersionOut(Schema):
    scheme: str
    version: int
    text: str
    digest: str
    warnings: list[dict[str, Any]]
    comment: str
    created_at: datetime.datetime
    items: list[SchemeItemOut]


class SchemeDetailOut(SchemeOut):
    versions: list[int]
    current: SchemeVersionOut | None


class DocumentIn(Schema):
    text: str = Field(..., description="a scheme document, YAML or JSON", max_length=1_000_000)


class ProblemOut(Schema):
    file: str | None = None
    line: int | None = None
    path: str
    message: str = Field(..., description="what is wrong, in the reader's language")
    severity: str
    place: str = Field(
        "", description="where, as a person sees it: 第 2 节「运营指标」第 3 项「…」的权重"
    )


class ValidationOut(Schema):
    valid: bool
    code: str | None = None
    name: str | None = None
    items: list[str] = Field(default_factory=list)
    problems: list[ProblemOut] = Field(default_factory=list)
    warnings: list[ProblemOut] = Field(default_factory=list)


class TrialIn(Schema):
    text: str = Field(..., description="a scheme document, YAML or JSON", max_length=1_000_000)
    facts: dict[str, Any] = Field(..., description="a facts document (scheme-language §14)")
    period: str | None = Field(None, description="overrides the facts document's period")


# -- cycles, appraisals, results ------------------------------------------------------
class CycleOut(Schema):
    code: str
    name: str
    period_kind: str
    period: str
    start: datetime.date
    end: datetime.date
    appraisal_date: datetime.date
    state: str
    schemes: list[str]
    appeal_deadline: datetime.date | None


class TransitionIn(Schema):
    to: str = Field(..., description="the stage to move to")
    reason: str = Field("", max_length=2000)


class AppraisalOut(Schema):
    id: int
    cycle: str
    appraisee: str = Field(..., description="the employee number, or the unit's code")
    name: str
    employee: str | None
    unit: str | None
    scheme: str
    scheme_version: int
    state: str
    attributes: dict[str, str]
    targets_signed_at: datetime.datetime | None


class FactOut(Schema):
    item: str
    kind: str
    key: str
    value: Any
    source: str
    note: str


class EventOut(Schema):
    item: str
    name: str
    occurred_on: datetime.date
    count: int
    size: float | None
    description: str
    source: str


class RatingOut(Schema):
    item: str
    role: str
    value: Any


class AppraisalDetailOut(AppraisalOut):
    facts: list[FactOut]
    events: list[EventOut]
    ratings: list[RatingOut]


class ResultOut(Schema):
    appraisal: int
    cycle: str
    appraisee: str
    name: str
    total: float | None
    subtotal: float | None
    grade: str
    rank: int | None
    ranked: int | None
    outcomes: dict[str, Any] = Field(
        default_factory=dict,
        description="pay, salary_step and salary_grade, a contract's fee_deduction and triggers"
        " (with trigger_periods: the periods behind each), and the scheme's label outcomes"
        " (training …), these following the calibrated total and grade",
    )
    errors: list[str]
    computed_at: datetime.datetime
    published: bool
    data: dict[str, Any] = Field(..., description="the engine's result with every item's trace")
    wording: dict[str, Any] = Field(
        default_factory=dict,
        description="data's words in other languages, by language (zh: Chinese): `items` (each"
        " item's trace, in data's order), `adjustments` (name and trace), `errors`",
    )


# -- facts ----------------------------------------------------------------------------------
Value = float | int | str


class FactRowIn(Schema):
    idempotency_key: str = Field(
        ..., min_length=1, max_length=200, description="yours, unique per row: a repeat is a no-op"
    )
    kind: str = Field(..., description="value, input, score, event or rating")
    value: Value = Field(..., description="a number, or a level name; an event's count")
    appraisal: int | None = Field(
        None, ge=1, le=MAX_ID, description="the appraisal's id, or give cycle + employee"
    )
    cycle: str | None = Field(None, description="the cycle's code")
    employee: str | None = Field(None, description="the employee number (工号)")
    unit: str | None = Field(None, description="the unit's code, for a unit or provider")
    item: str = Field("", description="the scheme item; empty for the appraisee's own inputs")
    key: str = Field("", description="an input's name, an event's name, a rating's role")
    size: float | None = Field(
        None, ge=0, le=1e15, description="an event's size (days late, yuan lost)"
    )
    occurred_on: datetime.date | None = Field(None, description="an event's date")
    description: str = Field("", description="what happened (events)")
    reason: str = Field("", description="why a recorded fact changes")
    note: str = ""


class FactsIn(Schema):
    rows: list[FactRowIn] = Field(..., min_length=1)


# -- appeals -------------------------------------------------------------------------------
class AppealOut(Schema):
    id: int
    appraisal: int
    cycle: str
    appraisee: str
    item: str = Field(..., description="empty for the whole result")
    reason: str
    state: str
    received_at: datetime.datetime
    decide_by: datetime.date
    answer_by: datetime.date
    decision_reason: str
    answer: str
    upheld: bool | None


class AppealIn(Schema):
    appraisal: int = Field(..., ge=1, le=MAX_ID)
    reason: str = Field(..., min_length=1, max_length=5000)
    item: str = Field("", description="the appealed item; empty for the whole result")


class AppealDecisionIn(Schema):
    decision: str = Field(..., description="accept, reject or answer")
    reason: str = Field("", max_length=5000, description="why (a rejection needs one)")
    answer: str = Field("", max_length=5000, description="the answer (decision `answer`)")
    upheld: bool | None = Field(None, description="whether the appeal is upheld (`answer`)")
