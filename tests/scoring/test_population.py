"""Population steps: ranking, forced distribution, normalisation, pay, salary, contracts."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.scoring.conditions import parse_condition
from jixiao.scoring.population import (
    PeriodOutcome,
    Trigger,
    contract_outcomes,
    distribute,
    group_codes,
    normalize,
    pay_shares,
    period_index,
    quota_counts,
    rank_within,
    salary_steps,
)

NAN = math.nan
GRADES = ["A", "B", "C", "D", "E"]
QUOTAS = [0.1, 0.2, 0.4, 0.2, 0.1]
COEFFICIENTS = {"A": 1.4, "B": 1.2, "C": 1.0, "D": 0.8, "E": 0.6}
# staff-monthly example: 20 distinct totals in one level
STAFF_TOTALS = [95, 93, 91, 90, 88, 87, 85, 84, 83, 82, 80, 79, 78, 77, 75, 74, 72, 70, 65, 60]
STAFF_GRADES = list("AABBBBCCCCCCCCDDDDEE")


def arr(values: Sequence[float]) -> np.ndarray:
    return np.array(values, dtype=np.float64)


def codes(values: list[int]) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def one_group(n: int) -> np.ndarray:
    return np.zeros(n, dtype=np.int64)


# ---------------------------------------------------------------- group_codes


def test_group_codes_first_seen_order_with_none() -> None:
    found, keys = group_codes(["销售部", None, "财务部", "销售部", None])
    assert found.tolist() == [0, 1, 2, 0, 1]
    assert keys == ["销售部", None, "财务部"]
    assert found.dtype == np.int64


def test_group_codes_object_array_and_empty() -> None:
    found, keys = group_codes(np.array(["b", "a", "b"], dtype=object))
    assert found.tolist() == [0, 1, 0] and keys == ["b", "a"]
    empty, none = group_codes([])
    assert empty.size == 0 and none == []


# ---------------------------------------------------------------- rank_within


def test_rank_ties_share_the_better_rank_and_skip() -> None:
    rank, ranked = rank_within(arr([90, 80, 80, 70]), one_group(4))
    assert rank.tolist() == [1, 2, 2, 4]
    assert ranked.tolist() == [4, 4, 4, 4]


def test_rank_ties_after_rounding_to_9_decimals() -> None:
    rank, _ = rank_within(arr([0.7 + 0.28, 0.98, 0.5]), one_group(3))
    assert rank.tolist() == [1, 1, 3]


def test_rank_nan_rows_are_not_ranked_nor_counted() -> None:
    rank, ranked = rank_within(arr([70, NAN, 90, 80, NAN]), one_group(5))
    assert rank.tolist() == [3, 0, 1, 2, 0]
    assert ranked.tolist() == [3, 0, 3, 3, 0]


def test_rank_several_groups_interleaved_and_single_member_groups() -> None:
    totals = arr([50, 90, 60, 90, 70, 40, 80])
    groups = codes([0, 1, 0, 1, 0, 2, 3])
    rank, ranked = rank_within(totals, groups)
    assert rank.tolist() == [3, 1, 2, 1, 1, 1, 1]
    assert ranked.tolist() == [3, 2, 3, 2, 3, 1, 1]


def test_rank_empty_population() -> None:
    rank, ranked = rank_within(arr([]), codes([]))
    assert rank.size == 0 and ranked.size == 0


# ---------------------------------------------------------------- quota_counts


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (20, [2, 4, 8, 4, 2]),
        # 1.3 2.6 5.2 2.6 1.3: floors 1 2 5 2 1, the two seats left go to the .6 remainders
        (13, [1, 3, 5, 3, 1]),
        # .1 .2 .4 .2 .1: one seat, largest remainder .4
        (1, [0, 0, 1, 0, 0]),
        # .2 .4 .8 .4 .2: C (.8), then B and D tie at .4, equally near the middle: B is better
        (2, [0, 1, 1, 0, 0]),
        # .3 .6 1.2 .6 .3: floors 0 0 1 0 0, seats to the .6 remainders B and D
        (3, [0, 1, 1, 1, 0]),
        # .7 1.4 2.8 1.4 .7: floors 0 1 2 1 0, seats to C (.8) then A and E (.7, both 2 from
        # the middle: A first as the better grade, then E)
        (7, [1, 1, 3, 1, 1]),
        # 1.5 3 6 3 1.5: one seat, A and E tie at .5 and are equally far from the middle: A
        (15, [2, 3, 6, 3, 1]),
        (0, [0, 0, 0, 0, 0]),
        # 2.3 4.6 9.2 4.6 2.3: floors 2 4 9 4 2, the two seats go to the .6 remainders
        (23, [2, 5, 9, 5, 2]),
        (101, [10, 20, 41, 20, 10]),
    ],
)
def test_quota_counts_standard_quotas(n: int, expected: list[int]) -> None:
    assert quota_counts(n, QUOTAS) == expected
    assert sum(expected) == n


def test_quota_counts_remainder_tie_goes_to_the_middle_before_the_better_grade() -> None:
    # n = 2 with 25/25/50: .5 .5 1 -> floors 0 0 1, one seat; A and B tie at .5 but B is the
    # middle of the list, so B wins although A is the better grade.
    assert quota_counts(2, [0.25, 0.25, 0.5]) == [0, 1, 1]
    # four grades, n = 2: .5 each, B and C are the two nearest the middle
    assert quota_counts(2, [0.25] * 4) == [0, 1, 1, 0]
    # n = 3: B, C, then A and D tie (both 1.5 from the middle): A, the better grade
    assert quota_counts(3, [0.25] * 4) == [1, 1, 1, 0]


def test_quota_counts_compares_remainders_after_rounding() -> None:
    # 20 × 1%/7%/92% = 0.2, 1.4, 18.4, but in floats 18.400000000000002: rounded, B and C tie
    # at .4 and B (the middle) wins; unrounded, C would take the seat.
    assert quota_counts(20, [0.01, 0.07, 0.92]) == [0, 2, 18]
    # 35 × 1%/18%/81% = .35, 6.3, 28.35: A and C tie at .35, equally far from the middle, so A
    # (the better grade) takes the seat; in floats 28.35 - 28 is a hair larger than .35.
    assert quota_counts(35, [0.01, 0.18, 0.81]) == [1, 6, 28]


def test_quota_counts_rejects_bad_quotas() -> None:
    with pytest.raises(ValueError, match="100%"):
        quota_counts(10, [0.5, 0.4])
    with pytest.raises(ValueError, match="non-negative"):
        quota_counts(10, [1.2, -0.2])
    with pytest.raises(ValueError):
        quota_counts(10, [])
    with pytest.raises(ValueError):
        quota_counts(-1, QUOTAS)


# ---------------------------------------------------------------- distribute


def test_distribute_staff_monthly_example() -> None:
    grades, tie = distribute(arr(STAFF_TOTALS), one_group(20), GRADES, QUOTAS)
    assert grades.tolist() == STAFF_GRADES
    assert not tie.any()


def test_distribute_staff_monthly_any_row_order() -> None:
    order = np.random.default_rng(7).permutation(20)
    grades, _ = distribute(arr(STAFF_TOTALS)[order], one_group(20), GRADES, QUOTAS)
    assert grades.tolist() == [STAFF_GRADES[i] for i in order]


def test_distribute_ties_at_every_boundary() -> None:
    # counts 2 4 8 4 2 end at positions 2, 6, 14, 18, 20; each tie straddles one boundary
    totals = [100, 99, 99, 97, 96, 95, 95, 94, 93, 92, 91, 90, 89, 88, 88, 87, 86, 85, 85, 80]
    grades, tie = distribute(arr(totals), one_group(20), GRADES, QUOTAS)
    assert grades.tolist() == list("AAABBBBCCCCCCCCDDDDE")
    # A takes 3 (B loses one), B its 4 ending at 6+1, C 8, D 4 ending at 18+1, E only 1
    assert np.flatnonzero(tie).tolist() == [1, 2, 5, 6, 13, 14, 17, 18]


def test_distribute_tie_overflowing_a_whole_grade_carries_on() -> None:
    # positions 1..7 tie: the run crosses the A/B (2) and B/C (6) boundaries, takes A; B has
    # nothing left and C loses the rest of the overflow, ending where it always ends (14).
    totals = [100] + [90] * 7 + list(range(80, 68, -1))
    grades, tie = distribute(arr(totals), one_group(20), GRADES, QUOTAS)
    assert grades.tolist() == list("AAAAAAAACCCCCCDDDDEE")
    assert np.flatnonzero(tie).tolist() == list(range(1, 8))


def test_distribute_tie_overflowing_two_grades() -> None:
    totals = [100] + [90] * 15 + [80, 79, 78, 77]
    grades, tie = distribute(arr(totals), one_group(20), GRADES, QUOTAS)
    assert grades.tolist() == list("A" * 16 + "DDEE")
    assert tie.tolist() == [False] + [True] * 15 + [False] * 4


def test_distribute_all_equal_totals_take_the_best_grade_flagged() -> None:
    grades, tie = distribute(arr([80] * 10), one_group(10), GRADES, QUOTAS)
    assert grades.tolist() == ["A"] * 10
    assert tie.all()


def test_distribute_groups_of_one_and_two() -> None:
    totals = arr([70, 90, 80, 60, 60])
    groups = codes([0, 1, 1, 2, 2])
    grades, tie = distribute(totals, groups, GRADES, QUOTAS)
    # one member: quota counts 0 0 1 0 0 -> C; two: 0 1 1 0 0 -> B, C;
    # two equal: the B/C boundary falls inside them -> both B, flagged
    assert grades.tolist() == ["C", "B", "C", "B", "B"]
    assert tie.tolist() == [False, False, False, True, True]


def test_distribute_nan_rows_are_excluded() -> None:
    totals = arr([NAN, *STAFF_TOTALS[:10], NAN, *STAFF_TOTALS[10:]])
    grades, tie = distribute(totals, one_group(22), GRADES, QUOTAS)
    assert grades[0] is None and grades[11] is None
    assert [g for g in grades.tolist() if g is not None] == STAFF_GRADES
    assert not tie.any()


def test_distribute_several_groups_equal_separate_calls() -> None:
    rng = np.random.default_rng(3)
    totals = np.round(rng.uniform(60, 100, 300), 0)
    groups = rng.integers(0, 7, 300).astype(np.int64)
    grades, tie = distribute(totals, groups, GRADES, QUOTAS)
    for g in range(7):
        rows = groups == g
        alone, alone_tie = distribute(totals[rows], one_group(int(rows.sum())), GRADES, QUOTAS)
        assert grades[rows].tolist() == alone.tolist()
        assert tie[rows].tolist() == alone_tie.tolist()


def test_distribute_checks_labels_against_quotas() -> None:
    with pytest.raises(ValueError):
        distribute(arr([1]), one_group(1), ["A", "B"], QUOTAS)


def reference_distribution(totals: list[float], quotas: list[float]) -> list[int]:
    """The spec's procedure, step by step, for one group sorted best first: grade index each."""
    counts = quota_counts(len(totals), quotas)
    out: list[int] = []
    owed = 0
    for grade, count in enumerate(counts):
        take = count - owed
        if take <= 0:
            owed = -take
            continue
        end = len(out) + take
        while end < len(totals) and round(totals[end], 9) == round(totals[end - 1], 9):
            end += 1
        owed = end - (len(out) + take)
        out += [grade] * (end - len(out))
    return out


