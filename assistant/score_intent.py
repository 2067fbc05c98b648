"""Offline recogniser for "we scored X, what grade?" questions (no LLM needed).

``parse_score_question`` turns a Chinese question into ``calculate_grade`` arguments, or
returns None when the text is not a calculation about the user's own score. Questions about
thresholds ("70分以上是什么等级", "五星级要多少分", "满分多少") are knowledge questions and
return None: a number next to 以上/以下/要/需要/满分/离/差 … is a threshold, not a score.

Text is normalised with ``assistant.text.to_search_text`` (NFKC: full-width digits; t2s:
traditional characters; lower case), then Chinese numerals become Arabic ("九十四点五" -> 94.5).
The supported phrasings are the table in ``tests/test_score_intent.py``.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from assistant.text import to_search_text

# --------------------------------------------------------------------------- numerals

_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUM_RE = re.compile(r"[零〇一二两三四五六七八九十百]{1,8}(?:点[零〇一二三四五六七八九]{1,6})?")


def _cn_integer(text: str) -> int | None:
    """"八十五" -> 85, "一百" -> 100, "九五" -> 95 (digit by digit); None when malformed."""
    if not any(ch in "十百" for ch in text):
        return int("".join(str(_CN_DIGIT[ch]) for ch in text))
    total, digit, last_unit = 0, None, 1000
    for ch in text:
        if ch in _CN_DIGIT:
            if digit is not None and _CN_DIGIT[ch] != 0:
                return None  # two digits in a row inside a unit number: "八五十"
            digit = _CN_DIGIT[ch] if _CN_DIGIT[ch] else None
        else:
            unit = 10 if ch == "十" else 100
            if unit >= last_unit:
                return None
            total += (digit if digit is not None else 1) * unit
            digit, last_unit = None, unit
    return total + (digit or 0)


def cn_to_decimal(text: str) -> str | None:
    """A Chinese numeral ("九十四点五") as a decimal string ("94.5"), or None."""
    whole, _, frac = text.partition("点")
    value = _cn_integer(whole)
    if value is None:
        return None
    if frac:
        return f"{value}." + "".join(str(_CN_DIGIT[ch]) for ch in frac)
    return str(value)


def _arabise(text: str) -> str:
    """Replace Chinese numerals with Arabic ones, leaving idioms such as 十分 (very) alone."""

    def repl(m: re.Match[str]) -> str:
        run = m.group(0)
        if run in ("十", "百") and text[m.end() : m.end() + 1] == "分":
            return run  # 十分 = "very"; 百分之 = "per cent"
        return cn_to_decimal(run) or run

    return _CN_NUM_RE.sub(repl, text)


# --------------------------------------------------------------------------- patterns

_NUM = r"(?<![\d.])(-?\d{1,9}(?:\.\d{1,6})?)(?!\d)(?!\.\d)"  # a sign is kept: "-5分" is not 5
_COUNT_UNIT = r"(?:个|项|条|处|次)"

_DEDUCTION_RES = (
    re.compile(_NUM + r"\s*" + _COUNT_UNIT + r"?\s*特别扣分项?"),
    re.compile(r"特别扣分项?\s*(?:有|为|是|:|共|计)?\s*" + _NUM + r"\s*" + _COUNT_UNIT + r"?"),
)
_BONUS_RES = (
    re.compile(_NUM + r"\s*" + _COUNT_UNIT + r"?\s*(?:特别)?加分项?"),
    re.compile(r"(?:特别)?加分项\s*(?:有|为|是|:|共|计)?\s*" + _NUM + r"\s*" + _COUNT_UNIT + r"?"),
)
# "两处…各记了一次特别扣分" (2 × 1), "两个方面都够得上特别加分" (2): the count sits before the item.
_ASPECT = _NUM + r"\s*" + _COUNT_UNIT + r"(?:方面|地方|问题|情况|点|亮点)?[^。；;?？]{0,16}?"


def _distributive(kind: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    each = re.compile(_ASPECT + r"各[^。；;?？\d]{0,4}?" + _NUM + r"\s*" + _COUNT_UNIT + r"?\s*" + kind)
    every = re.compile(_ASPECT + r"(?:都|均)[^。；;?？\d]{0,8}?" + kind)
    return each, every


_DEDUCTION_DIST = _distributive(r"特别扣分")
_BONUS_DIST = _distributive(r"(?:特别)?加分")
_REPORTED_RE = re.compile(r"(资料|网上|有人|有的|别人|文章|书上|老师|他们|网页)[^，。,]{0,4}(说|写|讲|提到)")
_OWN_SCORE_RE = re.compile(r"我们|我司|本公司|我公司|咱们|得了|拿了|考了|实得|实际得分")
_NO_DEDUCTION_RE = re.compile(r"(?:没有|没|无)(?:任何)?特别扣分")
_NO_BONUS_RE = re.compile(r"(?:没有|没|无)(?:任何)?(?:特别)?加分")

_APPLICABLE_RES = (
    re.compile(r"涉及[项的总分值共计合为是有只仅就:\s]{0,8}?" + _NUM + r"\s*分?"),
    re.compile(r"(?:适用|删减后的?)(?:项|指标)?的?(?:总分值|总分|分值|满分)\s*(?:是|为|有|:|共)?\s*" + _NUM + r"\s*分?"),
)
_RATIO_RE = re.compile(_NUM + r"\s*分?\s*/\s*" + _NUM + r"\s*分?")

_VERB = (
    r"(?:实际得分|实际得了|实际分数|实得分|实得|实际|得了|得到了?|拿了|拿到了?|考了|考到了?|评了|评到了?"
    r"|打了|获得了?|最终得分|总得分|得分|分数|总分|成绩|评分|打分)"
)
# A verb, then the number; 分 optional but the number must not be a count/date/amount.
_VERB_SCORE_RE = re.compile(
    _VERB + r"\s*(?:是|为|有|:)?\s*" + _NUM + r"(?!\s*(?:个|项|条|次|年|月|天|日|星|颗|级|家|人|%|倍|号|名"
    r"|万|千|亿|元|块|岁|台|件|米|小时|周|季|处|位|份|种|类|张|折|/|分钟|分之))"
)
# A bare "得" only with an explicit 分: "我们得85分".
_DE_SCORE_RE = re.compile(r"得\s*" + _NUM + r"\s*分(?!钟|之)")
# "85分" with no verb: only when the question asks about a grade.
_BARE_SCORE_RE = re.compile(_NUM + r"\s*分(?!钟|之|值|数线|公司)")
_GRADE_CUE_RE = re.compile(
    r"(?:几|\d)\s*(?:颗|个)?星|星级|等级|级别|几级|什么级|达标|通过|合格|过了|差几分|差多少|还差|能评|能拿|能得|算几|是几"
)

_BEFORE_GUARDS = (
    "满分", "满", "超过", "不低于", "低于", "高于", "不到", "大于", "小于", "不少于", "少于", "至少", "最少",
    "最低", "最高", "需要", "要", "需", "到", "至", "离", "距离", "差", "差了", "扣", "扣了", "减", "减了", "加",
    "加了", "比", ">=", ">", "<", "≥", "≤", "门槛", "标准", "线", "分数线", "及格线", "多于",
    "星级", "星", "达标", "级", "合格", "及格", "通过",  # "三星级是80分吗": asks about a threshold
)
_LIST_BEFORE_RE = re.compile(r"\d\s*分?\s*(?:和|与|或|、|跟)$")
_VERB_TO = ("得到", "拿到", "考到", "评到", "达到", "做到")
_AFTER_GUARDS = (
    "以上", "以下", "及以上", "及以下", "(含)以上", "(含)以下", "以内", "之上", "之下", "起", "到", "至",
    "~", "-", "—", "–", "或以上", "或以下", "才",
)
_LIST_AFTER_RE = re.compile(r"^(?:和|与|或|、|跟)\s*\d")  # "90分和95分分别是几星": a list of thresholds


def _is_threshold(text: str, start: int, end: int) -> bool:
    """True when the number at text[start:end] reads as a threshold, not the user's score."""
    before = text[max(0, start - 6) : start].rstrip(" 是为:有共约")
    if before.endswith("到") and before.endswith(_VERB_TO):
        before = ""
    if before.endswith(_BEFORE_GUARDS) or _LIST_BEFORE_RE.search(before):
        return True
    after = text[end : end + 6].lstrip(" ")
    after = after[1:] if after.startswith("分") else after
    after = after.lstrip(" ")
    return after.startswith(_AFTER_GUARDS) or bool(_LIST_AFTER_RE.match(after))


