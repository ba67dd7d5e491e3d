"""AHP (层次分析法): weights, λmax, CI, CR; several experts combined judgement by
judgement; trim; hierarchies (scheme-language §14, §16).

Expected figures are computed independently of the engine: by hand (geometric
means, w_i / w_j matrices) or by power iteration (`principal` below) instead of
numpy's eigen solver that the engine uses.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
import yaml

from jixiao.scoring.ahp import (
    RANDOM_INDEX,
    AhpError,
    AhpResult,
    ahp,
    ahp_from_document,
    ahp_json,
    combine,
)

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


def principal(matrix: Any) -> tuple[float, list[float]]:
    """λmax and weights by power iteration: an independent check of the eigen solver."""
    a = np.array(matrix, dtype=float)
    w = np.ones(len(a)) / len(a)
    for _ in range(2000):
        w = a @ w
        w /= w.sum()
    return float((a @ w).sum()), w.tolist()


def reciprocal(upper: dict[tuple[int, int], float], n: int) -> list[list[float]]:
    """The full reciprocal matrix of the given upper cells."""
    matrix = [[1.0] * n for _ in range(n)]
    for (i, j), value in upper.items():
        matrix[i][j], matrix[j][i] = value, 1 / value
    return matrix


def close(got: Any, want: Any, rel: float = 1e-12) -> bool:
    """Nested sequences equal within `rel`."""
    return bool(np.allclose(np.array(got, dtype=float), np.array(want, dtype=float), rtol=rel))


def problems_of(data: object) -> list[str]:
    with pytest.raises(AhpError) as caught:
        ahp_from_document(data)
    return [str(p) for p in caught.value.problems]


def two(value: float) -> dict[str, Any]:
    """One expert's 2 × 2 matrix judging the first criterion `value` times the second."""
    return {"matrix": [[1, value], [1 / value, 1]]}


# -- one matrix ---------------------------------------------------------------------------


def test_spec_example_2x2() -> None:
    result = ahp_from_document(yaml.safe_load(AHP_2X2))
    assert result == AhpResult(
        weights=(0.75, 0.25),
        lambda_max=2.0,
        ci=0.0,
        cr=0.0,
        consistent=True,
        n=2,
        ri=0.0,
        experts=1,
        warnings=(),
        matrix=((1.0, 3.0), (round(1 / 3, 12), 1.0)),
        global_weights=(0.75, 0.25),
    )


def test_consistent_3x3_built_from_weights() -> None:
    result = ahp([CONSISTENT])
    assert result.weights == pytest.approx((0.6, 0.3, 0.1), abs=1e-12)
    assert result.lambda_max == 3 and result.ci == 0 and result.cr == 0
    assert result.consistent and result.warnings == ()


def test_slightly_inconsistent_3x3_is_still_consistent_enough() -> None:
    matrix: list[list[float]] = [[1, 2, 5], [1 / 2, 1, 3], [1 / 5, 1 / 3, 1]]
    lam, weights = principal(matrix)
    result = ahp([matrix])
    assert result.lambda_max == pytest.approx(lam, rel=1e-9)
    assert result.weights == pytest.approx(weights, rel=1e-9)
    assert result.ci == pytest.approx((lam - 3) / 2, rel=1e-9)
    assert result.cr == pytest.approx((lam - 3) / 2 / 0.58, rel=1e-9)
    assert 0 < result.cr < 0.1 and result.consistent and result.warnings == ()


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


@pytest.mark.parametrize("n", range(3, 16))
def test_random_index_of_each_size(n: int) -> None:
    """Weights 1..n with one judgement doubled: CR = CI / RI(n), Saaty's table."""
    matrix = [[(i + 1) / (j + 1) for j in range(n)] for i in range(n)]
    matrix[0][n - 1] *= 2
    matrix[n - 1][0] /= 2
    lam, weights = principal(matrix)
    result = ahp([matrix])
    assert result.n == n and result.ri == RANDOM_INDEX[n - 1] > 0
    assert result.weights == pytest.approx(weights, rel=1e-8)
    assert result.cr == pytest.approx((lam - n) / (n - 1) / RANDOM_INDEX[n - 1], rel=1e-6)


