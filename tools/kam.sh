#!/usr/bin/env bash
# One entry point for the Makefile: set-up, run, test, lint, bench, shell.
# Every command does its own set-up and reuses what already exists.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_SRC="${ODOO_SRC:-/opt/odoo/18.0}"
VENV="${KAM_VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
LINT_VENV="${KAM_LINT_VENV:-$ROOT/.venv-lint}"
STATE="$ROOT/.kam"                 # logs, filestore, stamps (git-ignored)
DB_HOST="${KAM_DB_HOST:-127.0.0.1}"
DB_PORT="${KAM_DB_PORT:-5432}"
DB_USER="${KAM_DB_USER:-kam}"
DB_PASSWORD="${KAM_DB_PASSWORD:-kam}"
DB_NAME="${KAM_DB:-kam}"
HTTP_PORT="${KAM_HTTP_PORT:-8069}"
# The product's addons, then the supporting addons of addons/ (test_* ones only in make test).
CORE_MODULES=(key_account sales_followup after_sales key_account_approval)
SUPPORT_MODULES=() TEST_MODULES=()
for _m in "$ROOT"/addons/*/__manifest__.py; do
    [ -f "$_m" ] || continue
    _m="$(basename "$(dirname "$_m")")"
    case "$_m" in test_*) TEST_MODULES+=("$_m") ;; *) SUPPORT_MODULES+=("$_m") ;; esac
done
join_by_comma() { local IFS=,; echo "$*"; }
MODULES="$(join_by_comma "${CORE_MODULES[@]}" "${SUPPORT_MODULES[@]+"${SUPPORT_MODULES[@]}"}")"
ALL_MODULES="$(join_by_comma "${CORE_MODULES[@]}" "${SUPPORT_MODULES[@]+"${SUPPORT_MODULES[@]}"}" "${TEST_MODULES[@]+"${TEST_MODULES[@]}"}")"
LINT_DIRS=("${CORE_MODULES[@]}")
for _m in "${SUPPORT_MODULES[@]+"${SUPPORT_MODULES[@]}"}" "${TEST_MODULES[@]+"${TEST_MODULES[@]}"}"; do LINT_DIRS+=("addons/$_m"); done
PYTHON_BIN="${PYTHON:-python3.11}"

# Debian packages: PostgreSQL, headers for psycopg2/python-ldap, CJK fonts,
# Chromium for browser tests and screenshots, wkhtmltopdf for PDF reports,
# Node for prettier.
DEBS=(postgresql postgresql-contrib libpq-dev libldap2-dev libsasl2-dev gcc
      fonts-noto-cjk chromium wkhtmltopdf nodejs npm)

say() { printf '\033[1m[kam]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[31m[kam] %s\033[0m\n' "$*" >&2; exit 2; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }

check_odoo_src() {
    if [ ! -f "$ODOO_SRC/odoo-bin" ] || [ ! -f "$ODOO_SRC/odoo/release.py" ] \
        || ! grep -q "^version_info = (18, 0," "$ODOO_SRC/odoo/release.py"; then
        die "ODOO_SRC='$ODOO_SRC' does not hold an Odoo 18.0 source tree.
      Set ODOO_SRC to the directory that contains odoo-bin, odoo/release.py
      (version_info = (18, 0, ...)) and addons/, e.g. 'make test ODOO_SRC=/path/to/odoo-18.0'.
      This project never carries or downloads Odoo itself."
    fi
}

ensure_debs() {
    local missing=()
    for p in "${DEBS[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    if command -v npm >/dev/null 2>&1; then   # a Node.js from elsewhere will do
        local keep=()
        for p in "${missing[@]}"; do case "$p" in nodejs|npm) ;; *) keep+=("$p");; esac; done
        missing=("${keep[@]+"${keep[@]}"}")
    fi
    [ ${#missing[@]} -eq 0 ] && return 0
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get install -y --no-install-recommends "${missing[@]}" >"$STATE/apt.log" 2>&1 || {
        as_root apt-get update >>"$STATE/apt.log" 2>&1
        as_root apt-get install -y --no-install-recommends "${missing[@]}" >>"$STATE/apt.log" 2>&1 \
            || die "apt-get install failed, see $STATE/apt.log"
    }
}

# make_venv DIR LOCKFILE: a virtualenv holding exactly the pinned lock file.
make_venv() {
    local dir="$1" lock="$2" stamp="$1/.kam-stamp" want
    want="$(cat "$lock" "$ROOT/build-constraints.txt" | sha1sum | cut -c1-40)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
    command -v "$PYTHON_BIN" >/dev/null 2>&1 || PYTHON_BIN=python3
    "$PYTHON_BIN" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
        || die "Python 3.11 is required (found $("$PYTHON_BIN" --version 2>&1)); set PYTHON=python3.11"
    say "creating $dir from $(basename "$lock") (once; log in $STATE/pip.log)"
    [ -x "$dir/bin/python" ] || "$PYTHON_BIN" -m venv "$dir"
    {
        "$dir/bin/python" -m pip install --disable-pip-version-check -q "pip==25.3" \
        && "$dir/bin/python" -m pip install --disable-pip-version-check --no-deps \
            --build-constraint "$ROOT/build-constraints.txt" -r "$lock"
    } >>"$STATE/pip.log" 2>&1 || die "pip install failed, see $STATE/pip.log"
    echo "$want" >"$stamp"
}

ensure_venv() { make_venv "$VENV" "$ROOT/requirements.txt"; }

ensure_node() {
    local stamp="$ROOT/node_modules/.kam-stamp" want
    want="$(sha1sum "$ROOT/package-lock.json" | cut -c1-40)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then return 0; fi
    say "installing prettier from package-lock.json"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error >"$STATE/npm.log" 2>&1) \
        || die "npm ci failed, see $STATE/npm.log"
    echo "$want" >"$stamp"
}

pg_running() { pg_isready -h "$DB_HOST" -p "$DB_PORT" -q 2>/dev/null; }

ensure_postgres() {
    if ! pg_running; then
        if ! pg_lsclusters -h 2>/dev/null | grep -q .; then
            say "creating a PostgreSQL cluster"
            as_root pg_createcluster 15 main >/dev/null
        fi
        local ver cluster
        read -r ver cluster _ < <(pg_lsclusters -h | head -1)
        say "starting PostgreSQL $ver/$cluster"
        as_root pg_ctlcluster "$ver" "$cluster" start || true
        for _ in $(seq 1 30); do pg_running && break; sleep 1; done
        pg_running || die "PostgreSQL does not answer on $DB_HOST:$DB_PORT"
    fi
    if ! PGPASSWORD="$DB_PASSWORD" psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" -d postgres -Atc "select 1" >/dev/null 2>&1; then
        say "creating PostgreSQL role $DB_USER"
        as_postgres psql -q -p "$DB_PORT" -c "DO \$\$ BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
                CREATE ROLE \"$DB_USER\" LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
            ELSE ALTER ROLE \"$DB_USER\" LOGIN CREATEDB PASSWORD '$DB_PASSWORD'; END IF; END \$\$;" \
            || die "could not create the role $DB_USER"
    fi
}

setup() {
    mkdir -p "$STATE/log"
    check_odoo_src
    ensure_debs
    ensure_venv
    ensure_postgres
}

addons_path() {
    local p="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$ROOT"
    local site
    site="$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/odoo/addons"
    [ -d "$site" ] && p="$p,$site"
    if compgen -G "$ROOT/addons/*/__manifest__.py" >/dev/null; then p="$p,$ROOT/addons"; fi
    echo "$p"
}

