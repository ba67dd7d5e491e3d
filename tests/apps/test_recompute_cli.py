"""Recomputation from the database equals `jixiao score` on the same facts:
the stored facts of a group, written as a facts file, give the stored results."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from jixiao.appraisals import services
from jixiao.appraisals.models import Appraisal, Cycle, Result
from jixiao.appraisals.scoring import facts_document, with_facts
from jixiao.cli import main
from tests.apps.conftest import record_full_facts

pytestmark = pytest.mark.django_db


def test_stored_results_equal_the_command_line(
    hr: Any,
    company: SimpleNamespace,
    open_cycle: Cycle,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    record_full_facts(open_cycle, company.manager, hr, actual=1010000, rating=4, violations=1)
    record_full_facts(open_cycle, company.clerks[0], hr, actual=1040000, rating=3)
    # the second accountant has no rating: an error, as the command line reports it too
    record_full_facts(open_cycle, company.clerks[1], hr, actual=900000, rating=5, violations=2)
    services.adjustment_record(
        appraisal=Appraisal.objects.get(employee=company.manager),
        actor=hr,
        name="重大违纪",
        amount=5,
        reason="违规报销",
    )
    appraisals = list(with_facts(Appraisal.objects.filter(cycle=open_cycle)).order_by("pk"))
    version = appraisals[0].scheme_version
    scheme_file = tmp_path / "scheme.yaml"
    scheme_file.write_text(version.text, encoding="utf-8")
    facts_file = tmp_path / "facts.yaml"
    facts_file.write_text(
        yaml.safe_dump(facts_document(open_cycle, appraisals), allow_unicode=True),
        encoding="utf-8",
    )

    status = main(["score", str(scheme_file), str(facts_file), "--format", "json"])

    printed = json.loads(capsys.readouterr().out)
    assert status == 0
    stored = {
        r.appraisal.appraisee_id: r.data
        for r in Result.objects.select_related("appraisal__employee")
    }
    assert {r["appraisee"]: r for r in printed["results"]} == stored
    # each stored snapshot is exactly that appraisee's entry in the facts file
    for appraisal, entry in zip(
        appraisals, yaml.safe_load(facts_file.read_text()).get("appraisees"), strict=True
    ):
        assert Result.objects.get(appraisal=appraisal).facts["appraisee"] == entry