@pytest.mark.parametrize(
    ("matrix", "weights"),
    [
        ([[1]], (1.0,)),
        ([[1, 9], ["1/9", 1]], (0.9, 0.1)),
        ([[1, "1/7"], [7, 1]], (0.125, 0.875)),
        ([[1, 1], [1, 1]], (0.5, 0.5)),
    ],
    ids=["1x1", "2x2 9", "2x2 1/7", "2x2 equal"],
)
def test_one_or_two_criteria_are_consistent_by_definition(
    matrix: Any, weights: tuple[float, ...]
) -> None:
    result = ahp_from_document({"matrix": matrix})
    assert result.weights == pytest.approx(weights, abs=1e-12)
    assert result.lambda_max == len(matrix)
    assert (result.ci, result.cr, result.consistent) == (0, 0, True)


def test_numpy_matrices_are_accepted() -> None:
    assert ahp([np.array([[1, 3], [1 / 3, 1]])]).weights == (0.75, 0.25)


# -- several experts (§16) -----------------------------------------------------------------


def test_spec_example_three_experts_geometric_mean() -> None:
    """examples/ahp-experts.yaml: 3, 5 and 9 → (3 × 5 × 9)^(1/3) = 5.1299."""
    data = {
        "names": ["德", "能"],
        "experts": [two(3)["matrix"], two(5)["matrix"], two(9)["matrix"]],
    }
    result = ahp_from_document(data)
    cell = (3 * 5 * 9) ** (1 / 3)
    assert result.weights == pytest.approx((cell / (1 + cell), 1 / (1 + cell)), abs=1e-12)
    assert [round(w, 4) for w in result.weights] == [0.8369, 0.1631]
    assert result.matrix[0][1] * result.matrix[1][0] == pytest.approx(1, abs=1e-12)
    assert (result.lambda_max, result.ci, result.cr, result.consistent) == (2, 0, 0, True)
    assert result.experts == 3 and result.aggregate == "geometric" and result.names == ("德", "能")
    arithmetic = ahp_from_document({**data, "aggregate": "arithmetic"})
    assert arithmetic.weights == pytest.approx((0.85, 0.15), abs=1e-12)  # 17/3 : 1


def test_the_old_defect_element_wise_averaging_is_gone() -> None:
    """[[1, 3], [1/3, 1]] and [[1, 1], [1, 1]] averaged cell by cell gave [[1, 2], [2/3, 1]]:
    not reciprocal, λmax 2.1547 printed beside CI 0. Now the upper cells are combined
    (geometric mean √3) and the lower cell is its reciprocal: λmax 2, CI 0."""
    data = yaml.safe_load("experts:\n  - [[1, 3], [1/3, 1]]\n  - [[1, 1], [1, 1]]\n")
    result = ahp_from_document(data)
    root3 = math.sqrt(3)
    assert result.weights == pytest.approx((root3 / (1 + root3), 1 / (1 + root3)), abs=1e-12)
    assert close(result.matrix, ((1, root3), (1 / root3, 1)))
    assert (result.lambda_max, result.ci, result.cr) == (2, 0, 0)


@pytest.mark.parametrize(
    ("judgements", "aggregate", "trim", "cell"),
    [
        ([3], "geometric", 0, 3),
        ([2, 8], "geometric", 0, 4),
        ([2, 8], "arithmetic", 0, 5),
        (["1/3", 3], "geometric", 0, 1),
        (["1/3", 3], "arithmetic", 0, 5 / 3),
        ([1, 3, 5, 7, 9], "geometric", 1, 105 ** (1 / 3)),
        ([1, 3, 5, 7, 9], "arithmetic", 1, 5),
        ([1, 3, 5, 7, 9], "arithmetic", 2, 5),
        ([9, 1, 2, 4], "geometric", 1, math.sqrt(8)),  # 1 and 9 dropped
        ([9, 1, 2, 4], "arithmetic", 1, 3),
        ([9, 9, 1], "arithmetic", 1, 9),  # one of the two 9s is dropped, with the 1
        ([2, 8], "geometric", 1, 4),  # 2 experts < 2·1 + 1: nothing dropped
        ([1, 3, 5, 7], "arithmetic", 2, 4),  # 4 experts < 2·2 + 1: nothing dropped
        ([1, 3, 5, 7, 9], "geometric", 0, 945 ** (1 / 5)),
    ],
)
def test_experts_combined_per_pair(
    judgements: list[Any], aggregate: str, trim: int, cell: float
) -> None:
    experts = [[[1, j], [None, 1]] for j in judgements]
    result = ahp_from_document({"experts": experts, "aggregate": aggregate, "trim": trim})
    assert result.matrix[0][1] == pytest.approx(cell, rel=1e-12)
    assert result.matrix[1][0] == pytest.approx(1 / cell, rel=1e-12)
    assert result.weights == pytest.approx((cell / (1 + cell), 1 / (1 + cell)), rel=1e-12)