odoo() {
    local sub=()
    case "${1:-}" in shell|server) sub=("$1"); shift ;; esac
    "$PY" "$ODOO_SRC/odoo-bin" "${sub[@]+"${sub[@]}"}" --addons-path="$(addons_path)" \
        --db_host="$DB_HOST" --db_port="$DB_PORT" --db_user="$DB_USER" --db_password="$DB_PASSWORD" \
        --data-dir="$STATE/data" "$@"
}

psql_q() { PGPASSWORD="$DB_PASSWORD" psql -h "$DB_HOST" -p "$DB_PORT" -U "$DB_USER" "$@"; }
db_exists() { [ "$(psql_q -d postgres -Atc "select 1 from pg_database where datname='$1'")" = 1 ]; }
modules_installed() {
    local names n
    names="'${MODULES//,/\',\'}'"
    n=$(( $(tr -cd , <<<"$MODULES" | wc -c) + 1 ))
    [ "$(psql_q -d "$1" -Atc "select count(*) from ir_module_module where state='installed' and name in ($names)" 2>/dev/null)" = "$n" ]
}

core_installed() {   # the three product addons, whatever the supporting ones
    [ "$(psql_q -d "$1" -Atc "select count(*) from ir_module_module where state='installed' and name in ('key_account','sales_followup','after_sales')" 2>/dev/null)" = 3 ]
}

