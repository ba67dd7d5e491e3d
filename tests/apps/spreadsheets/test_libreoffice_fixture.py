"""A workbook saved by LibreOffice (not openpyxl) imports as its rows say.

`fixtures/facts-libreoffice.xlsx` was made from `fixtures/facts-libreoffice.csv`:

    libreoffice --headless --infilter="CSV:44,34,76,1" --convert-to xlsx facts-libreoffice.csv

so its 工号 are numbers, its sheet is named after the file, and its XML is
LibreOffice's own (shared strings, its styles, its dimension records).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from jixiao.appraisals.models import Event, Fact, Rating, Result
from jixiao.spreadsheets.services import import_facts
from tests.apps.conftest import appraisal_of

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "facts-libreoffice.xlsx"


def test_the_libreoffice_workbook_was_saved_by_libreoffice() -> None:
    import zipfile

    with zipfile.ZipFile(FIXTURE) as archive:
        assert b"<Application>LibreOffice" in archive.read("docProps/app.xml")


def test_a_workbook_saved_by_libreoffice_imports_correctly(
    hr: Any, open_cycle: Any, company: SimpleNamespace
) -> None:
    outcome = import_facts(file=FIXTURE, actor=hr, cycle=open_cycle)

    assert outcome.ok, outcome.problems
    assert (outcome.rows, outcome.added, outcome.unchanged) == (9, 9, 0)
    manager = appraisal_of(open_cycle, company.manager)
    clerk = appraisal_of(open_cycle, company.clerks[0])
    inputs = {(f.appraisal_id, f.key): f.value for f in Fact.objects.filter(kind="input")}
    assert inputs == {
        (manager.pk, "actual"): 990000,
        (manager.pk, "budget"): 1000000,
        (clerk.pk, "actual"): 1060000,
        (clerk.pk, "budget"): 1000000,
    }
    assert Rating.objects.get(appraisal=clerk).value == 5
    assert sorted(Event.objects.filter(appraisal=clerk).values_list("size", flat=True)) == [1, 2]
    totals = {r.appraisal_id: r.total for r in Result.objects.all()}
    # the same rows as test_facts_import's GOOD_ROWS: the same totals
    assert totals[manager.pk] == pytest.approx(92.5)
    assert totals[clerk.pk] == pytest.approx(76.25)

    again = import_facts(file=FIXTURE, actor=hr, cycle=open_cycle)
    assert again.nothing_changed and again.previous is not None
