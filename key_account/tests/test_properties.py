"""Property-based tests (hypothesis): Chinese identifiers and phone numbers,
grade rules over random conditions, CLV estimators on degenerate data, the
Chinese formats. Examples are few and derandomised so the suite stays fast
and repeatable; each test logs how many examples it ran."""

import logging
import math
import os
import tempfile

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import configuration as hypothesis_configuration
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tests.common import BaseCase
from odoo.tools import mute_logger

from ..lib import clv, cn_format
from .common import KeyAccountCommon

_logger = logging.getLogger(__name__)

# hypothesis keeps caches in ./.hypothesis: not in the repository
hypothesis_configuration.set_hypothesis_home_dir(
    os.path.join(tempfile.gettempdir(), "kam-hypothesis")
)

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def examples(count):
    return settings(
        max_examples=count,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


valid_uscc = st.builds(
    lambda head, tail: head + tail,
    st.text("0123456789", min_size=8, max_size=8),
    st.text(USCC_ALPHABET, min_size=9, max_size=9),
).map(lambda body: body + stdnum_uscc.calc_check_digit(body))

mobile_number = st.builds(
    lambda second, rest, prefix, sep: (
        prefix + "1" + second + sep.join([rest[:2], rest[2:6], rest[6:]])
    ),
    st.sampled_from("3456789"),
    st.text("0123456789", min_size=9, max_size=9),
    st.sampled_from(["", "+86", "+86 ", "0086"]),
    st.sampled_from(["", " ", "-"]),
)

landline_number = st.one_of(
    st.builds(
        lambda area, local: f"{area}-{local}",
        st.sampled_from(["010", "020", "021", "025", "029"]),
        st.text("0123456789", min_size=8, max_size=8),
    ),
    st.builds(
        lambda area, local: f"{area}{local}",
        st.sampled_from(["0571", "0755", "0311", "0898"]),
        st.text("0123456789", min_size=7, max_size=8),
    ),
)


class Counter:
    def __init__(self):
        self.n = 0

    def __call__(self):
        self.n += 1


@tagged("post_install", "-at_install")
class TestIdentifierProperties(KeyAccountCommon):
    def _create(self, **vals):
        # as our screens and the import create them: phone numbers checked
        with self.env.cr.savepoint():
            return (
                self.env["res.partner"]
                .with_context(ka_check_phones=True)
                .create({"name": "属性测试公司", **vals})
            )

    def test_valid_uscc_accepted(self):
        ran = Counter()

        @examples(100)
        @given(code=valid_uscc, lower=st.booleans(), spaced=st.booleans())
        def check(code, lower, spaced):
            ran()
            typed = code.lower() if lower else code
            if spaced:
                typed = f" {typed[:6]} {typed[6:]}-"
            partner = self._create(is_company=True, ka_uscc=typed)
            self.assertEqual(partner.ka_uscc, code)

        check()
        _logger.info("hypothesis: %s valid credit codes accepted", ran.n)

    def test_random_uscc_refused_clearly(self):
        ran = Counter()

        @examples(200)
        @given(text=st.text(max_size=24))
        def check(text):
            ran()
            if stdnum_uscc.is_valid(text):
                return
            if "\x00" not in text and not stdnum_uscc.compact(text):
                # blank after removing spaces and dashes: no code at all
                partner = self._create(is_company=True, ka_uscc=text)
                self.assertFalse(partner.ka_uscc)
                return
            with self.assertRaises(ValidationError) as caught:
                self._create(is_company=True, ka_uscc=text)
            # a NUL character gets the message of values nothing can store
            expected = "NUL" if "\x00" in text else "not valid"
            self.assertIn(expected, str(caught.exception))

        check()
        _logger.info("hypothesis: %s random credit codes refused", ran.n)

    def test_mobile_numbers(self):
        ran = Counter()

        @examples(100)
        @given(number=mobile_number)
        def check(number):
            ran()
            contact = self._create(parent_id=self.customer_a.id, mobile=number)
            self.assertEqual(contact.mobile, number)
            digits = number.replace(" ", "").replace("-", "")
            digits = digits.removeprefix("+86").removeprefix("0086")
            self.assertEqual(
                cn_format.phone_display(number),
                f"{digits[:3]} {digits[3:7]} {digits[7:]}",
            )

        check()
        _logger.info("hypothesis: %s mobile numbers accepted", ran.n)

    def test_bad_mobile_numbers_refused(self):
        ran = Counter()

        @examples(100)
        @given(digits=st.text("0123456789", min_size=1, max_size=14))
        def check(digits):
            ran()
            if len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789":
                return
            with self.assertRaisesRegex(ValidationError, "not a valid Chinese mobile"):
                self._create(parent_id=self.customer_a.id, mobile=digits)

        check()
        _logger.info("hypothesis: %s bad mobile numbers refused", ran.n)


@tagged("post_install", "-at_install")
class TestGradeRuleProperties(KeyAccountCommon):
    FIELDS = {
        "ka_revenue_12m": st.one_of(st.integers(-(10**12), 10**12), st.floats()),
        "ka_order_count": st.integers(-5, 10**6),
        "ka_days_since_order": st.one_of(st.integers(-10, 5000), st.text(max_size=3)),
        "ka_rfm_segment": st.sampled_from(["important_value", "general_keep", "x"]),
        "ka_status": st.sampled_from(["active", "lost", "nonsense"]),
        "ka_customer_type": st.sampled_from(["end_customer", "partner", False]),
        "ka_last_order_date": st.sampled_from(["2026-01-01", "not a date", False]),
        "name": st.text(max_size=6),
        "user_id": st.one_of(st.integers(0, 10**6), st.none()),
        "team_id.name": st.text(max_size=4),
        "no_such_field": st.integers(),
    }
    OPERATORS = ["=", "!=", ">", ">=", "<", "<=", "in", "not in", "ilike", "=?", "@@"]

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["key_account.grade.rule"].search([]).active = False
        cls.customer_a.ka_grade_id = cls.grade_c

    def test_random_rules_refused_clearly_or_working(self):
        leaf = st.builds(
            lambda field, op, value, as_list: (
                field,
                op,
                [value] if as_list else value,
            ),
            st.sampled_from(list(self.FIELDS)),
            st.sampled_from(self.OPERATORS),
            st.one_of(*self.FIELDS.values()),
            st.booleans(),
        )
        domain = st.one_of(
            st.lists(leaf, max_size=3),
            st.lists(leaf, min_size=2, max_size=2).map(lambda d: ["|", *d]),
            st.sampled_from(["1", "None", "'x'", "[(1, '=', 1)]", "[", "((", "[()]"]),
        )
        ran = Counter()
        outcome = {"refused": 0, "working": 0}
        Rule = self.env["key_account.grade.rule"]

        @examples(150)
        @given(domain=domain)
        def check(domain):
            ran()
            text = domain if isinstance(domain, str) else repr(domain)
            try:
                with self.env.cr.savepoint():
                    rule = Rule.create(
                        {
                            "name": "随机规则",
                            "grade_id": self.grade_a.id,
                            "domain": text,
                        }
                    )
            except ValidationError as error:
                self.assertIn("not valid", str(error))
                outcome["refused"] += 1
                return
            outcome["working"] += 1
            with self.env.cr.savepoint():
                # the refresh never crashes on a saved rule, and a rule that
                # was accepted runs (a skipped rule is logged as a warning)
                with self.assertNoLogs(
                    "odoo.addons.key_account.models.key_account_grade_rule", "WARNING"
                ):
                    Rule._apply_rules(self.env.company, self.env.company._ka_today())
                rule.active = False

        # Odoo warns about some random terms (= with a list): expected here
        with mute_logger("odoo.osv.expression"):
            check()
        _logger.info(
            "hypothesis: %s random grade rules, %s refused, %s working",
            ran.n,
            outcome["refused"],
            outcome["working"],
        )
        self.assertTrue(outcome["refused"] and outcome["working"])

    def test_rule_broken_after_saving_is_skipped(self):
        Rule = self.env["key_account.grade.rule"]
        broken = Rule.create(
            {"name": "坏了", "sequence": 1, "grade_id": self.grade_a.id, "domain": "[]"}
        )
        Rule.create(
            {"name": "其余", "sequence": 2, "grade_id": self.grade_c.id, "domain": "[]"}
        )
        # e.g. a field removed by an uninstall: written past the check
        self.env.cr.execute(
            "UPDATE key_account_grade_rule SET domain = %s WHERE id = %s",
            ("[('gone_field', '=', 1)]", broken.id),
        )
        broken.invalidate_recordset()
        Rule._apply_rules(self.env.company, self.env.company._ka_today())
        self.assertEqual(self.customer_b.ka_grade_id, self.grade_c)


@tagged("post_install", "-at_install")
class TestClvProperties(BaseCase):
    """The CLV estimators on degenerate data: a clear CLVInputError or a
    finite, sensible result, never another exception or NaN."""

    @staticmethod
    def customers(min_size=1, max_size=12, max_value=1e12):
        """(frequency, recency, age, monetary) columns that satisfy the model's
        rules (recency <= age, no recency without a repeat purchase)."""

        def one(draw_x, t_fraction, age, value):
            recency = 0.0 if draw_x == 0 else age * t_fraction
            return (float(draw_x), recency, age, value)

        row = st.builds(
            one,
            st.integers(0, 50),
            st.floats(0, 1),
            st.one_of(st.just(0.0), st.floats(0, 520)),
            st.one_of(st.just(0.0), st.floats(0, max_value)),
        )
        return st.lists(row, min_size=min_size, max_size=max_size).map(
            lambda rows: [np.array(col) for col in zip(*rows, strict=True)]
        )

    def _finite(self, values, low=0.0, high=math.inf):
        values = np.asarray(values, dtype=float)
        self.assertTrue(np.all(np.isfinite(values)), values)
        self.assertTrue(np.all(values >= low - 1e-9), values)
        self.assertTrue(np.all(values <= high + 1e-9), values)

    def test_fit_on_degenerate_data(self):
        ran = Counter()
        fitted = Counter()

        def cols(*columns):
            return [np.array(c, dtype=float) for c in columns]

        @examples(40)
        @given(data=self.customers(max_size=8))
        # one customer; nobody bought twice; everything on one day; zeros;
        # huge values
        @example(data=cols([3], [10], [20], [100]))
        @example(data=cols([0, 0, 0], [0, 0, 0], [5, 10, 20], [0, 0, 0]))
        @example(data=cols([0, 0], [0, 0], [0, 0], [0, 0]))
        @example(data=cols([1, 1, 1], [0, 0, 0], [0, 0, 0], [0, 0, 0]))
        @example(data=cols([5, 3, 40], [10, 5, 50], [20, 30, 52], [1e12, 1e11, 1e15]))
        def check(data):
            ran()
            x, t_x, age, money = data
            try:
                bg = clv.fit_bgnbd(x, t_x, age, penalizer=0.01)
            except clv.CLVInputError as error:
                self.assertTrue(str(error))
                return
            fitted()
            for key in ("r", "alpha", "a", "b"):
                self._finite([bg[key]])
            self._finite(clv.probability_alive(bg, x, t_x, age), 0, 1)
            self._finite(clv.expected_purchases(bg, 52, x, t_x, age))
            try:
                gg = clv.fit_gamma_gamma(x, money, penalizer=0.01)
            except clv.CLVInputError as error:
                self.assertTrue(str(error))
                return
            value = clv.customer_lifetime_value(bg, gg, x, t_x, age, money, horizon=12)
            self._finite(value)

        check()
        _logger.info("hypothesis: %s CLV fits on degenerate data", ran.n)
        # the estimators do fit where the data allows (not only refuse)
        self.assertGreater(fitted.n, 0)

    def test_predictions_with_any_parameters(self):
        ran = Counter()
        positive = st.floats(1e-6, 1e6)

        @examples(150)
        @given(
            data=self.customers(max_size=6),
            params=st.tuples(positive, positive, positive, positive),
            gg=st.tuples(positive, positive, positive),
            horizon=st.floats(0, 60),
        )
        def check(data, params, gg, horizon):
            ran()
            x, t_x, age, money = data
            bg = dict(zip(("r", "alpha", "a", "b"), params, strict=True))
            gg = dict(zip(("p", "q", "v"), gg, strict=True))
            self._finite(clv.probability_alive(bg, x, t_x, age), 0, 1)
            self._finite(clv.expected_purchases(bg, horizon, x, t_x, age))
            values = clv.conditional_expected_average_value(gg, x, money)
            self.assertFalse(np.any(np.isnan(values)))

        check()
        _logger.info("hypothesis: %s CLV predictions", ran.n)

    def test_clear_errors_on_bad_input(self):
        for args in (
            ([], [], []),
            ([0, 0], [0, 0], [0, 0]),
            ([0, 0], [0, 0], [5, 5]),
            ([1], [2], [1]),
            ([1, np.nan], [1, 1], [2, 2]),
            ([1, -1], [1, 1], [2, 2]),
            ([1.5], [1], [2]),
        ):
            with self.assertRaises(clv.CLVInputError):
                clv.fit_bgnbd(*args)
        with self.assertRaises(clv.CLVInputError):
            clv.fit_gamma_gamma([1], [100])
        with self.assertRaises(clv.CLVInputError):
            clv.fit_gamma_gamma([0, 0, 0], [0, 0, 0])


@tagged("post_install", "-at_install")
class TestFormatProperties(BaseCase):
    def test_amount_in_words_never_crashes(self):
        ran = Counter()

        @examples(200)
        @given(
            amount=st.one_of(
                st.integers(-(10**15), 10**15),
                st.decimals(-(10**15), 10**15, places=2, allow_nan=False),
                st.floats(-1e15, 1e15),
            )
        )
        def check(amount):
            ran()
            words = cn_format.amount_in_words(amount)
            self.assertTrue(words.endswith(("整", "角", "分")), words)
            self.assertEqual(words.startswith("负"), round(float(amount), 2) < 0)

        check()
        with self.assertRaises(ValueError):
            cn_format.amount_in_words(float("nan"))
        with self.assertRaises(ValueError):
            cn_format.amount_in_words(10**17)
        _logger.info("hypothesis: %s amounts in words", ran.n)

    def test_amount_short_and_phones(self):
        ran = Counter()

        @examples(150)
        @given(amount=st.floats(-1e14, 1e14), text=st.text(max_size=20))
        def check(amount, text):
            ran()
            short = cn_format.amount_short(amount, symbol=True)
            number = float(short.lstrip("-¥").rstrip("万亿").replace(",", ""))
            if not short.endswith("亿"):
                # 亿 is the largest unit: 1 万亿 is 10,000.00亿
                self.assertLess(number, 10000)
            self.assertAlmostEqual(
                number * {"万": 1e4, "亿": 1e8}.get(short[-1], 1),
                abs(amount),
                delta=max(abs(amount) * 1e-4, 0.01),
            )
            self.assertIsInstance(cn_format.phone_display(text), str)

        check()
        _logger.info("hypothesis: %s short amounts and phone texts", ran.n)

    def test_landlines(self):
        @examples(50)
        @given(number=landline_number)
        def check(number):
            shown = cn_format.phone_display(number)
            area, local = shown.split("-")
            self.assertTrue(area.startswith("0"))
            self.assertEqual(
                shown.replace("-", "").replace(" ", ""), number.replace("-", "")
            )
            self.assertIn(len(local.replace(" ", "")), (7, 8))

        check()
