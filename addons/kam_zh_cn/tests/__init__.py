from . import test_translation_coverage
