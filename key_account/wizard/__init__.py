from . import key_account_pool_wizard
from . import key_account_handover_wizard
from . import key_account_customer_import
from . import key_account_customer_import_line
from . import base_partner_merge_automatic_wizard
from . import key_account_status_wizard
