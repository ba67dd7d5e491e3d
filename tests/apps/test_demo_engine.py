"""Every demo appraisal's stored result — in every cycle: August (closed), September
(published), October (in calibration) — is what `jixiao score` gives for the same
scheme version and the facts the result says it was computed from."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command

from jixiao.appraisals.models import Appraisal, Result
from jixiao.appraisals.scoring import appraisee_entry, with_facts
from jixiao.cli import main

pytestmark = pytest.mark.django_db


def test_every_stored_result_equals_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("demo_company", stdout=StringIO())
    results = list(
        Result.objects.select_related("appraisal", "scheme_version__scheme").order_by(
            "appraisal__cycle", "appraisal__scheme_version", "appraisal"
        )
    )
    assert len(results) == Appraisal.objects.exclude(cycle__state="draft").count() == 173
    assert {r.appraisal.cycle.code for r in results} == {"TK-2026-08", "TK-2026-09", "TK-2026-10"}
    groups: dict[tuple[int, int], list[Result]] = {}
    for result in results:
        appraisal = result.appraisal
        assert result.scheme_version_id == appraisal.scheme_version_id
        groups.setdefault((appraisal.cycle_id, appraisal.scheme_version_id), []).append(result)
    assert {r[0].scheme_version.scheme.code for r in groups.values()} >= {"STAFF-M", "3PL-WH"}
    assert sum(1 for r in results if r.facts.get("history")) == 2  # the provider's contract
    assert len(groups) == 3 * 10  # each cycle: 8 manager forms, the staff form, the provider

    for (_cycle, _version), members in groups.items():
        version = members[0].scheme_version
        snapshot = members[0].facts
        assert all(r.facts["groups"] == snapshot["groups"] for r in members)
        current = {
            "period": snapshot["period"],
            "groups": snapshot["groups"],
            "appraisees": [r.facts["appraisee"] for r in members],
        }
        # a contract's result counts the earlier months it keeps (`history`): the
        # facts file holds them as earlier periods, as a provider's file would
        earlier: dict[str, dict[str, Any]] = {}
        for member in members:
            for past in member.facts.get("history", []):
                period = earlier.setdefault(
                    past["period"],
                    {"period": past["period"], "groups": past["groups"], "appraisees": []},
                )
                period["appraisees"].append(past["appraisee"])
        document = {"periods": [*earlier.values(), current]} if earlier else current
        scheme_file = tmp_path / f"{version.scheme.code}.scheme.yaml"
        facts_file = tmp_path / f"{version.scheme.code}.facts.yaml"
        scheme_file.write_text(version.text, encoding="utf-8")
        facts_file.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")

        status = main(["score", str(scheme_file), str(facts_file), "--format", "json"])

        printed = json.loads(capsys.readouterr().out)
        assert status == 0, version.scheme.code
        if earlier:  # the results of the last period
            printed = printed["periods"][-1]
        assert {r["appraisee"]: r for r in printed["results"]} == {
            r.appraisal.appraisee_id: r.data for r in members
        }, version.scheme.code

    # the snapshots are the facts as stored now: nothing changed after the last scoring
    for appraisal in with_facts(Appraisal.objects.filter(result__isnull=False)):
        assert appraisal.result.facts["appraisee"] == appraisee_entry(appraisal)
