"""The analytic hierarchy process (层次分析法) behind `jixiao ahp` (scheme-language §14).

A pairwise comparison matrix says how much more important criterion i is than
criterion j (a_ij, with a_ji = 1/a_ij). The weights are its principal
eigenvector, normalised to sum 1; λmax, CI = (λmax − n)/(n − 1) and
CR = CI / RI (Saaty's random index) say how consistent the judgements are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from difflib import get_close_matches

import numpy as np

from jixiao.scoring.errors import DocumentError, Path, Problem
from jixiao.scoring.numbers import FloatArray, fmt, parse_number

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
CR_LIMIT = 0.1
RECIPROCAL_TOLERANCE = 1e-6


class AhpError(DocumentError):
    """An AHP matrix file that cannot be used; holds every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems, "AHP matrix")


@dataclass(frozen=True)
class AhpResult:
    weights: tuple[float, ...]
    lambda_max: float
    ci: float
    cr: float
    consistent: bool
    n: int
    experts: int
    warnings: tuple[str, ...]


def ahp_from_document(data: object, *, file: str | None = None) -> AhpResult:
    """Weights from a loaded YAML document: `{matrix: [[...]]}` or `{experts: [m1, m2, ...]}`.

    Entries are numbers or fractions (`1/3`). Raises AhpError listing every
    problem, each naming its place (`matrix[1][0]`, `experts[2][0][1]`).
    `name` and `note` may describe the document; any other key is a problem.
    """
    problems: list[Problem] = []
    raw: list[tuple[Path, object]] = []
    allowed = ("matrix", "experts", "name", "note")
    for key in data if isinstance(data, Mapping) else ():
        if str(key) not in allowed:
            near = get_close_matches(str(key), allowed, n=1)
            hint = f"did you mean {near[0]!r}?" if near else f"expected {', '.join(allowed)}"
            problems.append(Problem((str(key),), f"unknown key; {hint}"))
    if not isinstance(data, Mapping) or ("matrix" in data) == ("experts" in data):
        message = "expected a mapping with either `matrix:` (one matrix) or `experts:` (a list)"
        problems.append(Problem((), message))
    elif "matrix" in data:
        raw.append((("matrix",), data["matrix"]))
    elif not isinstance(data["experts"], list) or not data["experts"]:
        problems.append(Problem(("experts",), "expected a non-empty list of matrices"))
    else:
        raw.extend((("experts", e), m) for e, m in enumerate(data["experts"]))
    matrices = _check_all(raw, problems)
    if problems:
        raise AhpError([Problem(p.path, p.message, p.line, file, p.severity) for p in problems])
    return _compute(matrices)


def ahp(matrices: Sequence[Sequence[Sequence[float]]]) -> AhpResult:
    """Weights from one or more experts' matrices, averaged element by element
    (the arithmetic mean, as the spec says). Validates like `ahp_from_document`
    (paths `experts[e][i][j]`) and raises AhpError."""
    problems: list[Problem] = []
    if len(matrices) == 0:
        problems.append(Problem(("experts",), "expected at least one matrix"))
    raw: list[tuple[Path, object]] = [(("experts", e), _lists(m)) for e, m in enumerate(matrices)]
    found = _check_all(raw, problems)
    if problems:
        raise AhpError(problems)
    return _compute(found)


def _lists(value: object) -> object:
    """numpy arrays and tuples as plain lists of Python numbers, as YAML would give."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, list | tuple):
        return [_lists(v) for v in value]
    return value


def _check_all(raw: list[tuple[Path, object]], problems: list[Problem]) -> list[FloatArray]:
    """Parse and check each matrix; they must all have the first one's size."""
    matrices: list[FloatArray] = []
    size: int | None = None
    for path, value in raw:
        matrix = _check_matrix(value, path, problems)
        if matrix is None:
            continue
        if size is None:
            size = len(matrix)
        elif len(matrix) != size:
            message = f"this matrix is {len(matrix)}×{len(matrix)}, the first is {size}×{size}"
            problems.append(Problem(path, message + " (every expert judges the same criteria)"))
        matrices.append(matrix)
    return matrices


