"""Grade changes name their source (rules, by hand, import) as a code shown
in each reader's language; the texts stored before in the writer's language
become that code."""

SOURCES = {
    "rule": ("Grade rules", "等级规则"),
    "manual": ("Changed by hand", "手工调整"),
    "import": ("Imported", "已导入"),
}


def migrate(cr, version):
    for source, texts in SOURCES.items():
        cr.execute(
            "UPDATE key_account_grade_history SET source = %s, reason = NULL "
            "WHERE reason = ANY(%s)",
            (source, list(texts)),
        )
    # rows of the rules whose text was in another language
    cr.execute(
        "UPDATE key_account_grade_history SET source = 'rule' "
        "WHERE rule_id IS NOT NULL AND source = 'manual'"
    )
