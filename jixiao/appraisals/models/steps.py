"""The steps of a cycle around the facts (domain.md §3): target-change requests,
appeals, interviews and improvement plans."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jixiao.appraisals.models.appraisals import Appraisal
from jixiao.appraisals.workflow import AppealState, ChangeRequestState
from jixiao.core.models import TimestampedModel


def _user(verbose_name: Any, *, null: bool = True) -> models.ForeignKey:  # type: ignore[type-arg]
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        null=null,
        blank=null,
        related_name="+",
    )


class TargetChangeRequest(TimestampedModel):
    """A request to change a signed target (目标值) or challenge value (挑战值). A refused
    request leaves the original target in force."""

    appraisal = models.ForeignKey(
        Appraisal,
        verbose_name=_("appraisal"),
        on_delete=models.CASCADE,
        related_name="target_change_requests",
    )
    item = models.CharField(_("item"), max_length=200)
    target = models.FloatField(_("new target"), null=True, blank=True)
    target_words = models.CharField(
        _("new target in words"), max_length=200, blank=True, help_text=_("e.g. 完成11月月结")
    )
    target_measure = models.CharField(_("how it is measured"), max_length=200, blank=True)
    challenge = models.FloatField(_("new challenge value"), null=True, blank=True)
    previous_target = models.JSONField(_("target before"), null=True, blank=True)
    previous_challenge = models.JSONField(_("challenge value before"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    requested_by = _user(_("requested by"), null=False)
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=ChangeRequestState.choices,
        default=ChangeRequestState.PENDING,
    )
    answered_by = _user(_("answered by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)

    @property
    def new_target(self) -> float | str | None:
        """The target asked for: a number, or words."""
        return self.target_words or self.target

    class Meta:
        verbose_name = _("target change request")
        verbose_name_plural = _("target change requests")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "item"],
                condition=Q(state="pending"),
                name="appraisals_one_pending_target_change_per_item",
            ),
            models.CheckConstraint(
                condition=~Q(state="refused") | ~Q(answer=""),
                name="appraisals_target_change_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appraisal} · {self.item} → {self.target}"


class Appeal(TimestampedModel):
    """An appeal (申诉) of one item or of the whole result. HR (or the cycle's
    committee) accepts or rejects it within 3 working days of receipt and answers
    within 10; an upheld appeal changes facts through the audit trail."""

    appraisal = models.ForeignKey(
        Appraisal, verbose_name=_("appraisal"), on_delete=models.PROTECT, related_name="appeals"
    )
    item = models.CharField(
        _("item"), max_length=200, blank=True, help_text=_("empty for the whole result")
    )
    reason = models.TextField(_("reason"))
    evidence = models.FileField(_("evidence"), upload_to="appeals/%Y/%m/", blank=True)
    filed_by = _user(_("filed by"), null=False)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    decide_by = models.DateField(_("accept or reject by"))
    answer_by = models.DateField(_("answer by"))
    state = models.CharField(
        _("state"), max_length=10, choices=AppealState.choices, default=AppealState.RECEIVED
    )
    decided_by = _user(_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    answered_by = _user(_("answered by"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    upheld = models.BooleanField(_("upheld"), null=True, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["appraisal", "item"],
                condition=Q(state__in=["received", "accepted"]),
                name="appraisals_one_open_appeal_per_item",
            ),
            models.CheckConstraint(
                condition=~Q(state="rejected") | ~Q(decision_reason=""),
                name="appraisals_appeal_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(state="answered") | (~Q(answer="") & Q(upheld__isnull=False)),
                name="appraisals_appeal_answer_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.appraisal} · {self.item or _('whole result')}"

    @property
    def is_open(self) -> bool:
        return self.state in (AppealState.RECEIVED, AppealState.ACCEPTED)

    @property
    def overdue(self) -> bool:
        """Past the day to accept or reject, or to answer, and not done yet."""
        today = timezone.localdate()
        if self.state == AppealState.RECEIVED and today > self.decide_by:
            return True
        return self.is_open and today > self.answer_by


class Interview(TimestampedModel):
    """The performance interview (绩效面谈) after publication, acknowledged by the appraisee."""

    appraisal = models.OneToOneField(
        Appraisal, verbose_name=_("appraisal"), on_delete=models.CASCADE, related_name="interview"
    )
    held_on = models.DateField(_("held on"))
    summary = models.TextField(_("summary"))
    to_improve = models.TextField(_("what to improve"), blank=True)
    next_goals = models.TextField(_("goals for the next period"), blank=True)
    recorded_by = _user(_("recorded by"), null=False)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = _user(_("acknowledged by"))

    class Meta:
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")

    def __str__(self) -> str:
        return f"{self.appraisal} · {self.held_on}"


class ImprovementPlan(TimestampedModel):
    """An improvement plan (绩效改进计划) for a low grade, carried into the next cycle."""

    appraisal = models.OneToOneField(
        Appraisal,
        verbose_name=_("appraisal"),
        on_delete=models.CASCADE,
        related_name="improvement_plan",
    )
    goals = models.TextField(_("improvement goals"))
    actions = models.TextField(_("actions and support"))
    review_on = models.DateField(_("review on"))
    recorded_by = _user(_("recorded by"), null=False)

    class Meta:
        verbose_name = _("improvement plan")
        verbose_name_plural = _("improvement plans")

    def __str__(self) -> str:
        return f"{self.appraisal} · {self.review_on}"
