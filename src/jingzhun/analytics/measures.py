"""Poverty and inequality measures as pure functions over numpy arrays (no Django, no database).

Conventions (the test vectors are in shared/domain/measures-examples.md):

- Incomes ``y`` are per person. The line ``z`` is a scalar or an array with one line per row (lines
  differ by year and province). A row is poor when ``y < z`` strictly; its normalised gap is
  ``(z - y) / z``. Gaps are not capped: a negative income (costs above earnings) has a gap above 1,
  so the FGT measures lie in [0, 1] only for non-negative incomes.
- Weights ``w`` are one non-negative finite number per row; ``None`` means equal weights. Every
  measure is ``sum(w * f) / sum(w)``. Person-level figures from household rows use
  ``w = household weight * household size`` (the default the engine uses); household-level figures
  use one weight per household. Integer weights give exactly the measure of the data with each row
  repeated that many times.
- Bad input is refused with ``ValueError``: weights of the wrong length, negative, NaN or summing to
  zero; NaN incomes or achievements (drop or impute missing values first); empty input; a line that
  is not positive. Empty input raises rather than returning NaN so that an empty group is a loud
  error at the caller, not a blank cell in a report.
- Watts needs positive incomes: incomes below ``floor`` (default 1 yuan a year) are raised to
  ``floor`` before ``ln(z / y)``, so a zero or negative income counts as the floor income instead
  of an infinite term. The floor must be positive; a term is never negative (a floor above the line
  gives a poor row a term of 0, not a negative one).
- Gini: the trapezoid Lorenz curve of the data expanded by the weights, ``1 - sum p_i (L_i +
  L_{i-1})`` over incomes sorted ascending, with no small-sample correction. Ties need no special
  order since the Lorenz curve is straight across them. The mean must be positive; negative incomes
  are allowed and can push the index above 1.
- Sen: ``P0 * Gp + P1 * (1 - Gp)`` with ``Gp`` the (weighted) Gini among the poor; ``Gp = 0`` when
  nobody is poor or the poor's mean income is not positive (everyone poor at zero income is
  perfect equality among the poor).
- Alkire-Foster (Alkire & Foster 2011, J. Public Economics 95): achievements ``x`` (n x d); a row is
  deprived in indicator j when ``x_ij < cutoff_j`` strictly; indicator weights sum to 1; the
  deprivation score ``c_i`` is the weighted sum of deprivations; a row is poor when ``c_i >= k``
  (with 1e-9 slack for float sums), ``0 < k <= 1``. ``H`` = share poor, ``A`` = mean score among
  the poor (0 when nobody is poor), ``M0 = H * A``; censored headcount j = share both poor and
  deprived in j; contribution j = ``weight_j * censored_j / M0`` (0 when ``M0 = 0``). ``M1`` and
  ``M2`` average the weighted censored normalised gaps ``(cutoff - x) / cutoff`` and their squares;
  they are NaN when an indicator with a cut-off <= 0 has a deprived poor row (gap undefined).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# Deprivation scores are sums of float weights (1/6 + 1/6 ... ) that can fall a hair short of k.
_K_TOLERANCE = 1e-9
_WEIGHT_SUM_TOLERANCE = 1e-9


def _incomes(y) -> np.ndarray:
    y = np.asarray(y, dtype=np.float64)
    if y.ndim != 1:
        raise ValueError(f"incomes must be a one-dimensional array, got shape {y.shape}")
    if y.size == 0:
        raise ValueError("no incomes given: measures of an empty population are undefined")
    if np.isnan(y).any():
        raise ValueError("incomes contain NaN: drop or impute missing incomes first")
    return y


def _weights(w, n: int) -> np.ndarray:
    if w is None:
        return np.ones(n, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    if w.shape != (n,):
        raise ValueError(f"weights must have one value per row: expected shape ({n},), got {w.shape}")
    if not np.isfinite(w).all():
        raise ValueError("weights must be finite numbers (no NaN or infinity)")
    if (w < 0).any():
        raise ValueError("weights must be non-negative")
    if w.sum() <= 0:
        raise ValueError("weights sum to zero: the population is empty")
    return w


def _line(z, n: int) -> np.ndarray:
    z = np.asarray(z, dtype=np.float64)
    try:
        z = np.broadcast_to(z, (n,))
    except ValueError as error:
        message = f"the poverty line must be a scalar or one value per row ({n}), got shape {z.shape}"
        raise ValueError(message) from error
    if not (np.isfinite(z).all() and (z > 0).all()):
        raise ValueError("the poverty line must be positive and finite")
    return z


def _inputs(y, z, w):
    y = _incomes(y)
    return y, _line(z, y.size), _weights(w, y.size)


def fgt(y, z, alpha: float, w=None) -> float:
    """Foster-Greer-Thorbecke P_alpha: weighted mean of gap**alpha over the poor (0 for the rest)."""
    if not alpha >= 0:
        raise ValueError(f"alpha must be non-negative, got {alpha}")
    y, z, w = _inputs(y, z, w)
    poor = y < z
    # With alpha = 0, 0**0 would be 1 for the non-poor too: the headcount is the poor indicator itself.
    f = poor.astype(np.float64) if alpha == 0 else np.where(poor, (z - y) / z, 0.0) ** alpha
    return float(np.dot(w, f) / w.sum())


def headcount(y, z, w=None) -> float:
    return fgt(y, z, 0, w)


def poverty_gap(y, z, w=None) -> float:
    return fgt(y, z, 1, w)


def squared_gap(y, z, w=None) -> float:
    return fgt(y, z, 2, w)


def watts(y, z, w=None, floor: float = 1.0) -> float:
    """Watts index: weighted mean of ln(z / max(y, floor)) over the poor."""
    if not (np.isfinite(floor) and floor > 0):
        raise ValueError(f"the Watts floor must be a positive income, got {floor}")
    y, z, w = _inputs(y, z, w)
    poor = y < z
    terms = np.where(poor, np.log(z / np.maximum(y, floor)), 0.0)
    return float(np.dot(w, np.maximum(terms, 0.0)) / w.sum())


def _absolute_gini(y: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    """(mean, mean * Gini) by the trapezoid Lorenz formula; one sort."""
    order = np.argsort(y, kind="stable")
    ys, ws = y[order], w[order]
    p = ws / ws.sum()
    cum = np.cumsum(p * ys)  # mean * L_i
    mean = cum[-1]
    previous = np.concatenate(([0.0], cum[:-1]))
    return float(mean), float(mean - np.dot(p, cum + previous))


def gini(y, w=None) -> float:
    """Weighted Gini (trapezoid Lorenz, no small-sample correction); the mean income must be positive."""
    y = _incomes(y)
    w = _weights(w, y.size)
    mean, absolute = _absolute_gini(y, w)
    if not mean > 0:
        raise ValueError("the Gini index needs a positive mean income")
    return absolute / mean


def sen(y, z, w=None) -> float:
    """Sen index P0 * Gp + P1 * (1 - Gp), Gp the Gini among the poor."""
    y, z, w = _inputs(y, z, w)
    poor = (y < z) & (w > 0)
    total = w.sum()
    p0 = w[poor].sum() / total
    p1 = np.dot(w[poor], (z[poor] - y[poor]) / z[poor]) / total
    gp = 0.0
    if poor.any():
        mean, absolute = _absolute_gini(y[poor], w[poor])
        if mean > 0:
            gp = absolute / mean
    return float(p0 * gp + p1 * (1.0 - gp))


@dataclass(frozen=True)
class AFResult:
    h: float
    a: float
    m0: float
    m1: float
    m2: float
    censored: tuple[float, ...]
    contributions: tuple[float, ...]
    # Per-row flags are data, not identity: two results compare by their figures.
    poor: np.ndarray = field(compare=False, repr=False)


def _af_inputs(x, cutoffs, weights, k):
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError(f"achievements must be an n x d matrix, got shape {x.shape}")
    n, d = x.shape
    if n == 0 or d == 0:
        raise ValueError("no achievements given: measures of an empty population are undefined")
    if np.isnan(x).any():
        raise ValueError("achievements contain NaN: drop or impute missing values first")
    cutoffs = np.asarray(cutoffs, dtype=np.float64)
    weights = np.asarray(weights, dtype=np.float64)
    if cutoffs.shape != (d,) or weights.shape != (d,):
        raise ValueError(f"cut-offs and indicator weights need one value per indicator ({d})")
    if not np.isfinite(cutoffs).all():
        raise ValueError("cut-offs must be finite")
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise ValueError("indicator weights must be non-negative finite numbers")
    if abs(weights.sum() - 1.0) > _WEIGHT_SUM_TOLERANCE:
        raise ValueError(f"indicator weights must sum to 1, got {weights.sum()!r}")
    if not 0 < k <= 1:
        raise ValueError(f"the poverty cut-off k must be a share in (0, 1], got {k}")
    return x, cutoffs, weights


def _af(x, cutoffs, weights, k, w) -> AFResult:
    deprived = x < cutoffs
    score = deprived @ weights
    poor = score >= k - _K_TOLERANCE
    total = w.sum()
    wp = w * poor  # weights of the poor only: censoring
    poor_total = wp.sum()
    h = poor_total / total
    m0 = np.dot(wp, score) / total
    a = m0 / h if poor_total > 0 else 0.0
    censored = (wp @ deprived) / total
    contributions = weights * censored / m0 if m0 > 0 else np.zeros_like(censored)
    with np.errstate(divide="ignore", invalid="ignore"):
        gaps = np.where(deprived, (cutoffs - x) / cutoffs, 0.0)
    # Only the poor's gaps count; an undefined gap (cut-off <= 0) of a poor row makes M1/M2 NaN.
    gaps = np.where(poor[:, None], gaps, 0.0)
    m1 = np.dot(wp, gaps @ weights) / total
    m2 = np.dot(wp, (gaps**2) @ weights) / total
    return AFResult(
        h=float(h),
        a=float(a),
        m0=float(m0),
        m1=float(m1),
        m2=float(m2),
        censored=tuple(float(v) for v in censored),
        contributions=tuple(float(v) for v in contributions),
        poor=poor,
    )


def alkire_foster(x, cutoffs, weights, k: float, w=None) -> AFResult:
    """Alkire-Foster adjusted headcount and its partial indices (see the module docstring)."""
    x, cutoffs, weights = _af_inputs(x, cutoffs, weights, k)
    return _af(x, cutoffs, weights, k, _weights(w, x.shape[0]))


def af_decomposition(x, cutoffs, weights, k: float, groups, w=None) -> dict:
    """Alkire-Foster per subgroup: {group: (AFResult, population share)}.

    Population shares are weighted, so sum(share * M0) over the groups is the overall M0. A group
    whose rows all weigh zero raises ValueError like any empty population.
    """
    x, cutoffs, weights = _af_inputs(x, cutoffs, weights, k)
    w = _weights(w, x.shape[0])
    groups = np.asarray(groups)
    if groups.shape != (x.shape[0],):
        raise ValueError(f"groups must have one label per row ({x.shape[0]}), got shape {groups.shape}")
    labels, inverse = np.unique(groups, return_inverse=True)
    total = w.sum()
    result = {}
    for index, label in enumerate(labels):  # one pass per group, vectorised within it
        rows = inverse == index
        member_weights = w[rows]
        if member_weights.sum() <= 0:
            raise ValueError(f"group {label!r} has zero total weight")
        key = label.item() if hasattr(label, "item") else label
        result[key] = (_af(x[rows], cutoffs, weights, k, member_weights), float(member_weights.sum() / total))
    return result
