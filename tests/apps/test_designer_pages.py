"""The designer's pages through the test client: a scheme's page posted back unchanged
saves the same document; buttons add and move rows; problems are said in Chinese
beside the part they name; a version saved from the designer; starting points;
two versions compared in words (issue 12)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from jixiao.schemes.models import Scheme
from jixiao.schemes.services import scheme_save
from jixiao.scoring.source import parse_text
from tests.apps.factories import PASSWORD
from tests.conftest import EXAMPLES

pytestmark = pytest.mark.django_db

DEMO = Path(__file__).resolve().parents[2] / "jixiao" / "demo" / "schemes"
GOLDEN = Path(__file__).resolve().parents[1] / "scoring" / "golden"


class FormReader(HTMLParser):
    """The fields a browser would post from the page's form #designer."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._selected: str | None = None
        self._first: str | None = None
        self._textarea: str | None = None
        self._text = ""
        self.inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("id") == "designer":
            self.inside = True
        if not self.inside:
            return
        name = a.get("name", "")
        if tag == "input" and name and name != "action":
            if a.get("type") == "checkbox" and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select, self._selected, self._first = name, None, None
        elif tag == "option" and self._select is not None:
            if self._first is None:
                self._first = a.get("value", "")
            if "selected" in a:
                self._selected = a.get("value", "")
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        if tag == "select" and self._select is not None:
            chosen = self._selected if self._selected is not None else self._first
            self.fields.append((self._select, chosen or ""))
            self._select = None
        if tag == "textarea" and self._textarea is not None:
            text = self._text[1:] if self._text.startswith("\n") else self._text
            self.fields.append((self._textarea, text))
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data


def form_of(html: str) -> list[tuple[str, str]]:
    reader = FormReader()
    reader.feed(html)
    return reader.fields


def post_data(fields: list[tuple[str, str]], **more: str) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    data.update(more)
    return data


