"""Chinese display formats for amounts and phone numbers, importable without Odoo.

* :func:`amount_in_words`: 大写金额 for cheques, contracts and invoices
  (壹佰贰拾叁元肆角伍分, 壹佰万元整, 负壹佰元整), through ``cn2an``.
* :func:`amount_short`: amounts summarised in 万 / 亿 for dashboards and
  reports (``12345678`` → ``1,234.57万``), plain with thousands separators
  below 10,000, optionally with the ¥ sign.
* :func:`phone_display`: mobile numbers in groups of 3-4-4 (``138 0013 8000``),
  landlines with their area code (``010-1234 5678``, ``0571-8888 6666``),
  service numbers ``400-820-8820``; anything else comes back unchanged.

Amounts are rounded half up to the fen (0.01), as Chinese invoices are.
"""

import math
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import cn2an

from . import phone

__all__ = ["amount_in_words", "amount_short", "parse_phone", "phone_display"]

# cn2an's rmb mode spells up to 9999 万亿 (16 integer digits)
MAX_AMOUNT = Decimal("9999999999999999.99")
WAN = Decimal(10000)
YI = Decimal(100000000)
CENT = Decimal("0.01")


def _to_decimal(amount):
    """``amount`` (int, float, Decimal or numeric string) as a finite Decimal."""
    if isinstance(amount, bool) or amount is None:
        raise ValueError(f"not an amount: {amount!r}")
    if isinstance(amount, float):
        if not math.isfinite(amount):
            raise ValueError(f"not a finite amount: {amount!r}")
        # repr gives the shortest string that reads back as the float: 0.1, not
        # 0.1000000000000000055511151231257827
        amount = repr(amount)
    try:
        value = Decimal(str(amount).strip().replace(",", ""))
    except InvalidOperation as error:
        raise ValueError(f"not an amount: {amount!r}") from error
    if not value.is_finite():
        raise ValueError(f"not a finite amount: {amount!r}")
    return value


def amount_in_words(amount):
    """大写金额 of ``amount`` in yuan: 壹佰贰拾叁元肆角伍分, 壹佰万元整, 伍分, 零元整.

    Negative amounts start with 负. Rounded half up to the fen. Raises
    ``ValueError`` for what is not a finite number or beyond 9999 万亿.
    """
    value = _to_decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    if abs(value) > MAX_AMOUNT:
        raise ValueError(f"amount too large to write in words: {amount!r}")
    if value == 0:
        return "零元整"
    words = cn2an.an2cn(f"{abs(value):f}", "rmb")
    return ("负" if value < 0 else "") + words


def amount_short(amount, symbol=False, digits=2):
    """``amount`` summarised in 万 or 亿 with ``digits`` decimals.

    ``12345678`` → ``1,234.57万``; ``123456789012`` → ``1,234.57亿``;
    ``9876.5`` → ``9,876.50``; with ``symbol`` → ``¥1,234.57万``;
    negative → ``-¥1,234.57万``. A value that rounds up to the next unit
    changes unit (``99999999`` → ``1.00亿``).
    """
    value = _to_decimal(amount)
    digits = max(int(digits), 0)
    step = Decimal(1).scaleb(-digits)
    magnitude = abs(value)
    unit, scaled = "", magnitude.quantize(step, rounding=ROUND_HALF_UP)
    if scaled >= WAN:
        unit, scaled = "万", (magnitude / WAN).quantize(step, rounding=ROUND_HALF_UP)
        if scaled >= WAN:
            unit = "亿"
            scaled = (magnitude / YI).quantize(step, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 and scaled != 0 else ""
    return f"{sign}{'¥' if symbol else ''}{scaled:,.{digits}f}{unit}"


def parse_phone(number):
    """``(kind, digits, extension)`` of a Chinese phone number, or ``None``.

    ``kind`` is ``"mobile"``, ``"landline"`` (with its area code) or
    ``"service"`` (400/800); ``digits`` has no separators and no +86 / 0086.
    The parsing is :func:`key_account.lib.phone.parse`'s.
    """
    parsed = phone.parse(number, phone.CN)
    if not parsed or parsed.country_code != phone.CN_CODE or parsed.kind == "other":
        return None
    if parsed.kind == "mobile" and parsed.extension:
        return None
    return parsed.kind, parsed.national, parsed.extension


def phone_display(number):
    """A phone number as people write it (:func:`key_account.lib.phone.display`).

    Mobile ``13800138000`` → ``138 0013 8000``; landline ``01012345678`` →
    ``010-1234 5678``; ``057188886666`` → ``0571-8888 6666``; ``4008208820``
    → ``400-820-8820``. A leading +86 / 0086 is dropped. An extension after
    转, ext or # is kept (``010-1234 5678 转 801``). Anything that is not a
    number comes back unchanged (stripped); empty gives ``""``.
    """
    return phone.display(number, phone.CN)
