"""One record per import that changed something: what file (its SHA-256), what
kind, by whom, and how many rows it added or changed. Re-importing the same file
is recognised by its hash and said so."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    FACTS = "facts", _("facts")
    DICTIONARY = "dictionary", _("indicator dictionary")
    ROSTER = "roster", _("organisation and roster")


class ImportBatch(models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    cycle = models.ForeignKey(
        "appraisals.Cycle",
        verbose_name=_("cycle"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    added = models.PositiveIntegerField(_("added"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.imported_at:%Y-%m-%d %H:%M})"
