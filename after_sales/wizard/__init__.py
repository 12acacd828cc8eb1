from . import after_sales_contract_renew
from . import after_sales_phone_intake
