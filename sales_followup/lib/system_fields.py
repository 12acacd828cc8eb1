"""Fields the system sets (nightly runs, the check-in flow) and users may not.

``readonly=True`` only hides a field's input in the web client: over RPC
(``/web/dataset/call_kw``, XML-RPC) any user with write access to a record
can still send it to ``create`` or ``write``. The models call
:func:`check_system_fields` first in their ``create`` and ``write``; the
flows that set these fields do it in superuser mode (``sudo()``, after their
own checks of the caller) or with SQL.
"""

from odoo.exceptions import AccessError
from odoo.tools.i18n import format_list


def check_system_fields(model, fnames, vals_list):
    """Refuse, outside superuser mode, any value for one of ``fnames`` in
    ``vals_list`` (the dicts given to ``create``, or ``[vals]`` of ``write``),
    with an AccessError in the user's language naming the fields."""
    if model.env.su:
        return
    touched = set()
    for vals in vals_list:
        touched.update(name for name in vals if name in fnames)
    if not touched:
        return
    labels = sorted(
        model._fields[name]._description_string(model.env) for name in touched
    )
    raise AccessError(
        model.env._(
            "%(fields)s: set by the system, these fields cannot be changed by hand.",
            fields=format_list(model.env, labels, lang_code=model.env.lang or "en_US"),
        )
    )
