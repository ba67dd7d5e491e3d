"""Expressions (scheme-language §4): parsed once per scheme, evaluated for all rows at once.

`compile_expression("(received - overtime) / received")` checks the text against a
whitelist of Python syntax (`ast.parse(..., mode="eval")`, nothing is ever executed) and
builds a tree of small closures over numpy arrays. `Expression.evaluate(env, n)` runs it for
n appraisees at once, every name bound to a float64 array of length n.

The language: numbers, percentages, names of inputs (Chinese too, looked up as written),
`+ - * / // % **`, unary `-` `+`, parentheses, comparisons (chains too: `0 < x <= 1`),
`and or not`, `a if c else b`, and the functions abs min max round floor ceil sum mean
count clamp. Nothing else; the function names cannot be input names.

Lists (v1.1): `sum mean count min max` take any number of arguments, each a number or a
list (a list input, or an event's sizes), and work on all the numbers together;
`count` of a number is 1, `sum` of nothing 0, and `mean`/`min`/`max` of nothing an error
of that row. Lists are passed as `Ragged` (owner, value) pairs; a bare name that is a
list anywhere else is an error of its row (`Expression.bare` names those uses, so a
scheme can refuse them when it is loaded).

Percent or modulo: `%` is a percent sign when it comes right after a number literal, with
no space between, and what follows it does not start an operand (a name, a number or `(`).
So `98%`, `x >= 98%`, `0.002% * n` and `10%-3` (= 0.1 - 3) are percentages, while `a % b`,
`10 % 3`, `10%3`, `10%(x)` and `10 % -3` are modulo.

Booleans are 1.0 / 0.0. `and`, `or` and `if` choose values per row as Python does, and a row
only evaluates the branches it takes: `x > 0 and y / x > 1` is no error where x = 0.
Comparisons round both sides to 9 decimals first (§5), so `490/500 >= 98%` holds; `floor`,
`ceil`, `//` and `%` snap to 9 decimals the same way, so `floor((1 - 97%) / 1%)` is 3.

Errors are per row, never exceptions: division by zero, an unknown name, a name without a
value (NaN), a result that is not a finite number. A row's first error wins; its value is NaN.
Their messages are `say(...)` text (wording.py): shown in English or Chinese.
"""

from __future__ import annotations

import ast
import io
import keyword
import math
import re
import tokenize
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from jixiao.scoring.errors import ExpressionError
from jixiao.scoring.numbers import FloatArray, round9, round_half_up
from jixiao.scoring.wording import current_language, language, say

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]
Mask = BoolArray | None  # the rows a node must evaluate; None: every row
MAX_LENGTH = 2000
MAX_DEPTH = 100
with language("en"):  # the constant reads in English; ScoreRun.result says it again
    NOT_FINITE = say("result is not a finite number")

# name -> (fewest, most) arguments; None: any number
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "abs": (1, 1), "floor": (1, 1), "ceil": (1, 1), "round": (1, 2), "clamp": (3, 3),
    "min": (1, None), "max": (1, None), "sum": (1, None), "mean": (1, None), "count": (1, None),
}  # fmt: skip
_ALLOWED = ", ".join(FUNCTIONS)

_Binary = Callable[[FloatArray, FloatArray], FloatArray]
_COMPARE: dict[type[ast.cmpop], Callable[[FloatArray, FloatArray], BoolArray]] = {
    ast.Lt: np.less, ast.LtE: np.less_equal, ast.Gt: np.greater, ast.GtE: np.greater_equal,
    ast.Eq: np.equal, ast.NotEq: np.not_equal,
}  # fmt: skip
_SYMBOLS: dict[type[ast.AST], str] = {
    ast.MatMult: "@", ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^", ast.LShift: "<<",
    ast.RShift: ">>", ast.Invert: "~", ast.Is: "is", ast.IsNot: "is not", ast.In: "in",
    ast.NotIn: "not in",
}  # fmt: skip


