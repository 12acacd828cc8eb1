from . import key_account_grade
from . import sale_order
from . import tier_review
