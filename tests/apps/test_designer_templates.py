"""The designer's template library: the demo company's forms, the specification's
examples and the R&D annual form, each under its Chinese name; each passes the engine's
check and opens in the designer without the document's developer comments."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from jixiao.designer.library import DEMO, FORMS, LIBRARY, template_data, templates
from jixiao.scoring import language, scheme_from_text
from jixiao.scoring.source import parse_text
from tests.apps.factories import PASSWORD

SPEC = Path("/work/shared/spec/examples")
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_library_holds_the_seed_forms_and_the_specifications_examples() -> None:
    keys = [key for key, _name in templates()]
    assert len(keys) == len(set(keys))
    assert len({name for _key, name in templates()}) == len(keys)
    paths = {path for _key, path, _name in LIBRARY}
    assert set(DEMO.glob("*.scheme.yaml")) <= paths  # the demo company's forms, all of them
    managers = [k for k in keys if k.endswith("-manager") and not k.startswith("spec-")]
    assert len(managers) == 8  # the eight department managers' forms
    for wanted in ("staff-monthly", "staff-360", "warehouse-3pl", "rd-annual", "pur-manager"):
        assert wanted in keys
    assert "prd-manager-points" in keys  # the 扣分制 points sheet
    names = dict(templates())
    assert "扣分制" in names["prd-manager-points"]
    assert all(CJK.search(name) for name in names.values())


@pytest.mark.skipif(not SPEC.is_dir(), reason="the specification's examples are not here")
def test_every_example_of_the_specification_is_a_template() -> None:
    for example in sorted(SPEC.glob("*.scheme.yaml")):
        key = f"spec-{example.name.removesuffix('.scheme.yaml')}"
        assert template_data(key) == parse_text(example.read_text("utf-8"), kind="scheme").data


@pytest.mark.parametrize("key", [key for key, _path, _name in LIBRARY])
def test_each_template_passes_the_check(key: str) -> None:
    path = dict((k, p) for k, p, _n in LIBRARY)[key]
    with language("zh"):
        scheme = scheme_from_text(path.read_text(encoding="utf-8"))
    assert scheme.items


def test_the_librarys_own_forms_are_commented_in_chinese_only() -> None:
    for path in sorted(FORMS.glob("*.scheme.yaml")):
        comments = [line for line in path.read_text("utf-8").splitlines() if "#" in line]
        assert comments, path.name
        for line in comments:
            words = re.findall(r"[A-Za-z]{4,}", line.split("#", 1)[1])
            assert not words, (path.name, line)


def test_an_unknown_template_is_none() -> None:
    assert template_data("no-such-form") is None
    assert template_data("../demo/schemes/fin-manager") is None


@pytest.mark.parametrize(
    "key", ["prd-manager-points", "warehouse-3pl", "staff-360", "rd-annual", "spec-staff-annual"]
)
def test_a_template_opens_in_the_designer_without_its_comments(hr: Any, key: str) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.login(username=hr.username, password=PASSWORD)
    response = client.get(f"/hr/designer/new/?start=template:{key}")
    assert response.status_code == 200
    page = response.content.decode()
    path = dict((k, p) for k, p, _n in LIBRARY)[key]
    data = parse_text(path.read_text("utf-8"), kind="scheme").data
    assert str(data["name"]) in page
    for line in path.read_text("utf-8").splitlines():
        if "#" in line:
            comment = line.split("#", 1)[1].strip()
            if len(comment) > 12:
                assert comment not in page, (key, comment)


def test_the_rd_annual_form_follows_the_seeds_rd_scheme() -> None:
    """《技术研发人员绩效考核方案》: 工作业绩 70 / 工作态度 15 / 工作能力 15, the attitude
    sheet 30/25/25/20, the ability sheet's 110 points folded into its 15, and the salary
    steps (above 95: two up; above 80: one; above 60: none; otherwise one down)."""
    from jixiao.scoring import facts_from_data, score_periods

    path = dict((k, p) for k, p, _n in LIBRARY)["rd-annual"]
    data = parse_text(path.read_text("utf-8"), kind="scheme").data
    assert [(s["name"], s["weight"]) for s in data["sections"]] == [
        ("工作业绩", 70),
        ("工作态度", 15),
        ("工作能力", 15),
    ]
    assert [i["weight"] for i in data["sections"][1]["items"]] == [30, 25, 25, 20]
    assert sum(i["weight"] for i in data["sections"][2]["items"]) == 110
    scheme = scheme_from_text(path.read_text("utf-8"))
    best = {
        "新产品开发周期": {"inputs": {"planned_days": 120, "actual_days": 100}},
        "技术评审合格率": {"inputs": {"passed": 20, "reviews": 20}},
        "项目计划完成率": {"inputs": {"done": 10, "planned": 10}},
        "设计的可生产性": {"events": {}},
        "研发成本降低率": {"inputs": {"budget": 100, "actual": 88}},
    }
    for section in data["sections"][1:]:
        for item in section["items"]:
            best[item["name"]] = next(iter(item["rule"]["levels"]))
    grade = {"salary_grade": 5, "salary_grade_min": 3, "salary_grade_max": 6}
    weakest = dict(best, 设计的可生产性={"events": {"unproducible": 4}})  # 扣完为止: 0 of 15
    facts = facts_from_data(
        {
            "period": "2026",
            "appraisees": [
                {"id": "A", "inputs": grade, "facts": best},
                {"id": "B", "inputs": grade, "facts": weakest},
            ],
        }
    )
    (run,) = score_periods(scheme, facts)
    first, second = run.result(0), run.result(1)
    assert first["total"] == 100
    assert first["outcomes"]["salary_step"] == 2
    assert first["outcomes"]["salary_grade"] == 6  # 5 + 2, held at the top of the range
    assert first["outcomes"]["training"] == "可享受提升培训"
    assert second["total"] == 89.5  # 100 - 70 × 15/100
    assert second["outcomes"]["salary_step"] == 1