population = st.lists(
    st.tuples(st.integers(0, 4), st.one_of(st.integers(50, 60).map(float), st.just(NAN))),
    min_size=0,
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(population, st.sampled_from([QUOTAS, [0.2, 0.3, 0.5], [0.15, 0.35, 0.35, 0.15], [1.0]]))
def test_property_distribution_counts_and_order(
    rows: list[tuple[int, float]], quotas: list[float]
) -> None:
    labels = GRADES[: len(quotas)]
    groups = codes([g for g, _ in rows])
    totals = arr([t for _, t in rows])
    grades, _ = distribute(totals, groups, labels, quotas)
    for g in set(groups.tolist()):
        mine = (groups == g) & ~np.isnan(totals)
        ordered = sorted(totals[mine].tolist(), reverse=True)
        given_out = [labels.index(x) for x in grades[mine]]
        # every ranked member gets a grade (labels.index(None) would fail), handed out
        # exactly as the spec's step-by-step procedure does
        by_total = sorted(zip(totals[mine].tolist(), given_out, strict=True), key=lambda p: -p[0])
        assert [x for _, x in by_total] == reference_distribution(ordered, quotas)
    assert all(grades[i] is None for i in np.flatnonzero(np.isnan(totals)))
    assert sum(x is not None for x in grades) == int((~np.isnan(totals)).sum())


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 10_000)), max_size=60, unique_by=lambda r: r[1]
    )
)
def test_property_without_ties_counts_equal_quota_counts(rows: list[tuple[int, int]]) -> None:
    groups = codes([g for g, _ in rows])
    totals = arr([float(t) for _, t in rows])
    grades, tie = distribute(totals, groups, GRADES, QUOTAS)
    assert not tie.any()
    for g in set(groups.tolist()):
        mine = grades[groups == g].tolist()
        counts = [mine.count(label) for label in GRADES]
        assert counts == quota_counts(len(mine), QUOTAS)


