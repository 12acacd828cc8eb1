from . import test_partner
from . import test_security
from . import test_ui
