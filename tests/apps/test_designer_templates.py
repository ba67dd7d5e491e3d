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
