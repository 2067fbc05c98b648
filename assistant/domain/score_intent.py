"""Offline recogniser for "we scored X, what grade?" questions (no LLM needed).

``parse_score_question`` turns a Chinese question into ``calculate_grade`` arguments, or
returns None when the text is not a calculation about the user's own score. Questions about
thresholds ("70分以上是什么等级", "五星级要多少分", "满分多少") are knowledge questions and
return None: a number next to 以上/以下/要/需要/满分/离/差 … is a threshold, not a score.

Text is normalised with ``assistant.lang.text.to_search_text`` (NFKC: full-width digits; t2s:
traditional characters; lower case), then Chinese numerals become Arabic ("九十四点五" -> 94.5).
The supported phrasings are the tables in ``tests/test_score_intent.py`` and
``tests/test_score_roles.py``.

``read_score`` binds every number to a role by the words around it (``ROLE_LABELS``): 实得/得分
(earned points), 最终得分/折算后 (the 100-point score), 涉及项/删减后满分/应得分 (applicable total),
"删减…X分" (excluded: 涉及项 = 100 − X), "4分指标抽查10份3份不合格" (a sample: 4 × 3/10 lost),
"一个3分、一个2分不符合" (qualitative non-conformities: their full value lost), "扣了/再扣 X 分",
"N个特别扣分项/加分项", and numbers in reported speech ("有的资料说80分…", shown, never used).
The bound numbers are then checked against each other; when a role is unclear or they
contradict (earned above the applicable total, two different totals, a count that does not
match its values), the reading needs confirmation and nothing is computed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from assistant.lang.numerals import CN_DIGITS
from assistant.lang.text import to_search_text

# --------------------------------------------------------------------------- numerals

_CN_DIGIT = CN_DIGITS
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


_HALF_POINT = re.compile(r"(?<![\d.])(\d{1,3})分半")
_TEN_POINTS_BEFORE = set("了扣减删得共是有打占剩只计差加考拿为")


def _arabise(text: str) -> str:
    """Replace Chinese numerals with Arabic ones, leaving idioms such as 十分 (very) alone."""

    def repl(m: re.Match[str]) -> str:
        run = m.group(0)
        if run in ("十", "百") and text[m.end() : m.end() + 1] == "分" \
                and (run == "百" or text[m.start() - 1 : m.start()] not in _TEN_POINTS_BEFORE):
            return run  # 十分 = "very"; 百分之 = "per cent"; but "删减了十分" is 10 points
        return cn_to_decimal(run) or run

    # "九十六分半" / "96分半" is 96.5 points
    return _HALF_POINT.sub(r"\1.5分", _CN_NUM_RE.sub(repl, text))


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
    r"(?:实际得分|实际得了|实际分数|实得分|实得|实际|折算后的?(?:得分|分数)?|换算后的?(?:得分|分数)?|最后得分"
    r"|得了|得到了?|拿了|拿到了?|考了|考到了?|评了|评到了?"
    r"|打了|获得了?|最终得分|总得分|得分|分数|总分|成绩|评分|打分)"
)
# Which score a verb names: the raw points (实得…) or the 100-point score (最终得分, 折算后…);
# other verbs (得了, 得分, 总分…) name the raw points when an applicable total is known.
_EARNED_VERB_RE = re.compile(r"实际得分|实际得了|实际分数|实得分|实得|实际")
_TOTAL_VERB_RE = re.compile(r"最终得分|折算后|换算后|最后得分")
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


# --------------------------------------------------------------------------- roles
#
# Every number a score question passes on is bound to a role by the words around it. The roles,
# as shown to the user when the reading needs confirmation:

ROLE_LABELS = {
    "total": "百分制得分",
    "earned": "实际得分",
    "applicable_total": "涉及项分值",
    "excluded": "删减的分值",
    "sample": "抽样指标",
    "nonconformity": "不符合的定性指标（扣该指标全部分值）",
    "lost": "扣分",
    "extra_lost": "再扣的分",
    "special_deductions": "特别扣分项（个）",
    "bonus": "特别加分项（个）",
    "reported": "别人说的分数（不是贵公司的得分，不计入）",
}

_N = r"(\d{1,9}(?:\.\d{1,6})?)(?![\d.])"  # an unsigned number (roles never take a sign)
_STOP = r"。;?!"  # sentence ends after normalisation (NFKC turns ；？！ into ;?!)
_GAP = r"[^" + _STOP + r",\d]"  # inside one clause: no digits, no comma
_SAMPLE_UNIT = r"(?:份|个|条|次|人|名|张|件|单|处|家|户|位|项|台|批|例)"
_NC_CUE = r"(?:不符合|不合格|不达标|没达标|没达到|没做到|有问题|不规范|没做好|没通过|没过)"
_SUM_WORDS = r"1共|总共|共|合计|加起来|总计|计"  # "一共" is "1共" once numerals are Arabic
_SUM = r"(?:" + _SUM_WORDS + r")"
_EXCL_CUE = r"(?:删减|删掉|删除|删去|去掉|剔除|减掉|不涉及|不适用|没涉及|不计)"

_APPLICABLE_MORE = (
    re.compile(r"(?:删减|去掉|扣除|除去|剔除)(?:之后|以后|后)" + _GAP + r"{0,8}?"
               r"(?:总分|满分|分值|总分值|还有|剩下?|剩余|只有|" + _SUM_WORDS + r")(?:是|为|有|:)?\s*" + _N + r"\s*分?"),
    re.compile(r"剩(?:下|余)?(?:的)?(?:指标|项目?|部分|涉及项)?(?:" + _SUM_WORDS + r"|满分|总分|总分值|分值)"
               r"(?:是|为|有|:)?\s*" + _N + r"\s*分"),
    re.compile(r"满分(?:只有|就只有|变成了?|变为|成了|剩下?|只剩)\s*" + _N + r"\s*分?"),
    re.compile(r"应得分?(?:是|为|:|有)?\s*" + _N + r"\s*分?"),
    # "满分90分，我们拿了81分", "(满分90)": a full mark below 100 is what applies to this sheet
    re.compile(r"满分(?:是|为|:)?\s*(?!100(?![\d.]))" + _N + r"\s*分?"),
)
_LIST_MORE = re.compile(r"\s*(?:和|、|与|跟|加上?)\s*" + _N + r"\s*分(?!之|钟)")
_LEFT_AFTER_EXCLUSION = re.compile(r"(?:剩(?:下|余)?|还剩)(?:了)?(?:的)?\s*" + _N + r"\s*分")
_EXCLUSION_RES = (
    # "删减了配送和回收两项,共10分", "不涉及的指标占10分"
    re.compile(_EXCL_CUE + r"(?!之后|以后|后)(?:了|掉|掉了)?(?:的)?" + _GAP + r"{0,20}?"
               r"(?:\d+\s*(?:项|个|块|条|部分)" + _GAP + r"{0,6}?)?" + _N + r"\s*分(?!之|钟)"),
    # "这两块一共10分删减掉了", "10分的指标不适用"
    re.compile(_N + r"\s*分(?:的)?" + _GAP + r"{0,8}?" + _EXCL_CUE + r"(?!之后|以后|后)"),
    # "不涉及配送和回收,这两块一共10分"
    re.compile(_EXCL_CUE + r"(?!之后|以后|后)[^" + _STOP + r"\d]{0,24}?,\s*(?:这|那)?\d?\s*(?:块|项|部分|个)?"
               + _SUM + r"\s*" + _N + r"\s*分"),
)
_SAMPLE_VERB = r"(?:抽查|抽样|抽检|抽了|抽取|查了|检查了?|随机查了?)"
_SAMPLE_RES = (
    # "4分指标抽查10份3份不合格": (max, sampled, nonconforming)
    re.compile(_N + r"\s*分(?:的)?[^" + _STOP + r"\d]{0,10}?" + _SAMPLE_VERB + r"(?:了)?\s*" + _N + r"\s*"
               + _SAMPLE_UNIT + r"?[^" + _STOP + r"\d/]{0,10}?" + _N + r"\s*" + _SAMPLE_UNIT + r"?\s*" + _NC_CUE),
)
# "抽查10份3份不合格,这个指标4分": (sampled, nonconforming, max)
_SAMPLE_REVERSED = re.compile(
    _SAMPLE_VERB + r"(?:了)?\s*" + _N + r"\s*" + _SAMPLE_UNIT + r"?[^" + _STOP + r"\d]{0,10}?" + _N + r"\s*"
    + _SAMPLE_UNIT + r"?\s*" + _NC_CUE + r"[^" + _STOP + r"\d]{0,10}?(?:指标|这项|该项|那项|这个|那个|分值)"
    + r"[^" + _STOP + r"\d]{0,6}?" + _N + r"\s*分")
# "4分的指标抽样3/10不符合": (max, nonconforming, sampled)
_SAMPLE_SHARE = re.compile(
    _N + r"\s*分(?:的)?[^" + _STOP + r"\d]{0,10}?(?:抽查|抽样|抽检)[^" + _STOP + r"\d]{0,4}?" + _N + r"\s*/\s*" + _N
    + r"\s*" + _SAMPLE_UNIT + r"?\s*" + _NC_CUE)
_SAMPLE_MENTION = re.compile(_SAMPLE_VERB + r"[^" + _STOP + r"]{0,16}?" + _NC_CUE)

_NC_SENTENCE_CUE = re.compile(_NC_CUE)
_NC_COUNT = re.compile(r"(\d+)\s*(?:个|项|条|处)(?:定性)?(?:的)?(?:指标|项|条款|地方|要求)?[^" + _STOP + r"\d]{0,8}?"
                       + _NC_CUE)
_NC_ITEM = re.compile(r"(?:(?<![\d.])1\s*(?:个|项|条)\s*(?:是|为)?\s*)" + _N + r"\s*分(?!之|钟)")
_NC_OF = re.compile(_N + r"\s*分(?:的)(?:\d+\s*(?:个|项|条))?(?:定性)?(?:指标|项|条款|要求)")
_NC_EACH = re.compile(r"各\s*" + _N + r"\s*分")
_NC_LIST = re.compile(r"分别(?:是|为|扣了?|占)?\s*" + _N + r"\s*分?\s*(?:和|、|与|跟|,)\s*" + _N + r"\s*分?"
                      r"(?:\s*(?:和|、|与|跟|,)\s*" + _N + r"\s*分)?")

_LOST_RE = re.compile(r"(再|又|另外|另|还|被|总共|1共|共)?\s*(?:扣|丢|失)(?:了|掉|掉了|去)?\s*" + _N
                      + r"\s*分(?!之|钟|项)")
_RULE_BEFORE = re.compile(r"(?:特别扣分|特别加分|加分项|扣分项|每项|每个|每条|每次|各|最多|最少|至少|只能|要)\s*$")
_EXTRA = ("再", "又")
_ADDITIVE = ("另外", "另", "还")

_OWN_CUE_RE = re.compile(_OWN_SCORE_RE.pattern
                         + r"|我们|几星|星级|等级|级别|几级|能评|能拿|能得|算几|最后多少分|总分多少|得多少分")
_LEFT_AFTER = ("满分", "制", "为满分", "的满分")
_RULE_ASK_RE = re.compile(r"扣多少|扣几分|怎么扣|会扣|要扣|扣不扣|扣全部|全扣|按比例|怎么算|如何算")


@dataclass(frozen=True)
class Bound:
    """One number (or sample triple) bound to a role, with the words it was read from."""

    role: str
    value: Any
    words: str

    def describe(self) -> str:
        label = ROLE_LABELS.get(self.role, self.role)
        if self.role == "sample":
            mx, sampled, bad = self.value
            lost = _fmt_number(Fraction(str(mx)) * Fraction(bad, sampled))
            return (f"{label}：{_fmt_number(mx)} 分的指标抽查 {sampled} 份、{bad} 份不符合 → 扣 {_fmt_number(mx)}×"
                    f"{bad}/{sampled} = {lost} 分（“{self.words}”）")
        unit = " 个" if self.role in ("special_deductions", "bonus") else " 分"
        return f"{label}：{_fmt_number(self.value)}{unit}（“{self.words}”）"


@dataclass
class ScoreReading:
    """What a score question said: every number with its role, the calculator's arguments when
    they are certain, and otherwise the problems that make the answer ask to confirm."""

    bound: list[Bound] = field(default_factory=list)
    args: dict[str, Any] | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def needs_confirmation(self) -> bool:
        return self.args is None or bool(self.problems)

    def roles(self) -> dict[str, Any]:
        """role -> value (a list when a role holds several numbers); for tests and reports."""
        out: dict[str, Any] = {}
        for b in self.bound:
            value = b.value
            if b.role in out:
                prev = out[b.role]
                out[b.role] = (prev if isinstance(prev, list) else [prev]) + [value]
            else:
                out[b.role] = value
        return out

    def understood(self) -> list[str]:
        return [b.describe() for b in self.bound]

    def has(self, *roles: str) -> bool:
        return any(b.role in roles for b in self.bound)


def _fmt_number(value: Any) -> str:
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        shown = _plain(value)
        return str(shown) if isinstance(shown, (int, float)) and Fraction(str(shown)) == value else \
            f"{float(value):.2f}".rstrip("0").rstrip(".")
    return str(value)


def _plain(value: Fraction) -> int | float | Fraction:
    """An exact value as int, as float when its decimal is exact and short, else the Fraction."""
    if value.denominator == 1:
        return int(value)
    den = value.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    if den == 1:
        as_float = float(value)
        if Fraction(repr(as_float)) == value:
            return as_float
    return value


class _Reader:
    """Binds the numbers of one normalised text to roles, consuming each span it reads."""

    def __init__(self, text: str):
        self.text = text
        self.work = text
        self.bound: list[Bound] = []
        self.problems: list[str] = []
        self.additive = False  # "另外还扣了2分": an explicit loss on top of the itemised ones

    def take(self, role: str, value: Any, span: tuple[int, int]) -> None:
        if self.text[span[1]:span[1] + 1] == "分":
            span = (span[0], span[1] + 1)
        words = self.text[span[0]:span[1]].strip(" ,")
        self.bound.append(Bound(role, value, words))
        self.work = _blank_out(self.work, [span])

    def values(self, role: str) -> list[Any]:
        return [b.value for b in self.bound if b.role == role]


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in re.finditer("[" + _STOP + "]", text):
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _read_specials(r: _Reader) -> None:
    t = r.work
    deductions, spans_d = _count(t, _DEDUCTION_RES, _DEDUCTION_DIST)
    if deductions is None and (m := _NO_DEDUCTION_RE.search(t)):
        deductions, spans_d = 0, [m.span()]
    bonus, spans_b = _count(t, _BONUS_RES, _BONUS_DIST)
    if bonus is None and (m := _NO_BONUS_RE.search(t)):
        bonus, spans_b = 0, [m.span()]
    if deductions is not None:
        r.bound.append(Bound("special_deductions", deductions, _join_words(r.text, spans_d)))
    if bonus is not None:
        r.bound.append(Bound("bonus", bonus, _join_words(r.text, spans_b)))
    r.work = _blank_out(r.work, spans_d + spans_b)


def _join_words(text: str, spans: list[tuple[int, int]]) -> str:
    return "…".join(text[s:e].strip(" ,") for s, e in sorted(spans)[:2])


def _read_applicable(r: _Reader) -> None:
    for pattern in _APPLICABLE_RES + _APPLICABLE_MORE:
        for m in pattern.finditer(r.work):
            value = _number(m.group(1))
            if value is not None and value > 0:
                r.take("applicable_total", value, m.span())


def _read_exclusions(r: _Reader) -> None:
    seen: set[int] = set()
    found = []
    for pattern in _EXCLUSION_RES:
        for m in pattern.finditer(r.work):
            start = m.start(1)
            if start in seen:  # the cue word is explicit: no threshold guard
                continue
            seen.add(start)
            found.append(m)
    for m in sorted(found, key=lambda m: m.start()):
        value = _number(m.group(1))
        if value is not None and value > 0 and r.work[m.start(1):m.end(1)].strip(","):
            r.take("excluded", value, m.span())
            end = m.end()
            while more := _LIST_MORE.match(r.work, end):  # "删减了10分和5分两项"
                value = _number(more.group(1))
                if value is None or value <= 0:
                    break
                r.take("excluded", value, (more.start(1), more.end()))
                end = more.end()
    if r.values("excluded"):
        for m in _LEFT_AFTER_EXCLUSION.finditer(r.work):
            value = _number(m.group(1))
            if value is not None and value > 0:
                r.take("applicable_total", value, m.span())


def _read_samples(r: _Reader) -> None:
    for pattern, order in ((_SAMPLE_RES[0], (1, 2, 3)), (_SAMPLE_REVERSED, (3, 1, 2)), (_SAMPLE_SHARE, (1, 3, 2))):
        for m in pattern.finditer(r.work):
            mx, sampled, bad = (m.group(i) for i in order)
            if not (mx and sampled and bad):
                continue
            mx_v, n, k = _number(mx), _number(sampled), _number(bad)
            if mx_v is None or n is None or k is None or not float(n).is_integer() or not float(k).is_integer():
                continue
            n, k = int(n), int(k)
            if n == 0 or k > n:
                r.problems.append(f"抽样数 {n}、不符合数 {k} 对不上（不符合数不能超过抽样数）")
                r.take("sample", (mx_v, max(n, 1), min(k, max(n, 1))), m.span())
                continue
            r.take("sample", (mx_v, n, k), m.span())


def _read_nonconformities(r: _Reader) -> None:
    for start, end in _sentence_spans(r.work):
        sentence = r.work[start:end]
        if not _NC_SENTENCE_CUE.search(sentence) or _SAMPLE_MENTION.search(sentence):
            continue
        picked: dict[int, tuple[int, int, Any]] = {}  # value start -> (span, value)
        for pattern in (_NC_ITEM, _NC_OF):
            for m in pattern.finditer(sentence):
                v = _number(m.group(1))
                if v is not None and v > 0:
                    picked[m.start(1)] = (start + m.start(), start + m.end(), v)
        for m in _NC_LIST.finditer(sentence):
            for g in range(1, 4):
                if m.group(g):
                    v = _number(m.group(g))
                    if v is not None and v > 0:
                        picked[m.start(g)] = (start + m.start(g), start + m.end(g) + 1, v)
        # "3分和2分的指标": the first of a list joined to a picked item
        for m in re.finditer(_N + r"\s*分", sentence):
            if m.start(1) in picked:
                continue
            rest = sentence[m.end():]
            joined = re.match(r"\s*(?:和|、|与|跟)\s*(\d)", rest)
            if joined and (m.end() + joined.start(1)) in picked:
                v = _number(m.group(1))
                if v is not None and v > 0:
                    picked[m.start(1)] = (start + m.start(), start + m.end(), v)
        count_m = _NC_COUNT.search(sentence)
        count = int(_number(count_m.group(1)) or 0) if count_m else None
        each = _NC_EACH.search(sentence)
        if each and count and not picked:
            v = _number(each.group(1))
            if v is not None and v > 0:
                for _ in range(count):
                    r.bound.append(Bound("nonconformity", v, sentence[count_m.start():].strip(" ," + _STOP)[:40]))
                r.work = _blank_out(r.work, [(start + each.start(), start + each.end())])
                continue
        for pos in sorted(picked):
            s, e, v = picked[pos]
            r.take("nonconformity", v, (s, e))
        if count is not None and picked and len(picked) != count:
            r.problems.append(f"说了 {count} 个指标不符合，但读到的分值有 {len(picked)} 个")
        elif count is not None and not picked and count > 0:
            r.problems.append(f"有 {count} 个指标不符合，但没有说它们各是多少分")
            r.bound.append(Bound("nonconformity", "?", sentence[count_m.start():count_m.end()].strip(" ,")))


def _read_lost(r: _Reader) -> None:
    """"扣了5分" (lost), "再扣1分" (extra_lost, on top of a stated score); not a rule such as
    "特别扣分项每项扣1分". "另外/还扣了2分" is added to itemised losses, not a restatement."""
    for m in _LOST_RE.finditer(r.work):
        if _RULE_BEFORE.search(r.work[max(0, m.start() - 8):m.start()].rstrip(" ,")):
            continue
        value = _number(m.group(2))
        if value is None or value <= 0:
            continue
        prefix = m.group(1) or ""
        r.take("extra_lost" if prefix in _EXTRA else "lost", value, m.span())
        if prefix in _ADDITIVE:
            r.additive = True


def _read_scores(r: _Reader, applicable: bool) -> list[tuple[Any, tuple[int, int], str]]:
    """The user's own score(s) as (value, span, role): verb-bound numbers first; a bare "85分"
    only in a grade question. The role follows the verb (see _EARNED_VERB_RE/_TOTAL_VERB_RE)."""
    limit = None if applicable else 100
    found: dict[int, tuple[Any, tuple[int, int], str]] = {}
    for pattern in (_VERB_SCORE_RE, _DE_SCORE_RE):
        for m in pattern.finditer(r.work):
            s, e = m.span(1)
            value = _number(m.group(1))
            if value is None or not _plausible(r.work, m, limit) or _is_threshold(r.work, s, e) or s in found:
                continue
            verb = m.group(0)
            if _TOTAL_VERB_RE.match(verb):
                role = "total"
            elif _EARNED_VERB_RE.match(verb) or applicable:
                role = "earned" if applicable else "total"  # no 删减 named: 涉及项 is 100, earned = total
            else:
                role = "total"
            found[s] = (value, m.span(), role)
    if not found and _GRADE_CUE_RE.search(r.work):
        value, span = _first_score(r.work, (_BARE_SCORE_RE,), limit=limit)
        if value is not None:
            found[span[0]] = (value, span, "earned" if applicable else "total")  # type: ignore[index]
    return [found[k] for k in sorted(found)]


def _leftovers(r: _Reader) -> list[str]:
    """Numbers with 分 that no role took and that are not thresholds: their role is unclear."""
    known = {Fraction(str(b.value)) for b in r.bound if isinstance(b.value, (int, float))}
    out = []
    for m in re.finditer(r"(?<![\d./-])" + _N + r"\s*分(?!钟|之|值|数线|公司|制)", r.work):
        s, e = m.span(1)
        after = r.work[m.end():m.end() + 4].lstrip(" ")
        if _is_threshold(r.work, s, e) or after.startswith(_LEFT_AFTER):
            continue
        value = _number(m.group(1))
        if value is None or Fraction(str(value)) in known:
            continue
        out.append(f"{m.group(1)}分")
    return out


def read_score(text: str) -> ScoreReading | None:
    """Read a score question: every number bound to a role, and the ``calculate_grade``
    arguments when they are certain. None when the text is not about the user's own score.

    A reading whose ``needs_confirmation`` is true must not be computed: its ``problems`` say
    what is unclear or contradictory, and ``understood()`` what was read.
    """
    if not isinstance(text, str) or not text.strip():
        return None
    t = normalise(text)
    reported: list[Bound] = []
    if _REPORTED_RE.search(t):
        # "有的资料说80分是星级…" reports a threshold: drop those clauses, keep our own score
        if not _OWN_SCORE_RE.search(t):
            return None
        clause = re.compile(r"[^,。;]*" + _REPORTED_RE.pattern + r"[^,。;]*[,。;]?")
        for m in clause.finditer(t):
            words = m.group(0).strip(" ,。;")
            reported += [Bound("reported", _number(n.group(1)), words)
                         for n in re.finditer(_N + r"\s*分", words) if _number(n.group(1)) is not None]
        t = clause.sub("", t)
    r = _Reader(t)
    r.bound.extend(reported)  # shown to the user, never computed with
    _read_specials(r)
    _read_applicable(r)
    _read_exclusions(r)
    _read_samples(r)
    _read_nonconformities(r)
    _read_lost(r)
    applicable_values = r.values("applicable_total")
    excluded = r.values("excluded")
    has_applicable = bool(applicable_values or excluded)
    ratio = None if has_applicable else _RATIO_RE.search(r.work)
    if ratio and _ratio_ok(r.work, ratio):
        r.take("earned", _number(ratio.group(1)), ratio.span(1))
        r.bound.append(Bound("applicable_total", _number(ratio.group(2)), ratio.group(0)))
        r.work = _blank_out(r.work, [ratio.span()])
        applicable_values = r.values("applicable_total")
        has_applicable = True
    else:
        for value, span, role in _read_scores(r, has_applicable):
            r.take(role, value, span)
    return _resolve(r, t)


def _sum(values: list[Any]) -> Fraction:
    return sum((Fraction(str(v)) for v in values), Fraction(0))


def _resolve(r: _Reader, t: str) -> ScoreReading | None:
    """Check the bound numbers against each other and build the calculator's arguments."""
    earned_vals = sorted({Fraction(str(v)) for v in r.values("earned")})
    total_vals = sorted({Fraction(str(v)) for v in r.values("total")})
    nc = r.values("nonconformity")
    unknown_nc = "?" in nc
    samples = r.values("sample")
    lost, extra = r.values("lost"), r.values("extra_lost")
    itemised = _sum([v for v in nc if v != "?"]) + sum(
        (Fraction(str(mx)) * Fraction(k, n) for mx, n, k in samples), Fraction(0))
    has_score = bool(earned_vals or total_vals)
    has_losses = bool(itemised or lost or extra or samples)
    if not has_score and not has_losses:
        # "有两个指标不符合，能评几星" asks for a grade without the points: ask for them
        if not (unknown_nc and _GRADE_CUE_RE.search(t)):
            return None
    elif not has_score and _RULE_ASK_RE.search(t) and not _OWN_CUE_RE.search(t):
        return None  # "4分指标抽查10份3份不合格扣多少" asks about the rule, not our sheet
    problems = list(r.problems)
    if unknown_nc and has_score:  # the stated score already includes them
        problems = [p for p in problems if "没有说它们各是多少分" not in p]
    full = Fraction(100)

    applicable_set = {Fraction(str(v)) for v in r.values("applicable_total")}
    applicable: Fraction | None = None
    if len(applicable_set) > 1:
        problems.append("涉及项分值出现了不同的数：" + "、".join(f"{_fmt_number(v)} 分" for v in sorted(applicable_set)))
    elif applicable_set:
        applicable = next(iter(applicable_set))
    excluded = r.values("excluded")
    if excluded:
        left = full - _sum(excluded)
        if left <= 0:
            problems.append(f"删减的分值合计 {_fmt_number(_sum(excluded))} 分，不少于满分 100 分")
        elif applicable is not None and applicable != left:
            problems.append(f"涉及项分值 {_fmt_number(applicable)} 分与 100 − 删减 {_fmt_number(_sum(excluded))} 分"
                            f" = {_fmt_number(left)} 分不一致")
        elif not applicable_set:
            applicable = left
    base = applicable if applicable is not None else full

    for vals, label in ((earned_vals, "实际得分"), (total_vals, "最终得分")):
        if len(vals) > 1:
            problems.append(f"出现了不同的{label}：" + "、".join(f"{_fmt_number(v)} 分" for v in vals)
                            + "，不知道按哪个算")
    unclear = _leftovers(r)
    if unclear:
        problems.append("不清楚这些数字指什么：" + "、".join(unclear))

    lost_total = _sum(lost)
    if lost and itemised and not r.additive:
        if lost_total != itemised:
            problems.append(f"扣分合计 {_fmt_number(lost_total)} 分与逐项扣分 {_fmt_number(itemised)} 分对不上")
        lost_total = Fraction(0)  # a restatement of the itemised losses
    losses = itemised + lost_total
    extra_total = _sum(extra)

    earned: Fraction | None = None
    if earned_vals:
        earned = earned_vals[0]
        if earned > base:
            problems.append(f"实际得分 {_fmt_number(earned)} 分超过了涉及项分值 {_fmt_number(base)} 分")
        if total_vals and earned <= base and earned / base * full != total_vals[0]:
            problems.append(f"实际得分 {_fmt_number(earned)} ÷ 涉及项 {_fmt_number(base)} × 100 = "
                            f"{_fmt_number(earned / base * full)}，与说的最终得分 {_fmt_number(total_vals[0])} 分对不上")
    elif total_vals:
        earned = total_vals[0] * base / full  # the 100-point score back on the applicable total
    if earned is not None and losses and base - losses != earned:
        problems.append(f"满分 {_fmt_number(base)} 分扣 {_fmt_number(losses)} 分应得 {_fmt_number(base - losses)} 分，"
                        f"和说的 {_fmt_number(earned)} 分对不上")
    if earned is None:
        earned = base - losses
    earned -= extra_total
    if earned < 0 and (losses or extra_total):  # a negative stated score: the tool names the range
        problems.append(f"扣分合计超过了满分 {_fmt_number(base)} 分")

    args: dict[str, Any]
    if applicable is None:
        args = {"total": _plain(earned)}  # "得了120分" keeps its number: the tool explains the range
    else:
        args = {"earned": _plain(earned), "applicable_total": _plain(base)}
    if any(isinstance(v, Fraction) for v in args.values()):  # a sample loss such as 4 × 2/9
        args = {"rows": _rows(r, base, applicable is not None, lost_total + extra_total)}
    for key in ("special_deductions", "bonus"):
        if r.values(key):
            args[key] = r.values(key)[0]
    return ScoreReading(bound=r.bound, args=None if problems else args, problems=problems)


