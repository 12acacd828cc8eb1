from . import test_approval
from . import test_approval_http
from . import test_approval_tour
from . import test_contract_approval
