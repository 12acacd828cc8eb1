import re

from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import ValidationError as StdnumValidationError

from odoo import api, fields, models
from odoo.exceptions import ValidationError

MOBILE_CN = re.compile(r"^1[3-9]\d{9}$")


class ResPartner(models.Model):
    _inherit = "res.partner"

    # --- company master data (客户资料) ---
    ka_code = fields.Char(
        string="Customer Code", copy=False, index=True, readonly=True, tracking=True
    )
    ka_uscc = fields.Char(
        string="Unified Social Credit Code",
        copy=False,
        index=True,
        tracking=True,
        help="统一社会信用代码: the 18-character registration number of a Chinese "
        "organisation (GB 32100-2015).",
    )
    ka_legal_representative = fields.Char(string="Legal Representative")
    ka_registered_capital = fields.Monetary(
        string="Registered Capital", currency_field="ka_currency_id"
    )
    ka_annual_revenue = fields.Monetary(
        string="Annual Revenue", currency_field="ka_currency_id"
    )
    ka_currency_id = fields.Many2one(
        "res.currency",
        string="Master Data Currency",
        compute="_compute_ka_currency_id",
    )
    ka_employee_count = fields.Integer(string="Employees")
    ka_customer_type = fields.Selection(
        [
            ("end_customer", "End Customer"),
            ("partner", "Channel Partner"),
            ("competitor", "Competitor"),
            ("supplier", "Supplier"),
        ],
        string="Customer Type",
        tracking=True,
    )
    ka_source = fields.Selection(
        [
            ("referral", "Referral"),
            ("exhibition", "Exhibition"),
            ("website", "Website"),
            ("cold_call", "Cold Call"),
            ("tender", "Public Tender"),
            ("partner", "Channel Partner"),
            ("other", "Other"),
        ],
        string="Source",
    )
    ka_status = fields.Selection(
        [
            ("potential", "Potential"),
            ("active", "Active"),
            ("dormant", "Dormant"),
            ("lost", "Lost"),
            ("invalid", "Invalid"),
        ],
        string="Lifecycle Status",
        default="potential",
        index=True,
        tracking=True,
    )
    ka_qq = fields.Char(string="QQ")
    ka_wechat = fields.Char(string="WeChat")
    ka_fax = fields.Char(string="Fax")
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        ondelete="set null",
        index=True,
        tracking=True,
        help="The sales team that owns this customer (data isolation, pool rules).",
    )
    ka_grade_id = fields.Many2one(
        "key_account.grade",
        string="Grade",
        ondelete="restrict",
        index=True,
        tracking=True,
    )
    ka_grade_locked = fields.Boolean(
        string="Grade Locked",
        help="A locked grade is kept when grades are recomputed.",
    )

    # --- contact persons (联系人) ---
    ka_is_primary_contact = fields.Boolean(string="Primary Contact")
    ka_department = fields.Char(string="Department")
    ka_decision_role = fields.Selection(
        [
            ("decision_maker", "Decision Maker"),
            ("influencer", "Influencer"),
            ("user", "User"),
            ("gatekeeper", "Gatekeeper"),
        ],
        string="Decision Role",
    )
    ka_hobbies = fields.Char(string="Hobbies")
    ka_home_phone = fields.Char(string="Home Phone")

    _sql_constraints = [
        (
            "ka_code_uniq",
            "unique(ka_code)",
            "Another customer already has this customer code.",
        ),
    ]

    @api.depends("company_id")
    def _compute_ka_currency_id(self):
        for partner in self:
            partner.ka_currency_id = (
                partner.company_id.currency_id or self.env.company.currency_id
            )

    @api.constrains("ka_uscc")
    def _check_ka_uscc(self):
        for partner in self.filtered("ka_uscc"):
            try:
                stdnum_uscc.validate(partner.ka_uscc)
            except StdnumValidationError as error:
                raise ValidationError(
                    self.env._(
                        "The unified social credit code %(code)s of %(name)s is "
                        "not valid: %(reason)s",
                        code=partner.ka_uscc,
                        name=partner.display_name,
                        reason=self._ka_uscc_reason(error),
                    )
                ) from error

    def _ka_uscc_reason(self, error):
        reasons = {
            "InvalidLength": self.env._("it must have 18 characters"),
            "InvalidChecksum": self.env._("the check character is wrong"),
            "InvalidFormat": self.env._("it contains characters that are not allowed"),
            "InvalidComponent": self.env._("the registration office code is unknown"),
        }
        return reasons.get(type(error).__name__, self.env._("the format is wrong"))

    @api.constrains("mobile", "ka_decision_role", "parent_id")
    def _check_ka_mobile(self):
        for partner in self:
            if not partner.mobile or not partner._ka_is_chinese():
                continue
            digits = re.sub(r"[\s\-]", "", partner.mobile)
            digits = re.sub(r"^(\+86|0086)", "", digits)
            if not MOBILE_CN.match(digits):
                raise ValidationError(
                    self.env._(
                        "%(mobile)s is not a valid Chinese mobile number "
                        "(11 digits starting with 13-19).",
                        mobile=partner.mobile,
                    )
                )

    def _ka_is_chinese(self):
        self.ensure_one()
        country = self.country_id or self.parent_id.country_id
        return not country or country.code == "CN"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("ka_uscc"):
                vals["ka_uscc"] = vals["ka_uscc"].strip().upper()
        partners = super().create(vals_list)
        partners._ka_assign_code()
        return partners

    def write(self, vals):
        if vals.get("ka_uscc"):
            vals["ka_uscc"] = vals["ka_uscc"].strip().upper()
        res = super().write(vals)
        if "is_company" in vals or "parent_id" in vals:
            self._ka_assign_code()
        return res

    def _ka_assign_code(self):
        """Give every company customer a code from the sequence, once."""
        todo = self.filtered(lambda p: p.is_company and not p.ka_code)
        if not todo:
            return
        sequence = self.env["ir.sequence"].sudo()
        for partner in todo:
            partner.ka_code = sequence.next_by_code("key_account.customer_code")
