"""The Chinese words of `describe.py` (every rule said in plain words) and of the
problems found while reading a scheme: English template -> Chinese template, the
same placeholders. `wording.ZH` takes them in; tests/scoring/test_wording.py
checks them as it checks the rest of the catalogue."""

from __future__ import annotations

DESCRIBE_ZH: dict[str, str] = {
    ", ": "、",
    ", else ": "，没有则",
    "the value": "数值",
    "otherwise": "其他情况",
    "below {operand}": "低于 {operand}",
    "above {operand}": "高于 {operand}",
    "add": "加",
    "deduct": "扣",
    # bands, levels
    "{when} scores {score}": "{when} 得 {score} 分",
    "{when} scores {low} to {high}, a person picks": (
        "{when} 得 {low}～{high} 分（由评价人在此范围内打分）"
    ),
    "a value in no row cannot be scored": "不在任何一档时无法计分",
    "by the level rated: {levels}": "按评定等级计分：{levels}",
    "{level}: {score}": "{level}：{score} 分",
    "{level}: {low} to {high}": "{level}：{low}～{high} 分",
    # deduct, add
    "start from {start}": "从 {start} 分起算",
    "any {event} makes the item score 0": "出现「{event}」即本项得 0 分",
    "{verb} {each} per {event}": "「{event}」每 1 次{verb} {each} 分",
    "{event}: {tiers}": "「{event}」：{tiers}",
    "occurrences {first} to {upto}: {verb} {cost} each": (
        "第 {first}～{upto} 次每次{verb} {cost} 分"
    ),
    "from occurrence {first} on: {verb} {cost} each": "第 {first} 次起每次{verb} {cost} 分",
    "up to {upto} in all: every one {verb} {cost}": "共不超过 {upto} 次时每次{verb} {cost} 分",
    "more: every one {verb} {cost}": "更多时每次{verb} {cost} 分",
    "more than {upto} cannot be scored": "超过 {upto} 次无法计分",
    "occurrence {k}: {verb} {cost}": "第 {k} 次{verb} {cost} 分",
    "then each the same": "此后每次同末次",
    "then each doubled": "此后每次翻倍",
    "{event}: {steps}, {then}": "「{event}」：{steps}，{then}",
    "{condition}: {verb} {cost}": "{condition} {verb} {cost} 分",
    "each {event} by its size: {sizes}, other sizes nothing": (
        "「{event}」按每次的大小：{sizes}，其他不计"
    ),
    "; more than {limit} {event} make the item score 0": "；「{event}」超过 {limit} 次本项得 0 分",
    "; {event} at most {cap} in all": "；「{event}」合计最多 {cap} 分",
    "down to 0 at most": "扣完为止",
    "not below {floor}": "最低 {floor} 分",
    "no floor: the score may go below 0": "不设保底，可扣至负分",
    "what goes below the floor is taken off the total": "低于保底的部分从总分中继续扣减",
    "at most {cap}": "最高 {cap} 分",
    "at least {low}": "最低 {low} 分",
    # steps, interpolate, formula, direct
    "{base} at the standard {standard}": "达到标准 {standard} 得 {base} 分",
    "{points} percentage point(s)": "{points} 个百分点",
    "{verb} {points} per {step} below": "每低于标准 {step}{verb} {points} 分",
    "{verb} {points} per {step} above": "每高于标准 {step}{verb} {points} 分",
    "only whole steps count": "不足一档的部分不计",
    "part of a step counts in proportion": "不足一档的部分按比例计",
    "a begun step counts as a whole one": "不足一档按一档计",
    "{x}: {score}": "{x} 时得 {score} 分",
    "{subject} on a straight line through {points}; beyond the ends the end's score": (
        "{subject}为 {points}，其间按直线插值，超出两端按端点得分"
    ),
    "score = {formula}": "得分 = {formula}",
    "a person gives the score": "由评价人直接打分",
    "a person gives the score, {low} to {high}": "由评价人直接打分，{low}～{high} 分",
    # the item
    "value = {measure}": "数值 = {measure}",
    "full score {full}": "满分 {full} 分",
    "met when {condition}": "数值 {condition} 为达标",
    "due every month": "每月考核",
    "due at the end of each quarter only": "仅在季末考核",
    "due at the end of each half-year only": "仅在半年末考核",
    "due at the end of the year only": "仅在年末考核",
    "without facts: {default}": "没有数据时按 {default} 计",
    # raters
    "the first rating present counts: {order}": "以先有的评分为准：{order}",
    "ratings weighted {weights}": "评分权重：{weights}",
    "{rater}: the {trim} highest and lowest dropped": "{rater}去掉最高和最低各 {trim} 个",
    "a missing rater's weight goes to the others": "缺少的评价人的权重按比例分给其他评价人",
    "a missing rating counts 0": "缺少的评分计 0 分",
    "a missing rating cannot be scored": "缺少评分时无法计分",
    # adjustments, total, grades, distribution, outcomes
    "{adjustment}: {text}": "{adjustment}：{text}",
    "a person enters points added": "由人录入加分",
    "a person enters points taken off": "由人录入扣分",
    "each {low} to {high}": "每次 {low}～{high} 分",
    "at most {cap} in all": "合计最多 {cap} 分",
    "the total times a factor by {input}: {values}": "总分乘以按「{input}」确定的系数：{values}",
    "when {when}: {effect}": "当 {when} 时，{effect}",
    "the total is 0": "总分为 0",
    "no bonus (the score stands)": "不发绩效奖金（分数不变）",
    "the grade is at most {grade}": "等级最高为{grade}",
    "flagged: {flag}": "标记：{flag}",
    "the total is not clamped": "总分不设上下限",
    "the total is at least {low}": "总分最低 {low} 分",
    "the total is at most {high}": "总分最高 {high} 分",
    "the total has no upper limit": "不设上限",
    "{when} and ranked in the top {top}": "{when} 且排名在前 {top}",
    "{when}: {grade}": "{when} 为{grade}",
    "forced distribution: {quotas}": "强制分布：{quotas}",
    "forced distribution within each {within}: {quotas}": "按「{within}」分组强制分布：{quotas}",
    "pay: the pool {pool} shared by grade factors {factors}": (
        "绩效工资：奖金池「{pool}」按等级系数分配（{factors}）"
    ),
    "salary steps: {steps}": "薪级调整：{steps}",
    "shared within each {within}": "按「{within}」分组分配",
    "the pool times {factor}": "奖金池乘以 {factor}",
    "from the salary grade in {current}": "以「{current}」为现薪级",
    "not below the grade in {low}": "不低于「{low}」",
    "not above the grade in {high}": "不高于「{high}」",
    # ranking, normalisation, design checks (§9, §11, §13)
    "ranked within each {within} {by}": "按「{within}」分组，{by}排名",
    "ranked all together {by}": "全体一起{by}排名",
    "normalised within each {within}: each total × 100 / its group's mean total": (
        "按「{within}」分组调整：各人总分 × 100 ÷ 本组平均总分"
    ),
    "then times the group's factor: its {by} over the smallest {by}": (
        "再乘以组系数：本组「{by}」÷ 各组中最小的「{by}」"
    ),
    "the factors capped by the spread of the groups' totals": "组系数上限由各组总分的极差确定",
    "the factors capped at {cap}": "组系数最高 {cap}",
    "the factors not capped": "组系数不设上限",
    "at most {count} items": "考核项目最多 {count} 个",
    "a warning when an item carries less than {share} of the total": (
        "某项实际权重低于总分的 {share} 时提示"
    ),
    "a warning when two effective weights differ by less than {gap}": (
        "两个实际权重相差不到 {gap} 时提示"
    ),
    "{condition}: {steps} step(s)": "{condition} 调 {steps} 级",
    "service fee deducted: {fees}": "扣减服务费：{fees}",
    "the first {count} period(s) are for reference only": "前 {count} 期为适应期，仅作参考",
    "{name} by the grade: {rows}; other grades none": "{name}：按等级，{rows}；其他等级无",
    "by the total": "按总分",
    "by the normalized total": "按调整后总分",
    "{name} {by}: {rows}; otherwise none": "{name}：{by}，{rows}；其他情况无",
    "{name}: {expression} adds up to {reaches} over the contract": (
        "{name}：合同期内 {expression} 累计达到 {reaches}"
    ),
    "{name}: {condition} in {count} periods in all": "{name}：累计 {count} 期 {condition}",
    "{name}: {condition} in {count} periods in a row": "{name}：连续 {count} 期 {condition}",
    "{name}: in any period where {condition}": "{name}：任何一期 {condition}",
    "{text} (with the facts of item {item})": "{text}（读取考核项目「{item}」的事实）",
}

