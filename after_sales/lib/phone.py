"""Phone numbers as a call centre compares them.

``normalize_phone("+86 138-0013-8000") == normalize_phone("13800138000")``:
everything but digits is dropped, the international prefix of China (+86 or
0086) is removed and, for a landline given in international form (``+86 10
6552 9988``), the trunk 0 is put back (``01065529988``), so that a number
matches however it was typed or shown by the telephone system.
"""

import re

NOT_DIGIT = re.compile(r"[^\d+]")
CN_PREFIX = re.compile(r"^(\+86|0086)")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
# shorter digit strings are extensions or typing errors, not numbers
MIN_DIGITS = 5


def normalize_phone(number):
    """The comparable form of a phone number, or False."""
    if not number:
        return False
    text = NOT_DIGIT.sub("", number)
    international = CN_PREFIX.match(text)
    if international:
        text = text[international.end() :]
        if text and not MOBILE.match(text) and not text.startswith("0"):
            text = "0" + text
    text = text.replace("+", "")
    return text if len(text) >= MIN_DIGITS else False
