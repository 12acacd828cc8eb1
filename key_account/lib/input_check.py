"""Values PostgreSQL would refuse with its own message (in English, naming
its internals), refused first with a clear error in the user's language:
the one check every addon's models call in their ``create`` and ``write``.

* a NUL character in a text (PostgreSQL cannot store it);
* an integer outside PostgreSQL's ``integer`` range;
* a date or date-time that is not one (``2026-13-45``, ``abc``).

Lengths are not checked here: a text of any length is stored, except where
an index limits it (the partner's own check, ``_ka_check_sizes``).
"""

from odoo import fields
from odoo.exceptions import ValidationError

INT_MIN = -(2**31)
INT_MAX = 2**31 - 1
TEXT_TYPES = ("char", "text", "html")


def _bad_value(field, value):
    """The reason ``value`` cannot be stored in ``field``, or None."""
    if field.type in TEXT_TYPES:
        if isinstance(value, str) and "\x00" in value:
            return "nul"
    elif field.type == "integer":
        number = isinstance(value, int) and not isinstance(value, bool)
        if number and not INT_MIN <= value <= INT_MAX:
            return "integer"
    elif field.type in ("date", "datetime") and isinstance(value, str) and value:
        try:
            if field.type == "date":
                fields.Date.to_date(value)
            else:
                fields.Datetime.to_datetime(value)
        except ValueError:
            return "date"
    return None


def check_input(records, vals_list):
    """ValidationError in the user's language for the first value of
    ``vals_list`` (the dicts given to ``create``, or ``[vals]`` of
    ``write``) that the database cannot store."""
    env = records.env
    for vals in vals_list:
        for fname, value in vals.items():
            field = records._fields.get(fname)
            if field is None or not field.store:
                continue
            reason = _bad_value(field, value)
            if reason is None:
                continue
            label = field._description_string(env)
            if reason == "nul":
                raise ValidationError(
                    env._(
                        "%(field)s contains a character that cannot be stored "
                        "(NUL, code 0).",
                        field=label,
                    )
                )
            if reason == "integer":
                raise ValidationError(
                    env._(
                        "%(field)s is out of range: %(value)s (from %(min)s to "
                        "%(max)s).",
                        field=label,
                        value=value,
                        min=INT_MIN,
                        max=INT_MAX,
                    )
                )
            raise ValidationError(
                env._(
                    "%(field)s is not a valid date: %(value)s",
                    field=label,
                    value=value[:40],
                )
            )
