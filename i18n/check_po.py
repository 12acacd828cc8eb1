"""Translation checks, run by `make lint` and by tests/test_translations.py:

* every addon has i18n/<addon>.pot and i18n/zh_CN.po, with the same msgids;
* no zh_CN entry is empty or fuzzy;
* placeholders (%(name)s, %s) are the same in msgid and msgstr;
* the glossary (i18n/glossary.csv) is followed:
  - a msgid that is exactly a glossary term is translated by the term's zh_CN
    (rows with an empty zh_CN are only checked inside phrases);
  - a msgid that contains a glossary term as a word (case-insensitive, "-" and
    " " alike) has a msgstr holding the term's Chinese (column `phrase`, or
    zh_CN when `phrase` is empty; alternatives separated by "|"; "-" for
    words whose Chinese depends on the context) and none of the term's
    `forbidden` variants. The longest term wins where terms overlap
    ("Key Account Manager" is not also checked as "Account Manager"), and
    placeholders, markup and QWeb/Jinja expressions are not read as words.
  An entry may opt out of a term with a translator comment
  `# glossary-ignore: Term, Other Term` (give the reason on the line above).

The addons checked are ours and addons/kam_zh_cn (the zh_CN translations of
dependencies; its .pot lists the terms it provides).

    python i18n/check_po.py [addon ...]
"""

import csv
import os
import re
import sys
from dataclasses import dataclass, field

import polib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# addon name -> directory relative to the repository root
ADDONS = {
    "key_account": "key_account",
    "sales_followup": "sales_followup",
    "after_sales": "after_sales",
    "kam_zh_cn": os.path.join("addons", "kam_zh_cn"),
    "kam_dashboard": os.path.join("addons", "kam_dashboard"),
    "kam_demo": os.path.join("addons", "kam_demo"),
    "test_kam_flows": os.path.join("addons", "test_kam_flows"),
    "test_kam_trust": os.path.join("addons", "test_kam_trust"),
}
GLOSSARY = os.path.join(ROOT, "i18n", "glossary.csv")
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]")
# what is not prose in a msgid: placeholders, tags with their attributes,
# entities, Jinja/QWeb expressions and format fields
NOT_WORDS = re.compile(
    r"%\(\w+\)[sdf]|%[sdf]|\{\{.*?\}\}|\{%.*?%\}|\$\{.*?\}|<[^>]*>|&\w+;|&#\d+;",
    re.DOTALL,
)
IGNORE = re.compile(r"glossary-ignore:\s*(.+)", re.IGNORECASE)


@dataclass
class Term:
    en: str
    zh: str
    phrase: list = field(default_factory=list)  # empty: no check in phrases
    forbidden: list = field(default_factory=list)
    pattern: re.Pattern = None


def _split(value):
    return [v.strip() for v in (value or "").split("|") if v.strip()]


def load_glossary(path=GLOSSARY):
    """The glossary as a list of Terms, longest English first."""
    terms = []
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            en, zh = row["en"].strip(), row["zh_CN"].strip()
            phrase = (row.get("phrase") or "").strip()
            words = [re.escape(w) for w in re.split(r"[-\s]+", en)]
            pattern = re.compile(
                r"(?<![\w-])" + r"[-\s]+".join(words) + r"(?![\w-])", re.IGNORECASE
            )
            terms.append(
                Term(
                    en=en,
                    zh=zh,
                    phrase=[] if phrase == "-" else (_split(phrase) or [zh]),
                    forbidden=_split(row.get("forbidden")),
                    pattern=pattern,
                )
            )
    terms.sort(key=lambda t: -len(t.en))
    return terms


def terms_in(text, terms):
    """The glossary terms found as words in `text`, longest first, without
    counting a shorter term inside a longer one already found."""
    text = NOT_WORDS.sub(" ", text)
    taken = [False] * len(text)
    found = []
    for term in terms:
        hit = False
        for match in term.pattern.finditer(text):
            start, end = match.span()
            if any(taken[start:end]):
                continue
            taken[start:end] = [True] * (end - start)
            hit = True
        if hit:
            found.append(term)
    return found


