"""The user account. It links to at most one employee (`Employee.user`)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    is_hr = models.BooleanField(
        _("HR administrator"),
        default=False,
        help_text=_("may manage the organisation, dictionary, schemes, cycles and results"),
    )
    is_auditor = models.BooleanField(
        _("auditor"), default=False, help_text=_("reads everything, including the audit log")
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username
