from . import test_access_matrix
from . import test_concurrency
from . import test_hostile_input
from . import test_portal_guessing
from . import test_rpc_surface