def _rows(r: _Reader, base: Fraction, has_applicable: bool, lost: Fraction) -> list[dict[str, Any]]:
    """A score sheet equivalent to the losses that were said, so the calculator's Fraction
    arithmetic keeps a proportional sample loss exact (4 × 1/3 is not a decimal)."""
    rows: list[dict[str, Any]] = []
    used = Fraction(0)
    for v in r.values("nonconformity"):
        if v == "?":
            continue
        rows.append({"name": f"不符合的定性指标（{_fmt_number(v)}分）", "max": str(v), "earned": "0"})
        used += Fraction(str(v))
    for mx, n, k in r.values("sample"):
        rows.append({"name": f"抽样指标（{_fmt_number(mx)}分）", "max": str(mx), "sampled": n, "nonconforming": k})
        used += Fraction(str(mx))
    if lost:
        rows.append({"name": "其他扣分", "max": _fmt_exact(lost), "earned": "0"})
        used += lost
    if base - used > 0:
        rows.append({"name": "其余涉及项（未扣分）", "max": _fmt_exact(base - used), "earned": _fmt_exact(base - used)})
    if has_applicable and base < 100:
        rows.append({"name": "删减项", "max": _fmt_exact(Fraction(100) - base), "excluded": True})
    return rows


def _fmt_exact(value: Fraction) -> str:
    """Exact decimal text for the calculator (inputs here are always terminating decimals)."""
    if value.denominator == 1:
        return str(value.numerator)
    return str(Decimal(value.numerator) / Decimal(value.denominator))


