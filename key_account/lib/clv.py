"""Customer-lifetime-value estimators, importable without Odoo.

* BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"):
  the number of repeat purchases and the probability that a customer is
  still "alive", from each customer's frequency ``x`` (repeat purchases),
  recency ``t_x`` (age at the last purchase) and age ``T``, all in the same
  time unit.
* Gamma-Gamma (Fader & Hardie 2013, "The Gamma-Gamma model of monetary
  value"): the expected average order value from ``x`` and the mean value
  of the repeat purchases.

Both are fitted by maximum likelihood with SciPy on log-parameters so the
parameters stay positive. Inputs are array-likes; outputs are NumPy arrays.
"""

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, gammaln, hyp2f1
from scipy.stats import nbinom

__all__ = [
    "bgnbd_log_likelihood",
    "conditional_expected_average_value",
    "customer_lifetime_value",
    "expected_purchases",
    "expected_purchases_new_customer",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "gamma_gamma_log_likelihood",
    "probability_alive",
    "probability_of_purchases",
    "probability_purchase_within",
]


class CLVInputError(ValueError):
    """The data cannot be used to fit the model."""


def _arrays(*columns):
    arrays = [np.asarray(c, dtype=float) for c in columns]
    sizes = {a.shape for a in arrays}
    if len(sizes) != 1 or arrays[0].ndim != 1:
        raise CLVInputError(
            "all columns must be one-dimensional and of the same length"
        )
    for a in arrays:
        if not np.all(np.isfinite(a)):
            raise CLVInputError("the data contains missing or infinite values")
        if np.any(a < 0):
            raise CLVInputError("the data contains negative values")
    return arrays


def _check_rfm(frequency, recency, T):
    x, t_x, T = _arrays(frequency, recency, T)
    if np.any(t_x > T + 1e-9):
        raise CLVInputError("recency cannot be larger than the customer's age T")
    if np.any((x == 0) & (t_x > 0)):
        raise CLVInputError("a customer without repeat purchases has recency 0")
    if np.any(np.round(x) != x):
        raise CLVInputError("frequency must be a whole number of repeat purchases")
    return x, t_x, T


# ---------------------------------------------------------------------------
# BG/NBD
# ---------------------------------------------------------------------------
def _bgnbd_terms(r, alpha, a, b, x, t_x, T):
    """Return (log of the part without the dropout term, log ratio)."""
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(
            x > 0,
            np.log(a)
            - np.log(np.maximum(b + x - 1, 1e-300))
            - (r + x) * np.log(alpha + t_x),
            -np.inf,
        )
    return a1, a2, a3, a4


def bgnbd_log_likelihood(params, frequency, recency, T):
    """Total log-likelihood of the BG/NBD model for ``params = (r, alpha, a, b)``."""
    r, alpha, a, b = params
    x, t_x, T = _check_rfm(frequency, recency, T)
    a1, a2, a3, a4 = _bgnbd_terms(r, alpha, a, b, x, t_x, T)
    return float(np.sum(a1 + a2 + np.logaddexp(a3, a4)))


def _fit(negll, start, names):
    best = None
    for guess in start:
        res = minimize(
            negll,
            np.log(guess),
            method="Nelder-Mead",
            options={
                "maxiter": 8000,
                "maxfev": 16000,
                "xatol": 1e-7,
                "fatol": 1e-9,
            },
        )
        res = minimize(negll, res.x, method="L-BFGS-B")
        if np.isfinite(res.fun) and (best is None or res.fun < best.fun):
            best = res
    if best is None:
        raise CLVInputError("the model could not be fitted to these data")
    if np.any(np.abs(best.x) >= 29.9):
        # the likelihood is flattest at a bound (e.g. one customer, everyone on
        # one day): the "fit" predicts nonsense such as millions of purchases
        raise CLVInputError(
            "the data are too few or too uniform to fit the model "
            "(a parameter ran to its bound)"
        )
    params = dict(zip(names, np.exp(best.x).tolist(), strict=True))
    params["log_likelihood"] = -float(best.fun)
    return params