def _refused(node: ast.AST) -> str:
    """Why a kind of syntax is refused, in the reader's language."""
    if isinstance(node, ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
        return say("comprehensions are not allowed")
    refused = {
        ast.Attribute: lambda: say("attribute access (x.y) is not allowed"),
        ast.Subscript: lambda: say("subscripts (x[...]) are not allowed"),
        ast.Lambda: lambda: say("lambda is not allowed"),
        ast.JoinedStr: lambda: say("f-strings are not allowed"),
        ast.NamedExpr: lambda: say("assignment (:=) is not allowed"),
        ast.Starred: lambda: say("starred arguments (*x) are not allowed"),
        ast.List: lambda: say("lists are not allowed"),
        ast.Tuple: lambda: say("tuples are not allowed"),
        ast.Set: lambda: say("sets are not allowed"),
        ast.Dict: lambda: say("dicts are not allowed"),
    }.get(type(node))
    if refused is not None:
        return refused()
    return say("{what} is not allowed", what=type(node).__name__)


@dataclass(frozen=True)
class Ragged:
    """A list per row: row i owns values[owner == i]. Used for event sizes / several ratings."""

    owner: npt.NDArray[np.int64]
    values: FloatArray


@dataclass
class Evaluated:
    values: FloatArray  # shape (n,), float64; NaN on rows with an error
    errors: dict[int, str]  # row index -> message; only rows with an error


class EvaluationError(ValueError):
    """The error of the single row `Expression.evaluate_one` evaluated."""


class _Rows:
    """One evaluation: the inputs, and the first error of every row (0: none)."""

    def __init__(self, env: dict[str, FloatArray], lists: Mapping[str, Ragged], n: int) -> None:
        self.env, self.lists, self.n = env, lists, n
        # rows that gave a list for a name that other rows give as a number (§3): a list
        # mapping may say so with a `listed` attribute {name: rows}
        self.listed: Mapping[str, BoolArray] = getattr(lists, "listed", None) or {}
        self.code = np.zeros(n, dtype=np.int32)
        self.messages: list[str] = []

    def fail(self, bad: BoolArray, active: Mask, message: str) -> None:
        if active is not None:
            bad = bad & active
        if bad.any():
            bad = bad & (self.code == 0)
            if bad.any():
                self.messages.append(message)
                self.code[bad] = len(self.messages)

    def check(self, result: FloatArray, active: Mask) -> FloatArray:
        self.fail(~np.isfinite(result), active, NOT_FINITE)
        return result


_Node = Callable[[_Rows, Mask], FloatArray]


def _quote(text: str) -> str:
    return repr(text if len(text) <= 80 else text[:77] + "...")


def _within(active: Mask, rows: BoolArray) -> BoolArray:
    return rows if active is None else active & rows


def _branch(node: _Node, rows: _Rows, active: BoolArray) -> FloatArray:
    return node(rows, active) if active.any() else np.full(rows.n, np.nan)


def _snap9(x: FloatArray) -> FloatArray:
    """9-decimal rounding before floor/ceil, skipped where it would overflow."""
    return np.where(np.abs(x) < 1e15, round9(x), x)


def _floor_div(a: FloatArray, b: FloatArray) -> FloatArray:
    return np.floor(_snap9(a / b))


def _mod(a: FloatArray, b: FloatArray) -> FloatArray:
    return a - b * _floor_div(a, b)


_ARITHMETIC: dict[type[ast.operator], _Binary] = {
    ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.divide,
    ast.FloorDiv: _floor_div, ast.Mod: _mod, ast.Pow: np.power,
}  # fmt: skip


AGGREGATES = ("sum", "mean", "count", "min", "max")


def _entries(rows: _Rows, active: Mask, name: str, items: Ragged) -> tuple[IntArray, FloatArray]:
    """A list's (owner, value) pairs, checked; an entry without a value is its row's error."""
    owner = np.asarray(items.owner, dtype=np.int64)
    values = np.asarray(items.values, dtype=np.float64)
    if owner.ndim != 1 or owner.shape != values.shape or np.any((owner < 0) | (owner >= rows.n)):
        raise ValueError(
            f"list '{name}': owner must hold one row index in 0..{rows.n - 1} per value"
        )
    missing = np.isnan(values)
    if missing.any():
        lacking = np.bincount(owner[missing], minlength=rows.n) > 0
        rows.fail(lacking, active, say("no value for an entry of '{name}'", name=name))
        values = np.where(missing, 0.0, values)
    return owner, values


@dataclass(frozen=True)
class _Argument:
    """An argument of sum/mean/count/min/max: a list input when `name` is one, else a number."""

    node: _Node
    name: str | None  # the argument is a bare name: a list when the evaluation has one


def _aggregate(
    rows: _Rows, active: Mask, func: str, args: list[_Argument], empty: str
) -> FloatArray:
    """sum / mean / count / min / max over every number of the arguments together (§4):
    a list argument gives its entries, any other argument one number."""
    n = rows.n
    count = np.zeros(n)
    total = np.zeros(n)
    low = np.full(n, np.inf)
    high = np.full(n, -np.inf)
    for arg in args:
        items = rows.lists.get(arg.name) if arg.name is not None else None
        if items is not None:
            owner, values = _entries(rows, active, arg.name or "", items)
            count += np.bincount(owner, minlength=n)
            total += np.bincount(owner, weights=values, minlength=n)
            if func in ("min", "max") and len(owner):
                np.minimum.at(low, owner, values)
                np.maximum.at(high, owner, values)
            continue
        value = arg.node(rows, active)
        count += 1
        total = total + value
        low, high = np.minimum(low, value), np.maximum(high, value)
    if func == "count":
        return count
    if func == "sum":
        return rows.check(total, active)
    nothing = count == 0
    if nothing.any():
        rows.fail(nothing, active, empty)
    if func == "mean":
        return rows.check(total / np.maximum(count, 1.0), active)
    return rows.check(np.where(nothing, np.nan, low if func == "min" else high), active)


def _elementwise(func: str, decimals: int) -> Callable[[list[FloatArray]], FloatArray]:
    one: dict[str, Callable[[FloatArray], FloatArray]] = {
        "abs": np.abs,
        "floor": lambda x: np.floor(_snap9(x)),
        "ceil": lambda x: np.ceil(_snap9(x)),
        "round": lambda x: round_half_up(x, decimals),
    }
    if func in one:
        return lambda args: one[func](args[0])
    return lambda args: np.minimum(np.maximum(args[0], args[1]), args[2])  # clamp


def _percent_value(literal: str) -> float:
    digits = literal.replace("_", "")
    try:
        return float(Decimal(digits).scaleb(-2))
    except (ArithmeticError, ValueError):
        pass
    try:
        return int(digits, 0) / 100  # 0x10%
    except (ValueError, OverflowError):
        return math.inf


def _starts_operand(token: tokenize.TokenInfo) -> bool:
    if token.type == tokenize.NAME:
        return not keyword.iskeyword(token.string)
    return token.type == tokenize.NUMBER or token.string == "("


def _mark_percents(text: str) -> tuple[str, dict[tuple[int, int], float]]:
    """Blank out every percent sign; the literals before them map (line, byte column) -> value."""
    layout = {tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.COMMENT}
    try:
        tokens = [
            t
            for t in tokenize.generate_tokens(io.StringIO(text).readline)
            if t.type not in layout and t.type != tokenize.ENDMARKER
        ]
    except (tokenize.TokenError, SyntaxError):
        return text, {}  # ast.parse reports the problem
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    chars = list(text)
    percents: dict[tuple[int, int], float] = {}
    for i, token in enumerate(tokens):
        before, after = tokens[i - 1] if i else None, tokens[i + 1] if i + 1 < len(tokens) else None
        if token.string != "%" or before is None or before.type != tokenize.NUMBER:
            continue
        if before.end != token.start or (after is not None and _starts_operand(after)):
            continue
        chars[starts[token.start[0] - 1] + token.start[1]] = " "
        row, col = before.start
        percents[(row, len(lines[row - 1][:col].encode()))] = _percent_value(before.string)
    return "".join(chars), percents


class _Compiler:
    """Turns a checked AST into closures; collects the free names."""

    def __init__(self, text: str, lead: int, percents: dict[tuple[int, int], float]) -> None:
        self.text, self.lead, self.percents = text, lead, percents
        self.names: set[str] = set()
        self.bare: set[str] = set()  # names used outside sum/mean/count/min/max (§4)

    def error(self, node: ast.AST, problem: str) -> ExpressionError:
        lineno, offset = getattr(node, "lineno", 1), getattr(node, "col_offset", 0)
        line = self.text.split("\n")[lineno - 1]
        column = len(line.encode()[:offset].decode(errors="ignore")) + 1
        column += self.lead if lineno == 1 else 0
        return ExpressionError(
            say(
                "expression {text}, column {column}: {problem}",
                text=_quote(self.text),
                column=column,
                problem=problem,
            )
        )

    def segment(self, node: ast.AST) -> str:
        return ast.get_source_segment(self.text, node) or self.text

    def build(self, node: ast.AST, depth: int) -> _Node:
        if depth > MAX_DEPTH:
            raise self.error(
                node,
                say("expression is nested too deeply (more than {depth} levels)", depth=MAX_DEPTH),
            )
        depth += 1
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.BinOp):
            return self.binary(node, depth)
        if isinstance(node, ast.UnaryOp):
            return self.unary(node, depth)
        if isinstance(node, ast.BoolOp):
            return self.boolean(node, depth)
        if isinstance(node, ast.Compare):
            return self.compare(node, depth)
        if isinstance(node, ast.IfExp):
            return self.choice(node, depth)
        if isinstance(node, ast.Call):
            return self.call(node, depth)
        raise self.error(node, _refused(node))

    def constant(self, node: ast.Constant) -> _Node:
        raw = node.value
        if isinstance(raw, str | bytes):
            raise self.error(node, say("strings are not allowed"))
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            raise self.error(node, say("{raw!r} is not allowed; only numbers", raw=raw))
        value = self.percents.get((node.lineno, node.col_offset))
        try:
            value = float(raw) if value is None else value
        except OverflowError:
            value = math.inf
        if not math.isfinite(value):
            raise self.error(node, say("number {number} is too large", number=self.segment(node)))
        return lambda rows, active: np.full(rows.n, value)

    def name(self, node: ast.Name, *, listed: bool = False) -> _Node:
        """A name's value; `listed`: an argument of an aggregate, where a list may stand."""
        if node.id.startswith("__"):
            raise self.error(
                node, say("name {name!r}: names starting with '__' are not allowed", name=node.id)
            )
        if node.id in FUNCTIONS:
            raise self.error(
                node, say("function '{name}' used as a value; call it: {name}(…)", name=node.id)
            )
        name = self.segment(node)  # as written: Python would NFKC-normalise the identifier
        self.names.add(name)
        if not listed:
            self.bare.add(name)
        as_list = say(
            "'{name}' is a list: use sum({name}), mean({name}) or count({name})", name=name
        )

        def load(rows: _Rows, active: Mask) -> FloatArray:
            values = rows.env.get(name)
            if values is not None and name in rows.listed:
                rows.fail(rows.listed[name], active, as_list)
            if values is None:
                if name in rows.listed or name in rows.lists:
                    unknown = as_list
                else:
                    unknown = say("unknown name '{name}'", name=name)
                rows.fail(np.ones(rows.n, dtype=bool), active, unknown)
                return np.full(rows.n, np.nan)
            odd = ~np.isfinite(values)
            if odd.any():
                rows.fail(np.isnan(values), active, say("no value for '{name}'", name=name))
                rows.fail(odd, active, say("'{name}' is not a finite number", name=name))
            return values

        return load

    def binary(self, node: ast.BinOp, depth: int) -> _Node:
        op = _ARITHMETIC.get(type(node.op))
        if op is None:
            raise self.error(
                node, say("operator '{operator}' is not allowed", operator=_SYMBOLS[type(node.op)])
            )
        left, right = self.build(node.left, depth), self.build(node.right, depth)
        divides = isinstance(node.op, ast.Div | ast.FloorDiv | ast.Mod)
        zero = say("division by zero in '{expression}'", expression=self.segment(node))

        def run(rows: _Rows, active: Mask) -> FloatArray:
            a, b = left(rows, active), right(rows, active)
            if divides:
                rows.fail(b == 0, active, zero)
            return rows.check(op(a, b), active)

        return run

    def unary(self, node: ast.UnaryOp, depth: int) -> _Node:
        if isinstance(node.op, ast.Invert):
            raise self.error(node, say("operator '{operator}' is not allowed", operator="~"))
        operand, op = self.build(node.operand, depth), node.op
        if isinstance(op, ast.Not):
            return lambda rows, active: (operand(rows, active) == 0).astype(np.float64)
        if isinstance(op, ast.USub):
            return lambda rows, active: -operand(rows, active)
        return operand

    def boolean(self, node: ast.BoolOp, depth: int) -> _Node:
        first, *rest = [self.build(value, depth) for value in node.values]
        keep_going = isinstance(node.op, ast.And)  # `and` goes on while true, `or` while false

        def run(rows: _Rows, active: Mask) -> FloatArray:
            result = first(rows, active)
            going = (result != 0) == keep_going
            for value in rest:
                result = np.where(going, _branch(value, rows, _within(active, going)), result)
                going &= (result != 0) == keep_going
            return result

        return run

    def compare(self, node: ast.Compare, depth: int) -> _Node:
        for op in node.ops:
            if type(op) not in _COMPARE:
                raise self.error(
                    node, say("comparison '{operator}' is not allowed", operator=_SYMBOLS[type(op)])
                )
        first = self.build(node.left, depth)
        steps = [
            (_COMPARE[type(op)], self.build(c, depth))
            for op, c in zip(node.ops, node.comparators, strict=True)
        ]

        def run(rows: _Rows, active: Mask) -> FloatArray:
            left = round9(first(rows, active))
            holds = np.ones(rows.n, dtype=bool)
            for test, comparator in steps:  # a chain stops at its first false link
                right = round9(_branch(comparator, rows, _within(active, holds)))
                holds &= test(left, right)
                left = right
            return holds.astype(np.float64)

        return run

    def choice(self, node: ast.IfExp, depth: int) -> _Node:
        test, yes, no = (self.build(n, depth) for n in (node.test, node.body, node.orelse))

        def run(rows: _Rows, active: Mask) -> FloatArray:
            true = test(rows, active) != 0
            chosen = _branch(yes, rows, _within(active, true))
            return np.where(true, chosen, _branch(no, rows, _within(active, ~true)))

        return run

    def call(self, node: ast.Call, depth: int) -> _Node:
        func = node.func
        if not isinstance(func, ast.Name):
            raise self.error(
                node, say("only these functions can be called: {allowed}", allowed=_ALLOWED)
            )
        if func.id not in FUNCTIONS:
            raise self.error(
                node,
                say(
                    "function '{name}' is not allowed (allowed: {allowed})",
                    name=func.id,
                    allowed=_ALLOWED,
                ),
            )
        if node.keywords:
            raise self.error(
                node, say("keyword arguments are not allowed in {name}(…)", name=func.id)
            )
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.error(arg, _refused(arg))
        fewest, most = FUNCTIONS[func.id]
        if len(node.args) < fewest or (most is not None and len(node.args) > most):
            wanted = (
                f"{fewest}"
                if fewest == most
                else say("{fewest} to {most}", fewest=fewest, most=most)
                if most
                else "1+"
            )
            raise self.error(
                node,
                say(
                    "{name}() takes {wanted} argument(s), got {count}",
                    name=func.id,
                    wanted=wanted,
                    count=len(node.args),
                ),
            )
        if func.id in AGGREGATES:
            return self.aggregate(node, func.id, depth)
        decimals = self.decimals(node.args[1]) if len(node.args) == 2 and func.id == "round" else 0
        args = [self.build(arg, depth) for arg in node.args[: 1 if func.id == "round" else None]]
        apply, name = _elementwise(func.id, decimals), func.id
        inverted = say(
            "clamp: lower bound above upper bound in '{expression}'", expression=self.segment(node)
        )

        def run(rows: _Rows, active: Mask) -> FloatArray:
            values = [arg(rows, active) for arg in args]
            if name == "clamp":
                rows.fail(round9(values[1]) > round9(values[2]), active, inverted)
            return rows.check(apply(values), active)

        return run

    def aggregate(self, node: ast.Call, func: str, depth: int) -> _Node:
        """sum/mean/count/min/max: a bare name among the arguments may be a list (§4)."""
        args = []
        for arg in node.args:
            if isinstance(arg, ast.Name) and arg.id not in FUNCTIONS:
                args.append(_Argument(self.name(arg, listed=True), self.segment(arg)))
            else:
                args.append(_Argument(self.build(arg, depth), None))
        listed = [arg.name for arg in args]
        if len(listed) == 1 and listed[0] is not None:
            empty = say("no entries for '{name}'", name=listed[0])
        else:
            empty = say("no values in '{expression}'", expression=self.segment(node))

        def run(rows: _Rows, active: Mask) -> FloatArray:
            return _aggregate(rows, active, func, args, empty)

        return run

    def decimals(self, node: ast.expr) -> int:
        sign, inner = 1, node
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            sign, inner = (-1 if isinstance(node.op, ast.USub) else 1), node.operand
        raw = inner.value if isinstance(inner, ast.Constant) else None
        if isinstance(raw, bool) or not isinstance(raw, int) or abs(raw) > 15:
            raise self.error(
                node, say("round(x, n): n must be a whole number from -15 to 15, e.g. 2")
            )
        return sign * raw


