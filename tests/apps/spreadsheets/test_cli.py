"""`jixiao import|export` call the same services as the web pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jixiao.appraisals.models import Fact
from jixiao.cli import main
from tests.apps.spreadsheets.helpers import load, long_file

pytestmark = pytest.mark.django_db(transaction=False)


def test_export_template_and_import_facts_from_the_command_line(
    hr: Any, open_cycle: Any, tmp_path: Path, capsys: Any
) -> None:
    template = tmp_path / "template.xlsx"
    assert main(["export", "template", "--cycle", "2026-10", "-o", str(template)]) == 0
    assert load(template.read_bytes())["T-FIN"]["A2"].value == "1001"

    good = tmp_path / "facts.xlsx"
    good.write_bytes(long_file([("1001", "预算执行偏差率", "input", "actual", 990000)]))
    assert main(["import", "facts", str(good), "--cycle", "2026-10"]) == 0
    assert "1 added" in capsys.readouterr().out
    assert Fact.objects.get(key="actual").value == 990000

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(long_file([("9999", "预算执行偏差率", "input", "actual", 1)]))
    assert main(["import", "facts", str(bad), "--cycle", "2026-10"]) == 1
    marked = load((tmp_path / "bad.problems.xlsx").read_bytes())
    assert marked["facts"]["A2"].comment.text.startswith("unknown appraisee 9999")

    assert main(["import", "facts", str(good), "--cycle", "nope"]) == 2
    assert main(["export", "results", "--cycle", "2026-10", "-o", str(tmp_path / "r.xlsx")]) == 0


def test_dictionary_roster_and_form_from_the_command_line(
    hr: Any, open_cycle: Any, company: Any, tmp_path: Path, capsys: Any
) -> None:
    roster = tmp_path / "roster.xlsx"
    assert main(["export", "roster", "-o", str(roster)]) == 0
    assert main(["import", "roster", str(roster)]) == 0
    assert "Nothing changed" in capsys.readouterr().out

    dictionary = tmp_path / "dictionary.xlsx"
    assert main(["export", "dictionary", "-o", str(dictionary)]) == 0
    assert main(["import", "dictionary", str(dictionary)]) == 0

    appraisal = open_cycle.appraisals.get(employee=company.manager)
    form = tmp_path / "form.xlsx"
    assert main(["export", "form", "--appraisal", str(appraisal.pk), "-o", str(form)]) == 0
    assert load(form.read_bytes())["考核表"]["A3"].value == "考核因素"
    assert main(["export", "form", "--appraisal", "999999", "-o", str(form)]) == 2
