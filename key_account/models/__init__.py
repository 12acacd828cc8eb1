from . import key_account_grade
from . import res_partner