# ---------------------------------------------------------------- normalize


def test_normalize_mean_to_100_per_group_without_factor() -> None:
    totals = arr([80, 100, NAN, 60])
    normalized, factor, notes = normalize(totals, codes([0, 0, 0, 1]))
    assert normalized[:2] == pytest.approx([80 / 90 * 100, 100 / 90 * 100])
    assert math.isnan(normalized[2])
    assert normalized[3] == pytest.approx(100)
    assert factor.tolist() == [1.0, 1.0] and notes == []


def test_normalize_group_factor_within_cap() -> None:
    normalized, factor, notes = normalize(
        arr([90, 110, 80, 120]), codes([0, 0, 1, 1]), group_by=arr([100, 110]), cap=1.15
    )
    assert factor.tolist() == pytest.approx([1.0, 1.1])
    assert normalized.tolist() == pytest.approx([90, 110, 88, 132])
    assert notes == ["group factors 1, 1.1 within cap 1.15"]


def test_normalize_cap_needs_two_square_roots() -> None:
    # factor 1.6 > 1.15; sqrt: 1.2649 > 1.15; sqrt again: 1.1247 <= 1.15
    normalized, factor, notes = normalize(
        arr([100, 50, 150]), codes([0, 1, 1]), group_by=arr([1.6, 1.0]), cap=1.15
    )
    assert factor.tolist() == pytest.approx([1.6**0.25, 1.0])
    assert normalized.tolist() == pytest.approx([100 * 1.6**0.25, 50, 150])
    assert notes == [
        "group factors 1.6, 1 exceed cap 1.15: square root taken 2 time(s) -> 1.1247, 1"
    ]


