from . import key_account_approval_mixin
from . import key_account_grade
from . import sale_order
from . import contract_contract
from . import tier_review
