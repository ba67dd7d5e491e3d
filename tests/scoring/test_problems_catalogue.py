"""Every problem the engine finds in a document has a Chinese form, made by the engine.

Two checks. The source: every place in the engine that hands a problem its message
(`reader.problem(path, …)`, `Problem(path, …)`, `raise ValueError(…)` while reading,
`self.error(node, …)` in expressions, a facts builder's `problems.append((path, …))`)
gives a message made by `say(...)` — or passes on one made elsewhere — never an English
literal or f-string; tests/scoring/test_wording.py then holds every `say` template to a
Chinese entry. So a new English-only message fails here. And the documents: a corpus of
wrong schemes and facts files, one per kind of problem, read in Chinese, each problem
said in Chinese (and differently from English), with its place.
"""

from __future__ import annotations

import ast
import re
import textwrap
from pathlib import Path

import pytest

import jixiao.scoring
from jixiao.scoring import DocumentError, facts_from_text, language, scheme_from_text
from jixiao.scoring.facts_io import facts_from_csv, load_facts
from jixiao.scoring.source import parse_text

SCORING = Path(jixiao.scoring.__file__).parent

# call name -> the position of the message among its arguments
CARRIERS = {
    "problem": 1,
    "warn": 1,
    "Problem": 1,
    "error": 1,
    "fail": 2,
    "ValueError": 0,
    "ExpressionError": 0,
    "EvaluationError": 0,
    "_Refused": 0,
}
# ValueErrors that tell a programmer calling the engine wrongly, never a person about a
# document: (file, function)
FOR_PROGRAMMERS = {
    ("contracts.py", "contract_outcomes"),
    ("expr.py", "_entries"),
    ("expr.py", "evaluate"),
    ("population.py", "_runs"),
    ("population.py", "quota_counts"),
    ("population.py", "distribute"),
    ("population.py", "pay_shares"),
    ("wording.py", "language"),
}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _english(node: ast.expr) -> bool:
    """A message written out in English where it is handed on: a literal, an f-string,
    text joined or formatted on the spot (or a choice between such)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr | ast.BinOp):
        return True
    if isinstance(node, ast.IfExp):
        return _english(node.body) or _english(node.orelse)
    return isinstance(node, ast.Call) and _name(node.func) in ("format", "join")


def handed_messages() -> list[tuple[str, str, ast.expr]]:
    """(where, enclosing function, message) of every problem message in the engine."""
    found = []

    def visit(node: ast.AST, owner: str, path: Path) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            owner = node.name
        message = _message_of(node)
        if message is not None:
            found.append(
                (f"{path.relative_to(SCORING)}:{getattr(node, 'lineno', 0)}", owner, message)
            )
        for child in ast.iter_child_nodes(node):
            visit(child, owner, path)

    for path in sorted(SCORING.rglob("*.py")):
        visit(ast.parse(path.read_text(encoding="utf-8")), "", path)
    return found


def _message_of(node: ast.AST) -> ast.expr | None:
    if not isinstance(node, ast.Call):
        return None
    name = _name(node.func)
    if name == "append" and len(node.args) == 1 and isinstance(node.args[0], ast.Tuple):
        parts = node.args[0].elts
        owner = node.func.value if isinstance(node.func, ast.Attribute) else None
        if len(parts) == 2 and isinstance(owner, ast.Attribute) and owner.attr == "problems":
            return parts[1]
        return None
    at = CARRIERS.get(name)
    if at is None or len(node.args) <= at:
        return None
    return node.args[at]


def test_the_scan_finds_the_places_that_hand_on_problems() -> None:
    found = handed_messages()
    files = {where.split(":")[0] for where, _, _ in found}
    assert {"reader.py", "parse.py", "source.py", "expr.py", "facts.py", "facts_io.py"} <= files
    assert len(found) > 150


def test_every_problem_message_is_said_through_the_catalogue() -> None:
    """Not an English literal where it is handed on: `say("…")` (or a message made so)."""
    english = [
        f"{where} ({owner}): {ast.unparse(message)[:80]}"
        for where, owner, message in handed_messages()
        if _english(message) and (where.split(":")[0], owner) not in FOR_PROGRAMMERS
    ]
    assert english == [], "say() the message, and give its Chinese in wording_problems.py"


def test_the_scan_catches_an_english_message() -> None:
    tree = ast.parse('reader.problem(path, f"{x!r} is bad")\nreader.problem(path, say("ok"))')
    messages = [m for node in ast.walk(tree) if (m := _message_of(node)) is not None]
    assert [_english(m) for m in messages] == [True, False]


# -- the documents: every kind of problem, in Chinese ------------------------------------

HEAD = "code: X\nname: x\n"
ITEM = HEAD + "items:\n  - {name: 甲, weight: 100, rule: %s}\n"
TWO = (
    "  - {name: 甲, weight: %s, rule: {direct: {}}}\n"
    "  - {name: 乙, weight: %s, rule: {direct: {}}}\n"
)
RATED = HEAD + "items:\n  - {name: 甲, weight: 100, rule: {direct: {}}}\n"

SCHEMES = {
    # the document
    "yaml: bracket": "code: X\nname: [a, b\nitems: 1\n",
    "yaml: indentation": "code: X\nname: x\n items:\n - 1\n",
    "yaml: key value": "code: X\nname: a: b\n",
    "yaml: unclosed quote": 'code: X\nname: "x\n',
    "yaml: alias": "code: X\nname: *a\n",
    "yaml: tab": "code: X\nname:\t@x\n",
    "yaml: list entry": "- a\nb: 1\n",
    "json": '{"code": "X", "name": }',
    "duplicate key": HEAD + "name: y\nitems:\n  - {name: 甲, weight: 1, rule: {direct: {}}}\n",
    # numbers, conditions
    "not a number": ITEM % "{direct: {min: abc}}",
    "no number": ITEM % "{direct: {min: ''}}",
    "division by zero": ITEM % "{direct: {min: 1/0}}",
    "not finite": ITEM % "{direct: {min: .inf}}",
    "blank condition": ITEM % "{bands: [['', 100]]}",
    "bool condition": ITEM % "{bands: [[true, 100]]}",
    "word condition": ITEM % "{bands: [[about, 100]]}",
    "empty interval": ITEM % "{bands: [['[5, 1]', 100]]}",
    "bad number in a condition": ITEM % "{bands: [['>= abc%', 100]]}",
    # expressions
    "syntax": ITEM % "{formula: 'a +'}",
    "never closed": ITEM % "{formula: '(a'}",
    "unmatched": ITEM % "{formula: 'a)'}",
    "brackets": ITEM % "{formula: '[a)'}",
    "full-width comma": ITEM % "{formula: 'max(a，b)'}",
    "bad literal": ITEM % "{formula: '1a'}",
    "if without else": ITEM % "{formula: 'a if b'}",
    "function": ITEM % "{formula: 'open(a)'}",
    "attribute": ITEM % "{formula: 'a.b'}",
    "subscript": ITEM % "{formula: 'a[1]'}",
    "lambda": ITEM % "{formula: 'lambda: 1'}",
    "comprehension": ITEM % "{formula: '[a for a in b]'}",
    "list": ITEM % "{formula: '[1, 2]'}",
    "string": ITEM % "{formula: '\"a\"'}",
    "arguments": ITEM % "{formula: 'clamp(a)'}",
    "keyword": ITEM % "{formula: 'max(a, b=1)'}",
    "function as a value": ITEM % "{formula: 'max + 1'}",
    "dunder": ITEM % "{formula: '__a + 1'}",
    "operator": ITEM % "{formula: 'a << 1'}",
    "comparison": ITEM % "{formula: 'a is b'}",
    "round": ITEM % "{formula: 'round(a, b)'}",
    "too large": ITEM % "{formula: '1e999'}",
    "not an expression": ITEM % "{formula: [1]}",
    "empty expression": ITEM % "{formula: ' '}",
    # the scheme's parts
    "code": "code: 财务 1\nname: x\nitems:\n  - {name: 甲, weight: 1, rule: {direct: {}}}\n",
    "period": HEAD + "period: week\nitems:\n  - {name: 甲, weight: 1, rule: {direct: {}}}\n",
    "item period": ITEM % "{direct: {}}, period: week",
    "item code twice": HEAD + "items:\n  - {code: a, name: 甲, weight: 1, rule: {direct: {}}}\n"
    "  - {code: a, name: 乙, weight: 1, rule: {direct: {}}}\n",
    "not a mapping": HEAD + "items:\n  - 甲\n",
    "not a list": HEAD + "items: 甲\n",
    "negative weight": HEAD + "items:\n  - {name: 甲, weight: -1, rule: {direct: {}}}\n",
    "rater weights": RATED[:-2] + ", raters: {weights: 1}}\n",
    "trim without weight": RATED[:-2] + ", raters: {weights: {self: 1}, trim: {peer: 1}}}\n",
    "no rule type": ITEM % "{}",
    "two rule types": ITEM % "{direct: {}, formula: a}",
    "min on bands": ITEM % "{bands: [[else, 1]], min: 0}",
    "rule without ratings": ITEM % "{formula: a}, raters: {weights: {self: 1}}",
    "events": ITEM % "{deduct: {per: 1}}",
    "two event kinds": ITEM % "{deduct: {per: {late: {each: 1, zero: true}}}}",
    "direct min above max": ITEM % "{direct: {min: 5, max: 1}}",
    "score range": ITEM % "{levels: {优: [30, 20]}}",
    "levels": ITEM % "{levels: 1}",
    "default": ITEM % "{direct: {}}, default: {score: abc}",
    "default events": ITEM % "{direct: {}}, default: {events: {late: -1}}",
    "default event sizes": ITEM % "{direct: {}}, default: {events: {late: [a]}}",
    "default inputs": ITEM % "{direct: {}}, default: {inputs: {a: {b: 1}}}",
    "default list": ITEM % "{direct: {}}, default: {inputs: {a: [x]}}",
    "default value": ITEM % "{direct: {}}, default: {value: [1]}",
    "default ratings": ITEM % "{direct: {}}, default: {ratings: {self: {a: 1}}}",
    "default not a mapping": ITEM % "{direct: {}}, default: {inputs: 1}",
    # the form-level parts
    "adjustment twice": RATED + "adjustments:\n  - {name: a, bonus: {}}\n"
    "  - {name: a, bonus: {}}\n",
    "adjustment kinds": RATED + "adjustments:\n  - {name: a, bonus: {}, penalty: {}}\n",
    "coefficient values": RATED + "adjustments:\n  - {name: a, coefficient: {by: x, values: 1}}\n",
    "each and range": RATED + "adjustments:\n  - {name: a, bonus: {each: [1, 2], range: [1, 2]}}\n",
    "low high": RATED + "adjustments:\n  - {name: a, bonus: {each: 1}}\n",
    "low above high": RATED + "adjustments:\n  - {name: a, bonus: {each: [5, 1]}}\n",
    "effect": RATED + "adjustments:\n  - {name: a, gate: {when: 'a > 1', effect: boom}}\n",
    "effect value": RATED + "adjustments:\n  - {name: a, gate: {when: 'a > 1', cap_grade: ''}}\n",
    "cap grade": RATED + "grades: [[else, 合格]]\n"
    "adjustments:\n  - {name: a, gate: {when: 'a > 1', cap_grade: 优}}\n",
    "grade row": RATED + "grades: [[1]]\n",
    "grade after else": RATED + "grades: [[else, 合格], ['>= 90', 优]]\n",
    "ranking by": RATED + "ranking: {by: grade}\n",
    "ranking normalized": RATED + "ranking: {by: normalized}\n",
    "quotas": RATED + "distribution: {quotas: 1}\n",
    "quotas sum": RATED + "distribution: {quotas: {A: 10%, B: 20%}}\n",
    "normalize method": RATED + "normalize: {within: dept, method: z}\n",
    "outcomes": RATED + "outcomes: 1\n",
    "pay coefficients": RATED + "outcomes: {pay: {coefficients: 1, pool: p}}\n",
    "pay grade": RATED
    + "grades: [[else, 合格]]\noutcomes: {pay: {coefficients: {优: 1}, pool: p}}\n",
    "salary row": RATED + "outcomes: {salary: {steps: [1], current: c}}\n",
    "fee row": RATED + "outcomes: {contract: {fee_deduction: [1]}}\n",
    "max items": HEAD + "limits: {max_items: 1}\nitems:\n" + TWO % (1, 1),
}
WARNINGS = {
    "min weight": HEAD + "limits: {min_weight: 10%}\nitems:\n" + TWO % (95, 5),
    "weight gap": HEAD + "limits: {weight_gap: 5%}\nitems:\n" + TWO % (52, 48),
}
CJK = re.compile(r"[\u4e00-\u9fff]")


def problems_in(text: str, code: str, *, warnings: bool = False) -> list[tuple[str, str]]:
    """(place, message) of each problem (or warning) of a scheme text, read in `code`."""
    with language(code):
        try:
            scheme = scheme_from_text(text)
        except DocumentError as error:
            assert not warnings, error
            return [(p.place, p.message) for p in error.problems]
    assert warnings, "the document was read without a problem"
    return [(p.place, p.message) for p in scheme.warnings]


@pytest.mark.parametrize("case", sorted(SCHEMES))
def test_each_problem_of_a_scheme_is_said_in_chinese(case: str) -> None:
    text = SCHEMES[case]
    chinese, english = problems_in(text, "zh"), problems_in(text, "en")
    assert len(chinese) == len(english) > 0
    for (place, message), (_, said) in zip(chinese, english, strict=True):
        assert CJK.search(message), (case, message)
        assert message != said
        assert not place or CJK.search(place), (case, place)


@pytest.mark.parametrize("case", sorted(WARNINGS))
def test_each_design_warning_is_said_in_chinese(case: str) -> None:
    chinese = problems_in(WARNINGS[case], "zh", warnings=True)
    assert chinese
    for _place, message in chinese:
        assert CJK.search(message), (case, message)


FACTS = {
    "not a mapping": "- 1\n",
    "periods": "periods: 1\n",
    "period entry": "periods: [1]\n",
    "period": "period: 2026-13\nappraisees: []\n",
    "appraisees": "appraisees: 1\n",
    "appraisee": "appraisees: [1]\n",
    "appraisee key": "appraisees:\n  - {id: A, fcts: {}}\n",
    "no id": "appraisees:\n  - {name: 甲}\n",
    "twice": "appraisees:\n  - {id: A}\n  - {id: A}\n",
    "fact key": "appraisees:\n  - {id: A, facts: {X: {valeu: 1}}}\n",
    "facts": "appraisees:\n  - {id: A, facts: 1}\n",
    "groups": "groups: 1\nappraisees: []\n",
    "group values": "groups: {dept: 1}\nappraisees: []\n",
    "group inputs": "groups: {dept: {财务: 1}}\nappraisees: []\n",
    "amount": "appraisees:\n  - {id: A, adjustments: {a: x}}\n",
    "score": "appraisees:\n  - {id: A, facts: {X: {score: x}}}\n",
}
CSV = {
    "header": "a,b\n",
    "columns": "appraisee,item,kind,key,value\nA,X,value\n",
    "kind": "appraisee,item,kind,key,value\nA,X,valu,,1\n",
    "appraisee": "appraisee,item,kind,key,value\n,X,value,,1\n",
    "group": "appraisee,item,kind,key,value\n,dept,group,pool,1\n",
    "twice": "appraisee,item,kind,key,value\nA,X,value,,1\nA,X,value,,2\n",
}


def facts_problems(read: object, code: str) -> list[str]:
    with language(code), pytest.raises(DocumentError) as raised:
        read()  # type: ignore[operator]
    return [p.message for p in raised.value.problems]


@pytest.mark.parametrize("case", sorted(FACTS))
def test_each_problem_of_a_facts_file_is_said_in_chinese(case: str) -> None:
    def read() -> object:
        return facts_from_text(FACTS[case])

    chinese, english = facts_problems(read, "zh"), facts_problems(read, "en")
    assert len(chinese) == len(english) > 0
    for message, said in zip(chinese, english, strict=True):
        assert CJK.search(message) and message != said, (case, message)


@pytest.mark.parametrize("case", sorted(CSV))
def test_each_problem_of_a_csv_facts_file_is_said_in_chinese(case: str) -> None:
    def read() -> object:
        return facts_from_csv(CSV[case])

    for message in facts_problems(read, "zh"):
        assert CJK.search(message), (case, message)


def test_a_missing_or_unreadable_file_in_chinese(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"\xff\xfe\x00\xd8")
    with language("zh"):
        for path, said in ((tmp_path / "none.yaml", "找不到文件"), (bad, "文件的文字编码无法识别")):
            with pytest.raises(DocumentError) as raised:
                load_facts(path)
            assert raised.value.problems[0].message == said


# -- concrete cases, in both languages ------------------------------------------------

CONCRETE = [
    pytest.param(
        "code: X\nname: [a, b\nitems: 1\n",
        "not valid YAML: did not find expected ',' or ']'",
        "文档格式有误：缺少 ',' 或 ']'",
        id="yaml",
    ),
    pytest.param(
        ITEM % "{bands: [['', 100]]}",
        "no condition given (write e.g. '>= 98%', '[0.9, 1)' or else)",
        "条件为空：空白不是条件（请写 '>= 98%'、'[0.9, 1)' 或“其他”）",
        id="blank condition",
    ),
    pytest.param(
        ITEM % "{bands: [[about, 100]]}",
        "not a condition: 'about' (write e.g. '>= 98%', '< 5', '[0.95, 0.98)' or else)",
        "'about' 不是条件（请写 '>= 98%'、'< 5'、'[0.95, 0.98)' 或“其他”）",
        id="condition",
    ),
    pytest.param(
        ITEM % "{direct: {min: abc}}",
        "expected a number, got 'abc'",
        "应为数字，此处为 'abc'",
        id="number",
    ),
    pytest.param(
        ITEM % "{direct: {min: ''}}",
        "no number given",
        "没有填写数字",
        id="no number",
    ),
    pytest.param(
        ITEM % "{formula: 'max(a，b)'}",
        "syntax error in expression 'max(a，b)', column 6: invalid character '，' (U+FF0C)",
        "表达式 'max(a，b)' 第 6 个字符写法有误：不能使用的字符 '，'（U+FF0C），请用半角符号",
        id="expression",
    ),
    pytest.param(
        ITEM % "{formula: 'open(a)'}",
        "expression 'open(a)', column 1: function 'open' is not allowed"
        " (allowed: abs, floor, ceil, round, clamp, min, max, sum, mean, count)",
        "表达式 'open(a)' 第 1 个字符：不允许使用函数 'open'"
        "（可用：abs, floor, ceil, round, clamp, min, max, sum, mean, count）",
        id="function",
    ),
    pytest.param(
        ITEM % "{formula: a}, raters: {weights: {self: 1}}",
        "a formula rule does not take ratings; remove raters",
        "「公式」规则不采用评分；请去掉评价人",
        id="rule without ratings",
    ),
    pytest.param(
        HEAD + "items:\n  - {code: a, name: 甲, weight: 1, rule: {direct: {}}}\n"
        "  - {code: a, name: 乙, weight: 1, rule: {direct: {}}}\n",
        "item code 'a' is used twice (first at items[0])",
        "考核项目编码 'a' 重复（第一次出现在第 1 项「甲」）",
        id="code twice",
    ),
    pytest.param(
        HEAD + "period: week\nitems:\n  - {name: 甲, weight: 1, rule: {direct: {}}}\n",
        "'week' is not one of month, quarter, half, year",
        "'week' 不是可用的考核周期（month, quarter, half, year）",
        id="period",
    ),
    pytest.param(
        RATED + "distribution: {quotas: {A: 10%, B: 20%}}\n",
        "the quotas add up to 30%, not 100%",
        "各等级比例合计为 30%，不是 100%",
        id="quotas",
    ),
]


@pytest.mark.parametrize(("text", "en", "zh"), CONCRETE)
def test_concrete_problems_in_both_languages(text: str, en: str, zh: str) -> None:
    assert en in [message for _, message in problems_in(text, "en")]
    assert zh in [message for _, message in problems_in(text, "zh")]


def test_a_problem_said_in_chinese_keeps_its_place_and_line() -> None:
    text = textwrap.dedent(
        """\
        code: X
        name: x
        sections:
          - name: 财务指标
            weight: 100
            items:
              - {name: 预算, weight: 100, rule: {bands: [['>= abc', 1]]}}
        """
    )
    with language("zh"), pytest.raises(DocumentError) as raised:
        scheme_from_text(text)
    problem = raised.value.problems[0]
    assert problem.line == 7
    with language("zh"):
        shown = str(problem)
    assert shown == (
        "第 7 行：第 1 节「财务指标」第 1 项「预算」的计分规则第 1 行："
        "条件 '>= abc'：应为数字，此处为 'abc'（sections[0].items[0].rule.bands[0][0]）"
    )


def test_the_document_is_refused_in_chinese_before_it_is_read() -> None:
    with language("zh"), pytest.raises(DocumentError) as raised:
        parse_text("a: [1\n", kind="scheme")
    assert raised.value.problems[0].message == "文档格式有误：缺少 ',' 或 ']'"


def test_a_problem_in_an_events_rule_names_the_event_by_its_label() -> None:
    text = (
        HEAD + "items:\n  - {name: 甲, weight: 100, labels: {late: 迟到},"
        " rule: {deduct: {per: {late: {tiers: [[1, 2], [else]]}}}}}\n"
    )
    assert problems_in(text, "zh") == [
        (
            "第 1 项「甲」的计分规则中的事件「迟到」第 2 行",
            "每一档写作 [至多次数, 每次分值]，最后一档可写“其他”",
        )
    ]
    assert problems_in(text, "en") == [
        ("item 1 “甲”, rule for event “迟到” row 2", "a tier is [up_to, cost] or [else, cost]")
    ]