def test_normalize_spread_cap() -> None:
    # S1: group 0 -> 90, 110; group 1 -> 80, 120; cap = (120 + 80) / (2 × 80) = 1.25;
    # factors 1, 1.5 -> sqrt once -> 1, 1.2247
    normalized, factor, notes = normalize(
        arr([45, 55, 160, 240]), codes([0, 0, 1, 1]), group_by=arr([100, 150]), cap="spread"
    )
    assert factor.tolist() == pytest.approx([1.0, math.sqrt(1.5)])
    assert normalized.tolist() == pytest.approx(
        [90, 110, 80 * math.sqrt(1.5), 120 * math.sqrt(1.5)]
    )
    assert notes[0] == "cap = (max S1 + min S1) / (2 × min S1) = (120 + 80) / (2 × 80) = 1.25"
    assert "square root taken 1 time(s)" in notes[1]


def test_normalize_no_cap_and_string_cap() -> None:
    _, factor, notes = normalize(arr([1, 2]), codes([0, 1]), group_by=arr([2, 4]))
    assert factor.tolist() == [1.0, 2.0] and notes == ["group factors 1, 2 (no cap)"]
    _, factor, _ = normalize(arr([1, 2]), codes([0, 1]), group_by=arr([1, 4]), cap="1.5")
    assert factor.tolist() == pytest.approx([1.0, math.sqrt(2)])


def test_normalize_spread_cap_with_a_zero_score_means_no_cap() -> None:
    _, factor, notes = normalize(
        arr([0, 10, 10]), codes([0, 0, 1]), group_by=arr([1, 3]), cap="spread"
    )
    assert factor.tolist() == [1.0, 3.0]
    assert "no cap" in notes[0]