def test_trim_with_fewer_than_2k_plus_1_experts_drops_nothing_and_says_so() -> None:
    experts = [two(2)["matrix"], two(8)["matrix"]]
    result = ahp_from_document({"experts": experts, "trim": 1})
    assert result.matrix[0][1] == pytest.approx(4)  # √(2 × 8), nothing dropped
    assert result.warnings == ("trim 1 needs at least 3 experts, there are 2: nothing was dropped",)
    assert ahp_from_document({"experts": experts}).warnings == ()  # without trim: no warning
    one = ahp_from_document({**two(3), "trim": 1})
    assert one.warnings == ("trim 1 needs at least 3 experts, there are 1: nothing was dropped",)


def test_trim_per_pair_counts_only_the_experts_who_judged_it() -> None:
    """Three experts; the third left [0][2] empty: [0][1] and [1][2] are trimmed to their
    median, [0][2] (two judgements) keeps both."""
    experts = [
        [[1, 1, 2], [None, 1, 1], [None, None, 1]],
        [[1, 3, 8], [None, 1, 3], [None, None, 1]],
        [[1, 9, None], [None, 1, 9], [None, None, 1]],
    ]
    result = ahp_from_document({"experts": experts, "trim": 1})
    want = reciprocal({(0, 1): 3, (0, 2): 4, (1, 2): 3}, 3)
    assert close(result.matrix, want)
    lam, weights = principal(want)
    assert result.weights == pytest.approx(weights, rel=1e-9)
    assert result.lambda_max == pytest.approx(lam, rel=1e-9)
    assert result.warnings == (
        "trim 1: fewer than 3 experts judged [0][2]; nothing was dropped there",
    )


def test_a_pair_one_expert_left_empty_is_combined_over_the_others() -> None:
    experts = [
        [[1, 2, 4], [None, 1, 2], [None, None, 1]],
        [[1, 8, None], [None, 1, 2], [None, None, 1]],
    ]
    result = ahp_from_document({"experts": experts})
    assert close(result.matrix, reciprocal({(0, 1): 4, (0, 2): 4, (1, 2): 2}, 3))
    assert result.warnings == ()


def test_several_experts_3x3_against_power_iteration() -> None:
    second: list[list[float]] = [[1, 1, 1], [1, 1, 1], [1, 1, 1]]
    combined = reciprocal({(0, 1): math.sqrt(2), (0, 2): math.sqrt(6), (1, 2): math.sqrt(3)}, 3)
    lam, weights = principal(combined)
    result = ahp([CONSISTENT, second])
    assert result.experts == 2
    assert result.weights == pytest.approx(weights, rel=1e-9)
    assert result.lambda_max == pytest.approx(lam, rel=1e-9)


def test_combine_directly() -> None:
    nan = float("nan")
    experts = [np.array([[1, 2], [nan, 1]]), np.array([[1, 8], [0.5, 1]])]
    matrix, untrimmed = combine(experts, aggregate="geometric", trim=1)
    assert close(matrix, [[1, 4], [0.25, 1]])
    assert untrimmed == ((0, 1),)


# -- the lower triangle and the diagonal are not read (§16) ---------------------------------


