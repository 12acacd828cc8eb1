from . import test_kam_demo
