"""The CLV estimators against the CDNOW data set and its published estimates.

BG/NBD: Fader, Hardie & Lee (2005), "Counting your customers the easy way",
Marketing Science 24(2): r = 0.243, alpha = 4.414, a = 0.793, b = 2.426,
log-likelihood -9582.4.  Gamma-Gamma: Fader & Hardie (2013), "The Gamma-Gamma
model of monetary value": p = 6.25, q = 3.74, v = 15.44 (946 repeat buyers).
"""

import csv
import os

import clv
import numpy as np
import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(os.path.dirname(HERE), "data", "cdnow", "cdnow_summary.csv")


@pytest.fixture(scope="module")
def cdnow():
    with open(DATA, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    cols = {k: np.array([float(r[k]) for r in rows]) for k in ("x", "t_x", "T", "zbar")}
    return cols


@pytest.fixture(scope="module")
def bg(cdnow):
    return clv.fit_bgnbd(cdnow["x"], cdnow["t_x"], cdnow["T"])


def test_cdnow_has_the_published_size(cdnow):
    assert len(cdnow["x"]) == 2357
    assert int((cdnow["x"] > 0).sum()) == 946


def test_bgnbd_matches_the_published_estimates(bg):
    assert bg["r"] == pytest.approx(0.243, abs=0.002)
    assert bg["alpha"] == pytest.approx(4.414, abs=0.02)
    assert bg["a"] == pytest.approx(0.793, abs=0.005)
    assert bg["b"] == pytest.approx(2.426, abs=0.02)
    assert bg["log_likelihood"] == pytest.approx(-9582.4, abs=0.5)


def test_bgnbd_published_customer_predictions(bg, cdnow):
    # the paper's worked example: x = 2, t_x = 30.43, T = 38.86
    # -> 1.226 purchases in the next 39 weeks
    e = clv.expected_purchases(bg, 39, [2], [30.43], [38.86])
    assert e[0] == pytest.approx(1.226, abs=0.01)
    # a customer without repeat purchases is alive by the model's definition
    assert clv.probability_alive(bg, [0], [0], [38.86])[0] == 1.0
    # a frequent buyer who stopped long ago is probably gone
    p = clv.probability_alive(bg, [10, 10], [5, 38], [38.86, 38.86])
    assert p[0] < 0.05
    assert p[1] > 0.9
    # the 39-week holdout had 1,788 actual repeat purchases; the conditional
    # forecasts of this fit add up to 1,653 (within 10 %, as the paper's figure 3)
    total = clv.expected_purchases(bg, 39, cdnow["x"], cdnow["t_x"], cdnow["T"]).sum()
    assert total == pytest.approx(1788, rel=0.10)


def test_gamma_gamma_matches_the_published_estimates(cdnow):
    gg = clv.fit_gamma_gamma(cdnow["x"], cdnow["zbar"])
    assert gg["p"] == pytest.approx(6.25, abs=0.05)
    assert gg["q"] == pytest.approx(3.74, abs=0.05)
    assert gg["v"] == pytest.approx(15.44, abs=0.1)
    # the paper's population mean spend E(M) = p v / (q - 1) = 35.22
    pop = clv.conditional_expected_average_value(gg, [0], [0])[0]
    assert pop == pytest.approx(35.22, abs=0.3)
    # shrinkage: a customer's expected value lies between own mean and population mean
    e = clv.conditional_expected_average_value(gg, [1, 20], [100.0, 100.0])
    assert pop < e[0] < e[1] < 100


def test_clv_is_positive_and_grows_with_the_horizon(bg, cdnow):
    gg = clv.fit_gamma_gamma(cdnow["x"], cdnow["zbar"])
    args = (bg, gg, cdnow["x"], cdnow["t_x"], cdnow["T"], cdnow["zbar"])
    one = clv.customer_lifetime_value(*args, horizon=6)
    two = clv.customer_lifetime_value(*args, horizon=12)
    assert np.all(one >= 0)
    assert np.all(two >= one)
    assert two.sum() > one.sum()


@pytest.mark.parametrize(
    "x, t_x, T, message",
    [
        ([1], [5], [3], "recency"),
        ([0], [2], [3], "recency 0"),
        ([-1], [0], [3], "negative"),
        ([1, 2], [1], [3, 4], "same length"),
        ([float("nan")], [0], [3], "missing"),
        ([], [], [], "no customers"),
        ([0, 0], [0, 0], [3, 4], "no customer has a repeat"),
    ],
)
def test_bad_input_is_refused_with_a_reason(x, t_x, T, message):
    with pytest.raises(clv.CLVInputError, match=message):
        clv.fit_bgnbd(x, t_x, T)


def test_gamma_gamma_needs_repeat_customers():
    with pytest.raises(clv.CLVInputError):
        clv.fit_gamma_gamma([0, 1], [0, 10])


def test_probability_of_x_purchases_fits_the_calibration_histogram(cdnow):
    # FHL (2005) figure 2: the customers with 0, 1, ... 6, 7+ repeat purchases
    # in the calibration period against sum_i P(X(T_i) = x) of the published
    # parameters (customers of one cohort share their T)
    params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    x, T = cdnow["x"], cdnow["T"]
    xs = np.arange(0, 7)
    predicted = np.zeros(len(xs))
    mean = 0.0
    for age in np.unique(T):
        n = int((T == age).sum())
        predicted += n * clv.probability_of_purchases(params, age, xs)
        mean += n * clv.expected_purchases_new_customer(params, age)
    actual = np.array([(x == k).sum() for k in xs])
    assert predicted[0] == pytest.approx(actual[0], rel=0.01)  # 1406.5 vs 1411
    assert np.all(np.abs(predicted - actual) <= 0.1 * actual + 5)
    # the model's repeat purchases of the period against the actual 2,457
    assert mean == pytest.approx(x.sum(), rel=0.03)
    # over x the probabilities add up to 1 and their mean is E[X(t)]
    many = np.arange(0, 3000)
    p = clv.probability_of_purchases(params, 39, many)
    assert p.sum() == pytest.approx(1, abs=1e-6)
    assert (many * p).sum() == pytest.approx(
        clv.expected_purchases_new_customer(params, 39), abs=1e-6
    )
