"""Chinese company names: normalisation for duplicate detection, and pinyin.

Plain Python (pypinyin), importable without Odoo.
"""

import functools
import re
import unicodedata

from pypinyin import Style, lazy_pinyin

# longest first, so that 股份有限公司 goes before 有限公司
COMPANY_SUFFIXES = sorted(
    [
        "股份有限公司",
        "有限责任公司",
        "有限公司",
        "集团有限公司",
        "集团股份有限公司",
        "集团公司",
        "集团",
        "控股",
        "股份",
        "总公司",
        "分公司",
        "公司",
        "厂",
        "co., ltd.",
        "co.,ltd.",
        "co. ltd.",
        "co.ltd",
        "co., ltd",
        "ltd.",
        "ltd",
        "inc.",
        "inc",
        "limited",
        "corporation",
        "corp.",
        "group",
    ],
    key=len,
    reverse=True,
)

PROVINCES = [
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江",
    "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南",
    "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾",
    "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门",
]  # fmt: skip
REGION_SUFFIXES = [
    "壮族自治区",
    "回族自治区",
    "维吾尔自治区",
    "自治区",
    "特别行政区",
    "省",
    "市",
]
BRACKETS = re.compile(r"[()（）\[\]【】〔〕{}「」《》<>]")
SPACES = re.compile(r"[\s·•,，.。、\-_/&＆]+")


PROVINCE_VARIANTS = sorted(
    {p + s for p in PROVINCES for s in ["", *REGION_SUFFIXES]}, key=len, reverse=True
)


def _prefixes(extra_places=()):
    places = list(PROVINCES) + [p for p in extra_places if p]
    prefixes = set()
    for place in places:
        base = place
        for suffix in REGION_SUFFIXES:
            if base.endswith(suffix) and len(base) > len(suffix) + 1:
                base = base[: -len(suffix)]
                break
        prefixes.add(base)
        for suffix in REGION_SUFFIXES:
            prefixes.add(base + suffix)
    return sorted(prefixes, key=len, reverse=True)


@functools.lru_cache(maxsize=16)
def _prefix_index(extra_places):
    """The prefixes as a set and their lengths, longest first, computed once
    per set of places: thousands of city names make ``_prefixes`` costly."""
    prefixes = _prefixes(extra_places)
    return frozenset(prefixes), sorted({len(p) for p in prefixes}, reverse=True)


def normalize_company_name(name, extra_places=()):
    """The key two spellings of the same company share.

    Full-width to half-width, lower case, no spaces or punctuation, no
    brackets (their content stays), no legal-form suffix (有限公司, 集团, Ltd…),
    no province anywhere in the name (广东, 广东省), no leading city (北京市,
    and the cities of ``extra_places``).
    """
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", name).lower()
    text = BRACKETS.sub("", text)
    text = SPACES.sub("", text)
    # a province named anywhere (中国移动通信集团广东有限公司, 广东中国移动…)
    for province in PROVINCE_VARIANTS:
        if province in text and len(text.replace(province, "")) >= 2:
            text = text.replace(province, "")
    prefixes, lengths = _prefix_index(tuple(extra_places))
    changed = True
    while changed and text:
        changed = False
        for suffix in COMPANY_SUFFIXES:
            key = SPACES.sub("", suffix)
            if text.endswith(key) and len(text) > len(key):
                text = text[: -len(key)]
                changed = True
                break
        # the longest place name the text starts with (a set lookup per length
        # instead of a startswith per place name)
        for length in lengths:
            if len(text) > length + 1 and text[:length] in prefixes:
                text = text[length:]
                changed = True
                break
    return text


def pinyin_keys(name):
    """``"zhongguoyidong zgyd"`` for 中国移动: full pinyin and initials.

    Letters and digits that are not Chinese are kept as they are, so that
    "ABC科技" gives "abckeji abckj".
    """
    if not name:
        return ""
    text = SPACES.sub("", unicodedata.normalize("NFKC", name).lower())
    text = BRACKETS.sub("", text)
    syllables = lazy_pinyin(text, errors="default")
    letters = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")
    full = "".join(syllables)
    initials = "".join(
        # a run of non-Chinese characters comes back unchanged: keep it whole
        syllable if syllable == letter else letter[:1]
        for syllable, letter in zip(syllables, letters, strict=True)
    )
    # lazy_pinyin returns runs of non-Chinese characters as one item
    if full == initials:
        return full
    return f"{full} {initials}"
