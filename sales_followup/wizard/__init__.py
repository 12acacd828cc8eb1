from . import key_account_handover_wizard