def test_normalize_group_whose_members_all_have_errors_needs_no_by() -> None:
    normalized, factor, _ = normalize(
        arr([50, NAN]), codes([0, 1]), group_by=arr([2, NAN]), cap=1.5
    )
    assert normalized[0] == pytest.approx(100) and math.isnan(normalized[1])
    assert factor[0] == 1.0 and math.isnan(factor[1])


def test_normalize_errors_name_the_group() -> None:
    with pytest.raises(ValueError, match="group 1"):
        normalize(arr([50, 0, 0]), codes([0, 1, 1]))
    with pytest.raises(ValueError, match=r"group 1 \(—\)"):
        normalize(arr([50, 60]), codes([0, 1]), group_by=arr([2, NAN]))
    with pytest.raises(ValueError, match=r"for group 1 \(—\)"):
        normalize(arr([50, 60]), codes([0, 1]), group_by=arr([2]))
    with pytest.raises(ValueError, match=r"group 0 \(-1\)"):
        normalize(arr([50, 60]), codes([0, 1]), group_by=arr([-1, 2]))
    with pytest.raises(ValueError, match="at least 1"):
        normalize(arr([50, 60]), codes([0, 1]), group_by=arr([1, 2]), cap=0.9)
    with pytest.raises(ValueError, match="method"):
        normalize(arr([50]), codes([0]), method="z_score")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 3), st.floats(1, 150)), min_size=1, max_size=40),
    st.lists(st.floats(0.5, 200), min_size=4, max_size=4),
    st.sampled_from([None, "spread", 1.05, 1.0]),
)
def test_property_normalize_preserves_order_within_a_group(
    rows: list[tuple[int, float]], by: list[float], cap: str | float | None
) -> None:
    groups = codes([g for g, _ in rows])
    totals = arr([t for _, t in rows])
    normalized, factor, _ = normalize(totals, groups, group_by=arr(by), cap=cap)
    for g in set(groups.tolist()):
        mine = groups == g
        order = np.argsort(totals[mine], kind="stable")
        assert np.all(np.diff(normalized[mine][order]) >= 0)
    if isinstance(cap, float):
        assert np.nanmax(factor) <= cap + 1e-9


# ---------------------------------------------------------------- pay_shares


def test_pay_staff_monthly_figures() -> None:
    pay = pay_shares(
        np.array(STAFF_GRADES, dtype=object),
        one_group(20),
        COEFFICIENTS,
        arr([100_000]),
        arr([1]),
        np.zeros(20, dtype=bool),
    )
    expected = [7000] * 2 + [6000] * 4 + [5000] * 8 + [4000] * 4 + [3000] * 2
    assert pay.tolist() == pytest.approx(expected)


def test_pay_no_bonus_members_get_nothing_and_take_no_share() -> None:
    grades = np.array(["A", "B", "C", None, "Z"], dtype=object)
    no_bonus = np.array([False, False, True, False, False])
    pay = pay_shares(grades, one_group(5), COEFFICIENTS, arr([3600]), arr([1]), no_bonus)
    # shares: A 1.4 + B 1.2 = 2.6 (C is no_bonus, the None row has no grade, Z has coefficient 0)
    assert pay[:3].tolist() == pytest.approx([3600 * 1.4 / 2.6, 3600 * 1.2 / 2.6, 0])
    assert math.isnan(pay[3]) and pay[4] == 0
    assert np.nansum(pay) == pytest.approx(3600)


def test_pay_per_group_pool_factor_and_groups_without_sharers() -> None:
    grades = np.array(["A", "C", "C", "B", None], dtype=object)
    groups = codes([0, 0, 1, 2, 3])
    no_bonus = np.array([False, False, False, True, False])
    # group 1 pool 500 × factor 1.2; group 2: its only member is no_bonus; group 3: ungraded;
    # group 4: no members at all
    pool = arr([2400, 500, 900, 700, 100])
    factor = arr([1, 1.2, 1, 1, 1])
    pay = pay_shares(grades, groups, COEFFICIENTS, pool, factor, no_bonus)
    assert pay[:4].tolist() == pytest.approx([2400 * 1.4 / 2.4, 2400 / 2.4, 600, 0])
    assert math.isnan(pay[4])


