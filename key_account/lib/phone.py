"""Phone numbers: the one definition every addon uses, importable without Odoo.

* :func:`parse`: what a typed number is (country code, national digits, kind,
  extension), whatever the separators, full-width digits (１３８…, ＋８６) or
  international prefixes (+86, 0086) it was typed with;
* :func:`normalize`: the comparable form that is stored and indexed on
  partners (``ka_phone_normalized``): ``13800138000`` for a Chinese mobile,
  ``01065529988`` for a Chinese landline (``+86 10 6552 9988`` too),
  ``+32455000000`` for a number of another country;
* :func:`check`: ``None`` for an acceptable number, else why it is not;
* :func:`display`: the number as people write it (``138 0013 8000``,
  ``010-6552 9988``, ``400-820-8820``, ``+1 650-253-0000``).

The region is the ISO code of the country whose rules apply to a number
typed without a country code (``"CN"`` for a Chinese partner); ``None`` when
no country is known, in which case only numbers with a country code are
checked. Numbers of other countries are parsed and checked by
``phonenumbers`` (Google's libphonenumber metadata).
"""

import re
import unicodedata
from typing import NamedTuple

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

__all__ = ["Phone", "check", "display", "normalize", "parse"]

CN = "CN"
CN_CODE = 86
# the longest text taken for a phone number (with extension and separators)
MAX_LENGTH = 64
# shorter digit strings are extensions or typing errors, not numbers
MIN_DIGITS = 5

MOBILE_CN = re.compile(r"^1[3-9]\d{9}$")
# 010 (Beijing) and 020-029 are the three-digit area codes; the others have four
AREA3 = re.compile(r"^(010|02\d)(\d{8})$")
AREA4 = re.compile(r"^(0[3-9]\d{2})(\d{7,8})$")
SERVICE = re.compile(r"^([48]00)(\d{3})(\d{4})$")
EXTENSION = re.compile(r"(?:转|分机|ext\.?|x|#)\s*(\d{1,6})$", flags=re.IGNORECASE)
SEPARATORS = re.compile(r"[\s\-()（）./]")
DIGITS = re.compile(r"^\+?\d+$")


class Phone(NamedTuple):
    """A parsed number. ``national``: for China the digits as dialled inside
    China (trunk 0 of landlines included); elsewhere the national significant
    number. ``kind``: mobile, landline, service (400/800) or other."""

    country_code: int
    national: str
    kind: str
    extension: str
    valid: bool

    @property
    def key(self):
        """The comparable form (see :func:`normalize`)."""
        if self.country_code == CN_CODE:
            return self.national
        return f"+{self.country_code}{self.national}"


def _clean(number):
    if not number or not isinstance(number, str):
        return ""
    return unicodedata.normalize("NFKC", number).strip()


def _split_extension(text):
    match = EXTENSION.search(text)
    if not match:
        return text, ""
    return text[: match.start()].strip(), match.group(1)


def _chinese(national, extension, international):
    """A Chinese number from its digits (without +86)."""
    # +86 10 6552 9988: the trunk 0 is dialled inside China
    if (
        international
        and not MOBILE_CN.match(national)
        and not national.startswith("0")
        and not SERVICE.match(national)
    ):
        national = "0" + national
    if MOBILE_CN.match(national):
        return Phone(CN_CODE, national, "mobile", extension, not extension)
    if AREA3.match(national) or AREA4.match(national):
        return Phone(CN_CODE, national, "landline", extension, True)
    if SERVICE.match(national):
        return Phone(CN_CODE, national, "service", extension, True)
    return Phone(CN_CODE, national, "other", extension, False)


def _foreign(number, extension):
    national = phonenumbers.national_significant_number(number)
    kind = {
        PhoneNumberType.MOBILE: "mobile",
        PhoneNumberType.FIXED_LINE: "landline",
        PhoneNumberType.FIXED_LINE_OR_MOBILE: "mobile",
        PhoneNumberType.TOLL_FREE: "service",
    }.get(phonenumbers.number_type(number), "other")
    return Phone(
        number.country_code,
        national,
        kind,
        extension,
        phonenumbers.is_valid_number(number),
    )