drop_db() {
    psql_q -d postgres -qc "drop database if exists \"$1\"" >/dev/null 2>&1 || true
    rm -rf "$STATE/data/filestore/$1"
}

create_run_db() {
    local log="$STATE/log/install${1:+-$1}.log"
    if db_exists "$DB_NAME" && modules_installed "$DB_NAME"; then return 0; fi
    if db_exists "$DB_NAME" && core_installed "$DB_NAME"; then
        say "installing the supporting addons missing from $DB_NAME ($MODULES; log in $log)"
        odoo -d "$DB_NAME" -i "$MODULES" --stop-after-init --logfile="$log" && modules_installed "$DB_NAME" \
            || die "installing $MODULES into $DB_NAME failed, see $log"
        return 0
    fi
    if db_exists "$DB_NAME"; then
        # not ours, or a creation that was interrupted: never touch a database we did not make
        [ "$(psql_q -d "$DB_NAME" -Atc "select value from ir_config_parameter where key='kam.created_by_make_run'" 2>/dev/null)" = 1 ] \
            || die "database $DB_NAME exists without our addons ($MODULES); install them or choose another KAM_DB"
        say "resuming the creation of $DB_NAME: starting it again"
        drop_db "$DB_NAME"
    fi
    say "creating database $DB_NAME (base + Chinese; log in $log)"
    : >"$log"
    {
        odoo -d "$DB_NAME" -i base --load-language=zh_CN --stop-after-init --logfile="$log" \
        && psql_q -d "$DB_NAME" -qc "insert into ir_config_parameter (key, value) values ('kam.created_by_make_run', '1')" \
        && odoo shell -d "$DB_NAME" --no-http --logfile="$log" <"$ROOT/tools/prepare_company.py" \
        && say "installing accounting with the Chinese chart of accounts" \
        && odoo -d "$DB_NAME" -i l10n_cn --stop-after-init --logfile="$log" \
        && say "installing $MODULES with Chinese demo data into $DB_NAME (log in $log)" \
        && odoo -d "$DB_NAME" -i "$MODULES" --stop-after-init --logfile="$log" \
        && odoo shell -d "$DB_NAME" --no-http --logfile="$log" <"$ROOT/tools/prepare_company.py" \
        && modules_installed "$DB_NAME" \
        && ! grep -E "demo data failed| (ERROR|CRITICAL) " "$log"
    } || { drop_db "$DB_NAME"; die "creating $DB_NAME failed (dropped it again), see $log"; }
}

cmd_run() {
    setup
    create_run_db
    say "serving http://127.0.0.1:$HTTP_PORT (admin/admin), log in $STATE/log/odoo.log"
    exec "$PY" "$ODOO_SRC/odoo-bin" --addons-path="$(addons_path)" \
        --db_host="$DB_HOST" --db_port="$DB_PORT" --db_user="$DB_USER" --db_password="$DB_PASSWORD" \
        --data-dir="$STATE/data" -d "$DB_NAME" --db-filter="^$DB_NAME\$" \
        --http-interface=127.0.0.1 --http-port="$HTTP_PORT" --logfile="$STATE/log/odoo.log" "$@"
}