@dataclass(frozen=True)
class Expression:
    """A compiled expression; immutable, shared by every evaluation."""

    text: str
    names: frozenset[str]  # every free name used (inputs), not function names
    _root: _Node = field(repr=False, compare=False)
    # the names used outside sum/mean/count/min/max, where a list is an error (§4)
    bare: frozenset[str] = field(default=frozenset(), compare=False)

    def __reduce__(self) -> tuple[Callable[[str], Expression], tuple[str]]:
        return compile_expression, (self.text,)

    def evaluate(
        self, env: Mapping[str, FloatArray], n: int, lists: Mapping[str, Ragged] | None = None
    ) -> Evaluated:
        """Evaluate for n rows at once; `env` maps names to arrays of length n (NaN: no value)."""
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        arrays: dict[str, FloatArray] = {}
        for name in self.names & env.keys():
            arrays[name] = np.asarray(env[name], dtype=np.float64)
            if arrays[name].shape != (n,):
                raise ValueError(f"input '{name}' has shape {arrays[name].shape}, expected ({n},)")
        rows = _Rows(arrays, lists or {}, n)
        with np.errstate(all="ignore"):
            values = np.array(self._root(rows, None), dtype=np.float64)
            rows.check(values, None)
        failed = np.flatnonzero(rows.code)
        values[failed] = np.nan
        messages = np.array(["", *rows.messages], dtype=object)[rows.code[failed]]
        return Evaluated(values, dict(zip(failed.tolist(), messages.tolist(), strict=True)))

    def evaluate_one(
        self, env: Mapping[str, float | None], lists: Mapping[str, Sequence[float]] | None = None
    ) -> float:
        """One row; raises EvaluationError with the row's error message."""
        arrays = {
            k: np.array([np.nan if v is None else v], dtype=np.float64) for k, v in env.items()
        }
        ragged = {
            k: Ragged(np.zeros(len(v), dtype=np.int64), np.asarray(v, dtype=np.float64))
            for k, v in (lists or {}).items()
        }
        result = self.evaluate(arrays, 1, ragged)
        if result.errors:
            raise EvaluationError(result.errors[0])
        return float(result.values[0])


