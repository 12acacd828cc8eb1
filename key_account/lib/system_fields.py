"""Fields the system sets (the nightly pipeline, the pool, the check-in and
rating flows…) and users may not: the one check every addon's models call
first in their ``create`` and ``write``.

``readonly=True`` only hides a field's input in the web client: over RPC
(``/web/dataset/call_kw``, XML-RPC) any user with write access to a record
can still send it. The system's flows write these fields in superuser mode
(``sudo()``, after their own check of the caller) or with SQL.
"""

from odoo.exceptions import AccessError


def refused_fields(env, fnames, vals_list, creating=False, defaults=None):
    """The fields of ``fnames`` that ``vals_list`` sets and the user may not.

    A new record may come with an empty value or the field's default
    (``defaults``: {field: value}), as the web client sends them back."""
    if env.su:
        return set()
    defaults = defaults or {}
    refused = set()
    for vals in vals_list:
        for fname in set(fnames).intersection(vals):
            value = vals[fname]
            if creating and (not value or value == defaults.get(fname)):
                continue
            refused.add(fname)
    return refused


def check_system_fields(records, fnames, vals_list, creating=False, defaults=None):
    """AccessError in the user's language naming the fields of ``fnames``
    that a user (not the superuser) sets in ``vals_list`` (the dicts given
    to ``create``, or ``[vals]`` of ``write``)."""
    env = records.env
    refused = refused_fields(env, fnames, vals_list, creating, defaults)
    if refused:
        labels = sorted(
            records._fields[fname]._description_string(env) for fname in refused
        )
        raise AccessError(
            env._(
                "These fields are computed by the system and cannot be changed: "
                "%(fields)s",
                fields=", ".join(labels),
            )
        )