def parse(number, region=CN):
    """The :class:`Phone` of ``number`` typed in ``region``, or ``None`` when
    it is not a phone number at all (letters, too long, too few digits)."""
    text = _clean(number)
    if not text or len(text) > MAX_LENGTH:
        return None
    text, extension = _split_extension(text)
    digits = SEPARATORS.sub("", text)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not DIGITS.match(digits) or len(digits.lstrip("+")) < MIN_DIGITS:
        return None
    if digits.startswith("+"):
        if digits.startswith(f"+{CN_CODE}"):
            return _chinese(digits[3:], extension, True)
        try:
            parsed = phonenumbers.parse(digits, None)
        except NumberParseException:
            return None
        return _foreign(parsed, extension)
    if region in (None, CN):
        # without a country, a number without country code is compared as typed
        phone = _chinese(digits, extension, False)
        if region is None and not phone.valid:
            return Phone(0, digits, "other", extension, False)
        return phone
    try:
        parsed = phonenumbers.parse(digits, region)
    except NumberParseException:
        return Phone(0, digits, "other", extension, False)
    if parsed.country_code == CN_CODE:
        return _chinese(
            phonenumbers.national_significant_number(parsed), extension, True
        )
    return _foreign(parsed, extension)


def normalize(number, region=CN):
    """The form a number is stored, indexed and compared in, or ``False``.

    ``normalize("+86 138-0013-8000") == normalize("１３８００１３８０００")
    == "13800138000"``; ``normalize("+86 10 6552 9988") == "01065529988"``;
    a number of another country keeps its country code (``+32455000000``).
    The extension is not part of it: the switchboard is the same number."""
    phone = parse(number, region)
    if not phone:
        return False
    if phone.country_code == 0:
        return phone.national
    return phone.key


def check(number, region=CN, mobile=False):
    """``None`` when ``number`` is acceptable in ``region``, else the reason:
    ``"format"`` (not a phone number), ``"mobile"`` (not a mobile number of
    China), ``"invalid"`` (not a valid number of its country). Numbers without
    a country code and without a known region are not checked."""
    if not _clean(number):
        return None
    phone = parse(number, region)
    if not phone:
        return "mobile" if mobile and region == CN else "format"
    if phone.country_code == 0:
        return None
    if phone.country_code == CN_CODE:
        if mobile and phone.kind != "mobile":
            return "mobile"
        return None if phone.valid or phone.kind != "other" else "invalid"
    return None if phone.valid else "invalid"


def display(number, region=CN):
    """``number`` as people write it; anything that is not a number comes back
    unchanged (stripped); empty gives ``""``."""
    text = _clean(number)
    phone = parse(number, region)
    if not phone:
        return str(number).strip() if number else ""
    national, extension = phone.national, phone.extension
    if phone.country_code == CN_CODE and phone.kind == "mobile":
        shown = f"{national[:3]} {national[3:7]} {national[7:]}"
    elif phone.country_code == CN_CODE and phone.kind == "service":
        shown = "-".join(SERVICE.match(national).groups())
    elif phone.country_code == CN_CODE and phone.kind == "landline":
        area, local = (AREA3.match(national) or AREA4.match(national)).groups()
        shown = f"{area}-{local[:-4]} {local[-4:]}"
    elif phone.country_code not in (0, CN_CODE) and phone.valid:
        shown = phonenumbers.format_number(
            phonenumbers.parse(f"+{phone.country_code}{national}", None),
            phonenumbers.PhoneNumberFormat.INTERNATIONAL,
        )
    else:
        return _split_extension(text)[0] + (f" 转 {extension}" if extension else "")
    return f"{shown} 转 {extension}" if extension else shown
