"""The analytic hierarchy process (层次分析法) behind `jixiao ahp` (scheme-language §14, §16).

A pairwise comparison matrix says how much more important criterion i is than
criterion j (a_ij, with a_ji = 1/a_ij). The weights are its principal
eigenvector, normalised to sum 1; λmax, CI = (λmax − n)/(n − 1) and
CR = CI / RI (Saaty's random index) say how consistent the judgements are
(CR = 0, consistent, for n ≤ 2).

Several experts are combined judgement by judgement over the upper triangle
(`aggregate`: the geometric mean, Saaty's aggregation of individual
judgements, or the arithmetic mean as Excel forms do), after dropping the
`trim` highest and lowest judgements of each pair when at least 2·trim + 1
experts judged it; each lower cell is then the reciprocal of its upper cell,
so the combined matrix is reciprocal. With `children`, a criterion's global
weight is its parent's global weight × its local weight, down any depth.
Reading the document is `ahp_read`; this module computes and prints.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from wcwidth import wcswidth

from jixiao.scoring.ahp_read import (
    AGGREGATES,
    MAX_CRITERIA,
    Aggregate,
    AhpError,
    Judgements,
    judgements_of,
    read_judgements,
)
from jixiao.scoring.errors import DocumentError, Path, Problem
from jixiao.scoring.numbers import FloatArray
from jixiao.scoring.source import read_file
from jixiao.scoring.wording import say

__all__ = [
    "AGGREGATES",
    "CR_LIMIT",
    "RANDOM_INDEX",
    "AhpError",
    "AhpResult",
    "ahp",
    "ahp_from_document",
    "ahp_from_file",
    "ahp_json",
    "ahp_text",
    "combine",
]

# Saaty's random index for n = 1..15.
RANDOM_INDEX = (
    0.0,
    0.0,
    0.58,
    0.90,
    1.12,
    1.24,
    1.32,
    1.41,
    1.45,
    1.49,
    1.51,
    1.48,
    1.56,
    1.57,
    1.59,
)
assert len(RANDOM_INDEX) == MAX_CRITERIA
CR_LIMIT = 0.1
DECIMALS = 12  # results are rounded here, past float noise


@dataclass(frozen=True)
class AhpResult:
    """One comparison matrix of the hierarchy, computed; `children` are the next level."""

    weights: tuple[float, ...]
    lambda_max: float
    ci: float
    cr: float
    consistent: bool
    n: int
    ri: float  # Saaty's random index for n
    experts: int
    warnings: tuple[str, ...]  # this matrix's, each naming its place
    names: tuple[str, ...] | None = None
    matrix: tuple[tuple[float, ...], ...] = ()  # the combined (reciprocal) matrix
    global_weights: tuple[float, ...] = ()  # parent's global weight × local weight
    aggregate: Aggregate = "geometric"
    trim: int = 0
    children: tuple[tuple[str, AhpResult], ...] = ()
    path: Path = ()

    def levels(self) -> Iterator[AhpResult]:
        """This matrix and every one below it, parents first."""
        yield self
        for _, child in self.children:
            yield from child.levels()

    def all_warnings(self) -> list[str]:
        return [warning for level in self.levels() for warning in level.warnings]


def ahp_from_document(data: object, *, file: str | None = None) -> AhpResult:
    """The result of a loaded YAML document (§16): `matrix:` or `experts:`, with
    optional `names`, `aggregate`, `trim` and `children`. Raises AhpError listing
    every problem, each naming its place (`matrix[1][0]`, `children.能.experts[2]`)."""
    return compute(read_judgements(data, file=file))


def ahp_from_file(path: str) -> AhpResult:
    """The result of a YAML or JSON file, problems with their line numbers."""
    try:
        document = read_file(path, kind="AHP matrix")
    except DocumentError as exc:
        raise AhpError(exc.problems) from None
    duplicates = [
        Problem(p.path, say("duplicate key (the file states it twice)"), p.line, p.file)
        for p in document.duplicate_keys()
    ]
    if duplicates:
        raise AhpError(duplicates)
    return compute(read_judgements(document.data, file=path, line_of=document.line_of))


def ahp(
    matrices: Sequence[object],
    *,
    names: Sequence[str] | None = None,
    aggregate: Aggregate = "geometric",
    trim: int = 0,
) -> AhpResult:
    """The result of one or more experts' matrices given in Python (lists, tuples or
    numpy arrays; `None` for a pair not judged), checked like a document."""
    if len(matrices) == 0:
        raise AhpError([Problem(("experts",), say("expected a non-empty list of matrices"))])
    return compute(judgements_of(matrices, names=names, aggregate=aggregate, trim=trim))


def compute(
    judgements: Judgements,
    *,
    aggregate: Aggregate = "geometric",
    trim: int = 0,
    above: float = 1.0,
) -> AhpResult:
    """Weights and consistency of one matrix and, recursively, of its children;
    `aggregate` and `trim` are the parent's (a child keeps them unless it sets its own),
    `above` the parent's global weight of this matrix's criterion."""
    aggregate = judgements.aggregate or aggregate
    trim = trim if judgements.trim is None else judgements.trim
    matrix, untrimmed = combine(judgements.experts, aggregate=aggregate, trim=trim)
    weights, lambda_max = principal(matrix)
    n = len(matrix)
    ci = max(0.0, (lambda_max - n) / (n - 1)) if n > 2 else 0.0
    cr = ci / RANDOM_INDEX[n - 1] if n > 2 else 0.0
    consistent = cr < CR_LIMIT
    path = judgements.path
    warnings = [str(w) for w in judgements.warnings]
    if untrimmed and (judgements.trim is not None or len(judgements.experts) > 1):
        # an inherited trim is not worth a word on a matrix of one expert
        warnings.append(_untrimmed(path, trim, untrimmed, len(judgements.experts), n))
    if not consistent:
        message = say(
            "CR = {cr} >= {limit}: the judgements are not consistent enough; revise the matrix",
            cr=f"{cr:.2f}",
            limit=CR_LIMIT,
        )
        warnings.append(str(Problem(path, message, severity="warning")))
    global_weights = weights * above
    position = {name: index for index, name in enumerate(judgements.names or ())}
    children = tuple(
        (
            name,
            compute(child, aggregate=aggregate, trim=trim, above=global_weights[position[name]]),
        )
        for name, child in judgements.children
    )
    return AhpResult(
        weights=_rounded(weights),
        lambda_max=round(lambda_max, DECIMALS),
        ci=round(ci, DECIMALS),
        cr=round(cr, DECIMALS),
        consistent=consistent,
        n=n,
        ri=RANDOM_INDEX[n - 1],
        experts=len(judgements.experts),
        warnings=tuple(warnings),
        names=judgements.names,
        matrix=tuple(_rounded(row) for row in matrix),
        global_weights=_rounded(global_weights),
        aggregate=aggregate,
        trim=trim,
        children=children,
        path=path,
    )


def _rounded(values: FloatArray) -> tuple[float, ...]:
    return tuple(round(float(v), DECIMALS) for v in values)


def _untrimmed(
    path: Path, trim: int, cells: Sequence[tuple[int, int]], experts: int, n: int
) -> str:
    needed = 2 * trim + 1
    if len(cells) == n * (n - 1) // 2 and experts < needed:
        message = say(
            "trim {trim} needs at least {needed} experts, there are {count}: nothing was dropped",
            trim=trim,
            needed=needed,
            count=experts,
        )
    else:
        message = say(
            "trim {trim}: fewer than {needed} experts judged {cells}; nothing was dropped there",
            trim=trim,
            needed=needed,
            cells=", ".join(f"[{i}][{j}]" for i, j in cells),
        )
    return str(Problem(path, message, severity="warning"))


def combine(
    experts: Sequence[FloatArray], *, aggregate: Aggregate = "geometric", trim: int = 0
) -> tuple[FloatArray, tuple[tuple[int, int], ...]]:
    """The combined reciprocal matrix of the experts' upper triangles (NaN = not judged),
    and the pairs where fewer than 2·trim + 1 experts judged, so nothing was dropped."""
    stack = np.stack([np.asarray(m, dtype=float) for m in experts])
    n = stack.shape[1]
    combined = np.ones((n, n))
    untrimmed: list[tuple[int, int]] = []
    for i in range(n):
        for j in range(i + 1, n):
            column = stack[:, i, j]
            values = np.sort(column[np.isfinite(column)])
            if trim and len(values) >= 2 * trim + 1:
                values = values[trim:-trim]
            elif trim:
                untrimmed.append((i, j))
            if aggregate == "geometric":
                value = float(np.exp(np.mean(np.log(values))))
            else:
                value = float(np.mean(values))
            combined[i, j], combined[j, i] = value, 1 / value
    return combined, tuple(untrimmed)


def principal(matrix: FloatArray) -> tuple[FloatArray, float]:
    """The principal eigenvector (normalised to sum 1) and eigenvalue λmax."""
    n = len(matrix)
    values, vectors = np.linalg.eig(matrix)
    k = int(np.argmax(values.real))
    vector = np.abs(vectors[:, k].real)
    lambda_max = float(values[k].real)
    if abs(lambda_max - n) < 1e-9 * n:
        lambda_max = float(n)  # a consistent matrix: λmax = n up to float noise
    weights: FloatArray = vector / vector.sum()
    return weights, lambda_max


# -- output ------------------------------------------------------------------------------


def ahp_text(result: AhpResult) -> str:
    """What `jixiao ahp` prints: for each matrix of the hierarchy its weights
    (4 decimals; local and global below the top), λmax, CI, CR, then any warning."""
    blocks = [_text_block(level, top=level is result) for level in result.levels()]
    lines = "\n\n".join(blocks).splitlines()
    lines += [say("warning: {message}", message=w) for w in result.all_warnings()]
    return "\n".join(lines)


def _text_block(result: AhpResult, *, top: bool) -> str:
    if result.experts == 1:
        experts = say("1 expert")
    else:
        how = (
            say("geometric mean of judgements")
            if result.aggregate == "geometric"
            else say("arithmetic mean of judgements")
        )
        if result.trim:
            how = say(
                "{how}, dropping the {trim} highest and {trim} lowest of each pair",
                how=how,
                trim=result.trim,
            )
        experts = say("{count} experts ({how})", count=result.experts, how=how)
    if top:
        lines = [say("AHP: {count} criteria, {experts}", count=result.n, experts=experts)]
        lines.append(say("weights:"))
    else:
        under = " / ".join(str(part) for part in result.path if part != "children")
        lines = [
            say(
                "under {name}: {count} criteria, {experts}",
                name=under,
                count=result.n,
                experts=experts,
            )
        ]
        lines.append(say("weights (local, global):"))
    labels = [
        f"{i + 1:>2}" + (f"  {result.names[i]}" if result.names else "") for i in range(result.n)
    ]
    size = max(_width(label) for label in labels)
    for i, label in enumerate(labels):
        row = f"  {label}{' ' * (size - _width(label))}  {result.weights[i]:.4f}"
        lines.append(row if top else f"{row}  {result.global_weights[i]:.4f}")
    if result.experts > 1:
        lines.append(say("combined matrix:"))
        lines += ["  [" + ", ".join(f"{a:.4f}" for a in row) + "]" for row in result.matrix]
    verdict = (
        say("consistent: CR < {limit}", limit=CR_LIMIT)
        if result.consistent
        else say("NOT consistent: CR >= {limit}", limit=CR_LIMIT)
    )
    lines += [
        f"λmax = {result.lambda_max:.4f}",
        f"CI   = {result.ci:.4f}",
        f"RI   = {result.ri:.2f}",
        f"CR   = {result.cr:.4f} ({verdict})",
    ]
    return "\n".join(lines)


def _width(text: str) -> int:
    measured = wcswidth(text)
    return measured if measured >= 0 else len(text)


def ahp_json(result: AhpResult) -> dict[str, object]:
    """What `jixiao ahp --format json` prints (§14, §16): weights, names where given,
    λmax, CI, CR, consistent, children by name (each with its `global` weights), plus
    the experts' count, the combined matrix and every warning of the hierarchy."""
    document = _json_level(result, top=True)
    document["warnings"] = result.all_warnings()
    return document


def _json_level(result: AhpResult, *, top: bool) -> dict[str, object]:
    document: dict[str, object] = {"weights": list(result.weights)}
    if result.names is not None:
        document["names"] = list(result.names)
    document.update(
        lambda_max=result.lambda_max,
        ci=result.ci,
        ri=result.ri,
        cr=result.cr,
        consistent=result.consistent,
        experts=result.experts,
        matrix=[list(row) for row in result.matrix],
    )
    if not top:
        document["global"] = list(result.global_weights)
    if result.children:
        document["children"] = {
            name: _json_level(child, top=False) for name, child in result.children
        }
    return document