def compile_expression(text: str) -> Expression:
    """Parse and check an expression; raises ExpressionError naming the problem."""
    if not isinstance(text, str):
        raise ExpressionError(say("an expression must be text, got {text!r}", text=text))
    source = text.strip()
    if not source:
        raise ExpressionError(say("empty expression"))
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            say(
                "expression is too long: {length} characters (at most {limit})",
                length=len(text),
                limit=MAX_LENGTH,
            )
        )
    blanked, percents = _mark_percents(source)
    try:
        with warnings.catch_warnings():  # "invalid decimal literal" and the like: ours to say
            warnings.simplefilter("error", SyntaxWarning)
            tree = ast.parse(blanked, mode="eval")
    except SyntaxWarning as exc:
        raise ExpressionError(
            say(
                "syntax error in expression {text}: {problem}",
                text=_quote(source),
                problem=_syntax(exc),
            )
        ) from None
    except SyntaxError as exc:
        lead = len(text) - len(text.lstrip())
        text = _quote(source)
        if exc.offset and exc.lineno == 1:
            said = say(
                "syntax error in expression {text}, column {column}: {problem}",
                text=text,
                column=exc.offset + lead,
                problem=_syntax(exc.msg),
            )
        else:
            said = say(
                "syntax error in expression {text}: {problem}", text=text, problem=_syntax(exc.msg)
            )
        raise ExpressionError(said) from None
    except (ValueError, RecursionError, MemoryError) as exc:
        raise ExpressionError(
            say(
                "cannot read expression {text}: {problem}",
                text=_quote(source),
                problem=_syntax(exc),
            )
        ) from None
    compiler = _Compiler(source, len(text) - len(text.lstrip()), percents)
    root = compiler.build(tree.body, 1)
    return Expression(text, frozenset(compiler.names), root, frozenset(compiler.bare))


