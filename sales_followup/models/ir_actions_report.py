from odoo import models

VISIT_REPORT = "sales_followup.report_visit_plan"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        """Visit reports are printed one visit per wkhtmltopdf run, then
        merged: wkhtmltopdf built without its patched Qt (the Debian package)
        fails on several documents in one run, and a salesperson prints the
        visits of a week from the list."""
        if (
            not res_ids
            or len(res_ids) < 2
            or len(set(res_ids)) != len(res_ids)
            or self._get_report(report_ref).report_name != VISIT_REPORT
        ):
            return super()._render_qweb_pdf_prepare_streams(
                report_ref, data, res_ids=res_ids
            )
        streams = {}
        for res_id in res_ids:
            streams.update(
                super()._render_qweb_pdf_prepare_streams(
                    report_ref, dict(data), res_ids=[res_id]
                )
            )
        return streams
