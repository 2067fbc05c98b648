"""Cited rules that scale with a count the asker tells (人日 per outlet, a share of staff), applied.

"每个固定服务网点的评审时间至少为0.5人日" with "我们有20个固定服务网点" gives at least 10 人日;
"管理师人数应达到服务管理人员总数的10%" with "管理人员一共50个人" gives at least 5. The number is computed here (exact
fractions), never generated, and only from one count the question names unambiguously; the
sentence stating the rule is returned with it, so the answer cites it. A period a cited rule
states ("证书有效期一般为3年", "达标级一年后再评星") is added the same way to the one month the
asker tells of the event it runs from ("2025年3月拿的证，到哪年哪月到期"). Pure: no I/O."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple

from assistant.domain.question import sentences
from assistant.domain.scoring import exact_str
from assistant.lang.numerals import read_number

_NUM = r"\d+(?:\.\d+)?"
_CN = r"[\u4e00-\u9fff]"
# "每个固定服务网点的评审时间至少为0.5人日": a floor for each unit
_PER_UNIT = re.compile(rf"每(?:个|家|处|名|位)?(?P<unit>[^的，,。；;\d]{{2,10}}?)(?:的(?P<what>{_CN}{{0,8}}?))?"
                       rf"(?:不少于|至少为|至少是|至少|不低于|不得少于)\s*(?P<rate>{_NUM})\s*个?(?P<measure>人日|人天|小时|天)")
# "…应达到服务管理人员总数的10%": a share of a whole
_SHARE = re.compile(rf"(?:应|须|需|要)?(?:达到|不少于|不低于|占)\s*(?P<whole>{_CN}{{2,14}}?)(?:总数|总人数)的?\s*(?P<pct>{_NUM})\s*[%％]")
_ASKS_COUNT = re.compile(r"多少|几|(?:怎么|如何|怎样)(?:计|核)?算")  # "12个网点，人日怎么算": the computation asked
# "管理师配满12个就够了吧", "5个人日够不够": a figure of the asker's own, to be checked
_CHECKS = re.compile(r"够|对吧|对吗|对不对|是不是|行不行|可以吗|没问题吧|吧\s*[?？]|核一下|算对")
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
    proposed = _one([Fraction(c.group(1)) for c in re.finditer(rf"({_NUM})\s*个?\s*{measure}", question)])
    if not _ASKS_COUNT.search(question) and proposed is None:
        return None  # a check with no figure of its own to check
    rate = Fraction(m.group("rate"))
    result = n * rate
    text = (f"按每个{unit}不少于{exact_str(rate)}{measure}计算：{exact_str(n)}个×{exact_str(rate)}{measure}＝{exact_str(result)}{measure}，"
            f"即{exact_str(n)}个{unit}至少需要{exact_str(result)}{measure}")
    if proposed is not None:
        text += f"；{exact_str(proposed)}{measure}" + ("已达到这一要求" if proposed >= result else "不够")
    return Applied(sentence.strip(), n, rate, result, text + "。")


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
    # ("管理师配满12个", "12名管理师": the part's own count, a figure of the asker's to be checked)
    def of_part(c) -> bool:
        after = re.split(r"[，,。；;？?！!、]", question[c.end():c.end() + 4])[0]
        before = re.split(r"[，,。；;？?！!、]", question[max(0, c.start() - 6):c.start()])[-1]
        return any(p in after or p in before for p in parts)
    wholes, own = [], []
    for c in _PEOPLE.finditer(question):
        (own if of_part(c) else wholes).append(Fraction(c.group("n")))
    n, proposed = _one(wholes), _one(own)
    if n is None or n <= 0 or (not _ASKS_COUNT.search(question) and proposed is None):
        return None
    exact = n * pct / 100
    result = Fraction(math.ceil(exact))
    part = next((w for w in re.findall(r"[\u4e00-\u9fff]{2,10}", before) if any(p in w for p in parts)), parts[0])
    part = re.sub(r"^.*?(?:要求|规定|其中|对)", "", part) or part
    part = re.sub(r"(?:人数|数量|的数量).*$", "", part) or part
    rounding = "" if exact == result else "，不足一人按一人计"
    text = (f"按{part}应达到{whole}总数{exact_str(pct)}%的要求计算：{exact_str(n)}人×{exact_str(pct)}%＝{exact_str(exact)}{rounding}，"
            f"即至少需要{exact_str(result)}名{part}")
    if proposed is not None and not _ASKS_COUNT.search(question):
        text += f"；配{exact_str(proposed)}名" + ("已达到这一要求" if proposed >= result else "不够")
    return Applied(sentence.strip(), n, pct, result, text + "。")


_RELATIVE = {"前年": -2, "去年": -1, "今年": 0, "明年": 1, "后年": 2}
_RELATIVE_NAMES = {offset: name for name, offset in _RELATIVE.items()}
# "2025年3月拿的证", "去年8月才拿到达标", "今年三月评上达标": a year, and its month when told
_MONTH = re.compile(r"(?:(?<!\d)(?P<year>(?:19|20)\d{2})\s*年|(?P<rel>前年|去年|今年|明年))\s*"
                    r"(?:(?P<month>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])\s*(?:月份|月))?")
# "现在已经2024年1月了", "现在是2025年": the present the asker tells
_NOW = re.compile(r"(?:现在|目前|如今|眼下)[^，,。；;？?！!\d]{0,4}(?P<year>(?:19|20)\d{2})\s*年"
                  r"(?:\s*(?P<month>1[0-2]|0?[1-9])\s*月)?")
_ASKS = re.compile(r"[?？]|吗|吧|么|行不行|能不能|可不可以|是不是|要不要|得不得|哪|什么|啥|何时|多会儿")


class _Period(NamedTuple):
    """A period the documents state: the rule saying it, what starts it, what a question must ask
    of it, the computed sentence, the words to search the rule by, and whether a present year the
    asker tells is compared with its end."""
    rule: re.Pattern
    starts: re.Pattern
    asks: re.Pattern
    said: str
    query: str
    compares_now: bool


_PERIODS = (
    # "证书有效期一般为3年": from the certificate's issue to its expiry
    _Period(re.compile(r"有效期(?:一般)?(?:为|是)?\s*(?P<n>[1-5一两二三四五])\s*年"),
            re.compile(r"拿(?:到|了)?的?[\u4e00-\u9fff]{0,8}?证(?!明)|获证|发证|取得(?:了)?(?:认证)?证书|颁发|领证|发的证"),
            re.compile(r"(?:到期|过期|失效|届满|有效)[^，,。；;？?]{0,4}(?:哪年|哪一年|哪个月|几月|什么时候|啥时候|何时)|"
                       r"(?:哪年|哪一年|哪个月|几月|什么时候|啥时候|何时)[^，,。；;？?]{0,4}(?:到期|过期|失效|届满)|"
                       r"还有效|有效吗|还能(?:当作|作为|用|认)|还认|还算数"),
            "证书有效期{n}年：{start}获证，有效期一般到{end}届满，届满前需重新申请",
            "证书有效期几年", True),
    # "星级评定一般在企业获得达标级一年之后进行": from 达标 to the earliest star rating
    _Period(re.compile(r"达标(?:级)?[^。；;]{0,6}?(?P<n>[1-5一两二三四五])\s*年(?:之)?后"),
            re.compile(r"达标"),
            re.compile(r"评星|星级|升星|三星|四星|五星"),
            "星级评定一般在获得达标级{n}年后进行：{start}评上达标级，一般要到{end}以后才能评星",
            "达标级一年后才能评星级", False),
)


@lru_cache(maxsize=256)  # asked by the search, the answer and each sentence tried: once per question
def _told_start(question: str) -> tuple[re.Match, tuple[_Period, ...]] | None:
    """(the month told, the periods it may start) for the one year or month the question tells
    of an event a stated period runs from ("2025年3月拿的证"); None when none or two are told."""
    found = []
    for m in _MONTH.finditer(question or ""):
        if re.search(r"(?:现在|目前|如今|眼下)[^，,。；;？?！!\d]{0,4}$", question[max(0, m.start() - 8):m.start()]):
            continue  # "现在已经2024年1月了": the present, not the event
        clause = re.split(r"[，,。；;？?！!]", question[m.start():])[0]
        periods = tuple(p for p in _PERIODS if p.starts.search(clause) and p.asks.search(question))
        if periods:
            found.append((m, periods))
    return found[0] if len(found) == 1 and _ASKS.search(question) else None


def _year_name(year: int | None, rel: int | None, month: int | None) -> str:
    name = f"{year}年" if year is not None else _RELATIVE_NAMES.get(rel, f"{rel}年后的")
    return name + (f"{month}月" if month else "")


def _period(question: str, told, sentence: str) -> Applied | None:
    when, periods = told
    for period in periods:
        m = period.rule.search(sentence)
        if m is None:
            continue
        n = int(read_number(m.group("n")))
        month = int(read_number(when.group("month"))) if when.group("month") else None
        year = int(when.group("year")) if when.group("year") else None
        rel = _RELATIVE[when.group("rel")] if when.group("rel") else None
        start, end = _year_name(year, rel, month), _year_name(year + n if year else None,
                                                               rel + n if rel is not None else None, month)
        text = period.said.format(n=n, start=start, end=end)
        now = _NOW.search(question)
        if now and year is not None and period.compares_now:
            ny, nm = int(now.group("year")), int(now.group("month")) if now.group("month") else None
            if ny > year + n or (nm and month and ny == year + n and nm > month):
                text += f"；现在已是{_year_name(ny, None, nm)}，这张证书已过期（除非届满前已重新申请并换发了新证书）"
            elif ny < year + n or (nm and month and ny == year + n and nm < month):
                text += f"；现在是{_year_name(ny, None, nm)}，这张证书尚在有效期内（以每年的监督评审通过为前提）"
        base = Fraction(year if year is not None else rel)
        return Applied(sentence.strip(), base, Fraction(n), base + n, text + "。")
    return None


def period_query(question: str) -> str:
    """The words the documents state the period in, for a question telling the month it runs
    from ("今年3月刚拿到达标，…冲三星行不行" -> 达标级一年后才能评星级), so the rule is cited; else ""."""
    told = _told_start(question)
    return " ".join(p.query for p in told[1]) if told else ""


def without_told_month(question: str) -> str:
    """``question`` without the month the asker tells of an event a stated period runs from, when
    it asks about the period's end ("2023年6月评上达标，什么时候能评星"): the asker's own date is
    to be computed from, not looked up, and its digits would draw the passages dated like it."""
    told = _told_start(question)
    if told is None or told[0].group("year") is None:
        return question
    when = told[0]
    return (question[:when.start()] + question[when.end():]).strip()


def apply_rate(question: str, passages: list[str]) -> tuple[int, Applied] | None:
    """(index of the passage, the rule applied) for the first sentence of ``passages`` stating a
    rule that scales with a count ``question`` tells and asks a number of, or a period that runs
    from a month it tells and asks the end of; else None."""
    counts = bool(_ASKS_COUNT.search(question or "") or _CHECKS.search(question or ""))
    told = _told_start(question or "")
    if not counts and told is None:
        return None
    for i, passage in enumerate(passages):
        for sentence in sentences(passage or ""):
            applied = (counts and (_per_unit(question, sentence) or _share(question, sentence))) \
                or (told is not None and _period(question, told, sentence)) or None
            if applied is not None:
                return i, applied
    return None
