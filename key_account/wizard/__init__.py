from . import key_account_pool_wizard
from . import key_account_handover_wizard
from . import key_account_customer_import
from . import key_account_customer_import_line
from . import base_partner_merge_automatic_wizard
from . import key_account_grade_preview
from . import key_account_grade_preview_rule
from . import key_account_grade_preview_cell
