def migrate(cr, version):
    """The phone intake compares key_account's normalised numbers
    (ka_phone_normalized, ka_mobile_normalized): drop after_sales' own copies
    and their indexes."""
    cr.execute(
        """
        ALTER TABLE res_partner
            DROP COLUMN IF EXISTS as_phone_normalized,
            DROP COLUMN IF EXISTS as_mobile_normalized
        """
    )