def test_a_lower_cell_that_is_not_the_reciprocal_is_a_warning_and_not_read() -> None:
    result = ahp_from_document({"matrix": [[1, 3, 5], [0.5, 1, 2], ["1/5", 0.5, 1]]})
    assert result.warnings == (
        "matrix[1][0]: not read: expected 1/3 (the reciprocal of [0][1] = 3), got 0.5; 1/3 is used",
    )
    repaired = ahp_from_document({"matrix": [[1, 3, 5], ["1/3", 1, 2], ["1/5", 0.5, 1]]})
    assert result.weights == repaired.weights and repaired.warnings == ()
    # a decimal written in full is close enough; 0.333 is not
    assert ahp_from_document({"matrix": [[1, 3], [0.3333333333, 1]]}).warnings == ()
    assert len(ahp_from_document({"matrix": [[1, 3], [0.333, 1]]}).warnings) == 1


@pytest.mark.parametrize(
    ("lower", "warning"),
    [
        (None, None),
        ("1/4", None),
        (0.25, None),
        (4, "expected 1/4 (the reciprocal of [0][1] = 4), got 4; 1/4 is used"),
        ("x", "expected 1/4 (the reciprocal of [0][1] = 4), got 'x'; 1/4 is used"),
        (-1, "expected 1/4 (the reciprocal of [0][1] = 4), got -1; 1/4 is used"),
        (True, "expected 1/4 (the reciprocal of [0][1] = 4), got True; 1/4 is used"),
    ],
)
def test_lower_cells(lower: object, warning: str | None) -> None:
    result = ahp_from_document({"experts": [[[1, 4], [lower, 1]]]})
    assert result.weights == (0.8, 0.2)
    want = () if warning is None else (f"experts[0][1][0]: not read: {warning}",)
    assert result.warnings == want


def test_a_diagonal_cell_that_is_not_1_is_a_warning_and_not_read() -> None:
    result = ahp_from_document({"matrix": [[2, 4], ["1/4", None]]})
    assert result.weights == (0.8, 0.2)
    assert result.warnings == (
        "matrix[0][0]: not read: the diagonal is 1 (a criterion against itself), got 2",
    )


def test_a_lower_cell_under_an_empty_upper_cell_is_not_read() -> None:
    experts = [[[1, None], [3, 1]], [[1, 2], ["1/2", 1]]]
    result = ahp_from_document({"experts": experts})
    assert result.weights == pytest.approx((2 / 3, 1 / 3))  # the second expert's 2 alone
    assert result.warnings == (
        "experts[0][1][0]: not read: [0][1] above the diagonal is null (not judged),"
        " so its reciprocal is not judged either",
    )


# -- hierarchies (§16) ------------------------------------------------------------------------


def test_spec_example_levels() -> None:
    data = {
        "names": ["德", "能", "勤"],
        "matrix": [[1, 2, 4], ["1/2", 1, 2], ["1/4", "1/2", 1]],
        "children": {"能": {"names": ["业务能力", "沟通协调能力"], "matrix": [[1, 3], ["1/3", 1]]}},
    }
    result = ahp_from_document(data)
    assert result.weights == pytest.approx((4 / 7, 2 / 7, 1 / 7), abs=1e-12)
    assert (result.lambda_max, result.cr) == (3, 0)
    [(name, child)] = result.children
    assert name == "能" and child.path == ("children", "能")
    assert child.weights == (0.75, 0.25)
    assert child.global_weights == pytest.approx((2 / 7 * 0.75, 2 / 7 * 0.25), abs=1e-12)
    assert [round(w, 4) for w in child.global_weights] == [0.2143, 0.0714]


THREE_LEVELS = """\
names: [德, 能, 勤]
aggregate: arithmetic
experts:
  - [[1, 2, 4], [null, 1, 2], [null, null, 1]]
  - [[1, 2, 4], [null, 1, 2], [null, null, 1]]
children:
  能:
    names: [业务能力, 沟通协调能力]
    experts:                     # arithmetic, from the parent: (1 + 5) / 2 = 3
      - [[1, 1], [null, 1]]
      - [[1, 5], [null, 1]]
    children:
      沟通协调能力:
        names: [对内, 对外, 书面]
        aggregate: geometric     # its own: √(1 × 4) = 2, √(4 × 16) = 8, √(4 × 1) = 2
        experts:
          - [[1, 1, 4], [null, 1, 4], [null, null, 1]]
          - [[1, 4, 16], [null, 1, 1], [null, null, 1]]
  勤:
    names: [出勤, 纪律]
    matrix: [[1, 1], [1, 1]]
"""