def _number(text: str) -> int | float | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _blank_out(text: str, spans: list[tuple[int, int]]) -> str:
    """Replace matched spans with commas so later patterns cannot reuse their numbers."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = "，" * (end - start)
    return "".join(chars)


def _count(text: str, patterns: tuple[re.Pattern[str], ...],
           distributive: tuple[re.Pattern[str], re.Pattern[str]]) -> tuple[int | None, list[tuple[int, int]]]:
    """A special-item count: "N处…各M次" / "N个方面都…" first, else the earliest plain count."""
    each, every = distributive
    for pattern, multiply in ((each, True), (every, False)):
        m = pattern.search(text)
        if m:
            n = _number(m.group(1))
            factor = _number(m.group(2)) if multiply else 1
            if n is not None and factor is not None and float(n).is_integer() and float(factor).is_integer():
                return int(n) * int(factor), [(m.start(), m.end())]
    return _first_count(text, patterns)


def _first_count(text: str, patterns: tuple[re.Pattern[str], ...]) -> tuple[int | None, list[tuple[int, int]]]:
    """The earliest count matched by any pattern, plus every matched span."""
    found: list[tuple[int, int, int | float | None]] = []
    for pattern in patterns:
        for m in pattern.finditer(text):
            found.append((m.start(), m.end(), _number(m.group(1))))
    found.sort(key=lambda f: (f[0], f[1]))
    count = next((int(v) for _, _, v in found if v is not None and float(v).is_integer()), None)
    return count, [(s, e) for s, e, _ in found]


def _first_score(
    text: str, patterns: tuple[re.Pattern[str], ...], *, guard: bool = True, limit: float | None = 100
) -> tuple[int | float | None, tuple[int, int] | None]:
    """The earliest plausible number matched by any pattern (skipping thresholds when ``guard``)."""
    best: tuple[int, int | float, tuple[int, int]] | None = None
    for pattern in patterns:
        for m in pattern.finditer(text):
            s, e = m.span(1)
            value = _number(m.group(1))
            if value is None or not _plausible(text, m, limit) or (guard and _is_threshold(text, s, e)):
                continue
            if best is None or s < best[0]:
                best = (s, value, m.span())
    return (best[1], best[2]) if best else (None, None)


def _ratio_ok(text: str, m: re.Match[str]) -> bool:
    """"76/80" is earned/applicable only in a grade question and when it reads as a share."""
    earned, applicable = _number(m.group(1)), _number(m.group(2))
    before, after = text[max(0, m.start() - 6) : m.start()], text[m.end() : m.end() + 4]
    if re.search(r"抽样|样本|抽查", before) or re.match(r"\s*(?:不符合|不合格|合格|样)", after):
        return False  # "抽样1/3不符合" is a sample share, not a score
    return (
        (bool(_GRADE_CUE_RE.search(text)) or bool(re.search(_VERB + r"\s*(?:是|为|有|:)?\s*$", before)))
        and earned is not None
        and applicable is not None
        and 0 < applicable <= 1000
        and earned <= applicable
        and not _is_threshold(text, *m.span(1))
    )


def _plausible(text: str, m: re.Match[str], limit: float | None) -> bool:
    """Without an explicit 分 a number must fit the scale (100, or the applicable total)."""
    if limit is None or text[m.end(1) :].lstrip(" ").startswith("分"):
        return True
    value = _number(m.group(1))
    return value is not None and value <= limit


# --------------------------------------------------------------------------- public


def normalise(text: str) -> str:
    """The form every pattern sees: search text with Arabic numerals."""
    return _arabise(to_search_text(text or ""))


def extract_score_fields(text: str) -> dict[str, Any]:
    """Every scoring field the text mentions (possibly only counts, for follow-up turns)."""
    t = normalise(text)
    out: dict[str, Any] = {}

    deductions, spans_d = _count(t, _DEDUCTION_RES, _DEDUCTION_DIST)
    if deductions is None and _NO_DEDUCTION_RE.search(t):
        deductions = 0
    bonus, spans_b = _count(t, _BONUS_RES, _BONUS_DIST)
    if bonus is None and _NO_BONUS_RE.search(t):
        bonus = 0
    t = _blank_out(t, spans_d + spans_b)

    ratio = _RATIO_RE.search(t)
    # The applicable total's key word (涉及项分值…) is explicit: no threshold guard, any size.
    applicable, span_a = _first_score(t, _APPLICABLE_RES, guard=False, limit=None)
    if applicable is not None:
        t = _blank_out(t, [span_a])  # type: ignore[list-item]
        earned, _ = _first_score(t, (_VERB_SCORE_RE, _DE_SCORE_RE, _BARE_SCORE_RE), limit=applicable)
        if earned is not None:
            out.update(earned=earned, applicable_total=applicable)
    elif ratio and _ratio_ok(t, ratio):
        out.update(earned=_number(ratio.group(1)), applicable_total=_number(ratio.group(2)))
    else:
        patterns = (_VERB_SCORE_RE, _DE_SCORE_RE)
        if _GRADE_CUE_RE.search(t):
            patterns += (_BARE_SCORE_RE,)
        total, _ = _first_score(t, patterns)
        if total is not None:
            out["total"] = total

    if deductions is not None:
        out["special_deductions"] = deductions
    if bonus is not None:
        out["bonus"] = bonus
    return out


def parse_score_question(text: str) -> dict[str, Any] | None:
    """``calculate_grade`` arguments when the text states a score to grade, else None.

    Counts (special_deductions, bonus) appear only when the text mentions them.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    if _REPORTED_RE.search(normalise(text)):
        # "有的资料说80分是星级…" is about what sources say; drop those clauses, keep our own score
        if not _OWN_SCORE_RE.search(normalise(text)):
            return None
        text = re.sub(r"[^，。,；;]*" + _REPORTED_RE.pattern + r"[^，。,；;]*[，。,；;]?", "", normalise(text))
    fields = extract_score_fields(text)
    if "total" in fields or "earned" in fields:
        return fields
    return None


_THRESHOLD_ASK_RE = re.compile(
    r"(达标|三星|四星|五星|星级|几星)[^，。,？?]{0,8}(多少分|几分|要多少|需要多少|分数线|最低分|够不够)")

_GAP_ASK_RE = re.compile(r"差|距离|够不够|够吗|能不能|能评|算不算")


def score_request(question: str, resolved: str) -> dict[str, Any] | None:
    """The scoring-tool arguments for a question asked in a conversation, or None.

    ``resolved`` carries the previous turn into a follow-up, so "那如果再扣1分呢？" is scored
    with the earlier score. But a follow-up that asks a grade's threshold and names no number of
    its own ("那五星要多少分？") asks about the rules, not for the earlier score again.
    """
    asked = to_search_text(question)
    if resolved != question and _THRESHOLD_ASK_RE.search(asked) and not _GAP_ASK_RE.search(asked) \
            and parse_score_question(question) is None:
        return None
    return parse_score_question(resolved)
