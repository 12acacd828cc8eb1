from . import kam_demo_generator
