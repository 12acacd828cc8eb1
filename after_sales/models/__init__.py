from . import after_sales_authorization
from . import after_sales_licence_rate
from . import product_template
from . import res_company
from . import res_partner
from . import sale_order
from . import contract_line