def signed_in(user: Any) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.parametrize(
    "path",
    [
        EXAMPLES / "fin-manager.scheme.yaml",
        DEMO / "warehouse-3pl.scheme.yaml",
        DEMO / "staff-360.scheme.yaml",
        DEMO / "staff-monthly.scheme.yaml",
        DEMO / "prd-manager-points.scheme.yaml",
        EXAMPLES / "staff-annual.scheme.yaml",
        GOLDEN / "every-option.scheme.yaml",
    ],
    ids=lambda p: p.name,
)
def test_a_page_posted_back_unchanged_saves_the_same_document(hr: Any, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    version = scheme_save(actor=hr, text=text)
    client = signed_in(hr)
    page = client.get(f"/hr/designer/{version.scheme.code}/")
    assert page.status_code == 200
    fields = form_of(page.content.decode())
    response = client.post(
        f"/hr/designer/{version.scheme.code}/",
        post_data(fields, action="save", comment="原样保存"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = Scheme.objects.get(code=version.scheme.code).current_version
    assert saved is not None and saved.number == 2 and saved.comment == "原样保存"
    assert parse_text(saved.text, kind="scheme").data == parse_text(text, kind="scheme").data


def test_buttons_add_and_move_rows_and_the_words_follow(hr: Any) -> None:
    version = scheme_save(actor=hr, text=(EXAMPLES / "fin-manager.scheme.yaml").read_text("utf-8"))
    client = signed_in(hr)
    url = f"/hr/designer/{version.scheme.code}/"
    fields = form_of(client.get(url).content.decode())
    # the first item's tier table: ≥ 95% scores 85 instead of 80
    data = post_data(fields, action="refresh")
    data["n0-0.r.row1.score"] = ["85"]
    page = client.post(url, data, HTTP_HX_REQUEST="true").content.decode()
    assert "≥ 95% 得 85 分" in page
    # a row added goes before 否则 (else stays last)
    page = client.post(
        url, post_data(form_of(page), action="row-add|n0-0|rule"), HTTP_HX_REQUEST="true"
    ).content.decode()
    after = dict(form_of(page))
    assert after["n0-0.r.rows"] == "6"
    assert after["n0-0.r.row4.when"] == ""
    assert after["n0-0.r.row5.when"] == "else"
    assert "第 1 节「财务指标」第 1 项「预算执行偏差率」的计分规则第 5 行" in page  # the empty row
    assert "不是条件" in page and "not a condition" not in page
    data = post_data(form_of(page), action="row-delete|n0-0|rule|4")
    page = client.post(url, data, HTTP_HX_REQUEST="true").content.decode()
    assert dict(form_of(page))["n0-0.r.rows"] == "5"


def test_problems_are_said_in_chinese_beside_the_item(hr: Any) -> None:
    version = scheme_save(actor=hr, text=(EXAMPLES / "fin-manager.scheme.yaml").read_text("utf-8"))
    client = signed_in(hr)
    url = f"/hr/designer/{version.scheme.code}/"
    data = post_data(form_of(client.get(url).content.decode()), action="refresh")
    data["n1-2.f.weight"] = ["-5"]
    page = client.post(url, data, HTTP_HX_REQUEST="true").content.decode()
    assert "第 2 节「运营指标」第 3 项「财务分析报告编制质量」" in page
    assert 'id="f-n1-2.f.weight" name="n1-2.f.weight" aria-invalid="true"' in page
    assert "weight" not in page.split('id="f-n1-2.f.weight-problem"')[1].split("</span>")[0]


def test_starting_points_and_a_new_scheme_saved_from_a_template(hr: Any) -> None:
    client = signed_in(hr)
    start = client.get("/hr/designer/").content.decode()
    assert "空白" in start and "财务部经理月度考核表" in start
    page = client.get("/hr/designer/new/?start=template:fin-manager").content.decode()
    data = post_data(form_of(page), action="save", comment="从模板建立")
    data["top.f.code"] = ["FIN-MGR-2"]
    response = client.post("/hr/designer/new/?start=template:fin-manager", data)
    assert response.status_code == 302
    saved = Scheme.objects.get(code="FIN-MGR-2").current_version
    assert saved is not None and saved.comment == "从模板建立"


def test_two_versions_compared_in_words(hr: Any) -> None:
    text = (EXAMPLES / "fin-manager.scheme.yaml").read_text("utf-8")
    scheme_save(actor=hr, text=text)
    changed = text.replace('[">= 95%", 80], [">= 90%", 60]', '[">= 95%", 85], [">= 90%", 60]')
    scheme_save(
        actor=hr,
        text=changed.replace(
            "weight: 20\n        source: 相关部门反馈", "weight: 25\n        source: 相关部门反馈"
        ),
        comment="调整",
    )
    page = signed_in(hr).get("/hr/designer/FIN-MGR/compare/").content.decode()
    assert "「预算执行偏差率」分档：≥ 95% 由 80 分改为 85 分" in page
    assert "「部门管理」权重：20 → 25" in page


class VisibleText(HTMLParser):
    """The words a person reads on a page: text outside scripts, styles, the YAML
    boxes and the advanced document view; values typed into boxes are the form's own."""

    SKIP = ("script", "style", "textarea", "pre", "option")

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.words: list[str] = []
        self.skipped: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # the trial's list of facts still missing holds the engine's messages about the
        # facts (some still name inputs as the engine does): not this page's words
        if tag in self.SKIP or (tag == "ul" and ("class", "trial-errors") in attrs):
            self.skipped.append(tag)
            self.depth += 1
        for key, value in attrs:
            if key in ("title", "aria-label", "placeholder") and value:
                self.words.append(value)

    def handle_endtag(self, tag: str) -> None:
        if self.skipped and tag == self.skipped[-1]:
            self.skipped.pop()
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if not self.depth and data.strip():
            self.words.append(data.strip())


ENGINE_WORDS = re.compile(
    r"\b(bands|levels|deduct|direct|steps|interpolate|formula|supervisor|zero|each|"
    r"per|refused|redistribute|within|department|None|True|False|null|the|and|of|is)\b"
)


# the expression language's functions: what HR types in a formula (said in words beside)
FUNCTIONS = {"abs", "min", "max", "round", "floor", "ceil", "sum", "mean", "count", "clamp"}


def _names_of(document: Any) -> set[str]:
    """The names the form's author chose (inputs in expressions, events, labels'
    keys, codes): the form's own words, not the engine's."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("measure", "formula", "when", "by", "pool", "code", "factor"):
                    found.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", str(value)))
                if key in ("per", "labels") and isinstance(value, dict):
                    found.update(str(k) for k in value)
                if key != "final":  # rater types are the engine's words
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                if isinstance(value, str) and not value.startswith(("<", ">", "=", "[", "(")):
                    found.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", value))
                walk(value)

    walk(document)
    return found - {"else", "and", "or", "not", "if"}


@pytest.mark.parametrize("path", sorted(DEMO.glob("*.scheme.yaml")), ids=lambda p: p.name)
def test_every_designer_and_scheme_page_reads_in_chinese(hr: Any, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    version = scheme_save(actor=hr, text=text)
    code = version.scheme.code
    scheme_save(actor=hr, text=text.replace("weight: 10", "weight: 11", 1), comment="改")
    client = signed_in(hr)
    allowed = _names_of(parse_text(text, kind="scheme").data)
    for url in (
        "/hr/schemes/",
        f"/hr/schemes/{code}/",
        f"/hr/schemes/{code}/trial/",
        "/hr/designer/",
        "/hr/designer/new/?start=blank",
        f"/hr/designer/{code}/",
        f"/hr/designer/{code}/compare/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        reader = VisibleText()
        reader.feed(response.content.decode())
        shown = " ".join(reader.words)
        found = {w for w in ENGINE_WORDS.findall(shown) if w not in allowed}
        english = {
            w
            for w in re.findall(r"\b[a-z]{4,}\b", shown)
            if w not in allowed and w not in FUNCTIONS
        }
        assert not found, (url, found)
        assert not english, (url, sorted(english)[:20])


def test_picking_an_indicator_fills_the_item(hr: Any) -> None:
    import datetime

    from jixiao.indicators.services import indicator_save

    indicator_save(
        actor=hr,
        code="X-F-01",
        effective_from=datetime.date(2026, 1, 1),
        name="预算执行偏差率",
        data_source="财务部",
        formula="1 - |实际 - 预算| / 预算",
        unit="%",
    )
    client = signed_in(hr)
    page = client.get("/hr/designer/new/?start=blank").content.decode()
    data = post_data(form_of(page), action="refresh")
    data["pick-n0-0"] = ["X-F-01"]
    after = dict(
        form_of(
            client.post(
                "/hr/designer/new/?start=blank", data, HTTP_HX_REQUEST="true"
            ).content.decode()
        )
    )
    assert after["n0-0.f.name"] == "预算执行偏差率"
    assert (after["n0-0.f.indicator"], after["n0-0.f.unit"], after["n0-0.f.source"]) == (
        "X-F-01",
        "%",
        "财务部",
    )
    assert "1 - |实际 - 预算| / 预算" in after["n0-0.f.note"]


def test_an_excel_familiar_form_opens_in_the_designer(hr: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from jixiao.spreadsheets.scheme_form import scheme_workbook
    from jixiao.spreadsheets.writers import to_bytes

    document = parse_text(
        (EXAMPLES / "fin-manager.scheme.yaml").read_text("utf-8"), kind="scheme"
    ).data
    upload = SimpleUploadedFile("考核表.xlsx", to_bytes(scheme_workbook(document)))
    page = signed_in(hr).post("/hr/designer/new/", {"excel": upload}).content.decode()
    fields = dict(form_of(page))
    assert fields["top.f.code"] == "FIN-MGR"
    assert fields["n1-0.f.name"] == "部门管理"
    assert fields["n0-0.r.row0.when"] == ">= 98%"


def test_a_code_and_twin_names_are_refused_in_chinese(hr: Any) -> None:
    client = signed_in(hr)
    data = post_data(
        form_of(client.get("/hr/designer/new/?start=blank").content.decode()),
        action="item-add|n0",
    )
    data["top.f.code"] = ["财务"]
    page = client.post("/hr/designer/new/?start=blank", data, HTTP_HX_REQUEST="true")
    data = post_data(form_of(page.content.decode()), action="refresh")
    data["n0-1.f.name"] = ["工作完成率"]
    page = client.post("/hr/designer/new/?start=blank", data, HTTP_HX_REQUEST="true")
    text = page.content.decode()
    # said by the designer until the engine says it itself, then by the engine
    assert re.search("只能(用英文|使用)字母、数字", text)
    assert re.search("工作完成率.{0,12}(用了两次|重复)", text)
    assert "use letters" not in text and "used twice" not in text


def test_a_scheme_is_assigned_to_a_position_and_taken_back(hr: Any, company: Any) -> None:
    version = scheme_save(actor=hr, text=(EXAMPLES / "fin-manager.scheme.yaml").read_text("utf-8"))
    client = signed_in(hr)
    target = f"position:{company.manager_position.pk}"
    response = client.post("/hr/designer/FIN-MGR/assign/", {"target": target, "scope": "members"})
    assert response.status_code == 302
    assignment = version.scheme.assignments.get()
    assert assignment.position == company.manager_position
    again = client.post("/hr/designer/FIN-MGR/assign/", {"target": target}, follow=True)
    assert "本考核表已经分配给它了" in again.content.decode()
    page = client.get("/hr/schemes/FIN-MGR/").content.decode()
    assert "财务部经理" in page.split('id="assignments"')[1].split("</div>")[0]
    client.post("/hr/designer/FIN-MGR/assign/", {"remove": str(assignment.pk)})
    assert not version.scheme.assignments.exists()


# -- the form-level parts ----------------------------------------------------------------
def _press(client: Client, url: str, page: str, action: str, **boxes: str) -> str:
    """Post the page as a browser would, with some boxes changed and a button pressed."""
    data = post_data(form_of(page), action=action)
    for name, value in boxes.items():
        data[name.replace("__", ".")] = [value]
    return client.post(url, data, HTTP_HX_REQUEST="true").content.decode()


def _part(page: str, part: str) -> str:
    """The words of one part's card."""
    return page.split(f'id="part-{part}"')[1].split("</section>")[0]


def _boxes(**names: str) -> dict[str, str]:
    return {k.replace(".", "__"): v for k, v in names.items()}


def test_a_forced_distribution_and_raters_set_by_clicking_are_said_in_words(hr: Any) -> None:
    client = signed_in(hr)
    url = "/hr/designer/new/?start=blank"
    page = client.get(url).content.decode()
    assert "设置强制分布" in _part(page, "distribution")
    page = _press(client, url, page, "part-add|top.f.distribution")
    assert "强制分布：A 10%、B 20%" in _part(page, "distribution") or "强制分布：A 10%" in page
    page = _press(client, url, page, "entry-delete|top.f.distribution.f.quotas|4")
    page = _press(
        client,
        url,
        page,
        "refresh",
        **_boxes(
            **{
                "top.f.distribution.f.quotas.3.value": "30%",
                "top.f.distribution.f.within": "department",
            }
        ),
    )
    said = _part(page, "distribution")
    assert "按「部门」分组强制分布" in said and "D 30%" in said
    # a share that is not a number: said in Chinese on the card, beside the quotas
    wrong = _press(
        client, url, page, "refresh", **_boxes(**{"top.f.distribution.f.quotas.2.value": "很多"})
    )
    card = _part(wrong, "distribution")
    assert card.count('class="problem" role="alert"') == 2 and "很多" in card
    assert "expected" not in card
    # raters: two weights by button, the sentence follows
    page = _press(client, url, page, "entry-add|top.f.raters.f.weights")
    page = _press(client, url, page, "entry-add|top.f.raters.f.weights")
    page = _press(
        client,
        url,
        page,
        "refresh",
        **_boxes(
            **{
                "top.f.raters.f.weights.0.value": "70%",
                "top.f.raters.f.weights.1.value": "30%",
            }
        ),
    )
    assert "评分权重：" in _part(page, "raters") and "70%" in _part(page, "raters")
    data = post_data(form_of(page), action="save", comment="强制分布")
    data["top.f.code"] = ["DIST"]
    assert client.post(url, data).status_code == 302
    saved = Scheme.objects.get(code="DIST").current_version
    assert saved is not None
    document = parse_text(saved.text, kind="scheme").data
    assert document["distribution"] == {
        "quotas": {"A": "10%", "B": "20%", "C": "40%", "D": "30%"},
        "within": "department",
    }
    assert document["raters"] == {"weights": {"supervisor": "70%", "self": "30%"}}


def test_adjustments_of_every_kind_by_clicking_each_said_in_words(hr: Any) -> None:
    client = signed_in(hr)
    url = "/hr/designer/new/?start=blank"
    page = client.get(url).content.decode()
    for kind in ("bonus", "penalty", "add", "deduct", "coefficient", "gate", "points"):
        page = _press(client, url, page, f"adj-add|{kind}")
    said = _part(page, "adjustments")
    for words in ("由人录入加分", "由人录入扣分", "总分乘以", "当 ", "所得分数直接加入总分"):
        assert words in said, words
    assert said.count('class="said"') == 7
    # a points line is scored by the trial like the others: its inputs are asked there
    assert 'data-kind="points"' in page and 'name="a6.p.r.o.f.step"' in page
    # a problem is said beside the box it names, in Chinese
    page = _press(client, url, page, "refresh", **_boxes(**{"a0.b.f.each": "10, 5"}))
    box = page.split('id="f-a0.b.f.each"')[1].split("</span></span>")[0]
    assert box.startswith(' name="a0.b.f.each" aria-invalid="true"'), box
    assert "下限" in box or "高于" in box or "大于" in box, box
    assert "low is above" not in page


def test_outcomes_history_normalisation_and_checks_by_form(hr: Any) -> None:
    client = signed_in(hr)
    url = "/hr/designer/new/?start=blank"
    page = client.get(url).content.decode()
    page = _press(client, url, page, "row-add|top|grades")
    page = _press(
        client,
        url,
        page,
        "refresh",
        **_boxes(**{"top.f.grades.row0.when": ">= 80", "top.f.grades.row0.score": "优秀"}),
    )
    page = _press(client, url, page, "row-add|top|grades")
    page = _press(
        client,
        url,
        page,
        "refresh",
        **_boxes(**{"top.f.grades.row1.when": "else", "top.f.grades.row1.score": "合格"}),
    )
    page = _press(client, url, page, "part-add|top.f.outcomes.f.salary")
    page = _press(client, url, page, "named-add|top.f.outcomes.labels")
    page = _press(client, url, page, "named-add|top.f.history")
    page = _press(
        client,
        url,
        page,
        "refresh",
        **_boxes(
            **{
                "top.f.period": "year",
                "top.f.ranking.f.within": "department",
                "top.f.limits.f.max_items": "8",
                "top.f.total.f.max": "110",
                "top.f.outcomes.labels.0.f.table.row0.score": "晋升培训",
                "top.f.outcomes.labels.0.f.table.row1.score": "必须培训",
            }
        ),
    )
    outcomes = _part(page, "outcomes")
    assert 'class="problem"' not in page, re.findall('class="problem"[^>]*>([^<]*)<', page)
    assert "薪级调整：" in outcomes and "晋升培训" in outcomes
    assert "本考核期内各" in _part(page, "history")
    assert "总分最高 110 分" in _part(page, "total")
    assert "按「部门」分组" in _part(page, "ranking") and "8" in _part(page, "limits")
    data = post_data(form_of(page), action="save", comment="结果")
    data["top.f.code"] = ["OUTCOMES"]
    assert client.post(url, data).status_code == 302, _part(page, "outcomes")
    saved = Scheme.objects.get(code="OUTCOMES").current_version
    assert saved is not None
    document = parse_text(saved.text, kind="scheme").data
    assert document["limits"] == {"max_items": 8} and document["total"] == {"max": 110}
    assert document["ranking"] == {"within": "department"}
    assert document["outcomes"]["salary"]["steps"][-1] == ["else", -1]
    assert document["history"] == {"monthly_totals": {"period": "month", "value": "total"}}


def test_an_items_own_raters_by_form_and_in_words(hr: Any) -> None:
    text = (GOLDEN / "every-option.scheme.yaml").read_text("utf-8")
    version = scheme_save(actor=hr, text=text)
    client = signed_in(hr)
    url = f"/hr/designer/{version.scheme.code}/"
    page = client.get(url).content.decode()
    fields = dict(form_of(page))
    # three items of the golden form carry raters of their own, each a form, not YAML
    own = sorted({k.split(".")[0] for k in fields if k.endswith(".f.raters.f.weights.set")})
    assert len(own) >= 2 and fields[f"{own[0]}.f.raters.f.trim.0.key"] == "peer"
    assert "去掉最高和最低各 1 个" in page and "评分权重：" in page
    # taken back: the item follows the form's raters
    page = _press(client, url, page, f"part-delete|{own[0]}.f.raters")
    assert f'name="{own[0]}.f.raters.f.weights.0.key"' not in page
    assert f'value="part-add|{own[0]}.f.raters"' in page


def test_a_part_written_in_a_shape_without_a_form_is_edited_as_yaml(hr: Any) -> None:
    client = signed_in(hr)
    version = scheme_save(actor=hr, text=(EXAMPLES / "fin-manager.scheme.yaml").read_text("utf-8"))
    url = f"/hr/designer/{version.scheme.code}/"
    page = client.get(url).content.decode()
    data = post_data(form_of(page), action="refresh")
    data["top.x"] = ["raters: [supervisor]"]  # the advanced box: the form's raters written anew
    for name in [n for n in data if n.startswith("top.f.raters")]:
        del data[name]  # a page whose raters were written so (the boxes say so)
    page = client.post(url, data, HTTP_HX_REQUEST="true").content.decode()
    card = _part(page, "raters")
    assert "写法设计器无法用表单显示" in card and 'name="top.f.raters.f.missing"' not in card
    assert dict(form_of(page))["top.f.raters"] == "- supervisor"