def normalise(text: str) -> str:
    """The form every pattern sees: search text with Arabic numerals."""
    return _arabise(to_search_text(text or ""))


def extract_score_fields(text: str) -> dict[str, Any]:
    """Every scoring field the text mentions (possibly only counts, for follow-up turns)."""
    reading = read_score(text)
    out: dict[str, Any] = {}
    if reading is not None and reading.args is not None:
        out.update({k: v for k, v in reading.args.items()
                    if k in ("total", "earned", "applicable_total", "special_deductions", "bonus")})
        return out
    r = _Reader(normalise(text))
    _read_specials(r)
    for key in ("special_deductions", "bonus"):
        if r.values(key):
            out[key] = r.values(key)[0]
    return out


def parse_score_question(text: str) -> dict[str, Any] | None:
    """``calculate_grade`` arguments when the text states a score to grade with certainty,
    else None (not a score question, or a reading that needs confirmation -- see read_score).

    Counts (special_deductions, bonus) appear only when the text mentions them.
    """
    reading = read_score(text)
    if reading is None or reading.needs_confirmation:
        return None
    return reading.args


_THRESHOLD_ASK_RE = re.compile(
    r"(达标|三星|四星|五星|星级|几星)[^，。,？?]{0,8}(多少分|几分|要多少|需要多少|分数线|最低分|够不够)")

_GAP_ASK_RE = re.compile(r"差|距离|够不够|够吗|能不能|能评|算不算")


def _own_base(reading: ScoreReading | None) -> bool:
    """The question states a score (or losses) of its own, not only a change to an earlier one."""
    return reading is not None and reading.has("total", "earned", "nonconformity", "sample", "lost")


def score_request(question: str, resolved: str) -> ScoreReading | None:
    """The score reading for a question asked in a conversation, or None.

    ``resolved`` carries the previous turn into a follow-up, so "那如果再扣1分呢？" is scored
    with the earlier score. A follow-up that states a score of its own ("那如果得了92分呢") is
    read alone, so the earlier score is not a second, conflicting number. A follow-up that asks
    a grade's threshold and names no number of its own ("那五星要多少分？") asks about the
    rules, not for the earlier score again.
    """
    asked = to_search_text(question)
    own = read_score(question)
    if resolved == question or _own_base(own):
        return own
    if _THRESHOLD_ASK_RE.search(asked) and not _GAP_ASK_RE.search(asked) and own is None:
        return None
    return read_score(resolved)
