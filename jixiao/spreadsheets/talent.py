"""A cycle's talent review as a workbook: one row per person with the box and the
figures it was placed by (the total or the year's mean; the part's score in %)."""

from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from jixiao.appraisals.models import Cycle
from jixiao.spreadsheets.writers import append, header, new_workbook, to_bytes, widths
from jixiao.talent.access import can_review
from jixiao.talent.models import BOXES, Placement, TalentReview


def talent_workbook(review: TalentReview) -> bytes:
    workbook, sheet = new_workbook()
    sheet.title = _("Talent review")[:31]
    header(
        sheet,
        [
            _("employee number"),
            _("name"),
            _("unit"),
            _("performance"),
            _("potential"),
            _("performance figure"),
            _("potential figure"),
            _("box"),
            _("moved by calibration"),
            _("reason"),
        ],
    )
    placements = (
        Placement.objects.filter(review=review)
        .select_related("appraisal__employee__unit", "appraisal__unit")
        .order_by("pk")
    )
    for p in placements.iterator(chunk_size=2000):
        appraisal = p.appraisal
        unit = appraisal.unit or (appraisal.employee.unit if appraisal.employee else None)
        append(
            sheet,
            [
                appraisal.appraisee_id,
                appraisal.appraisee_name,
                str(unit or ""),
                p.get_performance_display() if p.performance else "",
                p.get_potential_display() if p.potential else "",
                p.performance_value,
                p.potential_value,
                str(BOXES[p.box]) if p.box else "",
                _("yes") if p.moved else "",
                p.reason,
            ],
        )
    widths(sheet, [12, 12, 20, 10, 10, 10, 10, 18, 10, 40])
    sheet.freeze_panes = "A2"
    return to_bytes(workbook)


@login_required
def talent_export(request: HttpRequest, pk: int) -> FileResponse:
    cycle = get_object_or_404(Cycle, pk=pk)
    review = TalentReview.objects.filter(cycle=cycle).first()
    if review is None or not can_review(request.user, cycle):
        raise Http404
    return FileResponse(
        io.BytesIO(talent_workbook(review)),
        as_attachment=True,
        filename=f"{cycle.code}-talent.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