def test_a_hierarchy_of_three_levels_multiplies_weights_down() -> None:
    result = ahp_from_document(yaml.safe_load(THREE_LEVELS))
    assert result.weights == pytest.approx((4 / 7, 2 / 7, 1 / 7), abs=1e-12)
    children = dict(result.children)
    assert list(children) == ["能", "勤"]
    ability = children["能"]
    assert ability.aggregate == "arithmetic" and ability.matrix[0][1] == 3
    assert ability.global_weights == pytest.approx((2 / 7 * 0.75, 2 / 7 * 0.25), abs=1e-12)
    [(name, communication)] = ability.children
    assert name == "沟通协调能力" and communication.aggregate == "geometric"
    assert communication.path == ("children", "能", "children", "沟通协调能力")
    combined = reciprocal({(0, 1): 2, (0, 2): 8, (1, 2): 2}, 3)
    lam, local = principal(combined)
    assert communication.weights == pytest.approx(local, rel=1e-9)
    assert communication.lambda_max == pytest.approx(lam, rel=1e-9)
    assert communication.global_weights == pytest.approx(
        [2 / 7 * 0.25 * w for w in local], rel=1e-9
    )
    assert sum(communication.global_weights) == pytest.approx(ability.global_weights[1])
    assert dict(result.children)["勤"].global_weights == pytest.approx((1 / 14, 1 / 14))
    assert [level.path for level in result.levels()] == [
        (),
        ("children", "能"),
        ("children", "能", "children", "沟通协调能力"),
        ("children", "勤"),
    ]


def test_a_child_keeps_the_parents_trim_unless_it_sets_its_own() -> None:
    five = [two(v)["matrix"] for v in (1, 3, 5, 7, 9)]
    data = {
        "names": ["a", "b"],
        "experts": five,
        "trim": 2,
        "children": {"a": {"experts": five}, "b": {"experts": five, "trim": 0}},
    }
    result = ahp_from_document(data)
    inherited, own = (child for _, child in result.children)
    assert result.matrix[0][1] == pytest.approx(5) and inherited.matrix[0][1] == pytest.approx(5)
    assert inherited.trim == 2 and own.trim == 0
    assert own.matrix[0][1] == pytest.approx(945 ** (1 / 5))
    assert result.all_warnings() == []


def test_an_inherited_trim_warns_only_where_several_experts_could_not_be_trimmed() -> None:
    five = [two(v)["matrix"] for v in (1, 3, 5, 7, 9)]
    data = {
        "names": ["a", "b", "c"],
        "experts": [reciprocal({(0, 1): 1, (0, 2): 1, (1, 2): 1}, 3)] * 3,
        "trim": 1,
        "children": {"a": two(3), "b": {"experts": five[:2]}, "c": {**two(3), "trim": 1}},
    }
    assert ahp_from_document(data).all_warnings() == [
        "children.b: trim 1 needs at least 3 experts, there are 2: nothing was dropped",
        "children.c: trim 1 needs at least 3 experts, there are 1: nothing was dropped",
    ]


def test_an_inconsistent_child_warns_with_its_place() -> None:
    data = {
        "names": ["a", "b"],
        "matrix": [[1, 1], [1, 1]],
        "children": {"b": {"matrix": INCONSISTENT}},
    }
    result = ahp_from_document(data)
    child = dict(result.children)["b"]
    assert result.consistent and not child.consistent
    assert result.warnings == ()
    assert result.all_warnings() == [
        f"children.b: CR = {child.cr:.2f} >= 0.1: the judgements are not consistent enough;"
        " revise the matrix"
    ]


def test_json_of_a_hierarchy() -> None:
    document = ahp_json(ahp_from_document(yaml.safe_load(THREE_LEVELS)))
    assert list(document) == [
        "weights",
        "names",
        "lambda_max",
        "ci",
        "ri",
        "cr",
        "consistent",
        "experts",
        "matrix",
        "children",
        "warnings",
    ]
    ability: Any = document["children"]["能"]  # type: ignore[index]
    assert ability["global"] == pytest.approx([2 / 7 * 0.75, 2 / 7 * 0.25])
    assert list(ability["children"]) == ["沟通协调能力"]
    assert "global" not in document and "children" not in document["children"]["勤"]  # type: ignore[index]
    assert "names" not in ahp_json(ahp_from_document({"matrix": [[1]]}))


