"""The zh_CN translations without Odoo: i18n/check_po.py over every addon
(.pot and zh_CN.po in step, no empty or fuzzy entry, same placeholders, the
glossary followed), and the glossary rule itself."""

import csv
import importlib.util
import os
import textwrap

import polib
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
spec = importlib.util.spec_from_file_location(
    "check_po", os.path.join(ROOT, "i18n", "check_po.py")
)
check_po = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check_po)

TERMS = check_po.load_glossary()


@pytest.mark.parametrize("addon", sorted(check_po.ADDONS))
def test_po_complete_and_following_the_glossary(addon):
    errors = check_po.check(addon, TERMS)
    assert not errors, "\n".join(errors)


def test_glossary_is_well_formed():
    with open(check_po.GLOSSARY, encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) >= 150
    seen = set()
    for row in rows:
        assert set(row) == {"en", "zh_CN", "phrase", "forbidden", "note"}, row
        en = row["en"]
        assert en and en not in seen, f"{en!r} twice in the glossary"
        seen.add(en)
        term = next(t for t in TERMS if t.en == en)
        # a term's own translations pass its own rule
        if term.zh:
            assert check_po.glossary_problems(en, term.zh, TERMS) == [], en
        for wrong in term.forbidden:
            assert wrong not in term.phrase and wrong != term.zh, en


@pytest.mark.parametrize(
    ("msgid", "msgstr", "complaint"),
    [
        # the glossary's own translation
        ("Customer", "客户", None),
        ("Customer", "顾客", "is '客户' in the glossary"),
        ("Authorization Key", "许可证号", "is '授权号'"),
        # a term as a word inside a longer msgid, any case, plurals by row
        ("Call the customer back", "给客户回电", None),
        ("Call the customer back", "给顾客回电", "uses '顾客'"),
        ("Revisits of the month", "本月复访", "should contain '回访'"),
        ("The public pool is empty", "公海中暂无客户", None),
        ("The public pool is empty", "公共池为空", "should contain '公海'"),
        ("Send the authorization key", "发送许可证号", "uses '许可证号'"),
        ("Follow-up reminder", "跟进提醒", None),
        ("Follow up reminder", "后续提醒", "should contain '跟进'"),
        # the longest term wins: no Account Manager check in Key-Account Manager
        ("Key-Account Manager: All Customers", "大客户经理:全部客户", None),
        # an allowed Chinese that holds a forbidden one is no contradiction
        ("Unified Social Credit Code of %(name)s", "%(name)s 的统一社会信用代码", None),
        # not a word: inside another word, in a placeholder, in markup
        ("Customers' tickets", "客户的工单", None),
        ("Distributor", "分销商", None),
        ("%(customer)s rated it", "%(customer)s 已评分", None),
        (
            '<span class="o_customer_badge"/> Score',
            '<span class="o_customer_badge"/> 评分',
            None,
        ),
        (
            "Hello {{ object.customer_id.name }}",
            "{{ object.customer_id.name }},您好",
            None,
        ),
        # Odoo's own "Access warning" is not our Warning (预警)
        ("Access warning", "访问警告信息", None),
        ("Low-score warning", "低分警告", "should contain '预警'"),
        # context-dependent words are only checked when they are the msgid
        ("Lost Opportunity", "商机丢失", None),
        ("Lost", "丢失", "is '流失'"),
    ],
)
def test_glossary_rule(msgid, msgstr, complaint):
    problems = check_po.glossary_problems(msgid, msgstr, TERMS)
    if complaint is None:
        assert problems == []
    else:
        assert problems and complaint in problems[0], problems


def test_glossary_ignore_comment(tmp_path):
    """An entry opts out of a term with `# glossary-ignore: Term`."""
    base = tmp_path / "demo_addon" / "i18n"
    base.mkdir(parents=True)
    entry = textwrap.dedent(
        """
        #. module: demo_addon
        #: model:ir.model.fields,field_description:demo_addon.field_x__a
        msgid "Ticket Count"
        msgstr ""
        """
    )
    (base / "demo_addon.pot").write_text(entry, encoding="utf-8")
    po = polib.pofile(entry)
    po.metadata = {"Language": "zh_CN"}
    po[0].msgstr = "票数"
    po.save(str(base / "zh_CN.po"))
    check_po.ADDONS["demo_addon"] = str(tmp_path / "demo_addon")
    try:
        errors = check_po.check("demo_addon", TERMS)
        assert len(errors) == 1 and "should contain '工单'" in errors[0], errors
        po[0].tcomment = "counts sheets of paper\nglossary-ignore: Ticket"
        po.save(str(base / "zh_CN.po"))
        assert check_po.check("demo_addon", TERMS) == []
    finally:
        del check_po.ADDONS["demo_addon"]


def test_check_po_finds_a_gap(tmp_path):
    """The .po out of step with the .pot, an empty msgstr, a lost placeholder."""
    base = tmp_path / "demo_addon" / "i18n"
    base.mkdir(parents=True)
    pot = polib.POFile()
    for msgid in ("Visit Plan", "Hello %(name)s", "Seats", "New term"):
        pot.append(polib.POEntry(msgid=msgid, msgstr=""))
    pot.save(str(base / "demo_addon.pot"))
    po = polib.POFile()
    po.metadata = {"Language": "zh_CN"}
    po.append(polib.POEntry(msgid="Visit Plan", msgstr="拜访计划"))
    po.append(polib.POEntry(msgid="Hello %(name)s", msgstr="您好"))
    po.append(polib.POEntry(msgid="Seats", msgstr=""))
    po.save(str(base / "zh_CN.po"))
    check_po.ADDONS["demo_addon"] = str(tmp_path / "demo_addon")
    try:
        errors = "\n".join(check_po.check("demo_addon", TERMS))
    finally:
        del check_po.ADDONS["demo_addon"]
    assert "missing 'New term'" in errors
    assert "untranslated 'Seats'" in errors
    assert "placeholders differ in 'Hello %(name)s'" in errors
    assert "Visit Plan" not in errors
