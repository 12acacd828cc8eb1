from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestFollowupActivityTypes(TransactionCase):
    def test_follow_up_channels_in_chinese(self):
        names = {
            xmlid: self.env.ref(f"sales_followup.{xmlid}")
            .with_context(lang="zh_CN")
            .name
            for xmlid in (
                "mail_activity_type_phone",
                "mail_activity_type_visit",
                "mail_activity_type_wechat",
                "mail_activity_type_email",
                "mail_activity_type_demo",
            )
        }
        self.assertEqual(
            names,
            {
                "mail_activity_type_phone": "电话",
                "mail_activity_type_visit": "拜访",
                "mail_activity_type_wechat": "微信",
                "mail_activity_type_email": "邮件",
                "mail_activity_type_demo": "演示",
            },
        )

    def test_follow_up_can_be_scheduled_on_a_customer(self):
        customer = self.env["res.partner"].create(
            {"name": "跟进测试客户", "is_company": True}
        )
        activity = customer.activity_schedule(
            "sales_followup.mail_activity_type_phone", summary="回访电话"
        )
        self.assertEqual(activity.activity_type_id.category, "phonecall")
        self.assertEqual(customer.activity_ids, activity)
