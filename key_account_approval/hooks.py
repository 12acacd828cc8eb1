def post_init_hook(env):
    """The contracts that exist when the module is installed keep running
    (they started before approvals existed): the new column came with the
    default, draft, which would stop their invoicing. Our own column, set in
    SQL: tier validation refuses a state change without a review, and these
    contracts never needed one."""
    env.flush_all()
    env.cr.execute(
        "UPDATE contract_contract SET ka_state = 'running' WHERE ka_state = 'draft'"
    )
    env["contract.contract"].invalidate_model(["ka_state"])
