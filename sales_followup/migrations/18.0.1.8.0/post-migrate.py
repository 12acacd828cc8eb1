FESTIVALS = {
    "care_occasion_spring_festival": "spring",
    "care_occasion_dragon_boat": "dragon_boat",
    "care_occasion_mid_autumn": "mid_autumn",
    "care_occasion_national_day": "national",
}


def migrate(cr, version):
    """The care occasions of the four statutory festivals (noupdate data)
    take their days from the holiday calendar."""
    for name, festival in FESTIVALS.items():
        cr.execute(
            """
            UPDATE sales_followup_care_occasion o
               SET cn_festival = %s
              FROM ir_model_data d
             WHERE d.model = 'sales_followup.care.occasion' AND d.res_id = o.id
               AND d.module = 'sales_followup' AND d.name = %s
               AND o.cn_festival IS NULL
            """,
            (festival, name),
        )
