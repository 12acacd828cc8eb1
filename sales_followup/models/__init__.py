from . import sales_followup_visit_plan
from . import res_partner
from . import res_config_settings
from . import sales_followup_care_occasion
from . import sales_followup_care_reminder
