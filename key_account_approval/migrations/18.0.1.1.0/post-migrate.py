def migrate(cr, version):
    """Contracts made before contract approval existed keep running."""
    if not version:
        return
    cr.execute(
        "UPDATE contract_contract SET ka_state = 'running' WHERE ka_state = 'draft'"
    )
