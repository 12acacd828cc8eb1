def post_init_hook(env):
    """The contracts that exist when the module is installed keep running
    (they started before approvals existed): the new column came with the
    default, draft, which would stop their invoicing."""
    env["contract.contract"].sudo().search([("ka_state", "=", "draft")]).with_context(
        skip_validation_check=True, tracking_disable=True
    ).write({"ka_state": "running"})
