"""The engine's words, in English (the default) or Chinese.

Every text the engine makes while scoring — the traces (§5.8), adjustment
traces, the names of adjustments it makes itself, the per-appraisee error
messages and population notes — goes through `say("English template", **values)`:
the template is the English text with `{name}` placeholders (str.format), and in
Chinese it is looked up in `ZH` (same placeholders). Numbers come formatted by
`fmt`; names from the scheme or the facts (items, levels, events, raters) and
condition texts go into placeholders untouched.

The language lives in a context variable, so a caller picks it around the call
that renders:

    with language("zh"):
        run.result(row)          # traces, adjustment names and errors in Chinese

Traces are rendered only when asked for. Messages that scoring has to keep
(errors, notes) are `Said` strings: in the language that was current when they
were made, remembering their template and values, so `render` (which
`ScoreRun.result` uses) says them again in the current language.
Problems with a scheme or facts document found while reading it are said the
same way, in the language current while it is read (wording_problems.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

LANGUAGES = ("en", "zh")
_LANGUAGE: ContextVar[str] = ContextVar("jixiao_scoring_language", default="en")


class Said(str):
    """Text made by `say`: a str in the language current when it was made, which
    remembers its template and values to be said again in another language."""

    template: str
    values: dict[str, object]

    def __reduce__(self) -> tuple[object, ...]:
        return _made, (str(self), self.template, self.values)

    def again(self) -> str:
        """This text in the current language, as a plain str."""
        return str(_said(self.template, self.values))


class Listed(Said):
    """Texts one after the other (`listed`), each said again in the current language."""

    parts: tuple[str, ...]
    separator: str

    def __reduce__(self) -> tuple[object, ...]:
        return listed, (self.parts, self.separator)

    def again(self) -> str:
        return self.separator.join(render(part) for part in self.parts)


_new_str = str.__new__


def _made(text: str, template: str, values: dict[str, object]) -> Said:
    said: Said = _new_str(Said, text)
    said.template, said.values = template, values
    return said


def current_language() -> str:
    """The language the engine speaks now: "en" (the default) or "zh"."""
    return _LANGUAGE.get()


@contextmanager
def language(code: str) -> Iterator[str]:
    """`with language("zh"): ...` — the engine's words in that language inside the block."""
    if code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}: use one of {', '.join(LANGUAGES)}")
    token = _LANGUAGE.set(code)
    try:
        yield code
    finally:
        _LANGUAGE.reset(token)


def say(template: str, /, **values: object) -> str:
    """`template` formatted with `values` in the current language.

    A value that is itself `Said` is said again in the current language first.
    A template missing from the Chinese catalogue falls back to English."""
    return _said(template, values)


_CONSTANT: dict[tuple[str, str], Said] = {}  # (template, language) -> text, without values


def _said(template: str, values: dict[str, object]) -> Said:
    code = _LANGUAGE.get()
    if not values:
        made = _CONSTANT.get((template, code))
        if made is None:
            made = _CONSTANT[template, code] = _made(
                (ZH.get(template, template) if code == "zh" else template).format(), template, {}
            )
        return made
    pattern = ZH.get(template, template) if code == "zh" else template
    shown = values
    for value in values.values():
        if isinstance(value, Said):  # said again, in the current language
            shown = {name: v.again() if isinstance(v, Said) else v for name, v in values.items()}
            break
    return _made(pattern.format_map(shown), template, values)


def render(text: str) -> str:
    """A message kept from scoring, in the current language (a plain str).

    `Said` text is said again from its template; any other text stays as it is."""
    if isinstance(text, Said):
        return text.again()
    return str(text)


def message_of(error: BaseException) -> str:
    """The message of an exception, kept `Said` when it was raised with `say(...)`."""
    if len(error.args) == 1 and isinstance(error.args[0], str):
        return error.args[0]
    return str(error)


def listed(parts: Iterable[str], separator: str = ", ") -> str:
    """`a, b, c` of texts made by `say`, which stays sayable in another language."""
    kept = tuple(parts)
    said: Listed = _new_str(Listed, separator.join(kept))
    said.template, said.values = "", {}
    said.parts, said.separator = kept, separator
    return said


def joined(parts: Iterable[str]) -> str:
    """The parts of a trace one after the other: `a; b` (in Chinese `a；b`)."""
    return say("; ").join(parts)