def fit_bgnbd(frequency, recency, T, penalizer=0.0):
    """Fit BG/NBD by maximum likelihood; return ``{"r", "alpha", "a", "b"}``.

    ``penalizer`` adds an L2 penalty on the parameters (0 = plain MLE), which
    keeps the fit stable on tiny or degenerate data sets.
    """
    x, t_x, T = _check_rfm(frequency, recency, T)
    if len(x) == 0:
        raise CLVInputError("no customers to fit")
    if not np.any(T > 0):
        raise CLVInputError("all customers are new: their age T is 0")
    if not np.any(x > 0):
        raise CLVInputError("no customer has a repeat purchase")

    def negll(logp):
        params = np.exp(np.clip(logp, -30, 30))
        r, alpha, a, b = params
        a1, a2, a3, a4 = _bgnbd_terms(r, alpha, a, b, x, t_x, T)
        ll = np.sum(a1 + a2 + np.logaddexp(a3, a4))
        if not np.isfinite(ll):
            return 1e100
        return -ll / len(x) + penalizer * float(np.sum(params**2))

    scale = float(np.mean(T)) or 1.0
    starts = [(0.5, scale / 4, 1.0, 2.0), (1.0, scale, 0.5, 1.0), (0.1, 1.0, 2.0, 5.0)]
    params = _fit(negll, starts, ("r", "alpha", "a", "b"))
    params["log_likelihood"] *= len(x)
    return params


def probability_alive(params, frequency, recency, T):
    """P(customer still active | x, t_x, T) under BG/NBD."""
    r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
    x, t_x, T = _check_rfm(frequency, recency, T)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        log_ratio = (
            np.log(a)
            - np.log(np.maximum(b + x - 1, 1e-300))
            + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
        )
    p = np.where(x > 0, 1.0 / (1.0 + np.exp(np.minimum(log_ratio, 700))), 1.0)
    return p


def expected_purchases(params, t, frequency, recency, T):
    """Expected number of purchases in the next ``t`` time units (BG/NBD eq. 10)."""
    r, alpha, a, b = (params[k] for k in ("r", "alpha", "a", "b"))
    x, t_x, T = _check_rfm(frequency, recency, T)
    if t < 0:
        raise CLVInputError("the horizon must not be negative")
    if t == 0:
        return np.zeros_like(x)
    z = t / (alpha + T + t)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        hyp = hyp2f1(r + x, b + x, a + b + x - 1, z)
        numerator = (
            (a + b + x - 1)
            / (a - 1)
            * (1 - np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + t))) * hyp)
        )
        log_ratio = (
            np.log(a)
            - np.log(np.maximum(b + x - 1, 1e-300))
            + (r + x) * (np.log(alpha + T) - np.log(alpha + t_x))
        )
    denominator = 1 + np.where(x > 0, np.exp(np.minimum(log_ratio, 700)), 0.0)
    result = numerator / denominator
    # hyp2f1 can fail numerically for extreme inputs: never return nonsense
    return np.where(np.isfinite(result) & (result >= 0), result, 0.0)


def _bgnbd_params(params):
    r, alpha, a, b = (float(params[k]) for k in ("r", "alpha", "a", "b"))
    if min(r, alpha, a, b) <= 0:
        raise CLVInputError("the BG/NBD parameters must be positive")
    return r, alpha, a, b


def probability_of_purchases(params, t, x):
    """P(X(t) = x): the probability that a new customer (just acquired)
    makes exactly ``x`` purchases in a period of length ``t`` (BG/NBD,
    Fader, Hardie & Lee 2005, eq. 8)::

        B(a, b+x)/B(a, b) * NBD(x; r, alpha/(alpha+t))
        + [x > 0] * B(a+1, b+x-1)/B(a, b) * P(NBD(r, alpha/(alpha+t)) >= x)

    where NBD(j; r, p) = Gamma(r+j)/(Gamma(r) j!) p^r (1-p)^j is the
    negative-binomial probability (the closed-form sum of the paper's
    bracket is its survival function). ``x``: a whole number or an array of
    them; returns an array of probabilities of the same shape.
    """
    r, alpha, a, b = _bgnbd_params(params)
    x = np.asarray(x, dtype=float)
    if np.any(x < 0) or np.any(np.round(x) != x):
        raise CLVInputError("the number of purchases must be a whole number >= 0")
    if t < 0:
        raise CLVInputError("the period must not be negative")
    if t == 0:
        return np.where(x == 0, 1.0, 0.0)
    p = alpha / (alpha + t)
    first = np.exp(betaln(a, b + x) - betaln(a, b)) * nbinom.pmf(x, r, p)
    with np.errstate(divide="ignore", invalid="ignore"):
        second = np.where(
            x > 0,
            np.exp(betaln(a + 1, np.maximum(b + x - 1, 1e-300)) - betaln(a, b))
            * nbinom.sf(x - 1, r, p),
            0.0,
        )
    return first + second