cmd_lint() {
    make_venv "$LINT_VENV" "$ROOT/requirements-lint.txt"
    ensure_node
    local fails=0 passes=0
    run_check() {
        local name="$1"; shift
        if "$@" >"$STATE/log/lint-$name.log" 2>&1; then passes=$((passes + 1)); say "lint $name: ok"
        else fails=$((fails + 1)); say "lint $name: FAILED"; sed 's/^/    /' "$STATE/log/lint-$name.log" | tail -40 >&2; fi
    }
    cd "$ROOT"
    run_check ruff-check "$LINT_VENV/bin/ruff" check .
    run_check ruff-format "$LINT_VENV/bin/ruff" format --check .
    local xml_globs=() manifests=() d
    for d in "${LINT_DIRS[@]}"; do
        manifests+=("$d/__manifest__.py")
        if find "$d" -name '*.xml' | grep -q .; then xml_globs+=("$d/**/*.xml"); fi
    done
    run_check pylint-odoo "$LINT_VENV/bin/pylint" --rcfile=.pylintrc-mandatory --score=n "${LINT_DIRS[@]}"
    run_check prettier "$ROOT/node_modules/.bin/prettier" --check "${xml_globs[@]}"
    run_check oca-module "$LINT_VENV/bin/oca-checks-odoo-module" --disable=xml-header-wrong "${manifests[@]}"
    run_check oca-po "$LINT_VENV/bin/oca-checks-po" $(git ls-files '*/i18n/*.po' '*/i18n/*.pot')
    run_check po-complete "$PY" "$ROOT/i18n/check_po.py"
    LINT_PASSED=$passes; LINT_FAILED=$fails
    return $((fails > 0))
}

