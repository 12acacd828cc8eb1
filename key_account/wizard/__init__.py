from . import key_account_pool_wizard
from . import key_account_handover_wizard
