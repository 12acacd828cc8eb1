from . import test_after_sales_access
from . import test_authorization_issue
from . import test_authorization_security
from . import test_expiry_cron
from . import test_licence_file
from . import test_portal
