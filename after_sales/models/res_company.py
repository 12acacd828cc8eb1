from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.key_account.lib.input_check import check_input

from ..lib import licence
from ..lib.access import check_system_fields, has_role, without_system_defaults


class ResCompany(models.Model):
    _inherit = "res.company"

    as_licence_private_key = fields.Text(
        string="Licence Signing Key",
        groups="base.group_system",
        copy=False,
        help="Ed25519 private key (PKCS#8 PEM) that signs the licence files; "
        "generated on first use. Never give it out.",
    )
    as_licence_public_key = fields.Text(
        string="Licence Public Key",
        readonly=True,
        copy=False,
        help="Give this key to the customers' software: it verifies the "
        "licence files offline.",
    )

    def _as_system_fields(self):
        """The licence signing key pair, generated once by the system:
        refused in a user's create and write (the public key must stay the
        private key's)."""
        return {"as_licence_private_key", "as_licence_public_key"}

    @api.model_create_multi
    def create(self, vals_list):
        check_input(self, vals_list)
        check_system_fields(self, vals_list, creating=True)
        return (
            super(ResCompany, without_system_defaults(self))
            .create(vals_list)
            .with_env(self.env)
        )

    def write(self, vals):
        check_input(self, [vals])
        check_system_fields(self, [vals])
        return super().write(vals)

    def action_as_generate_licence_key(self):
        if not has_role(self.env, "base.group_system"):
            raise AccessError(
                self.env._("Only administrators can generate the licence signing key.")
            )
        self.ensure_one()
        self._as_licence_private_key()
        return True

    def _as_licence_private_key(self):
        """The company's signing key, generated once (locked against a race)."""
        self.ensure_one()
        company = self.sudo()
        if not company.as_licence_private_key:
            self.env.cr.execute(
                "SELECT id FROM res_company WHERE id = %s FOR UPDATE", [company.id]
            )
            company.invalidate_recordset(
                ["as_licence_private_key", "as_licence_public_key"]
            )
            if not company.as_licence_private_key:
                private = licence.generate_private_key_pem()
                company.write(
                    {
                        "as_licence_private_key": private,
                        "as_licence_public_key": licence.public_key_pem(private),
                    }
                )
        return company.as_licence_private_key

    def _as_licence_public_key(self):
        """The public key that verifies this company's licence files."""
        self.ensure_one()
        self._as_licence_private_key()
        return self.sudo().as_licence_public_key
