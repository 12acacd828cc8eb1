from . import sales_followup_visit_report
