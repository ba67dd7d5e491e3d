"""AHP properties (scheme-language §16), drawn by Hypothesis: weights sum to 1;
a perfectly consistent matrix a_ij = w_i / w_j gives w and CR 0; identical
experts give that expert's result; the combination of reciprocal matrices is
reciprocal; a child's global weights add up to its parent's."""

from __future__ import annotations

from fractions import Fraction
from random import Random

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jixiao.scoring.ahp import AhpResult, ahp, ahp_from_document

# Saaty's 1–9 scale and its reciprocals, as people write them
SCALE = [str(v) for v in range(1, 10)] + [f"1/{v}" for v in range(2, 10)]
aggregates = st.sampled_from(["geometric", "arithmetic"])


@st.composite
def judgements(draw: st.DrawFn, n: int | None = None) -> list[list[str]]:
    """A reciprocal matrix of judgements from Saaty's scale, written with fractions."""
    size = draw(st.integers(1, 9)) if n is None else n
    matrix = [["1"] * size for _ in range(size)]
    for i in range(size):
        for j in range(i + 1, size):
            value = Fraction(draw(st.sampled_from(SCALE)))
            matrix[i][j] = str(value)
            matrix[j][i] = str(1 / value)
    return matrix


@st.composite
def panels(draw: st.DrawFn) -> list[list[list[str]]]:
    """Several experts judging the same criteria."""
    n = draw(st.integers(1, 6))
    return draw(st.lists(judgements(n), min_size=1, max_size=7))


def close(result: AhpResult, other: AhpResult) -> bool:
    return bool(
        np.allclose(result.weights, other.weights, rtol=1e-9, atol=1e-12)
        and np.isclose(result.lambda_max, other.lambda_max, rtol=1e-9)
        and np.isclose(result.cr, other.cr, rtol=1e-6, atol=1e-12)
    )


@given(judgements())
def test_weights_are_positive_and_sum_to_1(matrix: list[list[str]]) -> None:
    result = ahp_from_document({"matrix": matrix})
    assert sum(result.weights) == pytest.approx(1, abs=1e-9)
    assert all(w > 0 for w in result.weights)
    assert result.lambda_max >= result.n - 1e-9 and result.ci >= 0 and result.cr >= 0
    assert result.consistent == (result.cr < 0.1)


@given(st.lists(st.floats(0.01, 100), min_size=1, max_size=15))
def test_a_perfectly_consistent_matrix_gives_its_weights_and_cr_0(raw: list[float]) -> None:
    w = np.array(raw) / sum(raw)
    matrix = [[w[i] / w[j] for j in range(len(w))] for i in range(len(w))]
    result = ahp([matrix])
    assert np.allclose(result.weights, w, rtol=1e-8, atol=1e-12)
    assert result.lambda_max == len(w)
    assert result.ci == 0 and result.cr == 0 and result.consistent
    assert result.warnings == ()


@given(judgements(), st.integers(1, 7), aggregates, st.integers(0, 3))
def test_identical_experts_give_that_experts_result(
    matrix: list[list[str]], count: int, aggregate: str, trim: int
) -> None:
    alone = ahp_from_document({"matrix": matrix})
    together = ahp_from_document(
        {"experts": [matrix] * count, "aggregate": aggregate, "trim": trim}
    )
    assert close(together, alone)
    assert together.consistent == alone.consistent


@given(panels(), aggregates, st.integers(0, 3))
def test_the_combination_of_reciprocal_matrices_is_reciprocal(
    experts: list[list[list[str]]], aggregate: str, trim: int
) -> None:
    result = ahp_from_document({"experts": experts, "aggregate": aggregate, "trim": trim})
    matrix = np.array(result.matrix)
    assert np.allclose(np.diag(matrix), 1)
    assert np.allclose(matrix * matrix.T, 1, rtol=1e-9)
    assert sum(result.weights) == pytest.approx(1, abs=1e-9)
    if result.n <= 2:
        assert (result.lambda_max, result.ci, result.cr, result.consistent) == (
            result.n,
            0,
            0,
            True,
        )


@given(panels(), st.randoms(use_true_random=False))
def test_the_order_of_the_experts_does_not_matter(
    experts: list[list[list[str]]], random: Random
) -> None:
    shuffled = list(experts)
    random.shuffle(shuffled)
    for aggregate in ("geometric", "arithmetic"):
        first = ahp_from_document({"experts": experts, "aggregate": aggregate, "trim": 1})
        second = ahp_from_document({"experts": shuffled, "aggregate": aggregate, "trim": 1})
        assert close(first, second)


@given(judgements(), st.data())
def test_global_weights_multiply_down_and_add_up_to_the_parent(
    matrix: list[list[str]], data: st.DataObject
) -> None:
    names = [f"c{i}" for i in range(len(matrix))]
    chosen = data.draw(st.lists(st.sampled_from(names), unique=True, max_size=3))
    children = {name: {"matrix": data.draw(judgements())} for name in chosen}
    result = ahp_from_document({"names": names, "matrix": matrix, "children": children})
    for name, child in result.children:
        parent = result.weights[names.index(name)]
        assert np.allclose(child.global_weights, np.array(child.weights) * parent, rtol=1e-9)
        assert sum(child.global_weights) == pytest.approx(parent, rel=1e-9)
