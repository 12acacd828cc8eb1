import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# key_account/lib is plain Python, importable without Odoo
sys.path.insert(0, os.path.join(ROOT, "key_account", "lib"))
