"""The follow-up policy's flags move from res_partner to key_account's
narrow table of figures (key_account has given every company partner its
row): copy them, then drop the old columns and their index."""


def migrate(cr, version):
    cr.execute(
        "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = "
        "'res_partner' AND column_name IN "
        "('sf_followup_overdue', 'sf_followup_notice_date')"
    )
    if cr.fetchone()[0] != 2:
        return
    cr.execute(
        """
        UPDATE key_account_partner_figures f
           SET sf_followup_overdue = p.sf_followup_overdue,
               sf_followup_notice_date = p.sf_followup_notice_date
          FROM res_partner p
         WHERE f.partner_id = p.id
           AND (p.sf_followup_overdue OR p.sf_followup_notice_date IS NOT NULL)
        """
    )
    cr.execute("ALTER TABLE res_partner DROP COLUMN sf_followup_overdue")
    cr.execute("ALTER TABLE res_partner DROP COLUMN sf_followup_notice_date")
