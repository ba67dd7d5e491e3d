"""The Chinese words of the problems found while reading a scheme or its facts:
the document's form (YAML, JSON), numbers, conditions, expressions, the scheme's
parts and the checks across them, and the facts (a default is a fact).
English template -> Chinese template, the same placeholders; `wording.ZH` takes
them in, and tests/scoring/test_wording.py checks them as the rest of the catalogue.
tests/scoring/test_problems_catalogue.py checks that every problem the engine
makes is said through the catalogue."""

from __future__ import annotations

READING_ZH: dict[str, str] = {
    # the document (source.py)
    "not valid YAML: {reason}": "文档格式有误：{reason}",
    "not valid YAML here": "文档格式有误（请检查此行的缩进、冒号与括号）",
    "a '{first}' or '{second}' is missing": "缺少 '{first}' 或 '{second}'",
    "the indentation is not right": "缩进不对",
    "a list entry ('- ') is expected here": "此处应为列表的一项（以 '- ' 开头）",
    "a 'key: value' is not right here (a space after ':' or the indentation)": (
        "此处的“键: 值”写法不对（冒号后须有空格，或缩进不对）"
    ),
    "the document ends too early (a quote or bracket is not closed)": (
        "文档提前结束（有引号或括号没有闭合）"
    ),
    "unknown reference *{name}": "未定义的引用 *{name}",
    "a character that cannot stand here (a tab, or @ or ` at the start)": (
        "此处有不能使用的字符（制表符，或开头的 @、`）"
    ),
    "not valid JSON: {reason} (column {column})": "文档格式有误：{reason}（第 {column} 列）",
    "not valid JSON here (column {column})": "文档格式有误（第 {column} 列）",
    "file not found": "找不到文件",
    "cannot read the file: {problem}": "无法读取文件：{problem}",
    "it is not UTF-8 text": "文件的文字编码无法识别",
    "the system refused it": "系统拒绝读取",
    # numbers and conditions (numbers.py, conditions.py)
    "no number given": "没有填写数字",
    "expected a number, got {raw!r}": "应为数字，此处为 {raw!r}",
    "expected a finite number, got {raw!r}": "应为有限的数字，此处为 {raw!r}",
    "{raw!r}: division by zero": "{raw!r}：除数为零",
    "not a condition: {raw!r} (write e.g. '>= 98%', '[0.9, 1)' or else)": (
        "{raw!r} 不是条件（请写 '>= 98%'、'[0.9, 1)' 或“其他”）"
    ),
    "not a condition: {raw!r} (write e.g. '>= 98%', '< 5', '[0.95, 0.98)' or else)": (
        "{raw!r} 不是条件（请写 '>= 98%'、'< 5'、'[0.95, 0.98)' 或“其他”）"
    ),
    "no condition given (write e.g. '>= 98%', '[0.9, 1)' or else)": (
        "条件为空：空白不是条件（请写 '>= 98%'、'[0.9, 1)' 或“其他”）"
    ),
    "interval {text!r} is empty: {low} > {high}": "区间 {text!r} 为空：{low} > {high}",
    "condition {text!r}: {problem}": "条件 {text!r}：{problem}",
    # expressions (expr.py)
    "expression {text}, column {column}: {problem}": "表达式 {text} 第 {column} 个字符：{problem}",
    "expression is nested too deeply (more than {depth} levels)": (
        "表达式嵌套过深（超过 {depth} 层）"
    ),
    "{what} is not allowed": "不允许使用 {what}",
    "comprehensions are not allowed": "不允许使用推导式",
    "attribute access (x.y) is not allowed": "不允许使用属性（x.y）",
    "subscripts (x[...]) are not allowed": "不允许使用下标（x[...]）",
    "lambda is not allowed": "不允许定义函数",
    "f-strings are not allowed": "不允许使用文字",
    "assignment (:=) is not allowed": "不允许赋值（:=）",
    "starred arguments (*x) are not allowed": "不允许使用展开参数（*x）",
    "lists are not allowed": "不允许使用列表",
    "tuples are not allowed": "不允许使用元组",
    "sets are not allowed": "不允许使用集合",
    "dicts are not allowed": "不允许使用映射",
    "strings are not allowed": "不允许使用文字（表达式中只能有数字、名称与运算）",
    "{raw!r} is not allowed; only numbers": "不允许使用 {raw!r}；只能是数字",
    "number {number} is too large": "数字 {number} 太大",
    "name {name!r}: names starting with '__' are not allowed": (
        "名称 {name!r}：不允许以 '__' 开头"
    ),
    "function '{name}' used as a value; call it: {name}(…)": (
        "函数 '{name}' 被当作数值使用；请这样调用：{name}(…)"
    ),
    "operator '{operator}' is not allowed": "不允许使用运算符 '{operator}'",
    "comparison '{operator}' is not allowed": "不允许使用比较 '{operator}'",
    "only these functions can be called: {allowed}": "只能调用这些函数：{allowed}",
    "function '{name}' is not allowed (allowed: {allowed})": (
        "不允许使用函数 '{name}'（可用：{allowed}）"
    ),
    "keyword arguments are not allowed in {name}(…)": "{name}(…) 中不允许使用“名称=值”的参数",
    "{fewest} to {most}": "{fewest}～{most}",
    "{name}() takes {wanted} argument(s), got {count}": (
        "{name}() 需要 {wanted} 个参数，此处为 {count} 个"
    ),
    "round(x, n): n must be a whole number from -15 to 15, e.g. 2": (
        "round(x, n) 中的小数位数 n 须为 -15 到 15 之间的整数，例如 2"
    ),
    "an expression must be text, got {text!r}": "表达式应为文字，此处为 {text!r}",
    "empty expression": "表达式为空",
    "expression is too long: {length} characters (at most {limit})": (
        "表达式太长：{length} 个字符（最多 {limit} 个）"
    ),
    "syntax error in expression {text}: {problem}": "表达式 {text} 写法有误：{problem}",
    "syntax error in expression {text}, column {column}: {problem}": (
        "表达式 {text} 第 {column} 个字符写法有误：{problem}"
    ),
    "cannot read expression {text}: {problem}": "无法读取表达式 {text}：{problem}",
    "invalid syntax": "写法不对（例如缺少运算数或多了符号）",
    "'{bracket}' was never closed": "'{bracket}' 没有闭合",
    "unmatched '{bracket}'": "多了一个 '{bracket}'",
    "closing parenthesis '{closing}' does not match opening parenthesis '{opening}'": (
        "右括号 '{closing}' 与左括号 '{opening}' 不配对"
    ),
    "invalid character '{char}' ({code})": "不能使用的字符 '{char}'（{code}），请用半角符号",
    "invalid number": "数字写法不对",
    "'if' needs an 'else'": "条件表达式缺少“否则”部分",
    "the expression is not well formed": "表达式写法不对",
    # the places of the scheme's parts (places.py)
    " for event {name}": "中的事件{name}",
    "description": "说明",
    "scale": "总分满分",
    "ranking": "排名",
    "normalisation": "部门间调整",
    "note": "备注",
    "unit": "单位",
    "data source": "数据来源",
    "indicator": "指标库编码",
    "operational": "经营指标标记",
    # the scheme's parts (reader.py, parse.py, rules/, parse_population.py)
    "expected a mapping with {keys}": "应为映射（键: 值），含 {keys}",
    "expected a list of {what}": "应为{what}的列表",
    "sections": "节",
    "items": "考核项目",
    "grade rows": "等级行",
    "triggers": "触发条款",
    "step": "薪级调整",
    "share": "扣减比例",
    'expected an expression, e.g. "(received - overtime) / received"': (
        '应为表达式，例如 "(应收 - 超期) / 应收"'
    ),
    "{code!r}: use letters, digits, '-' and '_' only": ("{code!r}：只能使用字母、数字、'-' 和 '_'"),
    "{period!r} is not one of {kinds}": "{period!r} 不是可用的考核周期（{kinds}）",
    "item code {code!r} is used twice (first at {first})": (
        "考核项目编码 {code!r} 重复（第一次出现在{first}）"
    ),
    "expected {{rater: weight}}, e.g. {{self: 27%, peer: 26%}}": (
        "应为“评价人类型: 权重”的映射，例如 {{上级: 60%, 本人: 40%}}"
    ),
    "{rater!r} has no weight": "{rater!r} 没有权重",
    "none": "无",
    "give exactly one rule type of {kinds} (found {found})": (
        "须且只能给出一种计分规则（{kinds}），此处为：{found}"
    ),
    "unknown key for a {kind} rule": "「{kind}」规则没有这个键",
    "a {kind} rule does not take ratings; remove raters": (
        "「{kind}」规则不采用评分；请去掉评价人"
    ),
    "expected {{event_name: {{each: 3}}, ...}} with at least one event": (
        "应为“事件: 计法”的映射，至少一个事件，例如 {{迟到: {{每次: 3}}}}"
    ),
    "give exactly one of {kinds} (got {count})": (
        "须且只能给出以下一种计法：{kinds}（此处为 {count} 种）"
    ),
    "min {low} is above max {high}": "最低分 {low} 高于最高分 {high}",
    "score range [{low}, {high}] is empty": "分数范围 [{low}, {high}] 为空",
    "expected {{level: points}}, e.g. {{优: 30, 良: 24, 中: 18, 差: 6}}": (
        "应为“等级: 分数”的映射，例如 {{优: 30, 良: 24, 中: 18, 差: 6}}"
    ),
    "adjustment {name!r} is named twice": "调整项名称 {name!r} 重复",
    "give exactly one of {kinds}": "须且只能给出以下一种：{kinds}",
    "expected {{value: coefficient}}, e.g. {{none: 1, major: 0.5}}": (
        "应为“取值: 系数”的映射，例如 {{无: 1, 重大: 0.5}}"
    ),
    "give each or range, not both": "每笔金额范围与合计范围只能给出其一",
    "expected [low, high], e.g. [5, 10]": "应为 [最低, 最高]，例如 [5, 10]",
    "low is above high": "最低值高于最高值",
    "effect is one of {effects}": "效果只能是以下之一：{effects}",
    "{effect} needs a value, e.g. {example}": "{effect} 需要给出取值，例如 {example}",
    "a grade row is [condition, grade] or [condition, grade, {{top: 20%}}]": (
        "每一行写作 [条件, 等级]，或 [条件, 等级, {{前: 20%}}]"
    ),
    "by is total (default) or normalized": "依据只能是总分（默认）或调整后总分",
    "expected {{grade: share}} best to worst, e.g. {{A: 10%, B: 20%}}": (
        "应为“等级: 比例”的映射，从好到差，例如 {{A: 10%, B: 20%}}"
    ),
    "the quotas add up to {total}%, not 100%": "各等级比例合计为 {total}%，不是 100%",
    "method is mean_to_100": "调整方法只能是 mean_to_100（按平均分折算为 100）",
    "expected {{grade: coefficient}}": "应为“等级: 系数”的映射",
    "a row is [condition, step]": "每一行写作 [条件, 薪级调整]",
    "a row is [condition, share]": "每一行写作 [条件, 扣减比例]",
    # checks across the scheme (checks.py)
    "the scheme has {count} items, more than the limit of {limit}": (
        "方案有 {count} 个考核项目，超过上限 {limit} 个"
    ),
    "item {code!r} carries {share}% of the total, below the minimum of {minimum}%": (
        "考核项目 {code!r} 占总分的 {share}%，低于下限 {minimum}%"
    ),
    "effective weights {low}% and {high}% differ by less than {gap}%"
    " ({names}): people cannot tell them apart": (
        "实际权重 {low}% 与 {high}% 相差不到 {gap}%（{names}）：难以区分轻重"
    ),
    "cap_grade {grade!r} is not one of the grades ({grades})": (
        "等级上限 {grade!r} 不是本方案的等级（{grades}）"
    ),
    "{grade!r} is not one of the grades ({grades})": "{grade!r} 不是本方案的等级（{grades}）",
    "ranking by normalized needs a normalize section": "按调整后总分排名需要方案设置部门间调整",
    "grades with top need ranking": "按名次定等级需要方案设置排名",
    # facts, and a default (a fact) in a scheme (facts.py, items.py)
    "expected a mapping": "应为映射（键: 值）",
    "appraisee {id!r} appears twice": "被考核人 {id!r} 出现了两次",
    "{what} is given twice": "{what}给出了两次",
    "attribute {key!r}": "属性 {key!r}",
    "input {key!r}": "输入 {key!r}",
    "input {key!r} must be a number, a word or a list": "输入 {key!r} 须为数字、文字或列表",
    "a list input holds numbers: {entry!r}": "列表输入只能包含数字：{entry!r}",
    "a value must be a number or a level name": "数值须为数字或等级名称",
    "the value of {item!r}": "{item!r} 的数值",
    "a score must be a number, got {value!r}": "得分须为数字，此处为 {value!r}",
    "the score of {item!r}": "{item!r} 的得分",
    "event {key!r}": "事件 {key!r}",
    "a size must be a number >= 0: {size!r}": "每次的大小须为不小于 0 的数字：{size!r}",
    "an event is a count (a whole number >= 0) or a list of sizes, got {value!r}": (
        "事件应为次数（不小于 0 的整数）或每次大小的列表，此处为 {value!r}"
    ),
    "a rating must be a number or a level name": "评分须为数字或等级名称",
    "an amount must be a number, got {amount!r}": "金额须为数字，此处为 {amount!r}",
    "group input {key!r} of {attribute}={value} is given twice": (
        "分组 {attribute}={value} 的输入 {key!r} 给出了两次"
    ),
    # a facts file (facts_io.py)
    "not UTF-8 or GB18030 text": "文件的文字编码无法识别",
    "a facts file is a mapping with `appraisees:` or `periods:`": (
        "事实文件应为映射，含被考核人列表或各期列表"
    ),
    "expected a list of {{period, appraisees}}": "应为各期的列表，每期含考核期与被考核人",
    "expected a mapping with period and appraisees": "应为映射，含考核期与被考核人",
    "expected a list of appraisees": "应为被考核人的列表",
    "expected {{attribute: {{value: {{input: number}}}}}}": (
        "应为“属性: {{取值: {{输入: 数字}}}}”的映射"
    ),
    "expected {{value: {{input: number}}}}": "应为“取值: {{输入: 数字}}”的映射",
    "expected {{input: number}}": "应为“输入: 数字”的映射",
    "expected a mapping with id and facts": "应为映射，含被考核人编号与事实",
    "an appraisee needs an id": "被考核人需要编号",
    "the first row must be {header}": "第一行须为 {header}",
    "expected 5 columns, got {count}": "应有 5 列，此处为 {count} 列",
    "a group row names its group as attribute=value in the item column": (
        "分组行须在考核项目一列写明分组（属性=取值）"
    ),
    "unknown kind {kind!r}; expected one of {kinds}": "未知的类型 {kind!r}；应为 {kinds} 之一",
    "the appraisee column is empty": "被考核人一列为空",
}
