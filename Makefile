# The two commands: `make run` and `make test`. Both do their own set-up.
# ODOO_SRC (default /opt/odoo/18.0) must hold the Odoo 18.0 source tree.
ODOO_SRC ?= /opt/odoo/18.0
export ODOO_SRC

.PHONY: run test lint bench shell setup lock screenshot i18n
run:        ## set up, create the Chinese demo database `kam` if missing, serve :8069
	@bash tools/kam.sh run
test:       ## set up, install the addons in a throwaway database, run all tests and lint
	@bash tools/kam.sh test
lint:       ## ruff, pylint-odoo (OCA mandatory checks), OCA module/.po checks, prettier
	@bash tools/kam.sh lint
bench:      ## benchmarks, one JSON line per case (ARGS="word ..." to pick cases)
	@bash tools/kam.sh bench $(ARGS)
shell:      ## odoo shell on the `kam` database
	@bash tools/kam.sh shell
setup:      ## only the set-up (Debian packages, .venv, PostgreSQL)
	@bash tools/kam.sh setup
i18n:       ## export ADDON's .pot and merge it into its zh_CN.po
	@bash tools/kam.sh i18n $(ADDON)
lock:       ## re-pin requirements*.txt from requirements*.in
	@bash tools/kam.sh lock
screenshot: ## README screenshot of the key-account form in Chinese (needs `make run` serving)
	@bash tools/kam.sh screenshot

.PHONY: test-upstream
test-upstream: ## the own tests of crm, sale, account, helpdesk_mgmt, contract... with our addons loaded
	@bash tools/kam.sh upstream
