"""Automatic conflict check: do the passages an answer rests on state different values for the
same fact?  Pure functions (no store, no I/O), so every rule is unit-tested on plain strings.

``extract_facts(text)`` finds (fact, value) pairs by patterns: the score a grade needs
(达标 / 三星级 / 四星级 / 五星级), the certificate's validity period, the surveillance interval
and the number of evaluation indicators.  A passage that states two values for one fact (it
quotes another source, or lists several) asserts neither, so it never counts as a side of a
conflict.  ``find_conflicts(passages)`` compares the facts of several passages.

``authority(doc_id, doc_type)`` ranks sources: standards and regulations (3) above FAQs and
guides (2) above web pages and uploads (1).  Uploaded documents (ids under ``upload/``) are
level 1 whatever their front matter says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from assistant.domain.grades import PASSING_GRADES
from assistant.lang.numerals import CN_DIGITS

UPLOAD_PREFIX = "upload/"
AUTHORITY_LABELS = {3: "标准/法规", 2: "常见问题/指南", 1: "网页/上传"}
_TYPE_AUTHORITY = {"standard": 3, "regulation": 3, "faq": 2, "guide": 2, "web": 1}
# at most this many passages are compared per answer, and this much text of each is read
MAX_PASSAGES = 12
MAX_TEXT = 4000

_DIGITS = CN_DIGITS
_NUM = r"(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十]{1,4}|半)"
_GRADE = r"(达标|三星|四星|五星)"
# punctuation that ends a clause: a pattern never reaches across it
_GAP = r"[^。；;，,！？!?\n]{0,12}?"

# a quotation ("常见的“3个一级指标、15个二级指标”说法") reports what others say: not an assertion
_QUOTED = re.compile(r"“[^”\n]{0,60}”|「[^」\n]{0,60}」|‘[^’\n]{0,60}’|\"[^\"\n]{0,60}\"")

FACT_LABELS = {
    **{f"grade:{label.removesuffix('级')}": f"{label.removesuffix('级')}级的分数线" for label in PASSING_GRADES},
    "validity": "证书有效期",
    "surveillance": "监督评审的间隔",
    "indicators": "评价指标的数量",
}
_UNITS = {"grade": "分", "validity": "年", "surveillance": "年", "indicators": "项"}


def authority(doc_id: str | None, doc_type: str | None) -> int:
    """3 standard / regulation, 2 FAQ / guide, 1 web page or upload (uploads always 1)."""
    if str(doc_id or "").startswith(UPLOAD_PREFIX):
        return 1
    return _TYPE_AUTHORITY.get(str(doc_type or ""), 1)


def authority_label(level: int) -> str:
    return AUTHORITY_LABELS.get(level, AUTHORITY_LABELS[1])


def chinese_number(text: str) -> Fraction | None:
    """Arabic digits, ``半`` or a small Chinese numeral (up to 九十九) as an exact number."""
    text = text.strip()
    if not text:
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return Fraction(text)
    if text == "半":
        return Fraction(1, 2)
    if "十" in text:
        tens, _, ones = text.partition("十")
        if len(tens) > 1 or len(ones) > 1:
            return None
        t = _DIGITS.get(tens, None) if tens else 1
        o = _DIGITS.get(ones, None) if ones else 0
        if t is None or o is None:
            return None
        return Fraction(t * 10 + o)
    if len(text) == 1 and text in _DIGITS:
        return Fraction(_DIGITS[text])
    return None


# (fact key or a callable of the match, pattern, group holding the number)
_RULES: list[tuple[str, re.Pattern, int, int | None]] = [
    # "95分及以上为五星级", "80分以上为三星"
    ("grade", re.compile(r"(?<![\d.、和至到])" + _NUM + r"\s*分(?:（含[^）]{0,6}）)?(?:及|或)?以上"
                         r"(?:（含[^）]{0,6}）)?(?:的|者)?(?:为|即为|评为|可评为?|是)" + _GRADE), 1, 2),
    # "达到95分（含95分）的企业，评为五星级", "满95分即可评五星"
    ("grade", re.compile(r"(?:达到|满|超过)" + _NUM + r"\s*分" + r"[^。；;！？!?\n]{0,14}?"
                         r"(?:评为|即为|定为|可评|能评|可获|获评|拿到?)" + _GRADE), 1, 2),
    # "五星级需要60分", "五星级只需要60分", "五星级的分数线是95分", "五星级：95分及以上"
    ("grade", re.compile(_GRADE + r"级?(?:的)?(?:只|仅|至少|最低)?(?:需要|需|要|须|必须|得|分数线(?:是|为)?|门槛(?:是|为)?|"
                         r"[：:]|为|是)\s*(?:达到|拿到|得到|考到)?" + _NUM + r"\s*分"), 2, 1),
    # "证书有效期3年", "有效期为三年"
    ("validity", re.compile(r"有效期(?:一般|通常)?(?:为|是|均为)?\s*" + _NUM + r"\s*年"), 1, None),
    # "每年做一次监督评审", "每两年监督一次"
    ("surveillance", re.compile(r"每\s*" + r"(\d+|[一二两三四五半])?" + r"\s*年[^。；;，,\n]{0,6}?"
                                r"(?:一次|1次)?[^。；;，,\n]{0,4}?监督"), 1, None),
    # "监督评审每年一次", "监督审核每2年一次"
    ("surveillance", re.compile(r"监督(?:评审|审核|检查)?\s*每\s*(\d+|[一二两三四五半])?\s*年(?:一次|1次)"), 1, None),
    # "15个二级指标", "27项指标", "3个一级指标、15个二级指标" -- a total, not the share of one
    # first-level indicator ("下有7个二级指标", "及其6个", "7个、6个和2个二级指标")
    ("indicators", re.compile(r"(?<![\d.和及与一二三四五六七八九十])(?<!下有)(?<!分别有)(?<!及其)(?<!其中)"
                              r"(\d+|[二三四五六七八九十]{1,3})\s*(?:个|项)(?:具体|二级)?指标"), 1, None),
]


@dataclass(frozen=True)
class Fact:
    key: str
    value: Fraction

    @property
    def label(self) -> str:
        return FACT_LABELS.get(self.key, self.key)

    def shown(self) -> str:
        unit = _UNITS.get(self.key.split(":")[0], "")
        v = self.value
        text = str(v.numerator) if v.denominator == 1 else f"{float(v):g}"
        return f"{text}{unit}"


def extract_facts(text: str) -> dict[str, Fraction]:
    """The facts a passage asserts, one value per fact; a fact stated with two different values
    in the same passage is left out (the passage reports a disagreement, it does not take a side)."""
    text = _QUOTED.sub("", str(text or "")[:MAX_TEXT])
    seen: dict[str, set[Fraction]] = {}
    for kind, pattern, num_group, grade_group in _RULES:
        for m in pattern.finditer(text):
            if kind == "surveillance":
                raw = m.group(num_group) or "一"
            else:
                raw = m.group(num_group)
            value = chinese_number(raw)
            if value is None or value <= 0:
                continue
            if kind == "indicators" and value < 3:
                continue  # "一个二级指标" is one item, never a count of the whole system
            if kind == "grade":
                if value > 100:
                    continue
                key = f"grade:{m.group(grade_group)}"
            else:
                key = kind
            seen.setdefault(key, set()).add(value)
    return {k: next(iter(v)) for k, v in seen.items() if len(v) == 1}


@dataclass
class Conflict:
    """One fact on which passages disagree: ``sides`` are (passage index, value), one per value,
    the first being the most authoritative passage stating it."""

    key: str
    sides: list[tuple[int, Fraction]]

    @property
    def label(self) -> str:
        return FACT_LABELS.get(self.key, self.key)

    def shown(self, value: Fraction) -> str:
        return Fact(self.key, value).shown()


def find_conflicts(passages: list[tuple[str, int]]) -> list[Conflict]:
    """``passages``: (text, authority level) in ranking order. Returns the facts on which they
    disagree; each side is the best-ranked passage of the highest authority stating that value,
    sides sorted by authority (highest first), then rank."""
    facts = [extract_facts(text) for text, _ in passages[:MAX_PASSAGES]]
    levels = [level for _, level in passages[:MAX_PASSAGES]]
    out: list[Conflict] = []
    keys = list(dict.fromkeys(k for f in facts for k in f))
    for key in keys:
        by_value: dict[Fraction, int] = {}
        for i, f in enumerate(facts):
            if key not in f:
                continue
            v = f[key]
            if v not in by_value or levels[i] > levels[by_value[v]]:
                by_value[v] = i
        if len(by_value) < 2:
            continue
        sides = sorted(((i, v) for v, i in by_value.items()), key=lambda s: (-levels[s[0]], s[0]))
        out.append(Conflict(key=key, sides=sides))
    return out


# --------------------------------------------------------------------------- over retrieved hits


def hit_authority(hit) -> int:
    return authority(hit.meta.get("doc_id"), hit.meta.get("doc_type"))


def _sides_of(hits) -> tuple[list, list[Conflict]]:
    window = list(hits[:MAX_PASSAGES])
    return window, find_conflicts([(h.text, hit_authority(h)) for h in window])


# a web page or upload ranked first gives the lead to a more authoritative passage scored at
# least this close to it (the ranking cannot tell them apart, the source can)
NEAR_TIE = 0.85


def authoritative_first(hits: list) -> list:
    """The passage the answer leads with: when the best passage disagrees with a more
    authoritative retrieved passage on a fact, the more authoritative one; when the best passage
    is a web page or an upload and a more authoritative one scored nearly as well, that one;
    otherwise ``hits`` unchanged."""
    if len(hits) < 2:
        return hits
    window, conflicts = _sides_of(hits)
    top_level = hit_authority(hits[0])
    for c in conflicts:
        indices = [i for i, _ in c.sides]
        best = indices[0]
        if 0 in indices and best != 0 and hit_authority(window[best]) > top_level:
            lead = window[best]
            return [lead] + [h for h in hits if h is not lead]
    if top_level == 1:
        close = [h for h in window[1:3] if hit_authority(h) > 1 and h.score >= hits[0].score * NEAR_TIE]
        if close:
            lead = max(close, key=lambda h: (hit_authority(h), h.score))
            return [lead] + [h for h in hits if h is not lead]
    return hits


def conflict_notes(hits: list, citations: list, make_citation) -> tuple[str, list]:
    """Text to append and the citations to add, for every fact on which the retrieved passages
    disagree while the answer cites at least one side: each side is cited, with its value and
    authority level. ``make_citation(n, hit)`` builds a citation (``Citation.from_hit``)."""
    window, conflicts = _sides_of(hits)
    citations = list(citations)
    number = {c.chunk_id: c.n for c in citations}
    notes = []
    for c in conflicts:
        side_hits = [(window[i], v) for i, v in c.sides]
        if not any(h.chunk_id in number for h, _ in side_hits):
            continue  # the answer does not rest on either side
        parts = []
        for h, v in side_hits:
            if h.chunk_id not in number:
                citations.append(make_citation(len(citations) + 1, h))
                number[h.chunk_id] = len(citations)
            level = hit_authority(h)
            parts.append(f"[{number[h.chunk_id]}]（{authority_label(level)}）为{c.shown(v)}")
        lead, lead_value = side_hits[0]
        others = [hit_authority(h) for h, _ in side_hits[1:]]
        if all(hit_authority(lead) > level for level in others):
            advice = f"以权威等级更高的[{number[lead.chunk_id]}]为准"
        else:
            advice = "请以标准原文和认证机构的解释为准"
        notes.append(f"注意：所引来源对{c.label}说法不一：{'，'.join(parts)}；{advice}。")
    if not notes:
        return "", citations
    return "\n\n" + "\n".join(notes), citations
