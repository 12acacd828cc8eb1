from . import test_activity_types
from . import test_visit_generation
from . import test_visit_checkin
from . import test_security
from . import test_followup_policy
from . import test_performance
from . import test_care_reminders
from . import test_ui