def glossary_problems(msgid, msgstr, terms, ignored=()):
    """Human-readable contradictions of the glossary in one entry."""
    ignored = {i.lower() for i in ignored}
    exact = {t.en: t for t in terms if t.zh}
    if msgid in exact and msgid.lower() not in ignored:
        want = exact[msgid].zh
        if msgstr != want:
            return [f"{msgid!r} is {want!r} in the glossary, not {msgstr!r}"]
    found = [t for t in terms_in(msgid, terms) if t.en.lower() not in ignored]
    # a forbidden variant inside a right translation is no contradiction:
    # 社会信用代码 inside 统一社会信用代码
    rest = msgstr
    for term in sorted(found, key=lambda t: -max(map(len, [t.zh, *t.phrase]))):
        for right in sorted({term.zh, *term.phrase} - {""}, key=len, reverse=True):
            rest = rest.replace(right, "\0")
    problems = []
    for term in found:
        missing = term.phrase and not any(p in msgstr for p in term.phrase)
        bad = [f for f in term.forbidden if f in rest]
        if missing or bad:
            want = " or ".join(map(repr, term.phrase or [term.zh]))
            problems.append(
                f"{msgid!r} contains {term.en!r}: {msgstr!r} "
                + (f"uses {', '.join(map(repr, bad))} and " if bad else "")
                + f"should contain {want}"
            )
    return problems


def ignored_terms(entry):
    match = IGNORE.search(entry.tcomment or "")
    return [t.strip() for t in match.group(1).split(",")] if match else []


def paths(addon):
    base = os.path.join(ROOT, ADDONS.get(addon, addon), "i18n")
    return os.path.join(base, f"{addon}.pot"), os.path.join(base, "zh_CN.po")


def check(addon, terms, glossary=True):
    errors = []
    pot_path, po_path = paths(addon)
    for path in (pot_path, po_path):
        if not os.path.exists(path):
            return [f"{path}: missing"]
    pot, po = polib.pofile(pot_path), polib.pofile(po_path)
    if po.metadata.get("Language") != "zh_CN":
        errors.append(f"{po_path}: header Language is not zh_CN")
    pot_ids = {(e.msgctxt, e.msgid) for e in pot}
    po_ids = {(e.msgctxt, e.msgid) for e in po if not e.obsolete}
    for _ctx, msgid in sorted(pot_ids - po_ids, key=str):
        errors.append(f"{po_path}: not in step with the .pot, missing {msgid!r}")
    for _ctx, msgid in sorted(po_ids - pot_ids, key=str):
        errors.append(f"{po_path}: not in the .pot any more: {msgid!r}")
    for entry in po:
        if entry.obsolete:
            continue
        if not entry.msgstr:
            errors.append(f"{po_path}:{entry.linenum}: untranslated {entry.msgid!r}")
            continue
        if "fuzzy" in entry.flags:
            errors.append(f"{po_path}:{entry.linenum}: fuzzy {entry.msgid!r}")
        if sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(
            PLACEHOLDER.findall(entry.msgstr)
        ):
            errors.append(
                f"{po_path}:{entry.linenum}: placeholders differ in {entry.msgid!r}"
            )
        if glossary:
            for problem in glossary_problems(
                entry.msgid, entry.msgstr, terms, ignored_terms(entry)
            ):
                errors.append(f"{po_path}:{entry.linenum}: glossary: {problem}")
    return errors


def main(argv=None):
    addons = (argv if argv is not None else sys.argv[1:]) or list(ADDONS)
    terms = load_glossary()
    errors = [e for addon in addons for e in check(addon, terms)]
    for error in errors:
        print(error)
    print(f"{len(errors)} translation problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