# Problems with a scheme document: their place (places.py) and their words.
PROBLEMS_ZH: dict[str, str] = {
    "section {n} {name}": "第 {n} 节{name}",
    "item {n} {name}": "第 {n} 项{name}",
    "tier {n}": "第 {n} 档",
    "“{name}”": "「{name}」",
    "{first}, {then}": "{first}{then}",
    "{where}, {field}": "{where}的{field}",
    "weight": "权重",
    "rule": "计分规则",
    "measure": "计算公式",
    "standard": "达标标准",
    "full score": "满分",
    "name": "名称",
    "code": "编码",
    "period": "考核周期",
    "default": "缺省数据",
    "raters": "评价人",
    "grades": "等级",
    "adjustments": "调整项",
    "total": "总分",
    "outcomes": "考核结果应用",
    "forced distribution": "强制分布",
    "limits": "设计检查",
    "the items": "考核项目",
    "the sections": "各节",
    # checks.py, parse.py, reader.py
    "the top-level weights add up to {total}, not the scale {scale};"
    " they are shared out in proportion": (
        "顶层权重合计为 {total}，不等于满分 {scale}；将按比例折算"
    ),
    "section {name!r}: its weights add up to {total}, neither its own weight {weight} nor 100;"
    " they are shared out in proportion": (
        "{name!r} 一节的权重合计为 {total}，既不等于本节权重 {weight}，也不等于 100；将按比例折算"
    ),
    "the weights of these siblings are all zero": "同一层的权重全部为 0",
    "must be at least {minimum}, got {raw!r}": "不能小于 {minimum}，实为 {raw!r}",
    "missing required key {key!r}": "缺少必填项 {key!r}",
    # the rule types' and the reader's problems
    "a score range is [low, high]": "分数范围写作 [最低, 最高]",
    "expected a list of [condition, score] rows, e.g. ['>= 98%', 100]": (
        "应为 [条件, 得分] 各行的列表，例如 ['>= 98%', 100]"
    ),
    "a row is [condition, score]": "每一行写作 [条件, 得分]",
    "no row can follow else": "“其他”一行之后不能再有行",
    "a step must be greater than 0": "每档的大小必须大于 0",
    "count is whole (default), exact or started": (
        "计档方式只能是只计整档（默认）、按比例计或不足一档按一档计"
    ),
    "expected at least two [value, score] points, e.g. [[0, 0], [1.18, 118]]": (
        "应至少有两个 [数值, 得分] 点，例如 [[0, 0], [1.18, 118]]"
    ),
    "a point is [value, score]": "每个点写作 [数值, 得分]",
    "points must be in increasing value order": "各点须按数值从小到大排列",
    "overflow is carry (or leave it out)": "超扣部分只能设为结转至总分（或不设）",
    "overflow: carry needs a floor": "超扣结转至总分需要设定保底分",
    "a tier is [up_to, cost] or [else, cost]": (
        "每一档写作 [至多次数, 每次分值]，最后一档可写“其他”"
    ),
    "tiers must go up, with else last": "各档的次数须递增，“其他”放在最后",
    "expected a list of [up_to, cost] rows": "应为 [至多次数, 每次分值] 各行的列表",
    "a row is [condition, cost], e.g. ['>= 5000', 10]": (
        "每一行写作 [条件, 分值]，例如 ['>= 5000', 10]"
    ),
    "expected a list of costs, e.g. [1, 2, 4]": "应为分值的列表，例如 [1, 2, 4]",
    "mode is progressive (default) or flat": "计扣方式只能是累进（默认）或全部按所在档计",
    "then is repeat (default) or double": "此后的计法只能是同末次（默认）或翻倍",
    "write zero: true": "出现即得 0 分的设置只能为真",
    "must not be empty": "不能为空",
    "expected text": "应为文字",
    "give either sections or items (a form without sections)": (
        "请给出分节，或不分节的考核项目，二者择一"
    ),
    "a scheme needs at least one item": "考核方案至少需要一个考核项目",
    "a section has either items or sections": "一节之下只能是考核项目或下一级的节，二者择一",
    "a section needs at least one item": "一节至少需要一个考核项目",
    "an item needs a name (or a code)": "考核项目需要名称（或编码）",
    "the full score must be greater than 0": "满分必须大于 0",
    "unknown key; a default is a fact": (
        "未知的键；缺省数据是一条事实（数值、得分、输入、事件或评分）"
    ),
    "give either weights or final, not both": "评价人权重与终评顺序只能给出其一",
    "at least one rater must have a weight above 0": "至少一类评价人的权重须大于 0",
    "trim is a whole number of ratings": "去掉最高最低评分的个数须为整数",
    "missing is redistribute (default), zero or error": (
        "缺评处理只能是按比例分给其他评价人（默认）、计 0 分或报错"
    ),
    "expected a list of rater types, e.g. [indirect, direct, self]": (
        "应为评价人类型的列表（按优先顺序）"
    ),
    # outcomes (§12, v1.1): label outcomes and contract triggers
    "{name!r} is one of the result's own outcome names ({names}); name it otherwise": (
        "{name!r} 是考核结果自带的结果名称（{names}）之一；请换一个名称"
    ),
    "by is total (default), normalized or grade; did you mean {near!r}?": (
        "依据只能是总分（默认）、调整后总分或等级；是否应为 {near!r}？"
    ),
    "by is total (default), normalized or grade": "依据只能是总分（默认）、调整后总分或等级",
    "by grade, the table is {{grade: label}}, e.g. {example}": (
        "按等级时，对照表写作 {{等级: 结果}}，例如 {example}"
    ),
    "expected a list of [condition, label] rows, e.g. ['>= 80', 晋升培训]": (
        "应为 [条件, 结果] 各行的列表，例如 ['>= 80', 晋升培训]"
    ),
    "a row is [condition, label]": "每一行写作 [条件, 结果]",
    "give exactly one of failed_items, when or sum": "未达标项目数、条件与累计值须且只能给出其一",
    "give one of consecutive, periods or sum … reaches": (
        "连续期数、累计期数与累计值达到多少只能给出其一"
    ),
    "sum and reaches go together: {example}": "累计值与须达到的数须同时给出：{example}",
    "by normalized needs a normalize section": "按调整后总分需要方案设置部门间调整",
    "no item {item!r}; did you mean {near!r}?": "没有考核项目 {item!r}；是否应为 {near!r}？",
    "no item {item!r}": "没有考核项目 {item!r}",
    "{grade!r} is not a grade the scheme gives; did you mean {near!r}?": (
        "{grade!r} 不是本方案的等级；是否应为 {near!r}？"
    ),
    "{grade!r} is not a grade the scheme gives ({grades})": (
        "{grade!r} 不是本方案的等级（{grades}）"
    ),
    "none defined": "未设置",
    "contract clause {n} {name}": "第 {n} 条合同条款{name}",
    "outcome {name}": "中的{name}",
    # errors.py: a problem as `jixiao check --language zh` prints it
    "line {line}": "第 {line} 行",
    "{place}: {message}": "{place}：{message}",
    "scheme": "考核方案",
    "invalid {kind}: {count} problem(s)": "{kind}无效：{count} 处问题",
    " row {n}": "第 {n} 行",
}
