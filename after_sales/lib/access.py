"""Who may call what: the role checks of the public methods (buttons, actions)
and the refusal of a user's values for the fields the system sets.

Every public method of a model is callable over RPC (/web/dataset/call_kw,
XML-RPC) by any logged-in user, portal included; ``readonly=True`` on a field
is only a hint to the web client. The system's own flows set those fields
through ``sudo()``, after the role check of the button that started them.
"""

from odoo.exceptions import AccessError

from odoo.addons.key_account.lib.system_fields import (
    check_system_fields as ka_check_system_fields,
)

STAFF = "after_sales.after_sales_group_user"
MANAGER = "after_sales.after_sales_group_manager"
SALESPERSON = "key_account.key_account_group_user"


def has_role(env, *groups):
    """True for the superuser and for a user in one of ``groups`` (XML ids)."""
    return env.su or any(env.user.has_group(group) for group in groups)


def check_key_reader(records):
    """AccessError unless the user is after-sales staff or a salesperson and
    may read ``records``: the buttons that open authorization keys."""
    env = records.env
    if not has_role(env, STAFF, SALESPERSON):
        raise AccessError(
            env._("Only after-sales staff and salespeople can open authorization keys.")
        )
    records.check_access("read")


def check_system_fields(records, vals_list, creating=False, defaults=None):
    """AccessError when a user sets fields of ``records._as_system_fields()``
    (key_account's one check of the fields the system sets)."""
    ka_check_system_fields(
        records, records._as_system_fields(), vals_list, creating, defaults
    )


def without_system_defaults(records):
    """``records`` without the context defaults (``default_<field>``) of
    their system fields, which would set them on a user's create."""
    env = records.env
    if env.su:
        return records
    keys = {f"default_{fname}" for fname in records._as_system_fields()}
    if not keys.intersection(env.context):
        return records
    context = {key: value for key, value in env.context.items() if key not in keys}
    return records.with_env(env(context=context))