# The Chinese catalogue: English template -> Chinese template (the same placeholders).
# tests/scoring/test_wording.py checks that every template the engine says is here,
# that nothing here is unused, and that the placeholders agree.
ZH: dict[str, str] = {
    # joining the parts of a trace; conditions
    "; ": "；",
    "else": "其他",
    # a document past its caps (source.py)
    "the document is {size:,} bytes; at most {limit:,} bytes are allowed": (
        "文档有 {size:,} 字节；最多允许 {limit:,} 字节"
    ),
    "the document expands to more than {limit:,} nodes (an alias counts as everything"
    " it refers to); at most {limit:,} are allowed": (
        "文档展开后超过 {limit:,} 个节点（引用按其所引用的全部内容计数）；最多允许 {limit:,} 个"
    ),
    "the document nests more than {limit} levels deep; at most {limit} are allowed": (
        "文档嵌套超过 {limit} 层；最多允许 {limit} 层"
    ),
    "an alias refers to what contains it, so the document never ends": (
        "引用指向包含它自身的内容，文档无法展开"
    ),
    # items (items.py, engine.py)
    "error: {message}": "错误：{message}",
    "item {item}: {message}": "考核项目 {item}：{message}",
    "{measure} = {value}; {trace}": "{measure} = {value}；{trace}",
    "; {value} meets the standard {standard}": "；{value} 达标（标准 {standard}）",
    "; {value} does not meet the standard {standard}": "；{value} 未达标（标准 {standard}）",
    "value {value!r} is not a number": "数值 {value!r} 不是数字",
    "no value": "没有数值",
    "no rating or value": "没有评分或数值",
    "no score or rating": "没有得分或评分",
    "rating {value!r} is not a number": "评分 {value!r} 不是数字",
    # bands (分档) and levels (定性等级)
    "{value} matched {condition} → {score}": "{value} 符合 {condition} → {score}",
    "; scored {score}": "；评定 {score}",
    "value {value} matches no band": "数值 {value} 不在任何档次内",
    "band {band} needs a score from a person": "档次 {band} 需要评价人打分",
    "score {score} is outside the band's range {band}": "得分 {score} 超出该档的范围 {band}",
    "level {level} → {score}": "等级 {level} → {score}",
    "{number} falls in no level's range": "{number} 不在任何等级的分数范围内",
    "{level} is a range [{low}, {high}]: give a number in it": (
        "{level} 是分数范围 [{low}, {high}]：请给出其中的分数"
    ),
    "{value!r} is not a level (levels: {levels})": "{value!r} 不是等级（等级有：{levels}）",
    # deduct and add (扣分 / 加分), events
    "no events: {score}": "无事件记录：{score}",
    "{event} {count}": "{event} {count} 次",
    "{event}: {working}": "{event}：{working}",
    "{event}: more than {limit} → item scores 0": "{event}：超过 {limit} 次 → 本项得 0 分",
    "{event} → item scores 0": "{event} → 本项得 0 分",
    "item scores 0": "本项得 0 分",
    "sequence {steps} (repeat) → {amount}": "逐次计 {steps}（此后每次同末次）→ {amount}",
    "sequence {steps} (double) → {amount}": "逐次计 {steps}（此后每次翻倍）→ {amount}",
    "{event}: {count} occurrences go past the last tier": "{event}：{count} 次超出了最后一档",
    ", capped at {cap}": "，封顶 {cap}",
    ", floor 0": "，扣完为止",
    ", floor {floor}": "，保底 {floor}",
    ", −{carried} carried to the form": "，−{carried} 结转至总分",
    # steps, interpolate, formula, direct
    "{value} against standard {standard}: ": "{value} 对照标准 {standard}：",
    "{down} step(s) below × {below}; ": "低于标准 {down} 档 × {below}；",
    "{up} step(s) above × {above}; ": "高于标准 {up} 档 × {above}；",
    "no whole step away; ": "不足一档；",
    "at the standard; ": "恰为标准；",
    ", at least {low}": "，保底 {low}",
    ", at most {high}": "，封顶 {high}",
    "{value} on the line through {points} → {score}": "{value} 按 {points} 各点连线插值 → {score}",
    "interpolation points are not in increasing order": "插值点没有按数值从小到大排列",
    "{formula} with {bound} = {raw}": "{formula} = {raw}（其中 {bound}）",
    "score given: {score}": "直接给分：{score}",
    "score {score} is outside {low}..{high}": "得分 {score} 超出 {low}..{high}",
    # raters (评价人)
    "{ratings} → {rater} counts (final): {score}": "{ratings} → 以 {rater} 为准（终评）：{score}",
    " → trimmed {dropped}, mean {mean}": " → 去掉最高最低分共 {dropped} 个，平均 {mean}",
    " → mean {mean}": " → 平均 {mean}",
    " (weights of absent raters redistributed)": "（未评分评价人的权重已按比例分配）",
    "rating by {rater!r}, who is not one of {raters}": "评价人 {rater!r} 不在 {raters} 之中",
    "no {rater} rating": "缺少 {rater} 的评分",
    "only ratings that do not count (weight 0)": "只有不计分的评分（权重 0）",
    # adjustments (调整项)
    "overflow carried from items": "考核项目超扣结转",
    "points below item floors: −{carried}": "低于保底的分数结转至总分：−{carried}",
    "{adjustment}: {message}": "{adjustment}：{message}",
    "{adjustment}: {amount} is outside [{low}, {high}]": (
        "{adjustment}：{amount} 超出 [{low}, {high}]"
    ),
    "{events} → total 0": "{events} → 总分为 0",
    "{adjustment}: {input} is missing, not one of {keys}": (
        "{adjustment}：缺少 {input}，应为 {keys} 之一"
    ),
    "{adjustment}: {input} is {value!r}, not one of {keys}": (
        "{adjustment}：{input} 为 {value!r}，不是 {keys} 之一"
    ),
    "{input} = {value}: × {factor}": "{input} = {value}：× {factor}",
    "{condition}: holds → {effect}": "{condition}：成立 → {effect}",
    "{condition}: does not hold": "{condition}：不成立",
    "total 0": "总分为 0",
    "no bonus (score stands)": "不发绩效奖金（分数不变）",
    "grade at most {grade}": "等级最高为 {grade}",
    "flag: {flag}": "标记：{flag}",
    # expressions (§4)
    "result is not a finite number": "结果不是有限数值",
    "division by zero in '{expression}'": "'{expression}' 中除数为零",
    "clamp: lower bound above upper bound in '{expression}'": (
        "'{expression}' 中 clamp 的下限大于上限"
    ),
    "unknown name '{name}'": "未知的名称 '{name}'",
    "no value for '{name}'": "'{name}' 没有数值",
    "'{name}' is not a finite number": "'{name}' 不是有限数值",
    "'{name}' is a list: use sum({name}), mean({name}) or count({name})": (
        "'{name}' 是一组数：请用 sum({name})、mean({name}) 或 count({name})"
    ),
    "no value for an entry of '{name}'": "'{name}' 中有一项没有数值",
    "no entries for '{name}'": "'{name}' 没有任何记录",
    # the population: normalisation (部门间调整), pay, salary, contracts
    "normalisation: {problem}": "部门间调整：{problem}",
    "unknown normalisation method {method!r} (known: mean_to_100)": (
        "未知的调整方法 {method!r}（可用：mean_to_100）"
    ),
    "cannot normalise to 100: the mean total is not positive in {groups}": (
        "无法按平均分折算为 100：以下分组的平均总分不是正数：{groups}"
    ),
    "group {group} (mean {mean})": "第 {group} 组（平均 {mean}）",
    "group {group} ({by})": "第 {group} 组（{by}）",
    "group factor: the `by` value is missing or not positive for {groups}": (
        "组系数：以下分组的 `by` 值缺失或不是正数：{groups}"
    ),
    "group factor cap must be at least 1 (the smallest factor), got {cap!r}": (
        "组系数上限至少为 1（最小的系数），实为 {cap!r}"
    ),
    "group factors {factors} (no cap)": "组系数 {factors}（不设上限）",
    "group factors {factors} exceed cap {cap}: square root taken {times} time(s) -> {after}": (
        "组系数 {factors} 超过上限 {cap}：开平方 {times} 次 -> {after}"
    ),
    "group factors {factors} within cap {cap}": "组系数 {factors} 未超过上限 {cap}",
    "spread cap: the smallest S1 is {low}, so there is no cap": (
        "极差上限：最小的 S1 为 {low}，因此不设上限"
    ),
    "cap = (max S1 + min S1) / (2 × min S1) = ({high} + {low}) / (2 × {low}) = {cap}": (
        "上限 = (最大 S1 + 最小 S1) / (2 × 最小 S1) = ({high} + {low}) / (2 × {low}) = {cap}"
    ),
    "pay factor of {group}: {problem}": "绩效工资系数（{group}）：{problem}",
    "pay: no group input {input!r} for {within}={group}": (
        "绩效工资：{within}={group} 缺少分组输入 {input!r}"
    ),
    "salary: no input {input!r}": "薪级调整：缺少输入 {input!r}",
    "contract: {problem}": "合同考核：{problem}",
    # contract clauses and label outcomes (§12, v1.1): engine_contracts.py
    "contract clause {name}: {problem}": "合同条款「{name}」：{problem}",
    "items not met {condition}": "未达标项目数 {condition}",
    "{value} in {period}": "{period} 为 {value}",
    "{name}: {expression} summed over the periods: {terms} = {sum} ≥ {reaches}": (
        "{name}：{expression} 各期累计 {terms} = {sum} ≥ {reaches}"
    ),
    "{name}: {condition} held in {count} period(s) in all: {periods}": (
        "{name}：累计 {count} 期 {condition}（{periods}）"
    ),
    "{name}: {condition} held in {count} period(s) in a row: {periods}": (
        "{name}：连续 {count} 期 {condition}（{periods}）"
    ),
    "normalized total": "调整后总分",
    "grade": "等级",
    "{by} {value} matched {condition} → {label}": "{by} {value} 符合 {condition} → {label}",
    "{by} {value} matched no row: no {name}": "{by} {value} 不符合任何一行：无{name}",
    "{by} {value} → {label}": "{by}「{value}」→ {label}",
    "{by} {value}: not in the table, no {name}": "{by}「{value}」不在表中：无{name}",
    "not a period: {period!r} (write 2026-06, 2026-Q2, 2026-H1 or 2026)": (
        "{period!r} 不是考核期（请写 2026-06、2026-Q2、2026-H1 或 2026）"
    ),
    "periods of different kinds: {kinds}": "考核期的类型不一致：{kinds}",
    "periods out of order: {periods}": "考核期的顺序不对：{periods}",
    # the engine's notes
    "facts for item {item!r}, which the scheme does not have, are ignored": (
        "方案中没有考核项目 {item!r}，其事实已忽略"
    ),
    "facts for item {item!r}, which the scheme does not have, are ignored;"
    " did you mean {near!r}?": "方案中没有考核项目 {item!r}，其事实已忽略；是否应为 {near!r}？",
    # AHP (层次分析法, ahp.py and ahp_read.py): `jixiao ahp`, its document's problems
    "AHP: {count} criteria, {experts}": "层次分析法：{count} 个指标，{experts}",
    "under {name}: {count} criteria, {experts}": "{name} 之下：{count} 个指标，{experts}",
    "1 expert": "1 位专家",
    "{count} experts ({how})": "{count} 位专家（{how}）",
    "geometric mean of judgements": "判断值取几何平均",
    "arithmetic mean of judgements": "判断值取算术平均",
    "{how}, dropping the {trim} highest and {trim} lowest of each pair": (
        "{how}，每对判断先去掉最高和最低各 {trim} 个"
    ),
    "weights:": "权重：",
    "weights (local, global):": "权重（单权重、总权重）：",
    "combined matrix:": "综合判断矩阵：",
    "consistent: CR < {limit}": "一致性可以接受：CR < {limit}",
    "NOT consistent: CR >= {limit}": "一致性不可接受：CR ≥ {limit}",
    "warning: {message}": "警告：{message}",
    "CR = {cr} >= {limit}: the judgements are not consistent enough; revise the matrix": (
        "CR = {cr} ≥ {limit}：判断的一致性不够，请修改判断矩阵"
    ),
    "trim {trim} needs at least {needed} experts, there are {count}: nothing was dropped": (
        "每对去掉最高和最低各 {trim} 个判断至少需要 {needed} 位专家，现有 {count} 位："
        "未剔除任何判断"
    ),
    "trim {trim}: fewer than {needed} experts judged {cells}; nothing was dropped there": (
        "去掉最高和最低各 {trim} 个：{cells} 的判断少于 {needed} 位专家，这些位置未剔除判断"
    ),
    "invalid AHP matrix: {count} problem(s)": "判断矩阵文件无效：{count} 处问题",
    "duplicate key (the file states it twice)": "键重复（文件中写了两次）",
    "unknown key; did you mean {near!r}?": "未知的键；是否应为 {near!r}？",
    "unknown key; expected one of {keys}": "未知的键；应为 {keys} 之一",
    "expected a mapping with either `{one}:` (one matrix) or `{several}:` (a list)": (
        "应为映射，含 `{one}:`（一个判断矩阵）或 `{several}:`（多位专家的判断矩阵列表）二者之一"
    ),
    "expected a non-empty list of matrices": "应为非空的判断矩阵列表",
    "more than {limit} comparison matrices in one hierarchy": (
        "一个层次结构中的判断矩阵超过 {limit} 个"
    ),
    "this matrix is {size}×{size}, the first is {first}×{first}"
    " (every expert judges the same criteria)": (
        "此矩阵为 {size}×{size}，第一个为 {first}×{first}（每位专家判断的指标应相同）"
    ),
    "no judgement of [{row}][{column}]: every pair above the diagonal"
    " needs one (null is a pair not judged)": (
        "[{row}][{column}] 没有任何判断：对角线上方的每一对都需要判断（空值表示未判断）"
    ),
    "expected a non-empty list of rows, e.g. {example}": "应为非空的行列表，例如 {example}",
    "{count} criteria: Saaty's random index is tabulated up to {limit};"
    " split the criteria into levels with `{key}:`": (
        "{count} 个指标：萨蒂的平均随机一致性指标 RI 只列到 {limit} 阶；"
        "请用 `{key}:` 把指标分成多个层次"
    ),
    "expected a row of {size} entries (the matrix must be square), got {got}": (
        "每行应有 {size} 个数（矩阵须为方阵），此处为 {got}"
    ),
    "expected a number or a fraction like 1/3, got {value!r}": (
        "应为数字或 1/3 这样的分数，此处为 {value!r}"
    ),
    "judgements must be positive, got {value}": "判断值须为正数，此处为 {value}",
    "a judgement lies between 1/{limit} and {limit} (Saaty's scale: 1/9 to 9), got {value}": (
        "判断值应在 1/{limit} 与 {limit} 之间（萨蒂标度为 1/9 至 9），此处为 {value}"
    ),
    "not read: the diagonal is 1 (a criterion against itself), got {value!r}": (
        "未读取：对角线为 1（指标与自身相比），此处为 {value!r}"
    ),
    "not read: [{row}][{column}] above the diagonal is null (not judged),"
    " so its reciprocal is not judged either": (
        "未读取：对角线上方的 [{row}][{column}] 为空（未判断），其倒数也视为未判断"
    ),
    "not read: expected 1/{upper} (the reciprocal of [{row}][{column}] = {upper}),"
    " got {value!r}; 1/{upper} is used": (
        "未读取：应为 1/{upper}（[{row}][{column}] = {upper} 的倒数），此处为 {value!r}；"
        "按 1/{upper} 计算"
    ),
    "e.g. [德, 能, 勤]": "例如 [德, 能, 勤]",
    "expected a list of names, one per criterion, {example}": (
        "应为名称列表，每个指标一个，{example}"
    ),
    "expected a name, got {value!r}": "应为名称，此处为 {value!r}",
    "{name!r} is named twice": "{name!r} 重复出现",
    "{count} names for {size} criteria: give one name per row of the matrix": (
        "{count} 个名称对应 {size} 个指标：矩阵每行一个名称"
    ),
    "unknown aggregate {value!r}; did you mean {near!r}?": (
        "未知的汇总方法 {value!r}；是否应为 {near!r}？"
    ),
    "unknown aggregate {value!r}; expected {first} (the default) or {second}": (
        "未知的汇总方法 {value!r}；应为 {first}（默认）或 {second}"
    ),
    "expected how many judgements to drop at each end (0, 1, 2 …), got {value!r}": (
        "应为去掉最高和最低判断的个数（0、1、2 …），此处为 {value!r}"
    ),
    "expected a mapping from a criterion's name to the comparisons under it": (
        "应为映射：指标名称 → 其下一层的两两比较"
    ),
    "children are given by name: give the criteria `{key}:`": (
        "下一层按指标名称给出：请先给出本层指标的 `{key}:`"
    ),
    "{name!r} is not one of the names; did you mean {near!r}?": (
        "{name!r} 不在本层指标名称中；是否应为 {near!r}？"
    ),
    "{name!r} is not one of the names ({names})": "{name!r} 不在本层指标名称（{names}）中",
}

# The words of describe.py (rules said in plain words), kept in their own module.
from jixiao.scoring.wording_rules import DESCRIBE_ZH, PROBLEMS_ZH  # noqa: E402

ZH.update(DESCRIBE_ZH)
ZH.update(PROBLEMS_ZH)

# The words of v1.1's inputs (lists, history, labels, points), in their own module.
from jixiao.scoring.wording_inputs import INPUTS_ZH  # noqa: E402

ZH.update(INPUTS_ZH)

# The words of the problems found while reading a document, in their own module.
from jixiao.scoring.wording_problems import READING_ZH  # noqa: E402

ZH.update(READING_ZH)