cmd_test() {
    setup
    [ "${KAM_SKIP_LINT:-}" = 1 ] || ensure_node
    # Browser tests are skipped silently without these: refuse to run instead.
    "$PY" -c "import websocket" 2>/dev/null || die "websocket-client is missing from $VENV: browser tests would be skipped"
    command -v chromium >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 \
        || die "Chromium is missing (Debian package chromium): browser tests would be skipped"

    local db="${KAM_TEST_DB:-kam_test_$$}"
    local log="$STATE/log/test-odoo${KAM_TEST_DB:+-$KAM_TEST_DB}.log"
    : >"$log"
    local passed=0 failed=0 skipped=0 rc=0
    psql_q -d postgres -qc "drop database if exists \"$db\"" >/dev/null
    local modules="${KAM_MODULES:-$ALL_MODULES}"
    say "installing $modules into the throwaway database $db and running their tests (log in $log)"
    set +e
    odoo -d "$db" -i "$modules" --without-demo=all --test-enable --test-tags="${KAM_TEST_TAGS:-/${modules//,/,/}}" \
        --stop-after-init --http-port="${KAM_TEST_HTTP_PORT:-8169}" --logfile="$log" --log-level=test \
        --load-language=zh_CN
    rc=$?
    set -e
    local counts
    counts="$("$PY" "$ROOT/tools/odoo_log_summary.py" "$log")"
    read -r o_pass o_fail o_skip o_errlines <<<"$counts"
    passed=$((passed + o_pass)); failed=$((failed + o_fail)); skipped=$((skipped + o_skip))
    if [ $((o_pass + o_fail + o_skip)) = 0 ]; then failed=$((failed + 1)); say "no Odoo test ran"; fi
    if [ "$rc" != 0 ] && [ "$o_fail" = 0 ]; then failed=$((failed + 1)); say "Odoo exited with $rc"; fi
    if [ "$o_errlines" != 0 ]; then
        say "the Odoo log has $o_errlines ERROR/CRITICAL lines outside test failures:"
        grep -E "^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL)" "$log" | head -20 >&2
        [ "$o_fail" = 0 ] && failed=$((failed + 1))
    fi
    [ "${KAM_KEEP_DB:-}" = 1 ] || psql_q -d postgres -qc "drop database if exists \"$db\"" >/dev/null 2>&1 || true

    # The flows' tours again against a multi-process server (odoo-bin --workers 2):
    # Odoo cannot run its own tests in prefork mode, the script drives the server.
    if [ "${KAM_SKIP_WORKERS:-}" != 1 ] && [[ ",$modules," == *,test_kam_flows,* ]]; then
        local wlog="$STATE/log/workers-run${KAM_TEST_DB:+-$KAM_TEST_DB}.log" last
        say "the flows against odoo-bin --workers 2 (log in $wlog)"
        set +e
        PYTHONPATH="$ODOO_SRC" KAM_ADDONS_PATH="$(addons_path)" "$PY" \
            "$ROOT/addons/test_kam_flows/tools/run_workers.py" --db "${db}_workers" \
            --port "${KAM_TEST_HTTP_PORT:-8169}" >"$wlog" 2>&1
        set -e
        grep -E "^(ok|FAILED) " "$wlog" | grep -v "^ok" >&2 || true
        last="$(tail -1 "$wlog")"
        if [[ "$last" =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
            passed=$((passed + BASH_REMATCH[1])); failed=$((failed + BASH_REMATCH[2]))
            say "multi-process run: $last"
        else
            failed=$((failed + 1)); say "the multi-process run broke off, see $wlog"
        fi
    fi

    if [ "${KAM_SKIP_DEMO_CHECK:-}" != 1 ]; then
        say "installing the Chinese demo database as make run does (kam_demo_check_$$)"
        if (DB_NAME="kam_demo_check_$$"; create_run_db democheck) >/dev/null; then passed=$((passed + 1))
        else failed=$((failed + 1)); say "the demo database of make run does not install"; fi
        drop_db "kam_demo_check_$$"
    fi

    say "repository-level tests (pytest tests/)"
    set +e
    ODOO_SRC="$ODOO_SRC" PYTHONPATH="$ODOO_SRC" "$VENV/bin/pytest" -q -p no:cacheprovider -p no:odoo \
        "$ROOT/tests" --junitxml="$STATE/log/pytest.xml" >"$STATE/log/pytest.log" 2>&1
    local prc=$?
    set -e
    tail -15 "$STATE/log/pytest.log" >&2
    read -r p_pass p_fail p_skip <<<"$("$PY" "$ROOT/tools/junit_summary.py" "$STATE/log/pytest.xml")"
    passed=$((passed + p_pass)); failed=$((failed + p_fail)); skipped=$((skipped + p_skip))
    [ "$prc" != 0 ] && [ "$p_fail" = 0 ] && failed=$((failed + 1))

    if [ "${KAM_SKIP_LINT:-}" != 1 ]; then
        LINT_PASSED=0; LINT_FAILED=0
        cmd_lint || true
        passed=$((passed + LINT_PASSED)); failed=$((failed + LINT_FAILED))
    fi
    if [ "$skipped" != 0 ]; then
        say "$skipped test(s) were skipped: a skipped test is not a passing one"
        grep -E "skipped " "$log" | head -10 >&2 || true
        failed=$((failed + skipped))
    fi
    echo "$passed passed, $failed failed, $skipped skipped"
    [ "$failed" = 0 ]
}

cmd_bench() {
    setup
    local db="${KAM_BENCH_DB:-kam_bench}"
    if ! modules_installed "$db" && ! core_installed "$db"; then
        drop_db "$db"
        say "creating the benchmark database $db (no demo data; log in $STATE/log/bench-install.log)"
        odoo -d "$db" -i "$MODULES" --without-demo=all --stop-after-init \
            --logfile="$STATE/log/bench-install.log" || die "creating $db failed"
    else
        # the addons may have changed since the data was generated: update them
        # (and install the supporting addons added since: never drop the generated data)
        say "updating $MODULES in $db (log in $STATE/log/bench-install.log)"
        odoo -d "$db" -i "$MODULES" -u "$MODULES" --stop-after-init \
            --logfile="$STATE/log/bench-install.log" || die "updating $db failed"
    fi
    say "benchmarks (JSON lines on stdout; Odoo's log in $STATE/log/bench.log)"
    PYTHONPATH="$ODOO_SRC" "$PY" "$ROOT/tests/bench/run_bench.py" "$@" \
        --addons-path="$(addons_path)" --db_host="$DB_HOST" --db_port="$DB_PORT" \
        --db_user="$DB_USER" --db_password="$DB_PASSWORD" --data-dir="$STATE/data" \
        --database="$db" --logfile="$STATE/log/bench.log"
}

# make i18n ADDON=key_account: export the addon's .pot from a scratch database
# holding our addons (updated first) and merge it into i18n/zh_CN.po.
# ADDON=kam_zh_cn collects the dependencies' untranslated terms instead.
cmd_i18n() {
    setup
    local addon="${1:?usage: tools/kam.sh i18n <addon>}" db="${KAM_I18N_DB:-kam_i18n}"
    local log="$STATE/log/i18n-$db.log"
    if modules_installed "$db"; then
        odoo -d "$db" -u "$addon" --stop-after-init --logfile="$log" || die "update failed, see $log"
    else
        drop_db "$db"
        odoo -d "$db" -i "$MODULES" --without-demo=all --load-language=zh_CN --stop-after-init \
            --logfile="$log" || die "install failed, see $log"
    fi
    if [ "$addon" = kam_zh_cn ]; then   # the dependencies' terms, see i18n/dep_terms.py
        (cd "$ROOT" && odoo shell -d "$db" --no-http --logfile="$log" <"$ROOT/i18n/dep_terms.py") \
            || die "export failed, see $log"
        return 0
    fi
    local dir="$ROOT/$addon"
    [ -f "$dir/__manifest__.py" ] || dir="$ROOT/addons/$addon"
    odoo -d "$db" --modules="$addon" --i18n-export="$dir/i18n/$addon.pot" \
        --stop-after-init --logfile="$log" || die "export failed, see $log"
    "$PY" "$ROOT/i18n/sync_po.py" "$addon"
}

cmd_shell() {
    setup
    create_run_db
    odoo shell -d "$DB_NAME" --no-http "$@"
}

cmd_lock() {
    check_odoo_src
    local tmp
    tmp="$(mktemp -d)"
    "$PYTHON_BIN" -m venv "$tmp/l"
    "$tmp/l/bin/pip" install -q "pip==25.3"
    "$tmp/l/bin/pip" install -q -r "$ROOT/requirements-lint.in"
    {
        echo "# Full lock of the linters' virtualenv (.venv-lint). Made by: make lock"
        "$tmp/l/bin/pip" freeze --all | grep -v '^pip=='
    } >"$ROOT/requirements-lint.txt"
    "$PYTHON_BIN" -m venv "$tmp/v"
    "$tmp/v/bin/pip" install -q "pip==25.3"
    "$tmp/v/bin/pip" install -q --build-constraint "$ROOT/build-constraints.txt" \
        -r "$ODOO_SRC/requirements.txt" -r <(grep -v '^odoo-addon-' "$ROOT/requirements.in")
    "$tmp/v/bin/pip" install -q --no-deps -r <(grep '^odoo-addon-' "$ROOT/requirements.in")
    {
        echo "# Full lock of every Python package, for Python 3.11. Installed with"
        echo "# pip install --no-deps -r requirements.txt (see tools/kam.sh). Made by: make lock"
        "$tmp/v/bin/pip" freeze --all | grep -v '^pip=='
    } >"$ROOT/requirements.txt"
    rm -rf "$tmp"
}

# make test-upstream: the own tests of the Odoo and OCA modules our addons extend,
# run with our addons loaded. A throwaway database gets our addons and the modules
# whose tests run, with demo data as Odoo's and the OCA's CI install them (the OCA
# tests use it; KAM_UPSTREAM_DEMO=0 installs without); tools/odoo_tests_after_load.py
# runs those modules' at_install and post_install tests once the whole registry is
# loaded (Odoo itself runs at_install tests before the modules that depend on them
# are loaded). Every failing test is run again, alone, with our addons (flaky tests
# pass) and in a second database holding the same modules without ours, to tell
# our breakage from failures that exist upstream in this environment.
# KAM_UPSTREAM_TAGS replaces the --test-tags below (each tag must name its module;
# /account runs the whole of account: about 800 tests, half an hour on two busy
# cores); KAM_UPSTREAM_VANILLA=0 skips the second runs, KAM_KEEP_DB=1 keeps the
# databases, KAM_UPSTREAM_HTTP_PORT (8269) is the port of the browser tests.
UPSTREAM_OURS="key_account,sales_followup,after_sales,kam_dashboard"
UPSTREAM_TAGS=(/crm /sale /sale_management /sale_margin /contacts /helpdesk_mgmt /contract
    /repair /partner_contact_birthdate /mail
    # account: the classes on partners, customer invoices, payments, sending and
    # printing (our res.partner, ir.qweb and ir.actions.report overrides), portal, tour
    /account:TestAccountPartner /account:TestMergePartner /account:TestDuplicatePartnerBank
    /account:TestAccountMoveOutInvoiceOnchanges /account:TestAccountMoveOutRefundOnchanges
    /account:TestAccountPayment /account:TestAccountPaymentRegister
    /account:TestAccountMovePaymentsWidget /account:TestAccountComposerPerformance
    /account:TestAccountMoveSend /account:TestAccountInvoiceReport /account:TestIrActionsReport
    /account:TestDownloadDocs /account:TestPortalInvoice /account:TestPortalAttachment
    /account:TestUi)

odoo_tests_after_load() {
    "$PY" "$ROOT/tools/odoo_tests_after_load.py" "$ODOO_SRC/odoo-bin" --addons-path="$(addons_path)" \
        --db_host="$DB_HOST" --db_port="$DB_PORT" --db_user="$DB_USER" --db_password="$DB_PASSWORD" \
        --data-dir="$STATE/data" "$@"
}

# upstream_install DB MODULES LABEL: a new database DB holding MODULES (and their demo
# data, unless KAM_UPSTREAM_DEMO=0)
upstream_install() {
    local db="$1" modules="$2" label="$3" t0=$SECONDS demo=()
    local log="$STATE/log/upstream-$label-install.log"
    [ "${KAM_UPSTREAM_DEMO:-1}" = 1 ] || demo=(--without-demo=all)
    drop_db "$db"
    : >"$log"
    say "[$label] installing $modules into $db (log in $log)"
    odoo -d "$db" -i "$modules" "${demo[@]+"${demo[@]}"}" --stop-after-init --logfile="$log" \
        && ! grep -qE "^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) " "$log" \
        || { drop_db "$db"; die "[$label] installing $modules failed, see $log"; }
    say "[$label] installed in $((SECONDS - t0)) s"
}

# upstream_tests DB TAGS LABEL: run the TAGS tests in DB once the registry is loaded
upstream_tests() {
    local db="$1" tags="$2" label="$3" t0=$SECONDS log="$STATE/log/upstream-$3.log"
    : >"$log"
    say "[$label] running $tags (log in $log)"
    set +e
    odoo_tests_after_load -d "$db" --test-enable --test-tags="$tags" --stop-after-init \
        --http-port="${KAM_UPSTREAM_HTTP_PORT:-8269}" --logfile="$log" --log-level=test
    set -e
    say "[$label] tests ran in $((SECONDS - t0)) s"
}

upstream_failing() { "$PY" "$ROOT/tools/upstream_summary.py" "$STATE/log/upstream-$1.log" --failing; }

cmd_upstream() {
    setup
    "$PY" -c "import websocket" 2>/dev/null || die "websocket-client is missing from $VENV: browser tests would be skipped"
    command -v chromium >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1 \
        || die "Chromium is missing (Debian package chromium): browser tests would be skipped"
    local tags="${KAM_UPSTREAM_TAGS:-$(join_by_comma "${UPSTREAM_TAGS[@]}")}"
    local db="kam_upstream_$$" vdb="kam_upstream_vanilla_$$" summary="$STATE/log/upstream-summary.txt"
    local t0=$SECONDS upstream others failing vtags again vanilla t n_ours=0 n_upstream=0 n_flaky=0
    # the modules named by the tags (/crm, /account:TestX, -/mail:TestY.test_z...)
    upstream="$(tr , '\n' <<<"$tags" | grep -v '^-' | sed -E 's#^[^/]*/##; s#[:.[].*##' | grep . | sort -u | paste -sd,)"
    upstream_install "$db" "$UPSTREAM_OURS,$upstream" ours
    upstream_tests "$db" "$tags" ours
    {
        echo "make test-upstream: with our addons ($UPSTREAM_OURS), tags $tags"
        "$PY" "$ROOT/tools/upstream_summary.py" "$STATE/log/upstream-ours.log"
    } >"$summary"
    read -r _ o_fail _ o_errlines <<<"$("$PY" "$ROOT/tools/odoo_log_summary.py" "$STATE/log/upstream-ours.log")"
    failing="$(upstream_failing ours)"
    if [ -n "$failing" ] && [ "${KAM_UPSTREAM_VANILLA:-1}" = 1 ]; then
        # each failing test again, alone, with our addons (a pass: flaky or order-dependent)
        # and in a database holding the same modules without ours (a failure: not ours);
        # /module:Class.method, a failing setUpClass as its class
        vtags="$(sed -E 's#^#/#; s#\.(setUpClass|tearDownClass)$##' <<<"$failing" | paste -sd,)"
        upstream_tests "$db" "$vtags" ours-again
        others="$(psql_q -d "$db" -Atc "select string_agg(name, ',' order by name) from ir_module_module
            where state = 'installed' and name not in ('${UPSTREAM_OURS//,/\',\'}')")"
        [ "${KAM_KEEP_DB:-}" = 1 ] || drop_db "$db"
        upstream_install "$vdb" "$others" vanilla
        upstream_tests "$vdb" "$vtags" vanilla
        [ "${KAM_KEEP_DB:-}" = 1 ] || drop_db "$vdb"
        again="$(upstream_failing ours-again)"
        vanilla="$(upstream_failing vanilla)"
        {
            echo
            echo "The failing tests again, alone, with our addons:"
            "$PY" "$ROOT/tools/upstream_summary.py" "$STATE/log/upstream-ours-again.log"
            echo
            echo "The failing tests again, without our addons ($vdb: the same modules but ours):"
            "$PY" "$ROOT/tools/upstream_summary.py" "$STATE/log/upstream-vanilla.log"
            echo
            while read -r t; do
                if ! grep -qxF "$t" <<<"$again"; then
                    n_flaky=$((n_flaky + 1)); echo "passes when run again (flaky or order):  $t"
                elif grep -qxF "$t" <<<"$vanilla"; then
                    n_upstream=$((n_upstream + 1)); echo "fails without our addons too:            $t"
                else
                    n_ours=$((n_ours + 1)); echo "FAILS ONLY WITH OUR ADDONS:              $t"
                fi
            done <<<"$failing"
        } >>"$summary"
    else
        [ "${KAM_KEEP_DB:-}" = 1 ] || drop_db "$db"
        [ -z "$failing" ] || n_ours=$(grep -c . <<<"$failing")
    fi
    cat "$summary" >&2
    say "summary in $summary; $o_errlines ERROR/CRITICAL lines outside test failures in $STATE/log/upstream-ours.log"
    say "took $((SECONDS - t0)) s"
    read -r u_pass u_fail u_skip <<<"$("$PY" "$ROOT/tools/upstream_summary.py" "$STATE/log/upstream-ours.log" --totals)"
    echo "$u_pass passed, $u_fail failed ($n_ours only with our addons, $n_upstream also without, $n_flaky passed again), $u_skip skipped"
    # fails on a test failing only with our addons, on a failure the summary could not
    # name (Odoo's own count), and when no test ran
    [ "$n_ours" = 0 ] && { [ "$o_fail" = 0 ] || [ -n "$failing" ]; } && [ $((u_pass + u_fail)) -gt 0 ]
}

main() {
    local cmd="${1:-}"; shift || true
    case "$cmd" in
        setup) setup ;;
        run) cmd_run "$@" ;;
        test) cmd_test "$@" ;;
        lint) mkdir -p "$STATE/log"; check_odoo_src; cmd_lint ;;
        bench) cmd_bench "$@" ;;
        shell) cmd_shell "$@" ;;
        i18n) cmd_i18n "$@" ;;
        lock) cmd_lock ;;
        upstream) cmd_upstream "$@" ;;
        screenshot) mkdir -p "$STATE/log"; ensure_node; node "$ROOT/tools/screenshot.mjs" "http://127.0.0.1:$HTTP_PORT" ;;
        *) die "usage: tools/kam.sh setup|run|test|upstream|lint|bench|shell|lock" ;;
    esac
}
main "$@"
