"""`jixiao ahp`: weights, λmax, CI, CR and the checks on the matrices (scheme-language §14)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import yaml

from jixiao.scoring.ahp import AhpError, AhpResult, ahp, ahp_from_document, ahp_json, ahp_text
from jixiao.scoring.errors import DocumentError

# the specification's examples/ahp-2x2.yaml
AHP_2X2 = """\
matrix:
  - [1, 3]
  - [1/3, 1]
"""

# a_ij = w_i / w_j: perfectly consistent judgements of weights 0.6 / 0.3 / 0.1
CONSISTENT: list[list[float]] = [[1, 2, 6], [1 / 2, 1, 3], [1 / 6, 1 / 3, 1]]
# A is 3× B, B is 5× C, yet C is 5× A: a circle of preferences
INCONSISTENT: Any = [[1, 3, "1/5"], ["1/3", 1, 5], [5, "1/5", 1]]


def problems_of(data: object, file: str | None = None) -> list[str]:
    with pytest.raises(AhpError) as caught:
        ahp_from_document(data, file=file)
    return [str(p) for p in caught.value.problems]


def principal(matrix: Any) -> tuple[float, list[float]]:
    """λmax and weights by power iteration: an independent check of the eigen solver."""
    a = np.array(matrix, dtype=float)
    w = np.ones(len(a)) / len(a)
    for _ in range(2000):
        w = a @ w
        w /= w.sum()
    return float((a @ w).sum()), w.tolist()


def test_spec_example_2x2() -> None:
    result = ahp_from_document(yaml.safe_load(AHP_2X2))
    assert result == AhpResult(
        weights=(0.75, 0.25),
        lambda_max=2.0,
        ci=0.0,
        cr=0.0,
        consistent=True,
        n=2,
        experts=1,
        warnings=(),
    )


def test_consistent_3x3_built_from_weights() -> None:
    result = ahp([CONSISTENT])
    assert result.weights == pytest.approx((0.6, 0.3, 0.1), abs=1e-12)
    assert result.lambda_max == pytest.approx(3)
    assert result.ci == pytest.approx(0, abs=1e-12)
    assert result.cr == pytest.approx(0, abs=1e-12)
    assert result.consistent and result.warnings == ()


def test_slightly_inconsistent_3x3_is_still_consistent_enough() -> None:
    matrix: list[list[float]] = [[1, 2, 5], [1 / 2, 1, 3], [1 / 5, 1 / 3, 1]]
    lam, weights = principal(matrix)
    result = ahp([matrix])
    assert result.lambda_max == pytest.approx(lam, rel=1e-9)
    assert result.weights == pytest.approx(weights, rel=1e-9)
    assert result.ci == pytest.approx((lam - 3) / 2, rel=1e-9)
    assert result.cr == pytest.approx((lam - 3) / 2 / 0.58, rel=1e-9)
    assert 0 < result.cr < 0.1 and result.consistent


def test_inconsistent_3x3_warns() -> None:
    result = ahp_from_document({"matrix": INCONSISTENT})
    lam, weights = principal([[1, 3, 0.2], [1 / 3, 1, 5], [5, 0.2, 1]])
    assert result.lambda_max == pytest.approx(lam, rel=1e-9)
    assert result.weights == pytest.approx(weights, rel=1e-9)
    assert result.cr == pytest.approx((lam - 3) / 2 / 0.58, rel=1e-9)
    assert not result.consistent
    assert result.warnings == (
        f"CR = {result.cr:.2f} >= 0.1: the judgements are not consistent enough; revise the matrix",
    )


def test_random_index_for_larger_matrices() -> None:
    # 4 criteria, one judgement off: CR uses RI(4) = 0.90
    matrix: list[list[float]] = [
        [1, 2, 4, 8],
        [1 / 2, 1, 2, 4],
        [1 / 4, 1 / 2, 1, 3],
        [1 / 8, 1 / 4, 1 / 3, 1],
    ]
    lam, _ = principal(matrix)
    result = ahp([matrix])
    assert result.n == 4
    assert result.cr == pytest.approx((lam - 4) / 3 / 0.90, rel=1e-9)


def test_one_criterion() -> None:
    result = ahp([[[1]]])
    assert result.weights == (1.0,) and result.lambda_max == 1 and result.cr == 0


def test_several_experts_averaged_element_by_element() -> None:
    # mean of [[1, 3], [1/3, 1]] and [[1, 1], [1, 1]] is [[1, 2], [2/3, 1]]:
    # λmax = 1 + sqrt(2 × 2/3); w1 / w2 = sqrt(2 / (2/3)) = sqrt(3)
    data = yaml.safe_load("experts:\n  - [[1, 3], [1/3, 1]]\n  - [[1, 1], [1, 1]]\n")
    result = ahp_from_document(data)
    assert result.experts == 2 and result.n == 2
    assert result.weights == pytest.approx(
        (math.sqrt(3) / (1 + math.sqrt(3)), 1 / (1 + math.sqrt(3)))
    )
    assert result.lambda_max == pytest.approx(1 + math.sqrt(4 / 3))
    assert result.ci == 0 and result.cr == 0 and result.consistent


def test_several_experts_3x3() -> None:
    second: list[list[float]] = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]
    mean = (np.array(CONSISTENT) + np.array(second)) / 2
    lam, weights = principal(mean.tolist())
    result = ahp([CONSISTENT, second])
    assert result.experts == 2
    assert result.weights == pytest.approx(weights, rel=1e-9)
    assert result.lambda_max == pytest.approx(lam, rel=1e-9)


def test_numpy_matrices_are_accepted() -> None:
    matrix: Any = np.array([[1, 3], [1 / 3, 1]])
    assert ahp([matrix]).weights == (0.75, 0.25)


def test_text_output() -> None:
    text = ahp_text(ahp_from_document(yaml.safe_load(AHP_2X2)))
    assert text.splitlines() == [
        "AHP: 2 criteria, 1 expert",
        "weights:",
        "   1  0.7500",
        "   2  0.2500",
        "λmax = 2.0000",
        "CI   = 0.0000",
        "CR   = 0.0000 (consistent: CR < 0.1)",
    ]
    bad = ahp_text(ahp_from_document({"matrix": INCONSISTENT}))
    assert "NOT consistent" in bad
    assert bad.splitlines()[-1].startswith("warning: CR = ")


def test_json_output() -> None:
    assert ahp_json(ahp_from_document(yaml.safe_load(AHP_2X2))) == {
        "weights": [0.75, 0.25],
        "lambda_max": 2.0,
        "ci": 0.0,
        "cr": 0.0,
        "consistent": True,
        "warnings": [],
    }
    bad = ahp_json(ahp([INCONSISTENT]))
    assert bad["consistent"] is False and len(bad["warnings"]) == 1  # type: ignore[arg-type]


# ---------------------------------------------------------------- problems


def test_error_is_a_document_error_naming_file_and_kind() -> None:
    with pytest.raises(DocumentError) as caught:
        ahp_from_document({"matrix": [[1, "x"], [1, 1]]}, file="m.yaml")
    assert str(caught.value).splitlines() == [
        "invalid AHP matrix: 1 problem(s)",
        "  m.yaml: matrix[0][1]: expected a number or a fraction like 1/3, got 'x'",
    ]


@pytest.mark.parametrize(
    "data",
    [[[1, 3], [1 / 3, 1]], {}, {"matrix": [[1]], "experts": [[[1]]]}, "matrix", None],
)
def test_document_shape(data: object) -> None:
    assert problems_of(data) == [
        "expected a mapping with either `matrix:` (one matrix) or `experts:` (a list)"
    ]


def test_experts_must_be_a_non_empty_list() -> None:
    expected = ["experts: expected a non-empty list of matrices"]
    assert problems_of({"experts": []}) == expected
    assert problems_of({"experts": {"a": [[1]]}}) == expected
    with pytest.raises(AhpError, match="at least one matrix"):
        ahp([])


@pytest.mark.parametrize("matrix", [[], "1, 3", 3, None])
def test_matrix_must_be_a_list_of_rows(matrix: object) -> None:
    assert problems_of({"matrix": matrix}) == [
        "matrix: expected a non-empty list of rows, e.g. [[1, 3], [1/3, 1]]"
    ]


def test_matrix_must_be_square() -> None:
    assert problems_of({"matrix": [[1, 3], [1 / 3, 1, 2]]}) == [
        "matrix[1]: expected a row of 2 entries (the matrix must be square), got 3 entries"
    ]
    assert problems_of({"matrix": [[1, 3], 5]}) == [
        "matrix[1]: expected a row of 2 entries (the matrix must be square), got 5"
    ]


def test_entries_must_be_positive_numbers_with_ones_on_the_diagonal() -> None:
    found = problems_of({"matrix": [[1, "three", 0], [True, 2, 1], [-1, 1, 1]]})
    assert found == [
        "matrix[0][1]: expected a number or a fraction like 1/3, got 'three'",
        "matrix[0][2]: entries must be positive, got 0",
        "matrix[1][0]: expected a number or a fraction like 1/3, got True",
        "matrix[1][1]: diagonal entries must be 1, got 2",
        "matrix[2][0]: entries must be positive, got -1",
    ]


def test_matrix_must_be_reciprocal() -> None:
    found = problems_of({"matrix": [[1, 3, 5], [0.5, 1, 2], ["1/5", 0.5, 1]]})
    assert found == [
        "matrix[1][0]: expected 1/3 (the reciprocal of [0][1] = 3), got 0.5; "
        "write it as a fraction like 1/3",
    ]
    # 0.333 is too far from 1/3 (1e-6 relative); a decimal written in full is close enough
    assert len(problems_of({"matrix": [[1, 3], [0.333, 1]]})) == 1
    assert ahp_from_document({"matrix": [[1, 3], [0.3333333333, 1]]}).weights == pytest.approx(
        (0.75, 0.25)
    )


def test_experts_matrices_must_have_the_same_size() -> None:
    found = problems_of({"experts": [[[1, 3], ["1/3", 1]], [[1]], [[1, 2], [0.5, 1]]]})
    assert found == [
        "experts[1]: this matrix is 1×1, the first is 2×2 (every expert judges the same criteria)"
    ]


def test_each_experts_matrix_is_checked_with_its_path() -> None:
    found = problems_of({"experts": [[[1, 3], ["1/3", 1]], [[1, 2], [2, 1]]]}, file="e.yaml")
    assert found == [
        "e.yaml: experts[1][1][0]: expected 1/2 (the reciprocal of [0][1] = 2), got 2; "
        "write it as a fraction like 1/3"
    ]


def test_more_than_15_criteria() -> None:
    n = 16
    matrix = [[1] * n for _ in range(n)]
    assert problems_of({"matrix": matrix}) == [
        "matrix: 16 criteria: Saaty's random index is tabulated up to 15; "
        "split the criteria into a hierarchy"
    ]
    assert ahp([[[1] * 15 for _ in range(15)]]).weights == pytest.approx([1 / 15] * 15)


def test_all_problems_are_reported_together() -> None:
    found = problems_of({"experts": [[[2, "x"], [1, 1]], "no", [[1, 4], [0.25, 1]]]})
    assert found == [
        "experts[0][0][0]: diagonal entries must be 1, got 2",
        "experts[0][0][1]: expected a number or a fraction like 1/3, got 'x'",
        "experts[1]: expected a non-empty list of rows, e.g. [[1, 3], [1/3, 1]]",
    ]


def test_a_misspelt_key_is_refused_with_a_suggestion() -> None:
    with pytest.raises(AhpError) as caught:
        ahp_from_document({"matrix": [[1, 3], ["1/3", 1]], "matirx": 1}, file="m.yaml")
    assert "m.yaml: matirx: unknown key; did you mean 'matrix'?" in str(caught.value)
