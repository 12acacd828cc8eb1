from . import translated_modules
