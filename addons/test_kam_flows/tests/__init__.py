from . import test_flows