def test_pay_rejects_missing_group_pools() -> None:
    with pytest.raises(ValueError):
        pay_shares(
            np.array(["A", "A"], dtype=object),
            codes([0, 1]),
            COEFFICIENTS,
            arr([1]),
            arr([1]),
            np.zeros(2, dtype=bool),
        )


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 2), st.sampled_from([*GRADES, None]), st.booleans()),
        min_size=1,
        max_size=50,
    ),
    st.lists(st.floats(0, 1e6), min_size=3, max_size=3),
)
def test_property_pay_shares_add_up_to_the_pool(
    rows: list[tuple[int, str | None, bool]], pool: list[float]
) -> None:
    groups = codes([g for g, _, _ in rows])
    grades = np.array([x for _, x, _ in rows], dtype=object)
    no_bonus = np.array([b for _, _, b in rows])
    pay = pay_shares(grades, groups, COEFFICIENTS, arr(pool), arr([1, 1, 1]), no_bonus)
    takes = (grades != None) & ~no_bonus  # noqa: E711 - elementwise
    assert np.all(pay[no_bonus & (grades != None)] == 0)  # noqa: E711
    for g in range(3):
        mine = groups == g
        if (mine & takes).any():
            assert pay[mine & takes].sum() == pytest.approx(pool[g], rel=1e-9, abs=1e-6)
        else:
            assert np.all(np.nan_to_num(pay[mine]) == 0)


# ---------------------------------------------------------------- salary_steps

SALARY = [(parse_condition(c), s) for c, s in [("> 95", 2), ("> 80", 1), ("> 60", 0), ("else", -1)]]


def test_salary_steps_and_clamps() -> None:
    step, new = salary_steps(
        arr([97, 85, 70, 50, NAN, 96]),
        SALARY,
        current=arr([5, 10, 3, 1, 4, 9]),
        low=arr([1, 1, 1, 1, 1, 1]),
        high=arr([10, 10, 10, 10, 10, 10]),
    )
    assert step.tolist()[:4] == [2, 1, 0, -1] and math.isnan(step[4]) and step[5] == 2
    # 10 + 1 -> 10 (max), 1 - 1 -> 1 (min), 9 + 2 -> 10 (max)
    assert new.tolist()[:4] == [7, 10, 3, 1] and math.isnan(new[4]) and new[5] == 10


def test_salary_nan_bounds_mean_no_bound_and_nan_current() -> None:
    step, new = salary_steps(
        arr([97, 50, 85]),
        SALARY,
        current=arr([10, 1, NAN]),
        low=arr([NAN] * 3),
        high=arr([NAN] * 3),
    )
    assert new[:2].tolist() == [12, 0]
    assert step[2] == 1 and math.isnan(new[2])


def test_salary_no_matching_row_is_step_zero() -> None:
    step, new = salary_steps(arr([50]), SALARY[:1], arr([3]), arr([NAN]), arr([NAN]))
    assert step.tolist() == [0] and new.tolist() == [3]


# ---------------------------------------------------------------- contracts

FEE = [(parse_condition(c), v) for c, v in [("< 60", 0.1), ("< 80", 0.05), ("else", 0)]]
TERMINATE = Trigger("解约权", parse_condition(">= 3"), 2)


def months(first: int, count: int) -> list[str]:
    return [f"2026-{m:02d}" for m in range(first, first + count)]


def test_period_index() -> None:
    assert period_index("2026-06") == ("month", 2026 * 12 + 5)
    assert period_index("2026-Q2") == ("quarter", 2026 * 4 + 1)
    assert period_index("2026-H1") == ("half", 2026 * 2)
    assert period_index("2026") == ("year", 2026)
    assert period_index("2025-12")[1] + 1 == period_index("2026-01")[1]
    for bad in ["2026-13", "2026-Q5", "2026-H3", "June", "26-06", "2026-00"]:
        with pytest.raises(ValueError, match="not a period"):
            period_index(bad)


