def migrate(cr, version):
    """The customers rule is noupdate: replace its "has a login" clause by
    "is an internal user's partner" (portal contacts of other teams' customers
    were visible to every salesperson)."""
    cr.execute(
        """
        UPDATE ir_rule r
           SET domain_force = replace(
                   domain_force,
                   '(''user_ids'', ''!='', False)',
                   '(''partner_share'', ''='', False)'
               )
          FROM ir_model_data d
         WHERE d.model = 'ir.rule' AND d.res_id = r.id
           AND d.module = 'key_account' AND d.name = 'res_partner_rule_own'
        """
    )