# -- problems --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "problems"),
    [
        (
            [[1, 3], [1 / 3, 1]],
            ["expected a mapping with either `matrix:` (one matrix) or `experts:` (a list)"],
        ),
        ({}, ["expected a mapping with either `matrix:` (one matrix) or `experts:` (a list)"]),
        (
            {"matrix": [[1]], "experts": [[[1]]]},
            ["expected a mapping with either `matrix:` (one matrix) or `experts:` (a list)"],
        ),
        ({"experts": []}, ["experts: expected a non-empty list of matrices"]),
        ({"experts": {"a": [[1]]}}, ["experts: expected a non-empty list of matrices"]),
        (
            {"matrix": "1, 3"},
            ["matrix: expected a non-empty list of rows, e.g. [[1, 3], [1/3, 1]]"],
        ),
        (
            {"matrix": [[1, 3], [1, 1, 2]]},
            ["matrix[1]: expected a row of 2 entries (the matrix must be square), got 3"],
        ),
        (
            {"matrix": [[1, 3], 5]},
            ["matrix[1]: expected a row of 2 entries (the matrix must be square), got 5"],
        ),
        (
            {"matrix": [[1, "three", 0], [1, 1, True], [1, 1, 1]]},
            [
                "matrix[0][1]: expected a number or a fraction like 1/3, got 'three'",
                "matrix[0][2]: judgements must be positive, got 0",
                "matrix[1][2]: expected a number or a fraction like 1/3, got True",
            ],
        ),
        (
            {
                "matrix": [
                    [1, 1e-320, "1000001", 1e6],
                    [1, 1, 1, "1/1000000"],
                    [1, 1, 1, 1],
                    [1] * 4,
                ]
            },
            [
                "matrix[0][1]: a judgement lies between 1/1,000,000 and 1,000,000"
                " (Saaty's scale: 1/9 to 9), got 1e-320",
                "matrix[0][2]: a judgement lies between 1/1,000,000 and 1,000,000"
                " (Saaty's scale: 1/9 to 9), got 1000001",
            ],
        ),
        (
            {"matrix": [[1, None], [2, 1]]},
            [
                "matrix: no judgement of [0][1]: every pair above the diagonal needs one"
                " (null is a pair not judged)"
            ],
        ),
        (
            {
                "experts": [
                    [[1, None, 2], [1, 1, 1], [1, 1, 1]],
                    [[1, None, 2], [1, 1, 1], [1, 1, 1]],
                ]
            },
            [
                "experts: no judgement of [0][1]: every pair above the diagonal needs one"
                " (null is a pair not judged)"
            ],
        ),
        (
            {"experts": [[[1, 3], ["1/3", 1]], [[1]], [[1, 2], [0.5, 1]]]},
            [
                "experts[1]: this matrix is 1×1, the first is 2×2"
                " (every expert judges the same criteria)"
            ],
        ),
        (
            {"experts": [[[2, "x"], [1, 1]], "no", [[1, 4], [0.25, 1]]]},
            [
                "experts[0][0][1]: expected a number or a fraction like 1/3, got 'x'",
                "experts[1]: expected a non-empty list of rows, e.g. [[1, 3], [1/3, 1]]",
            ],
        ),
        ({"matrix": [[1]], "matirx": 1}, ["matirx: unknown key; did you mean 'matrix'?"]),
        ({"matrix": [[1]], "nmes": ["a"]}, ["nmes: unknown key; did you mean 'names'?"]),
        ({"matrix": [[1]], "trimm": 1}, ["trimm: unknown key; did you mean 'trim'?"]),
        ({"matrix": [[1]], "agregate": "x"}, ["agregate: unknown key; did you mean 'aggregate'?"]),
        ({"matrix": [[1]], "child": {}}, ["child: unknown key; did you mean 'children'?"]),
        (
            {"matrix": [[1]], "weights": 1},
            [
                "weights: unknown key; expected one of names, matrix, experts, aggregate, trim,"
                " children, name, note"
            ],
        ),
        (
            {"matrix": [[1]], "aggregate": "geometic"},
            ["aggregate: unknown aggregate 'geometic'; did you mean 'geometric'?"],
        ),
        (
            {"matrix": [[1]], "aggregate": "median"},
            [
                "aggregate: unknown aggregate 'median'; expected geometric (the default)"
                " or arithmetic"
            ],
        ),
        *(
            (
                {"matrix": [[1]], "trim": value},
                [
                    "trim: expected how many judgements to drop at each end (0, 1, 2 …),"
                    f" got {value!r}"
                ],
            )
            for value in (-1, 1.5, True, "1", None)
        ),
        (
            {"matrix": [[1, 2], ["1/2", 1]], "names": ["a"]},
            ["names: 1 names for 2 criteria: give one name per row of the matrix"],
        ),
        (
            {"matrix": [[1, 2], ["1/2", 1]], "names": ["a", "a"]},
            ["names[1]: 'a' is named twice"],
        ),
        (
            {"matrix": [[1, 2], ["1/2", 1]], "names": "a, b"},
            ["names: expected a list of names, one per criterion, e.g. [德, 能, 勤]"],
        ),
        (
            {"matrix": [[1, 2], ["1/2", 1]], "names": ["a", None]},
            ["names[1]: expected a name, got None"],
        ),
        (
            {"matrix": [[1, 2], ["1/2", 1]], "children": {"a": {"matrix": [[1]]}}},
            ["children: children are given by name: give the criteria `names:`"],
        ),
        (
            {"matrix": [[1, 2], ["1/2", 1]], "names": ["德", "能"], "children": [1]},
            ["children: expected a mapping from a criterion's name to the comparisons under it"],
        ),
        (
            {
                "matrix": [[1, 2], ["1/2", 1]],
                "names": ["德", "能"],
                "children": {"能力": {"matrix": [[1]]}},
            },
            ["children.能力: '能力' is not one of the names; did you mean '能'?"],
        ),
        (
            {
                "matrix": [[1, 2], ["1/2", 1]],
                "names": ["德", "能"],
                "children": {"勤": {"matrix": [[1]]}},
            },
            ["children.勤: '勤' is not one of the names (德, 能)"],
        ),
        (
            {
                "matrix": [[1, 2], ["1/2", 1]],
                "names": ["德", "能"],
                "children": {"能": {"matrix": [[1, 0]], "trim": -1}, "德": 3},
            },
            [
                "children.能.matrix[0]: expected a row of 1 entries (the matrix must be square),"
                " got 2",
                "children.能.trim: expected how many judgements to drop at each end (0, 1, 2 …),"
                " got -1",
                "children.德: expected a mapping with either `matrix:` (one matrix)"
                " or `experts:` (a list)",
            ],
        ),
    ],
)
def test_problems(data: object, problems: list[str]) -> None:
    assert problems_of(data) == problems


