"""Properties the measures must keep on any data: monotone in the line, ordered, decomposable, bounded."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from jingzhun.analytics.measures import (
    af_decomposition,
    alkire_foster,
    fgt,
    gini,
    headcount,
    poverty_gap,
    sen,
    squared_gap,
)

PROPERTIES = settings(max_examples=200, deadline=None)
TOLERANCE = 1e-12

income = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_subnormal=False)
line = st.floats(min_value=1, max_value=1e6, allow_nan=False)
weight = st.floats(min_value=0, max_value=100, allow_nan=False, allow_subnormal=False)


@st.composite
def weighted_incomes(draw, min_size=1):
    """Non-negative incomes with non-negative weights (or None) that have a positive sum."""
    y = draw(st.lists(income, min_size=min_size, max_size=40))
    w = draw(st.none() | st.lists(weight, min_size=len(y), max_size=len(y)))
    assume(w is None or sum(w) > 0)
    return np.array(y), None if w is None else np.array(w)


@st.composite
def achievements(draw):
    """An n x d achievement matrix, cut-offs, indicator weights summing to 1, k, groups, row weights."""
    n = draw(st.integers(1, 30))
    d = draw(st.integers(1, 6))
    x = np.array(draw(st.lists(st.lists(st.integers(0, 4), min_size=d, max_size=d), min_size=n, max_size=n)))
    cutoffs = np.array(draw(st.lists(st.integers(1, 4), min_size=d, max_size=d)), dtype=float)
    raw = np.array(draw(st.lists(st.floats(0.01, 1), min_size=d, max_size=d)))
    k = draw(st.floats(min_value=0.01, max_value=1))
    groups = draw(st.lists(st.sampled_from("abc"), min_size=n, max_size=n))
    w = draw(st.none() | st.lists(st.integers(1, 5), min_size=n, max_size=n))
    return x, cutoffs, raw / raw.sum(), k, groups, w


@PROPERTIES
@given(weighted_incomes(), line, line, st.sampled_from([0, 1, 2]))
def test_fgt_never_falls_as_the_line_rises(data, z1, z2, alpha):
    y, w = data
    low, high = sorted((z1, z2))
    assert fgt(y, low, alpha, w) <= fgt(y, high, alpha, w) + TOLERANCE


@PROPERTIES
@given(weighted_incomes(), line)
def test_headcount_gap_and_squared_gap_are_ordered_shares(data, z):
    y, w = data
    p0, p1, p2 = headcount(y, z, w), poverty_gap(y, z, w), squared_gap(y, z, w)
    assert 0 <= p2 <= p1 + TOLERANCE
    assert p1 <= p0 + TOLERANCE
    assert p0 <= 1 + TOLERANCE


@PROPERTIES
@given(weighted_incomes(), line)
def test_sen_lies_between_gap_and_headcount(data, z):
    y, w = data
    assert poverty_gap(y, z, w) - TOLERANCE <= sen(y, z, w) <= headcount(y, z, w) + TOLERANCE


@PROPERTIES
@given(weighted_incomes(), st.floats(min_value=1e-3, max_value=1e3))
def test_gini_is_a_share_and_ignores_the_currency_unit(data, scale):
    y, w = data
    assume(y.sum() > 0 and (w is None or np.dot(w, y) > 0))
    g = gini(y, w)
    assert -TOLERANCE <= g <= 1
    assert gini(y * scale, w) == pytest.approx(g, rel=1e-9, abs=1e-12)


@PROPERTIES
@given(st.lists(st.tuples(income, st.integers(0, 4)), min_size=1, max_size=30), line)
def test_integer_weights_equal_repeated_rows(rows, z):
    y = np.array([income for income, _ in rows])
    w = np.array([count for _, count in rows])
    assume(w.sum() > 0)
    expanded = np.repeat(y, w)
    for alpha in (0, 1, 2):
        assert fgt(y, z, alpha, w) == pytest.approx(fgt(expanded, z, alpha), abs=1e-12)
    assert sen(y, z, w) == pytest.approx(sen(expanded, z), abs=1e-12)
    if expanded.sum() > 0:
        assert gini(y, w) == pytest.approx(gini(expanded), abs=1e-12)


@PROPERTIES
@given(achievements())
def test_adjusted_headcount_is_headcount_times_intensity(case):
    x, cutoffs, weights, k, _, w = case
    result = alkire_foster(x, cutoffs, weights, k, w)
    assert result.m0 == pytest.approx(result.h * result.a, abs=1e-12)
    assert 0 <= result.m2 <= result.m1 + TOLERANCE
    assert result.m1 <= result.m0 + TOLERANCE
    assert result.m0 <= result.h + TOLERANCE
    # M0 is the weighted sum of the censored headcounts.
    assert np.dot(weights, result.censored) == pytest.approx(result.m0, abs=1e-12)


@PROPERTIES
@given(achievements())
def test_contributions_sum_to_one_when_anyone_is_poor(case):
    x, cutoffs, weights, k, _, w = case
    result = alkire_foster(x, cutoffs, weights, k, w)
    if result.m0 > 0:
        assert sum(result.contributions) == pytest.approx(1, abs=1e-12)
    else:
        assert result.contributions == (0,) * len(weights)


@PROPERTIES
@given(achievements())
def test_subgroup_m0_weighted_by_population_share_is_the_whole(case):
    x, cutoffs, weights, k, groups, w = case
    whole = alkire_foster(x, cutoffs, weights, k, w)
    parts = af_decomposition(x, cutoffs, weights, k, groups, w)
    assert set(parts) == set(groups)
    assert sum(share for _, share in parts.values()) == pytest.approx(1, abs=1e-12)
    assert sum(share * part.m0 for part, share in parts.values()) == pytest.approx(whole.m0, abs=1e-12)
    assert sum(share * part.h for part, share in parts.values()) == pytest.approx(whole.h, abs=1e-12)