_SYNTAX: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"^invalid syntax"), lambda m: say("invalid syntax")),
    (
        re.compile(r"^'(.)' was never closed"),
        lambda m: say("'{bracket}' was never closed", bracket=m[1]),
    ),
    (re.compile(r"^unmatched '(.)'"), lambda m: say("unmatched '{bracket}'", bracket=m[1])),
    (
        re.compile(r"^closing parenthesis '(.)' does not match opening parenthesis '(.)'"),
        lambda m: say(
            "closing parenthesis '{closing}' does not match opening parenthesis '{opening}'",
            closing=m[1],
            opening=m[2],
        ),
    ),
    (
        re.compile(r"^invalid character '(.)' \((U\+[0-9A-F]+)\)"),
        lambda m: say("invalid character '{char}' ({code})", char=m[1], code=m[2]),
    ),
    (re.compile(r"^invalid \w+ literal"), lambda m: say("invalid number")),
    (re.compile(r"^expected 'else' after 'if' expression"), lambda m: say("'if' needs an 'else'")),
    (re.compile(r"^unterminated string"), lambda m: say("strings are not allowed")),
)


def _syntax(problem: object) -> str:
    """Python's words for a syntax error in Chinese (English keeps Python's own)."""
    message = str(problem)
    if current_language() == "en":
        return message
    for pattern, said in _SYNTAX:
        found = pattern.match(message)
        if found:
            return said(found)
    return say("the expression is not well formed")