def test_more_than_15_criteria_asks_for_a_hierarchy() -> None:
    n = 16
    assert problems_of({"matrix": [[1] * n for _ in range(n)]}) == [
        "matrix: 16 criteria: Saaty's random index is tabulated up to 15;"
        " split the criteria into levels with `children:`"
    ]
    assert ahp([[[1] * 15 for _ in range(15)]]).weights == pytest.approx([1 / 15] * 15)


def test_a_hierarchy_multiplied_by_aliases_is_refused_by_counting() -> None:
    """Ten names whose children are the same ten, four levels deep: 11,111 matrices."""
    names = [f"c{i}" for i in range(10)]
    level: dict[str, Any] = {"names": names, "matrix": [[1] * 10 for _ in range(10)]}
    for _ in range(4):
        level = {**level, "children": dict.fromkeys(names, level)}
    assert problems_of(level) == ["more than 1000 comparison matrices in one hierarchy"]


def test_the_error_names_the_kind_and_every_problem() -> None:
    with pytest.raises(AhpError) as caught:
        ahp_from_document({"matrix": [[1, "x"], [1, 1]]}, file="m.yaml")
    assert str(caught.value).splitlines() == [
        "invalid AHP matrix: 1 problem(s)",
        "  m.yaml: matrix[0][1]: expected a number or a fraction like 1/3, got 'x'",
    ]
    with pytest.raises(AhpError, match="expected a non-empty list of matrices"):
        ahp([])