def test_contract_without_since_first_period_is_reference() -> None:
    out = contract_outcomes(
        months(1, 5), None, [50, 70, 50, 90, None], [4, 3, 3, 1, None], FEE, 1, [TERMINATE]
    )
    assert [o.reference for o in out] == [True, False, False, False, False]
    assert [o.fee_deduction for o in out] == [0, 0.05, 0.1, 0, None]
    # the reference period's 4 failed items do not count: the streak starts in February
    assert [o.streaks["解约权"] for o in out] == [0, 1, 2, 0, 0]
    assert [o.triggers for o in out] == [(), (), ("解约权",), (), ()]


def test_contract_reference_counted_from_since() -> None:
    out = contract_outcomes(months(1, 5), "2026-03", [50] * 5, [3] * 5, FEE, 1, [TERMINATE])
    # January and February are before the contract, March is its reference period
    assert [o.reference for o in out] == [True, True, True, False, False]
    assert [o.fee_deduction for o in out] == [0, 0, 0, 0.1, 0.1]
    assert [o.triggers for o in out] == [(), (), (), (), ("解约权",)]


def test_contract_since_before_the_first_period() -> None:
    out = contract_outcomes(months(1, 2), "2025-12", [50, 50], [3, 3], FEE, 1, [TERMINATE])
    assert [o.reference for o in out] == [False, False]
    assert out[1].triggers == ("解约权",)


def test_contract_warehouse_example_single_reference_period() -> None:
    out = contract_outcomes(["2026-06"], "2026-06", [74.8667], [4], FEE, 1, [TERMINATE])
    assert out == [PeriodOutcome(True, 0.0, (), {"解约权": 0})]


def test_contract_trigger_stays_listed_then_stops_and_resets() -> None:
    out = contract_outcomes(
        months(1, 7), None, [70] * 7, [3, 4, 5, 0, 3, 3, 3], FEE, 0, [TERMINATE]
    )
    assert [o.streaks["解约权"] for o in out] == [1, 2, 3, 0, 1, 2, 3]
    assert [bool(o.triggers) for o in out] == [False, True, True, False, False, True, True]


def test_contract_gap_in_periods_breaks_the_streak() -> None:
    out = contract_outcomes(
        ["2026-01", "2026-02", "2026-04", "2026-05"], None, [70] * 4, [3] * 4, FEE, 0, [TERMINATE]
    )
    assert [o.streaks["解约权"] for o in out] == [1, 2, 1, 2]
    assert [bool(o.triggers) for o in out] == [False, True, False, True]


def test_contract_period_with_errors_breaks_the_streak() -> None:
    out = contract_outcomes(months(1, 3), None, [70, None, 70], [3, None, 3], FEE, 0, [TERMINATE])
    assert [o.fee_deduction for o in out] == [0.05, None, 0.05]
    assert [o.streaks["解约权"] for o in out] == [1, 0, 1]
    assert not any(o.triggers for o in out)


def test_contract_several_triggers_and_quarters() -> None:
    warn = Trigger("警告", parse_condition(">= 1"), 1)
    out = contract_outcomes(
        ["2026-Q1", "2026-Q2", "2026-Q3"], None, [85, 55, 58], [1, 3, 3], FEE, 0, [TERMINATE, warn]
    )
    assert [o.triggers for o in out] == [("警告",), ("警告",), ("解约权", "警告")]
    assert [o.fee_deduction for o in out] == [0, 0.1, 0.1]


def test_contract_rejects_mixed_unordered_or_mismatched_periods() -> None:
    with pytest.raises(ValueError, match="kinds"):
        contract_outcomes(["2026-01", "2026-Q2"], None, [1, 1], [0, 0], FEE, 0, [])
    with pytest.raises(ValueError, match="kinds"):
        contract_outcomes(["2026-01"], "2026-Q1", [1], [0], FEE, 0, [])
    with pytest.raises(ValueError, match="order"):
        contract_outcomes(["2026-02", "2026-01"], None, [1, 1], [0, 0], FEE, 0, [])
    with pytest.raises(ValueError, match="length"):
        contract_outcomes(["2026-01"], None, [1, 2], [0], FEE, 0, [])
    with pytest.raises(ValueError):
        contract_outcomes(
            ["2026-01"], None, [1], [0], FEE, 0, [Trigger("x", TERMINATE.failed_items, 0)]
        )


def test_contract_no_periods() -> None:
    assert contract_outcomes([], "2026-01", [], [], FEE, 1, [TERMINATE]) == []
