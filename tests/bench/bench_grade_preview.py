"""Benchmark of the what-if preview of the grade rules on 100,000 customers.

    make bench ARGS=grade_preview

On the key_account bench data set (``make bench ARGS=key_account`` generates
it when missing; this case generates it too, through that module): the
figures, RFM, CLV and grades steps of the nightly pipeline run first (not
measured) so that the customers have their figures and live grades; then a
key-account manager's draft moves the thresholds of the first two grade rules
and the preview grades every customer with it (``key_account.grade.preview.
_ka_preview()``: the same ``_grade_plan`` as the grades step, the grade x
grade matrix and its cells). Target: at most 10 seconds.

Case ``key_account_grade_preview``, one JSON line: customers graded, customers
moving, cells, seconds and queries of the preview (and of opening the draft
and of rendering the matrix), the setup's seconds, the verdict. Everything
is rolled back at the end.
"""

import importlib.util
import logging
import os
import sys

_logger = logging.getLogger("bench.grade_preview")

TARGET_SECONDS = 10.0
HERE = os.path.dirname(os.path.abspath(__file__))


def _key_account_bench():
    """The key_account bench module (its data set and helpers)."""
    path = os.path.join(HERE, "bench_key_account.py")
    spec = importlib.util.spec_from_file_location("bench_key_account_shared", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _measure():
    return sys.modules["__main__"].Measure()


def bench_key_account_grade_preview(env, emit):
    ka = _key_account_bench()
    generate_seconds = ka._ensure_data(env)
    ka._hide_other_companies(env)
    company = env.company
    # the customers' figures and live grades, as after a night
    with _measure() as setup:
        env["key_account.pipeline"]._run(
            companies=company,
            today=ka.TODAY,
            codes=["figures", "rfm", "clv", "grades"],
        )
        env.flush_all()
    env.invalidate_all()
    Preview = env["key_account.grade.preview"].with_context(ka_today=ka.TODAY)
    with _measure() as opening:
        preview = Preview.create({"company_id": company.id})
        env.flush_all()
    # the draft: the two first rules' thresholds moved
    for line in preview.rule_ids.filtered("active").sorted("sequence")[:2]:
        line.domain = (
            line.domain.replace("1000000", "800000")
            .replace("300000", "500000")
            .replace("1e6", "8e5")
        )
    env.flush_all()
    env.invalidate_all()
    with _measure() as run:
        counts = preview._ka_preview()
        env.flush_all()
    with _measure() as render:
        preview.invalidate_recordset()
        matrix = preview.matrix_html
    moves = {
        f"{c.from_grade_id.code or '-'}>{c.to_grade_id.code or '-'}": c.count
        for c in preview.cell_ids
        if c.moved
    }
    emit(
        case="key_account_grade_preview",
        customers=counts["customers"],
        moved=counts["moved"],
        cells=counts["cells"],
        moves=moves,
        seconds=run.seconds,
        queries=run.queries,
        open_draft_seconds=opening.seconds,
        matrix_seconds=render.seconds,
        matrix_chars=len(str(matrix or "")),
        setup_seconds=setup.seconds,
        generate_seconds=generate_seconds,
        target_seconds=TARGET_SECONDS,
        met=run.seconds <= TARGET_SECONDS,
        load=ka._load(),
    )
    env.cr.rollback()
