from . import test_activity_types
