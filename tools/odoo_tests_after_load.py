"""odoo-bin, with every selected test run once the whole registry is loaded.

Usage: python odoo_tests_after_load.py ODOO_BIN [odoo-bin options]

Odoo runs a module's ``at_install`` tests right after that module is loaded,
before the modules that depend on it: crm's own tests never see key_account's
overrides of res.partner or crm.lead. ``make test-upstream`` wants exactly
that: the tests of the modules we extend, with our addons loaded. This wrapper
runs odoo-bin with ``loader.make_suite`` replaced so that nothing runs while
the modules load, and after the load (Odoo's "post tests", with the HTTP
server up for the browser tests) each selected module runs its at_install
tests and then its post_install tests. ``--test-tags`` selects as usual
(``/crm``, ``/crm:TestCRMLead.test_crm_lead_create``).
"""

import os
import runpy
import sys
import time

os.environ["TZ"] = "UTC"  # as odoo-bin does, before Odoo is imported
time.tzset()


def patch_make_suite():
    from odoo.tests import loader
    from odoo.tests.suite import OdooSuite

    make_suite = loader.make_suite

    def make_suite_after_load(module_names, position="at_install"):
        if position == "at_install":  # called while the modules load
            return OdooSuite([])
        tests = []
        for module_name in module_names:  # module by module: at_install, post_install
            tests += list(make_suite([module_name], "at_install"))
            tests += list(make_suite([module_name], "post_install"))
        return OdooSuite(tests)

    loader.make_suite = make_suite_after_load


def main():
    odoo_bin = os.path.abspath(sys.argv[1])
    sys.argv = [odoo_bin, *sys.argv[2:]]
    sys.path.insert(0, os.path.dirname(odoo_bin))
    from odoo.service import server

    preload_registries = server.preload_registries

    def preload_registries_after_load(dbnames):
        # the options are parsed by now: odoo.tests may be imported (test mode)
        patch_make_suite()
        return preload_registries(dbnames)

    server.preload_registries = preload_registries_after_load
    runpy.run_path(odoo_bin, run_name="__main__")


if __name__ == "__main__":
    main()