def _check_matrix(raw: object, path: Path, problems: list[Problem]) -> FloatArray | None:
    """One square, positive, reciprocal matrix with 1 on the diagonal, or None (problems added)."""
    before = len(problems)
    if not isinstance(raw, list | tuple) or not raw:
        problems.append(Problem(path, "expected a non-empty list of rows, e.g. [[1, 3], [1/3, 1]]"))
        return None
    n = len(raw)
    if n > len(RANDOM_INDEX):
        message = f"{n} criteria: Saaty's random index is tabulated up to {len(RANDOM_INDEX)}"
        problems.append(Problem(path, message + "; split the criteria into a hierarchy"))
    matrix = np.full((n, n), np.nan)
    for i, row in enumerate(raw):
        if not isinstance(row, list | tuple) or len(row) != n:
            got = f"{len(row)} entries" if isinstance(row, list | tuple) else repr(row)
            message = f"expected a row of {n} entries (the matrix must be square), got {got}"
            problems.append(Problem((*path, i), message))
            continue
        for j, entry in enumerate(row):
            here = (*path, i, j)
            try:
                value = parse_number(entry)
            except ValueError:
                message = f"expected a number or a fraction like 1/3, got {entry!r}"
                problems.append(Problem(here, message))
                continue
            if value <= 0:
                problems.append(Problem(here, f"entries must be positive, got {fmt(value)}"))
            elif i == j and abs(value - 1) > RECIPROCAL_TOLERANCE:
                problems.append(Problem(here, f"diagonal entries must be 1, got {fmt(value)}"))
            else:
                matrix[i, j] = value
    for i in range(n):
        for j in range(i + 1, n):
            a, b = matrix[i, j], matrix[j, i]
            if np.isfinite(a) and np.isfinite(b) and abs(a * b - 1) > RECIPROCAL_TOLERANCE:
                message = (
                    f"expected 1/{fmt(a)} (the reciprocal of [{i}][{j}] = {fmt(a)}), "
                    f"got {fmt(b)}; write it as a fraction like 1/3"
                )
                problems.append(Problem((*path, j, i), message))
    return matrix if len(problems) == before else None


def _compute(matrices: list[FloatArray]) -> AhpResult:
    mean = np.mean(np.stack(matrices), axis=0)
    n = len(mean)
    values, vectors = np.linalg.eig(mean)
    k = int(np.argmax(values.real))
    vector = np.abs(vectors[:, k].real)
    weights = vector / vector.sum()
    lambda_max = float(values[k].real)
    if abs(lambda_max - n) < 1e-9 * n:
        lambda_max = float(n)  # a consistent matrix: λmax = n up to float noise
    ci = max(0.0, (lambda_max - n) / (n - 1)) if n > 2 else 0.0
    cr = ci / RANDOM_INDEX[n - 1] if n > 2 else 0.0
    consistent = cr < CR_LIMIT
    warnings: tuple[str, ...] = ()
    if not consistent:
        warnings = (
            f"CR = {cr:.2f} >= {CR_LIMIT}: the judgements are not consistent enough; "
            "revise the matrix",
        )
    return AhpResult(
        weights=tuple(round(float(w), 12) for w in weights),
        lambda_max=round(lambda_max, 12),
        ci=round(ci, 12),
        cr=round(cr, 12),
        consistent=consistent,
        n=n,
        experts=len(matrices),
        warnings=warnings,
    )


def ahp_text(result: AhpResult) -> str:
    """What `jixiao ahp` prints: weights (4 decimals), λmax, CI, CR and any warning."""
    experts = "1 expert" if result.experts == 1 else f"{result.experts} experts (averaged)"
    lines = [f"AHP: {result.n} criteria, {experts}", "weights:"]
    lines += [f"  {i + 1:>2}  {w:.4f}" for i, w in enumerate(result.weights)]
    verdict = "consistent" if result.consistent else "NOT consistent"
    lines += [
        f"λmax = {result.lambda_max:.4f}",
        f"CI   = {result.ci:.4f}",
        f"CR   = {result.cr:.4f} ({verdict}: CR {'<' if result.consistent else '>='} 0.1)",
    ]
    lines += [f"warning: {w}" for w in result.warnings]
    return "\n".join(lines)


def ahp_json(result: AhpResult) -> dict[str, object]:
    """What `jixiao ahp --format json` prints (§14), plus the list of warnings."""
    return {
        "weights": list(result.weights),
        "lambda_max": result.lambda_max,
        "ci": result.ci,
        "cr": result.cr,
        "consistent": result.consistent,
        "warnings": list(result.warnings),
    }
