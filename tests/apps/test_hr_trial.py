"""The trial calculation's form and scoring, without the database."""

from __future__ import annotations

from django.utils import translation

from jixiao.hr.familiar import form_rows
from jixiao.hr.trial import facts_document, trial_form, trial_score
from jixiao.scoring import scheme_from_text

PAID = """\
code: T-PAY
name: 员工月度考核
period: month
items:
  - name: 出勤
    weight: 60
    rule: {deduct: {per: {late: {each: 5}}}}
  - name: 工作态度
    weight: 40
    rule: {levels: {优: 100, 良: 80, 中: 60}}
grades: [[">= 90", A], [">= 70", B], [else, C]]
outcomes:
  pay:
    coefficients: {A: 1.2, B: 1.0, C: 0.8}
    pool: pool
    within: level
"""


def test_the_form_asks_for_each_rule_and_for_the_pay_group() -> None:
    items, extra = trial_form(scheme_from_text(PAID))
    assert [f.name for f in items[0].fields] == ["ev|出勤|late"]
    assert [(f.name, f.kind, f.choices) for f in items[1].fields] == [
        ("v|工作态度", "select", ("", "优", "良", "中"))
    ]
    assert [f.name for f in extra] == ["attr|level", "grp|level|pool"]


def test_typed_values_become_one_appraisees_facts() -> None:
    document = facts_document(
        {
            "ev|出勤|late": "2",
            "v|工作态度": "良",
            "attr|level": "员工",
            "grp|level|pool": "10000",
            "v|blank": "  ",
        }
    )
    appraisee = document["appraisees"][0]
    assert appraisee["facts"] == {"出勤": {"events": {"late": 2}}, "工作态度": {"value": "良"}}
    assert appraisee["attributes"] == {"level": "员工"}
    assert document["groups"] == {"level": {"员工": {"pool": 10000.0}}}


def test_the_score_traces_and_pay_of_the_trial_appraisee() -> None:
    scheme = scheme_from_text(PAID)
    result = trial_score(
        scheme,
        {"ev|出勤|late": "2", "v|工作态度": "良", "attr|level": "员工", "grp|level|pool": "9000"},
    )
    assert result["total"] == 86  # 60 × 90% + 40 × 80%
    assert result["grade"] == "B"
    assert result["outcomes"]["pay"] == 9000
    assert "5" in result["items"][0]["trace"]


def test_sizes_and_percentages_are_read_as_people_write_them() -> None:
    document = facts_document({"ev|出勤|late": "3, 1", "in|x|rate": "97%"})
    facts = document["appraisees"][0]["facts"]
    assert facts["出勤"]["events"]["late"] == [3.0, 1.0]
    assert facts["x"]["inputs"]["rate"] == 0.97


def test_the_familiar_form_says_each_rule_in_the_readers_words() -> None:
    rows = form_rows(scheme_from_text(PAID), PAID)
    assert [(row.name, row.weight) for row in rows] == [("出勤", 60.0), ("工作态度", 40.0)]
    assert rows[1].standard == "by the level rated: 优: 100, 良: 80, 中: 60"
    with translation.override("zh-hans"):
        rows = form_rows(scheme_from_text(PAID), PAID)
    assert rows[1].standard == "按评定等级计分：优：100 分、良：80 分、中：60 分"


POINTS = """\
code: T-PTS
name: 车间扣分制
period: month
items:
  - name: 出勤
    weight: 100
    rule: {deduct: {per: {late: {each: 5}}}}
adjustments:
  - name: 产品质量
    points:
      measure: "pass_rate - target"
      labels: {pass_rate: 交检合格率, target: 质量目标}
      rule: {steps: {standard: 0, base: 0, step: 0.1%, below: -1, above: 1, min: -20, max: 20}}
  - name: 安全
    points:
      labels: {accident: 安全事故}
      rule: {deduct: {per: {accident: {each: 10}}}}
"""


def test_a_points_line_asks_for_the_inputs_and_events_it_reads_in_its_words() -> None:
    scheme = scheme_from_text(POINTS)
    _items, extra = trial_form(scheme)
    assert [(f.name, f.label, f.hint) for f in extra] == [
        ("ain|pass_rate", "交检合格率", "产品质量"),
        ("ain|target", "质量目标", "产品质量"),
        ("aev|accident", "安全事故", "安全"),
    ]
    result = trial_score(
        scheme,
        {"ev|出勤|late": "1", "ain|pass_rate": "0.985", "ain|target": "0.98", "aev|accident": "1"},
    )
    assert result["total"] == 90  # 95 + 5 points for quality − 10 for the accident
