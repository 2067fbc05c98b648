"""Cited rules that scale with a count the asker tells (人日 per outlet, a share of staff), applied.

"每个固定服务网点的评审时间至少为0.5人日" with "我们有20个固定服务网点" gives at least 10 人日;
"管理师人数应达到服务管理人员总数的10%" with "管理人员一共50个人" gives at least 5. The number is computed here (exact
fractions), never generated, and only from one count the question names unambiguously; the
sentence stating the rule is returned with it, so the answer cites it. Pure: no I/O."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from assistant.domain.question import sentences
from assistant.domain.scoring import exact_str

_NUM = r"\d+(?:\.\d+)?"
_CN = r"[\u4e00-\u9fff]"
# "每个固定服务网点的评审时间至少为0.5人日": a floor for each unit
_PER_UNIT = re.compile(rf"每(?:个|家|处|名|位)?(?P<unit>[^的，,。；;\d]{{2,10}}?)(?:的(?P<what>{_CN}{{0,8}}?))?"
                       rf"(?:不少于|至少为|至少是|至少|不低于|不得少于)\s*(?P<rate>{_NUM})\s*个?(?P<measure>人日|人天|小时|天)")
# "…应达到服务管理人员总数的10%": a share of a whole
_SHARE = re.compile(rf"(?:应|须|需|要)?(?:达到|不少于|不低于|占)\s*(?P<whole>{_CN}{{2,14}}?)(?:总数|总人数)的?\s*(?P<pct>{_NUM})\s*[%％]")
_ASKS_COUNT = re.compile(r"多少|几")
# a count of people: "50个人", "40人", "30名"
_PEOPLE = re.compile(rf"(?P<n>{_NUM})\s*(?:个人|个|名|位|人)")
_GENERIC = frozenset({"服务", "售后", "人员", "总数", "人数"})


@dataclass(frozen=True)
class Applied:
    """The rule, the count it was applied to, and the result (a floor: "at least")."""
    rule: str  # the sentence stating the rule, as written
    count: Fraction
    rate: Fraction
    result: Fraction
    text: str  # the answer's computed sentence, in Chinese


def _heads(phrase: str) -> set[str]:
    """Two-character parts of ``phrase`` that say what it is (网点, 管理), not the generic ones."""
    return {phrase[i:i + 2] for i in range(len(phrase) - 1)} - _GENERIC


def _one(found: list[Fraction]) -> Fraction | None:
    values = set(found)
    return found[0] if len(values) == 1 else None  # none, or two different counts: not sure which


def _per_unit(question: str, sentence: str) -> Applied | None:
    m = _PER_UNIT.search(sentence)
    if m is None:
        return None
    unit, measure = m.group("unit"), m.group("measure")
    head = unit[-2:]
    counts = [Fraction(c.group(1)) for c in re.finditer(rf"({_NUM})\s*(?:个|家|处)?\s*{_CN}{{0,6}}?{re.escape(head)}", question)]
    n = _one(counts)
    if n is None or n <= 0 or measure not in question and not re.search(r"多少天|几天|多长时间|多久", question):
        return None
    rate = Fraction(m.group("rate"))
    result = n * rate
    text = (f"按每个{unit}不少于{exact_str(rate)}{measure}计算：{exact_str(n)}个×{exact_str(rate)}{measure}＝{exact_str(result)}{measure}，"
            f"即{exact_str(n)}个{unit}至少需要{exact_str(result)}{measure}。")
    return Applied(sentence.strip(), n, rate, result, text)


def _share(question: str, sentence: str) -> Applied | None:
    m = _SHARE.search(sentence)
    if m is None:
        return None
    whole, pct = m.group("whole"), Fraction(m.group("pct"))
    before = sentence[:m.start()]
    # the part: a word said before the share that the question names ("管理师"), not the whole's
    parts = [p for p in _heads(re.sub(r"[^\u4e00-\u9fff]", "", before)) if p in question and p not in whole]
    if not parts or not (_heads(whole) & _heads(question)):
        return None
    # (a count of the part itself, "已有2名管理师", is what is asked about, not the whole)
    n = _one([Fraction(c.group("n")) for c in _PEOPLE.finditer(question)
              if not any(p in question[c.end():c.end() + 4] for p in parts)])
    if n is None or n <= 0:
        return None
    exact = n * pct / 100
    result = Fraction(math.ceil(exact))
    part = next((w for w in re.findall(r"[\u4e00-\u9fff]{2,10}", before) if any(p in w for p in parts)), parts[0])
    part = re.sub(r"^.*?(?:要求|规定|其中|对)", "", part) or part
    part = re.sub(r"(?:人数|数量|的数量).*$", "", part) or part
    rounding = "" if exact == result else "，不足一人按一人计"
    text = (f"按{part}应达到{whole}总数{exact_str(pct)}%的要求计算：{exact_str(n)}人×{exact_str(pct)}%＝{exact_str(exact)}{rounding}，"
            f"即至少需要{exact_str(result)}名{part}。")
    return Applied(sentence.strip(), n, pct, result, text)


def apply_rate(question: str, passages: list[str]) -> tuple[int, Applied] | None:
    """(index of the passage, the rule applied) for the first sentence of ``passages`` stating a
    rule that scales with a count ``question`` tells and asks a number of; else None."""
    if not _ASKS_COUNT.search(question or ""):
        return None
    for i, passage in enumerate(passages):
        for sentence in sentences(passage or ""):
            applied = _per_unit(question, sentence) or _share(question, sentence)
            if applied is not None:
                return i, applied
    return None
