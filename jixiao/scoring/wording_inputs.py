"""The Chinese words of the scheme language v1.1's inputs: list inputs and their
aggregates (§3, §4), history inputs and roll-ups (§15), `labels` (§2) and the
`points` adjustment (§7) — their traces, problems and descriptions. English
template -> Chinese template, the same placeholders; `wording.ZH` takes them in
and tests/scoring/test_wording.py checks them with the rest of the catalogue."""

from __future__ import annotations

INPUTS_ZH: dict[str, str] = {
    # expressions over lists (expr.py), traces (items.py)
    "no values in '{expression}'": "'{expression}' 中没有任何数值",
    "{measure} with {lists} = {value}; {trace}": "{measure} = {value}（其中 {lists}）；{trace}",
    # history inputs (history.py)
    "{value!r} is not one of {choices}; did you mean {near!r}?": (
        "{value!r} 不是 {choices} 之一；是否应为 {near!r}？"
    ),
    "{value!r} is not one of {choices}": "{value!r} 不是 {choices} 之一",
    "expected {{name: {{period: month}}}}, e.g. {{monthly_totals: {{period: month}}}}": (
        "应为「名称: 周期设置」的映射，例如「月度总分: 按月」"
    ),
    "{name!r} cannot be used in expressions: a history input is named with"
    " letters, digits and _, and not like a function": (
        "{name!r} 无法在公式中使用：往期结果的名称只能由字母、数字和 _ 组成，且不能与函数同名"
    ),
    "{period} is not shorter than the scheme's period {scheme}: a history"
    " input holds the results of shorter periods inside the one scored": (
        "{period} 不短于方案的考核周期 {scheme}：往期结果只能取本考核期之内更短周期的结果"
    ),
    "{name}: {count} of {expected} months": "{name}：{expected} 个月中只有 {count} 个月有结果",
    "{name}: {count} of {expected} quarters": (
        "{name}：{expected} 个季度中只有 {count} 个季度有结果"
    ),
    "{name}: {count} of {expected} half-years": (
        "{name}：{expected} 个半年中只有 {count} 个半年有结果"
    ),
    "{name!r} is not an input or event of this line; did you mean {near!r}?": (
        "{name!r} 不是本项的输入或事件；是否应为 {near!r}？"
    ),
    "{name!r} is not an input or event of this line": "{name!r} 不是本项的输入或事件",
    # labels and points (points.py)
    "expected {{name: what people call it}}, e.g. {{actual: 实际支出}}": (
        "应为「名称: 通常的叫法」的映射，例如「实际: 实际支出」"
    ),
    "expected what people call {name!r}": "应写明 {name!r} 通常的叫法",
    "a points line is not rated: its rule is one of {rules}": (
        "加减分项不由评价人打分：计分规则只能是 {rules} 之一"
    ),
    "a points line is not rated: give every band a score, not a range": (
        "加减分项不由评价人打分：每一档须给出确定的分数，而不是分数范围"
    ),
    "a points line with a {kind} rule needs a measure (the value it scores)": (
        "计分规则为 {kind} 的加减分项需要计算公式（即据以计分的数值）"
    ),
    # describe.py, places.py
    "points added to the total, a negative score taking points off: {rule}": (
        "所得分数直接加入总分，负分即扣分：{rule}"
    ),
    "total": "总分",
    "normalized total": "调整后总分",
    "month": "月",
    "quarter": "季度",
    "half-year": "半年",
    "{name}: the {value} of each {period} inside the period scored, oldest first": (
        "{name}：本考核期内各{period}的{value}，按时间先后排列"
    ),
    "every {period} needs a result ({count} in all), else it cannot be scored": (
        "每个{period}都须有结果（共 {count} 个），否则无法计分"
    ),
    "a {period} without a result is left out": "没有结果的{period}不计",
    "history inputs": "往期结果",
    "labels": "名称说明",
}