def expected_purchases_new_customer(params, t):
    """E[X(t)]: the expected number of purchases of a new customer in a
    period of length ``t`` (BG/NBD, Fader, Hardie & Lee 2005, eq. 7)."""
    r, alpha, a, b = _bgnbd_params(params)
    if t < 0:
        raise CLVInputError("the period must not be negative")
    if t == 0:
        return 0.0
    if abs(a - 1) < 1e-9:
        # eq. 7 divides by a - 1: its limit, numerically
        a = 1 + 1e-9
    z = t / (alpha + t)
    return float(
        (a + b - 1)
        / (a - 1)
        * (1 - (alpha / (alpha + t)) ** r * hyp2f1(r, b, a + b - 1, z))
    )


def probability_purchase_within(params, tau, frequency, recency, T):
    """P(at least one purchase in the next ``tau`` | x, t_x, T): the customer
    is alive (BG/NBD drops out only right after a purchase, so one alive now
    stays alive until the next purchase) and its next purchase comes within
    ``tau``. Alive, its purchase rate has the posterior Gamma(r + x, alpha + T),
    so P(no purchase in tau | alive) = ((alpha + T) / (alpha + T + tau))^(r + x)
    and the result is P(alive) * (1 - that)."""
    r, alpha, _a, _b = _bgnbd_params(params)
    if tau < 0:
        raise CLVInputError("the horizon must not be negative")
    x, _t_x, T = _check_rfm(frequency, recency, T)
    alive = probability_alive(params, frequency, recency, T)
    none = np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + T + tau)))
    return alive * (1.0 - none)


# ---------------------------------------------------------------------------
# Gamma-Gamma
# ---------------------------------------------------------------------------
def _gg_check(frequency, monetary_value):
    x, m = _arrays(frequency, monetary_value)
    keep = (x > 0) & (m > 0)
    return x[keep], m[keep]


def gamma_gamma_log_likelihood(params, frequency, monetary_value):
    """Total log-likelihood of the Gamma-Gamma model for ``(p, q, v)``."""
    p, q, v = params
    x, m = _gg_check(frequency, monetary_value)
    return float(np.sum(_gg_ll(p, q, v, x, m)))


def _gg_ll(p, q, v, x, m):
    return (
        gammaln(p * x + q)
        - gammaln(p * x)
        - gammaln(q)
        + q * np.log(v)
        + (p * x - 1) * np.log(m)
        + p * x * np.log(x)
        - (p * x + q) * np.log(x * m + v)
    )


def fit_gamma_gamma(frequency, monetary_value, penalizer=0.0):
    """Fit Gamma-Gamma on repeat customers; return ``{"p", "q", "v"}``.

    Customers with no repeat purchase (``frequency == 0``) or no value are
    left out, as the model requires.
    """
    x, m = _gg_check(frequency, monetary_value)
    if len(x) < 2:
        raise CLVInputError("at least two customers with repeat purchases are needed")

    def negll(logp):
        params = np.exp(np.clip(logp, -30, 30))
        p, q, v = params
        ll = np.sum(_gg_ll(p, q, v, x, m))
        if not np.isfinite(ll):
            return 1e100
        return -ll / len(x) + penalizer * float(np.sum(params**2))

    mean = float(np.mean(m))
    starts = [(1.0, 2.0, mean), (5.0, 3.0, mean / 2), (0.5, 5.0, mean * 2)]
    params = _fit(negll, starts, ("p", "q", "v"))
    params["log_likelihood"] *= len(x)
    return params


def conditional_expected_average_value(params, frequency, monetary_value):
    """E[average order value | x, mean value], the population mean if x == 0."""
    p, q, v = (params[k] for k in ("p", "q", "v"))
    x, m = _arrays(frequency, monetary_value)
    if q <= 1:
        # the population mean is infinite: fall back on the observed mean
        return np.where(x > 0, m, 0.0)
    population = p * v / (q - 1)
    individual = (p * (v + x * m)) / (p * x + q - 1)
    return np.where(x > 0, individual, population)


def customer_lifetime_value(
    bgnbd_params,
    gg_params,
    frequency,
    recency,
    T,
    monetary_value,
    horizon=12,
    discount_rate=0.01,
    period_days=7.0,
):
    """Discounted expected value of the next ``horizon`` months.

    ``T``/``recency`` are in units of ``period_days`` days (weeks by default),
    ``discount_rate`` is monthly. Months are 30 days, as in Fader-Hardie.
    """
    x, t_x, T = _check_rfm(frequency, recency, T)
    value = conditional_expected_average_value(gg_params, x, monetary_value)
    total = np.zeros_like(x)
    previous = np.zeros_like(x)
    months = int(np.ceil(horizon))
    for month in range(1, months + 1):
        t = min(month, horizon) * 30.0 / period_days
        cumulative = expected_purchases(bgnbd_params, t, x, t_x, T)
        total += value * (cumulative - previous) / (1 + discount_rate) ** month
        previous = cumulative
    return total
