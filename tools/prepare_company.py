# Run by `make run` in `odoo shell` on a new database, before accounting is
# installed: a Chinese company, so that l10n_cn's chart of accounts, CNY and
# Asia/Shanghai are what everything after it uses; the admin works in Chinese.
company = env.ref("base.main_company")  # noqa: F821 (odoo shell provides env)
company.write(
    {
        "name": "华信科技有限公司",
        "country_id": env.ref("base.cn").id,  # noqa: F821
        "currency_id": env.ref("base.CNY").id,  # noqa: F821
        "city": "上海",
        "state_id": env.ref("base.state_cn_SH").id,  # noqa: F821
        "phone": "021-60001234",
        "email": "info@huaxin.example.cn",
    }
)
env.ref("base.CNY").active = True  # noqa: F821
admin = env.ref("base.user_admin")  # noqa: F821
admin.write({"lang": "zh_CN", "tz": "Asia/Shanghai", "name": "系统管理员"})
env["res.lang"]._activate_lang("zh_CN")  # noqa: F821
env.cr.commit()  # noqa: F821
