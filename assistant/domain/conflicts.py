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
from functools import lru_cache

from assistant.domain.grades import PASSING_GRADES
from assistant.lang.numerals import read_number
from assistant.lang.resources import expand, expand_fragments, load_resource

UPLOAD_PREFIX = "upload/"
AUTHORITY_LABELS = {3: "标准/法规", 2: "常见问题/指南", 1: "网页/上传"}
_TYPE_AUTHORITY = {"standard": 3, "regulation": 3, "faq": 2, "guide": 2, "web": 1}
# at most this many passages are compared per answer, and this much text of each is read
MAX_PASSAGES = 12
MAX_TEXT = 4000

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


_DECIMAL = re.compile(r"\d+(?:\.\d+)?")


def chinese_number(text: str) -> Fraction | None:
    """Arabic digits, ``半`` or a small Chinese numeral (up to 九十九) as an exact number
    (read by ``assistant.lang.numerals.read_number``)."""
    text = text.strip()
    value = read_number(text, half=True)
    if value is None or value < 0 or (value >= 100 and not _DECIMAL.fullmatch(text)):
        return None
    return value


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, list[tuple[str, re.Pattern, int, int | None]]]:
    """(quotation, rules) from resources/conflicts.yaml: each rule is (fact kind, pattern, group
    holding the number, group naming the grade). Built on first use: start-up stays light."""
    data = load_resource("conflicts.yaml")
    fragments = expand_fragments(data["fragments"])
    rules = [(r["fact"], re.compile(expand(r["pattern"], fragments)), int(r["number"]),
              int(r["grade"]) if r.get("grade") else None) for r in data["rules"]]
    return re.compile(data["quoted"]), rules


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
    quoted, rules = _patterns()
    text = quoted.sub("", str(text or "")[:MAX_TEXT])
    seen: dict[str, set[Fraction]] = {}
    for kind, pattern, num_group, grade_group in rules:
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


def outranked(hits: list) -> set[str]:
    """Chunk ids of passages that disagree on a fact with a more authoritative retrieved passage:
    cited in the conflict note, never the passage an answer leads with."""
    window, conflicts = _sides_of(hits)
    out: set[str] = set()
    facts = [extract_facts(h.text) for h in window] if conflicts else []
    for c in conflicts:
        best, value = c.sides[0]  # the most authoritative side
        level = hit_authority(window[best])
        for h, stated in zip(window, facts):  # every passage saying another value, not only the side shown
            said = stated.get(c.key)
            shown = str(value.numerator) if value.denominator == 1 else str(float(value))
            if said is not None and said != value and hit_authority(h) < level \
                    and not re.search(rf"(?<![\d.]){re.escape(shown)}(?![\d.])", h.text):
                out.add(h.chunk_id)  # (a passage giving both values tells the disagreement itself)
    return out


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
