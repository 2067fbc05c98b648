"""Offline recogniser for "we scored X, what grade?" questions (no LLM needed).

``parse_score_question`` turns a Chinese question into ``calculate_grade`` arguments, or
returns None when the text is not a calculation about the user's own score. Questions about
thresholds ("70分以上是什么等级", "五星级要多少分", "满分多少") are knowledge questions and
return None: a number next to 以上/以下/要/需要/满分/离/差 … is a threshold, not a score.

Text is normalised with ``assistant.lang.text.to_search_text`` (NFKC: full-width digits; t2s:
traditional characters; lower case), then Chinese numerals become Arabic ("九十四点五" -> 94.5,
read by ``assistant.lang.numerals``). The cue words, guards and patterns are in
``resources/score_intent.yaml``.
The supported phrasings are the tables in ``tests/test_score_intent.py`` and
``tests/test_score_roles.py``.

``read_score`` binds every number to a role by the words around it (``ROLE_LABELS``): 实得/得分
(earned points), 最终得分/折算后 (the 100-point score), 涉及项/删减后满分/应得分 (applicable total),
"删减…X分" (excluded: 涉及项 = 100 − X), "4分指标抽查10份3份不合格" (a sample: 4 × 3/10 lost),
"一个3分、一个2分不符合" (qualitative non-conformities: their full value lost), "扣了/再扣 X 分",
"N个特别扣分项/加分项", a sheet read part by part (each part's 满分 and 得分, or rows "8/7",
added up), and numbers in reported speech ("有的资料说80分…", shown, never used).
The bound numbers are then checked against each other; when a role is unclear or they
contradict (earned above the applicable total, two different totals, a count that does not
match its values), the reading needs confirmation and nothing is computed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from assistant.lang.numerals import CN_DIGITS, FINANCIAL_NUMERALS, arabic_text, read_number
from assistant.lang.resources import expand, expand_fragments, load_resource
from assistant.lang.text import to_search_text

# --------------------------------------------------------------------------- word lists and patterns
#
# All of them live in resources/score_intent.yaml (loaded once, when this module is first imported).

_RES = load_resource("score_intent.yaml")
_FRAGMENTS = expand_fragments(_RES["fragments"])
_WORDS = _RES["words"]


def _pattern(name: str):
    """The compiled pattern ``name`` of the resource (a tuple when it lists several)."""
    value = _RES["patterns"][name]
    if isinstance(value, list):
        return tuple(re.compile(expand(v, _FRAGMENTS)) for v in value)
    return re.compile(expand(value, _FRAGMENTS))


_NUM, _N, _STOP = _FRAGMENTS["NUM"], _FRAGMENTS["N"], _FRAGMENTS["STOP"]

# --------------------------------------------------------------------------- numerals

_CN_NUM_RE = _pattern("cn_numeral")


def cn_to_decimal(text: str) -> str | None:
    """A Chinese numeral ("九十四点五") as a decimal string ("94.5"), or None."""
    return arabic_text(text)


_HALF_POINT = _pattern("half_point")
_TEN_POINTS_BEFORE = set(_WORDS["ten_points_before"])
_ONE_IN_WORDS = tuple(_WORDS["one_in_words"])
_ONE_IMPLIED = re.compile("(" + "|".join(sorted(map(re.escape, _WORDS["one_implied_before"]), key=len, reverse=True))
                          + r")个(?=\D)")


def _arabise(text: str) -> str:
    """Replace Chinese numerals with Arabic ones, leaving idioms such as 十分 (very) and words
    such as 一共 (in all) alone."""

    def repl(m: re.Match[str]) -> str:
        run = m.group(0)
        if run == "一" and text.startswith(_ONE_IN_WORDS, m.start()):
            return run
        if run in ("十", "百") and text[m.end() : m.end() + 1] == "分" \
                and (run == "百" or text[m.start() - 1 : m.start()] not in _TEN_POINTS_BEFORE) \
                and not (text[m.start() - 1 : m.start()] in "和及与" and "分" in text[max(0, m.start() - 6):m.start() - 1]):
            return run  # 十分 = "very"; 百分之 = "per cent"; but "删减了十分" is 10 points
        # ("满分100一项都没删": a numeral run right after digits is a number of its own)
        gap = " " if m.start() and text[m.start() - 1].isdigit() else ""
        return gap + (cn_to_decimal(run) or run)

    # "九十六分半" / "96分半" is 96.5 points; "有个特别加分项" is one
    return _ONE_IMPLIED.sub(r"\g<1>1个", _HALF_POINT.sub(r"\1.5分", _CN_NUM_RE.sub(repl, text)))


# --------------------------------------------------------------------------- patterns

_DEDUCTION_RES = _pattern("deductions") + (_pattern("deductions_given"),)
_BONUS_RES = _pattern("bonuses") + (_pattern("bonuses_given"), _pattern("bonuses_claimed"))
# (pattern, whether its second number multiplies the count): "两处…各记了一次" is 2 × 1 items,
# "两个亮点各加1分" is 2 items (the 1 is the rule's points), "两个方面都…" is 2
_DEDUCTION_DIST = ((_pattern("deduction_each"), True), (_pattern("deduction_every"), False))
_BONUS_DIST = ((_pattern("bonus_each"), True), (_pattern("bonus_each_points"), False),
               (_pattern("bonus_every"), False))
_REPORTED_RE = _pattern("reported")
_QUOTED_RULE_RE = _pattern("quoted_rule")
_GUESS_RE = _pattern("guess")
# "评审老师走之前说我们总分是86分": our own score, told by the one who gave it, is no hearsay
_TOLD_OURS = re.compile(r"(?:我们|我司|咱们|我公司|本公司)[^,。;]{0,6}(?:总分|得分|得了|拿了|分数|成绩|实得|实际得分|考了)\s*(?:是|为|有)?\s*\d")
_COMPUTED_RE = _pattern("computed")
_INCLUDED_RE = _pattern("included")
_SCALE_TOTAL_RE = _pattern("scale_total")
_REPORTED_CLAUSE_RE = _pattern("reported_clause")
_OTHER_COMPANY_RE = _pattern("other_company")
_OWN_SCORE_RE = _pattern("own_score")
_NO_DEDUCTION_RE = _pattern("no_deduction")
_NO_BONUS_RE = _pattern("no_bonus")
_DEDUCTION_SAID_RE = _pattern("deduction_said")
_BONUS_SAID_RE = _pattern("bonus_said")
_BONUS_GRANTED_RE = _pattern("bonus_granted")
_APPLICABLE_RES = _pattern("applicable")
_RATIO_RE = _pattern("ratio")
_PERCENT_SCORE_RE = _pattern("percent_score")
_RATIO_SAMPLE_BEFORE = _pattern("ratio_sample_before")
_RATIO_SAMPLE_AFTER = _pattern("ratio_sample_after")
_RATIO_VERB_BEFORE = _pattern("ratio_verb_before")
_EARNED_VERB_RE = _pattern("earned_verb")
_TOTAL_VERB_RE = _pattern("total_verb")
_VERB_SCORE_RE = _pattern("verb_score")
_DE_SCORE_RE = _pattern("de_score")
_BARE_SCORE_RE = _pattern("bare_score")
_GRADE_CUE_RE = _pattern("grade_cue")
# items removed, said without their points ("删减了配送那一项"), and a score said as already
# converted to the 100-point scale ("折算后85分"), which needs no applicable total
_EXCLUSION_SAID_RE = re.compile(_FRAGMENTS["EXCL_CUE"])  # the cue the exclusion patterns use
_CONVERTED_RE = re.compile(r"折算|换算|最终得分|最后得分|百分制|总得分")
_CERTIFICATION_RE = re.compile(r"认证|评审|审核|评分|售后|星|指标|涉及项|删减")
BARE_SCORE_CHARS = 12
_ALL_OR_NOTHING_RE = _pattern("all_or_nothing")
_BEFORE_FILLER = _WORDS["filler_before"]
_BEFORE_GUARDS = tuple(_WORDS["before_guards"])
_LIST_BEFORE_RE = _pattern("list_before")
_VERB_TO = tuple(_WORDS["verb_to"])
_AFTER_GUARDS = tuple(_WORDS["after_guards"])
_LIST_AFTER_RE = _pattern("list_after")
_THRESHOLD_CHOICE_RE = _pattern("threshold_choice")


def _is_threshold(text: str, start: int, end: int) -> bool:
    """True when the number at text[start:end] reads as a threshold, not the user's score."""
    if any(start in (m.start("a"), m.start("b")) for m in _THRESHOLD_CHOICE_RE.finditer(text)):
        return True
    before = text[max(0, start - 6) : start].rstrip(_BEFORE_FILLER)
    if before.endswith("到") and before.endswith(_VERB_TO):
        before = ""
    if re.search(r"(?:没有|没|无|未|不)删减了?$", before):
        before = ""  # "没删减94分": no exclusion, then the score; 减 is no minus here
    if re.search(r"(?:卡|压|踩|擦)(?:着)?(?:分数)?线$", before):
        before = ""  # "卡线70分": our score, right on a line, not the line asked about
    # values told one by one ("分值分别3分、4分、5分") are no list of thresholds
    told = re.search(r"(?:分别|分值|各)[^,。;?!]{0,12}$", text[max(0, start - 16):start])
    if before.endswith(_BEFORE_GUARDS) or (_LIST_BEFORE_RE.search(before) and not told):
        return True
    after = text[end : end + 6].lstrip(" ")
    after = after[1:] if after.startswith("分") else after
    after = after.lstrip(" ")
    if after[:1] in "~-—–" and not re.match(r"[~\-—–\s]*\d+(?:\.\d+)?(?![\d.]|\s*(?:星|颗))", text[end:].lstrip(" 分")):
        return False  # "刚好90分 —— 4星还是3星": a dash that sets off what follows, not a range
    if after.startswith("到底"):
        return False  # "89.5分到底算几星": "after all", not "up to"
    return after.startswith(_AFTER_GUARDS) or (bool(_LIST_AFTER_RE.match(after)) and not told)


def _number(text: str) -> int | float | None:
    value = read_number(text)
    if value is None:
        return None
    return int(value) if value.denominator == 1 else float(value)


def _blank_out(text: str, spans: list[tuple[int, int]]) -> str:
    """Replace matched spans with commas so later patterns cannot reuse their numbers."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = "，" * (end - start)
    return "".join(chars)


def _count(text: str, patterns: tuple[re.Pattern[str], ...],
           distributive: tuple[tuple[re.Pattern[str], bool], ...]) -> tuple[int | None, list[tuple[int, int]]]:
    """A special-item count: "N处…各M次" / "N个方面都…" first, else the earliest plain count."""
    for pattern, multiply in distributive:
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
    spans: list[tuple[int, int]] = []
    for pattern in patterns:
        for m in pattern.finditer(text):
            found.append((m.start(), m.end(), _number(m.group(1))))
            tail = m.span("tail") if "tail" in pattern.groupindex and m.group("tail") else None
            # a pattern with a "tail" uses up its count and its tail only, not the words between
            spans += [(m.start(), m.end(1)), tail] if tail else [m.span()]
    found.sort(key=lambda f: (f[0], f[1]))
    count = next((int(v) for _, _, v in found if v is not None and float(v).is_integer()), None)
    return count, sorted(spans)


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
    if _RATIO_SAMPLE_BEFORE.search(before) or _RATIO_SAMPLE_AFTER.match(after):
        return False  # "抽样1/3不符合" is a sample share, not a score
    return (
        (bool(_GRADE_CUE_RE.search(text)) or bool(_RATIO_VERB_BEFORE.search(before)))
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

ROLE_LABELS: dict[str, str] = dict(_RES["role_labels"])

_APPLICABLE_MORE = _pattern("applicable_more")
_LIST_MORE = _pattern("list_more")
_LEFT_AFTER_EXCLUSION = _pattern("left_after_exclusion")
_EXCLUSION_RES = _pattern("exclusions")
_EXCLUSION_LIST_BEFORE = _pattern("exclusion_list_before")
_SAMPLE_RES = (_pattern("sample"),)
_SAMPLE_REVERSED = _pattern("sample_reversed")
_SAMPLE_SHARE = _pattern("sample_share")
_SAMPLE_MENTION = _pattern("sample_mention")
_SAMPLE_ONLY = _pattern("sample_only")

_NC_SENTENCE_CUE = _pattern("nc_cue")
_NC_COUNT = _pattern("nc_count")
_NC_ITEM = _pattern("nc_item")
_NC_OF = _pattern("nc_of")
_NC_EACH = _pattern("nc_each")
_NC_BRACKETED = _pattern("nc_bracketed")
_NC_VALUED = _pattern("nc_valued")
_NC_FULL = _pattern("nc_full")
_NC_LIST = _pattern("nc_list")
_POINTS_RE = _pattern("points")
_LIST_JOINED = _pattern("list_joined")

_LOST_RE = _pattern("lost")
_RULE_BEFORE = _pattern("rule_before")
_EXTRA = tuple(_WORDS["extra"])
_ADDITIVE = tuple(_WORDS["additive"])
_OTHER_BEFORE = tuple(_WORDS["other_before"])
_PARTS_ASK = _pattern("parts_ask")
_PARTS_COUNTED = _pattern("parts_counted")
_PARTS_SAID = _pattern("parts_said")
_EARLIER = _pattern("earlier")
_PART_NAMES = tuple(_WORDS["part_names"])
_CHANGE = _pattern("change")
_DOWN = ("少", "低", "降", "下降", "减少")
_PART = _pattern("part")
_PART_GAP = _pattern("part_gap")
_FULL_MARKS = _pattern("full_marks")

_OWN_CUE_RE = _pattern("own_cue")
_ITEM_ASK_RE = _pattern("item_ask")
_LEFT_AFTER = tuple(_WORDS["left_after"])
_RULE_ASK_RE = _pattern("rule_ask")
_SENTENCE_END = _pattern("sentence_end")
_LEFTOVER_RE = _pattern("leftover")
_BARE_LEFTOVER_RE = _pattern("bare_leftover")
_COUNT_LEFTOVER_RE = _pattern("count_leftover")


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
        self.full_marks = False  # "剩下的指标全部拿满": nothing lost beyond what was said
        self.refused = False  # a removal proposed and refused, its item's loss not told

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
    for m in _SENTENCE_END.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


_THIS_TIME = _pattern("this_time")
_EARLIER_SENTENCE = _pattern("earlier_sentence")
_CLAUSE = re.compile(r"[^,。;?!]+")  # a clause of normalised text


def _earlier_clauses(t: str) -> list[tuple[int, int]]:
    """The clauses told of an earlier review ("去年评审我们被记了两个特别扣分项"), when another
    clause tells this one ("今年评审没有特别扣分"): their special items are not this review's."""
    if not _THIS_TIME.search(t):
        return []
    return [m.span() for m in _CLAUSE.finditer(t)
            if _EARLIER_SENTENCE.match(t, m.start()) and not _THIS_TIME.search(m.group())]


def _read_specials(r: _Reader) -> None:
    t = _blank_out(r.work, _earlier_clauses(r.work))
    deductions, spans_d = _count(t, _DEDUCTION_RES, _DEDUCTION_DIST)
    if deductions is None and (m := _NO_DEDUCTION_RE.search(t)):
        deductions, spans_d = 0, [m.span()]
    bonus, spans_b = _count(t, _BONUS_RES, _BONUS_DIST)
    if bonus is None and (m := _NO_BONUS_RE.search(t)):
        bonus, spans_b = 0, [m.span()]
    if deductions is None and _DEDUCTION_SAID_RE.search(t):
        r.problems.append("提到了特别扣分，但没有说是几项")
    if bonus is None and (m := _BONUS_GRANTED_RE.search(t)):
        bonus, spans_b = 1, [m.span()]  # any count of them adds one point (at most one counts)
    if bonus is None and _BONUS_SAID_RE.search(t):
        r.problems.append("提到了特别加分，但没有说是几项")
    if deductions is not None:
        r.bound.append(Bound("special_deductions", deductions, _join_words(r.text, spans_d)))
    if bonus is not None:
        r.bound.append(Bound("bonus", bonus, _join_words(r.text, spans_b)))
    r.work = _blank_out(r.work, spans_d + spans_b)


def _join_words(text: str, spans: list[tuple[int, int]]) -> str:
    return "…".join(text[s:e].strip(" ,") for s, e in sorted(spans)[:2])


_SHEET_FULL = _pattern("sheet_full")
_SHEET_ROW = _pattern("sheet_row")
_SHEET_EARNED_FIRST = _pattern("sheet_order_earned_first")
_NOT_FULL_BEFORE = re.compile(r"[得扣删减加]")  # "得分合计78", "扣分合计3": no part's full points


def _read_sheet(r: _Reader) -> None:
    """A score sheet read out part by part: "售后服务体系满分40，得了34；商品服务满分40，…剩下的
    得了21分；顾客服务满分20，得了16", or its rows "组织架构8/8，人员配置8/7，…". Each part's full
    points and earned points are bound (sheet_full, sheet_earned) and added up in _resolve, which
    checks that the parts (with the 删减 and a sampled indicator told apart) make the 100 points.
    A part of the sheet is worth less than 100; a part whose points are a sample's is left to
    _read_samples. Two parts at least, or one beside a sampled indicator."""
    read = [(m, (_number(m.group(1)), _number(m.group(2)))) for m in _SHEET_ROW.finditer(r.work)]
    rows = [m for m, pair in read if None not in pair]
    if len(rows) >= 2:
        pairs = [pair for _m, pair in read if None not in pair]
        if _SHEET_EARNED_FIRST.search(r.work):
            pairs = [(b, a) for a, b in pairs]
        elif all(a <= b for a, b in pairs) and any(a < b for a, b in pairs):
            pairs = [(b, a) for a, b in pairs]  # earned never exceeds its full points
        if all(0 < full < 100 and 0 <= got <= full for full, got in pairs):
            for m, (full, got) in zip(rows, pairs):
                r.take("sheet_full", full, m.span(1))
                r.take("sheet_earned", got, m.span(2))
            return
    marks = [m for m in _SHEET_FULL.finditer(r.work)
             if not _NOT_FULL_BEFORE.search(r.work[max(0, m.start() - 3):m.start()])]
    if not marks:
        return
    pairs, sampled = [], 0
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(r.work)
        region = r.work[m.end():end]
        if any(p.search(region) for p in _SAMPLE_RES + (_SAMPLE_REVERSED, _SAMPLE_SHARE, _SAMPLE_MENTION)):
            sampled += 1  # "投诉处理满分10分，抽了10份，2份不合格": the sample's own indicator
            continue
        scores = [s for pattern in (_VERB_SCORE_RE, _DE_SCORE_RE) for s in pattern.finditer(r.work, m.end(), end)]
        starts = {s.start(1) for s in scores}
        if len(starts) != 1:
            return  # a part without its earned points, or with two: no sheet
        pairs.append((m, min(scores, key=lambda s: s.start(1))))
    full_values = [_number(m.group(1)) for m, _ in pairs]
    if not (len(pairs) >= 2 or (pairs and sampled)) or not all(v is not None and 0 < v < 100 for v in full_values):
        return
    for (m, s), full in zip(pairs, full_values):
        r.take("sheet_full", full, m.span(1))
        r.take("sheet_earned", _number(s.group(1)), s.span(1))


def _read_applicable(r: _Reader) -> None:
    for pattern in _APPLICABLE_RES + _APPLICABLE_MORE:
        for m in pattern.finditer(r.work):
            value = _number(m.group(1))
            if value is not None and value > 0:
                r.take("applicable_total", value, m.span())


_EXCLUDED_COUNT = _pattern("excluded_count")
_EACH_VALUE = _pattern("each_value")


def _within_scale(text: str, pos: int) -> bool:
    """The number at ``pos`` is said as the 100-point scale ("满分100分的指标里", "总分一百")."""
    return any(m.start() <= pos < m.end() for m in _SCALE_TOTAL_RE.finditer(text))


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
        if value == 100 and _within_scale(r.work, m.start(1)):
            continue  # "满分100分的指标里删减了两项，合计10分": the scale the items are removed from
        if value is not None and value > 0 and r.work[m.start(1):m.end(1)].strip(","):
            before = _EXCLUSION_LIST_BEFORE.search(r.work[:m.start(1)])
            if before and _number(before.group(1)):
                r.take("excluded", _number(before.group(1)), before.span(1))
            counted = _EXCLUDED_COUNT.match(r.work, m.start(), m.start(1))
            r.take("excluded", value, m.span())
            end, told = m.end(), 1
            while more := _LIST_MORE.match(r.work, end):  # "删减了10分和5分两项"
                value = _number(more.group(1))
                if value is None or value <= 0:
                    break
                r.take("excluded", value, (more.start(1), more.end()))
                end, told = more.end(), told + 1
            # "删减了3个指标，一个12分一个8分": the third one's points were not told
            if counted and int(counted.group(1)) != told \
                    and _EACH_VALUE.search(r.text, counted.end(), m.start(1)):
                r.problems.append(f"说了删减 {counted.group(1)} 个指标，但读到的分值有 {told} 个")
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
        for pattern in (_NC_ITEM, _NC_OF, _NC_VALUED, _NC_FULL, _NC_BRACKETED):
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
        for m in _POINTS_RE.finditer(sentence):
            if m.start(1) in picked:
                continue
            rest = sentence[m.end():]
            joined = _LIST_JOINED.match(rest)
            if joined and (m.end() + joined.start(1)) in picked:
                v = _number(m.group(1))
                if v is not None and v > 0:
                    picked[m.start(1)] = (start + m.start(), start + m.end(), v)
        count_m = _NC_COUNT.search(sentence)
        count = int(_number(next(g for g in count_m.groups() if g)) or 0) if count_m else None
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
        clause = re.split(r"[,。;?!]", r.text[max(0, m.start() - 12):m.start()])[-1]
        r.take("extra_lost" if prefix in _EXTRA else "lost", value, m.span())
        if prefix in _ADDITIVE or any(w in clause for w in _OTHER_BEFORE):
            r.additive = True  # "其他指标一共扣了8分": on top of the itemised losses


def _read_parts(r: _Reader) -> None:
    """"企业内部条件22分、服务执行28分、客户跟进23分、服务改进12分，加起来几星": when the question
    asks for a sum and nothing else gave the score, a list of two or more points separated only by
    short labels is the parts of the 100-point score; their sum is bound as the total. Without the
    sum asked, the parts must be all there: as many as a count names ("四个层次分别得了22、25、
    23、18分") or each of ``part_names`` with its points."""
    asked = _PARTS_ASK.search(r.work)
    counted = _PARTS_COUNTED.search(r.work)
    named = all(name in r.work for name in _PART_NAMES)
    if r.bound or not (asked or counted or named) or not _GRADE_CUE_RE.search(r.work):
        return
    found = [m for m in _PART.finditer(r.work)  # a list here is the parts, but "90分以上" is a threshold
             if not r.work[m.end():m.end() + 4].lstrip(" ").startswith(_AFTER_GUARDS)]
    run: list[re.Match[str]] = []
    for m in found:
        if run and not _PART_GAP.match(r.work[run[-1].end():m.start()]):
            if len(run) >= 2:
                break
            run = []
        run.append(m)
    values = [_number(m.group(1)) for m in run]
    if len(run) < 2 or None in values:
        return
    if not asked and not (counted and _number(counted.group(1)) == len(run)) \
            and not (named and len(run) == len(_PART_NAMES)):
        return  # not every part is given: their sum is no score
    said = _PARTS_SAID.search(r.work)
    if said and _number(said.group(1)) != len(run):
        r.problems.append(f"说了 {said.group(1)} 个部分，但读到的得分有 {len(run)} 个")
    for m, value in zip(run, values):
        r.take("part", value, m.span())
    r.bound.append(Bound("total", _plain(_sum(values)), "+".join(m.group(0).strip() for m in run)))


def _read_earlier(r: _Reader) -> None:
    """"前年第一次认证只有78分，…这次拿了91分": a score of an earlier review is shown, never
    used, when the question also gives a score of its own outside that clause."""
    earlier = [m for m in _EARLIER.finditer(r.work) if _number(m.group(1))]
    if earlier and _VERB_SCORE_RE.search(_blank_out(r.work, [m.span() for m in earlier])):
        for m in earlier:
            r.take("earlier", _number(m.group(1)), m.span(1))
        # "上次涉及项90分，实得72分，折算80分三星。这次…": every score of the earlier review's own
        # sentence is of that review, when another sentence tells this one
        if _THIS_TIME.search(r.work):
            for start, end in _sentence_spans(r.work):
                told = _EARLIER_SENTENCE.search(r.work, start, end)
                if told and not _THIS_TIME.search(r.work, start, end):
                    for n in list(_BARE_SCORE_RE.finditer(r.work, told.start(), end)):
                        if _number(n.group(1)):
                            r.take("earlier", _number(n.group(1)), n.span(1))


def _read_change(r: _Reader) -> None:
    """"比上次多了9分": a change said of the one score told (added to it in _resolve)."""
    change = _CHANGE.search(r.work)
    if change and _number(change.group(2)):
        r.take("change", (-1 if change.group(1) in _DOWN else 1) * _number(change.group(2)), change.span(2))


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
            if value < 10 and "分" not in m.group(0):
                continue  # "拿到了就1…": a one-digit score is said with its 分, or it is no score
            verb = m.group(0)
            if applicable and value == 100 and not _EARNED_VERB_RE.match(verb) and _SCALE_TOTAL_RE.match(r.work, m.start()):
                continue  # "其余指标实得70分（总分100）": with 删减 told, 100 is the scale, not a score
            if _TOTAL_VERB_RE.match(verb):
                role = "total"
            elif _EARNED_VERB_RE.match(verb) or applicable:
                role = "earned" if applicable else "total"  # no 删减 named: 涉及项 is 100, earned = total
            else:
                role = "total"
            found[s] = (value, m.span(), role)
    # a bare "81分" is the score in a grade question, or beside the special items told with it
    # ("没删项81分，3项特别扣分": they only matter to a score being worked out)
    told_specials = any(b.role in ("special_deductions", "bonus") and b.value for b in r.bound)
    if not found and (_GRADE_CUE_RE.search(r.work) or told_specials):
        value, span = _first_score(r.work, (_BARE_SCORE_RE,), limit=limit)
        if value is not None:
            found[span[0]] = (value, span, "earned" if applicable else "total")  # type: ignore[index]
    return [found[k] for k in sorted(found)]


def _leftovers(r: _Reader) -> list[str]:
    """Numbers with 分 that no role took and that are not thresholds, a bare number of points no
    role took ("适用75"), and a count of items lost or added no role took ("扣1项"): their role
    is unclear."""
    known = {Fraction(str(b.value)) for b in r.bound if isinstance(b.value, (int, float))}
    out = []
    for m in _BARE_LEFTOVER_RE.finditer(r.work):
        s, e = m.span(1)
        value = _number(m.group(1))
        if value is None or _is_threshold(r.work, s, e) or Fraction(str(value)) in known:
            continue
        if value == 100 and re.search(r"(?:乘以?|×|\*|x)\s*$", r.work[max(0, s - 3):s]):
            continue  # "再除以70乘100": the 100-point scale of the user's own working
        if value == 100 and _within_scale(r.work, s):
            continue  # "售后标准总分100，…删掉了，剩下的得了72分": the scale, said before the rest
        out.append(m.group(0).strip())
    for m in _COUNT_LEFTOVER_RE.finditer(r.work):
        # "扣1项", "加2分": items lost or points added that no role took (加 reads as a threshold)
        value = _number(m.group(1) or m.group(2))
        if value is not None and not any(b.role in ("special_deductions", "bonus") for b in r.bound):
            out.append(m.group(0).strip())
    for m in _LEFTOVER_RE.finditer(r.work):
        s, e = m.span(1)
        after = r.work[m.end():m.end() + 4].lstrip(" ")
        if _is_threshold(r.work, s, e) or after.startswith(_LEFT_AFTER):
            continue
        value = _number(m.group(1))
        if value is None or Fraction(str(value)) in known:
            continue
        out.append(f"{m.group(1)}分")
    return out


def _set_aside(t: str, pattern: re.Pattern[str], role: str, strip: str,
               first_only: bool = False, keep: re.Pattern[str] | None = None) -> tuple[str, list[Bound]]:
    """``t`` without what ``pattern`` matches (unless ``keep`` finds something in it), and a
    ``role`` Bound for each number of points said there (its first only with ``first_only``):
    shown to the user, never computed with."""
    bound: list[Bound] = []
    out, last = [], 0
    for m in pattern.finditer(t):
        words = m.group(0).strip(strip)
        if keep is not None and keep.search(words):
            continue
        said = [Bound(role, _number(n.group(1)), words)
                for n in _POINTS_RE.finditer(words) if _number(n.group(1)) is not None]
        bound += said[:1] if first_only else said
        out.append(t[last:m.start()])
        last = m.end()
    return "".join(out) + t[last:], bound


_EXCLUSION_REFUSED = _pattern("exclusion_refused")
_WHOLE_LOSS = _pattern("whole_loss")


def _read_refused_exclusions(r: _Reader, t: str) -> str:
    """"本来想把配送（6分）说成不适用删掉，结果评审员说不能删，…整项扣光": a removal proposed and
    refused removes nothing. Its points are lost when the sentence says the item then lost them
    all; else a score told counts them, and with only losses told their loss is asked for.
    Returns ``t`` without the refused removal, so the rules that look for a removal said
    (``_resolve``) do not find it."""
    spans = []
    for m in _EXCLUSION_REFUSED.finditer(r.work):
        points = [n for n in _POINTS_RE.finditer(m.group(0)) if _number(n.group(1))]
        whole = _WHOLE_LOSS.search(r.work[m.end():])
        end = m.end() + (whole.end() if whole else 0)
        if len(points) == 1 and whole:
            r.bound.append(Bound("lost", _number(points[0].group(1)), r.text[m.start():end].strip(" ,")))
            r.additive = True  # a loss of its own, beside any other told
        else:
            r.refused = True  # with only losses told, that item's own loss is unknown (_resolve)
        spans.append((m.start(), end))
    if spans:
        r.work = _blank_out(r.work, spans)
        t = _blank_out(t, spans)
    return t


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
    if _QUOTED_RULE_RE.search(t):
        # a rule claimed in someone else's words: checked, not read; without a score of our own
        # besides it the question asks for the rule
        t, reported = _set_aside(t, _QUOTED_RULE_RE, "reported", " ,。;")
        if not _OWN_SCORE_RE.search(t):
            return None
    if _REPORTED_RE.search(t):
        # "有的资料说80分是星级…" reports a threshold: drop those clauses, keep our own score
        if not _OWN_SCORE_RE.search(t):
            return None
        t, told = _set_aside(t, _REPORTED_CLAUSE_RE, "reported", " ,。;", keep=_TOLD_OURS)
        reported += told
    if _OTHER_COMPANY_RE.search(t):
        t, told = _set_aside(t, _OTHER_COMPANY_RE, "other_company", " ,。;")
        if not _POINTS_RE.search(t):
            return None  # only another company's score: nothing of ours to grade
        reported += told
    # "那就是95分五星了吧": the user's own conclusion is checked against the rules, not read
    for m in _GUESS_RE.finditer(t):
        reported.append(Bound("guess", _number(m.group(1)), m.group(0).strip(" ,。;")))
    t = _GUESS_RE.sub("", t)
    worked_out = []  # "56÷80正好70": the division stays (it may be the only place its numbers are)
    for m in _COMPUTED_RE.finditer(t):
        start = next(m.start(c) for c in ("cue", "cue2", "cue3") if m.group(c))
        value = next(_number(g) for g in m.groups()[::-1] if g and g[0].isdigit())
        reported.append(Bound("guess", value, m.group(0).strip(" ,。;")))
        worked_out.append((start, m.end()))
    t = _blank_out(t, worked_out)
    # "（其中网点那项扣了1分，已经算在23分里）": a part of a number told already is not added again
    t, included = _set_aside(t, _INCLUDED_RE, "included", " ,。;()", first_only=True)
    reported += included
    r = _Reader(t)
    r.bound.extend(reported)  # shown to the user, never computed with
    t = _read_refused_exclusions(r, t)
    _read_specials(r)
    _read_sheet(r)
    _read_applicable(r)
    _read_exclusions(r)
    _read_samples(r)
    _read_nonconformities(r)
    _read_lost(r)
    if (m := _PERCENT_SCORE_RE.search(r.work)) and _number(m.group(1)):
        r.take("total", _number(m.group(1)), m.span(1))
    _read_parts(r)
    _read_change(r)
    if not r.values("change"):
        _read_earlier(r)  # "比上次多了9分" adds to the earlier score instead
    r.full_marks = bool(_FULL_MARKS.search(r.work))
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
    elif not r.values("part"):  # parts added up are the score; "总分100分制" is only the scale
        for value, span, role in _read_scores(r, has_applicable):
            r.take(role, value, span)
    return _resolve(r, t)


@dataclass
class ItemReading:
    """One indicator asked about by its own numbers: its points, and for a sampled indicator how
    many samples were checked and how many did not conform (None for a qualitative one)."""

    points: Any  # None: the indicator's points are not told, only the share lost is computed
    sampled: int | None = None
    bad: int | None = None


def read_item(text: str) -> ItemReading | None:
    """"4分的指标抽查10份3份不合格扣多少分", "分值4分的定性指标没做到，是扣一部分还是全扣": the
    loss of one indicator, asked by its own numbers, when the text gives no score of the user's
    to grade (read_score finds none). None unless the numbers' roles are certain: one sample
    triple, or one indicator's points said beside a non-conformity and nothing else in points."""
    if not isinstance(text, str):
        return None
    t = normalise(text)
    if not (_RULE_ASK_RE.search(t) or _ITEM_ASK_RE.search(t)) or read_score(text) is not None:
        return None  # (the cheap look for a deduction asked first: most questions ask none)
    found = []
    for pattern, order in ((_SAMPLE_RES[0], (1, 2, 3)), (_SAMPLE_REVERSED, (3, 1, 2)), (_SAMPLE_SHARE, (1, 3, 2))):
        for m in pattern.finditer(t):
            values = [_number(m.group(i)) for i in order]
            if None not in values and all(float(v).is_integer() for v in values[1:]):
                found.append((values[0], int(values[1]), int(values[2])))
    points = [_number(m.group(1)) for m in _POINTS_RE.finditer(t) if not _is_threshold(t, m.start(1), m.end(1))]
    if len(set(found)) == 1:
        mx, n, k = found[0]
        return ItemReading(mx, n, k) if 0 < n and k <= n and mx and mx > 0 else None
    if not found and len(points) == 1 and points[0] and points[0] > 0 \
            and _NC_SENTENCE_CUE.search(t) and not _SAMPLE_MENTION.search(t):
        return ItemReading(points[0])
    if not found and not points:
        # "抽了10份，3份不合格，这个指标怎么扣": the share lost, the indicator's points untold
        shares = {(_number(m.group(1)), _number(m.group(2))) for m in _SAMPLE_ONLY.finditer(t)}
        if len(shares) == 1:
            n, k = shares.pop()
            if n and k is not None and float(n).is_integer() and float(k).is_integer() and 0 <= k <= n:
                return ItemReading(None, int(n), int(k))
    return None


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
    sheet_full, sheet_earned = r.values("sheet_full"), r.values("sheet_earned")
    has_score = bool(earned_vals or total_vals or sheet_full)
    has_losses = bool(itemised or lost or extra or samples)
    if not has_score and not has_losses:
        # "有两个指标不符合，能评几星" asks for a grade without the points: ask for them;
        # "删减了12分，剩下的全部拿满" states the score as full marks on what applies
        full_marks = r.full_marks and bool(r.values("excluded") or r.values("applicable_total"))
        if not (unknown_nc and _GRADE_CUE_RE.search(t)) and not full_marks:
            return None
        if not full_marks and _ALL_OR_NOTHING_RE.search(t):
            return None  # whether one miss fails the review: the scoring rule, not our grade
    elif not has_score and _RULE_ASK_RE.search(t) and not _OWN_CUE_RE.search(t) \
            and not r.values("applicable_total"):  # a sheet with its 涉及项分值 is one's own
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
    sheet_rest: Fraction | None = None  # a sheet read part by part: what its parts earned
    if sheet_full:
        sample_full = sum((Fraction(str(mx)) for mx, _n, _k in samples), Fraction(0))
        parts, told_out = _sum(sheet_full) + sample_full, _sum(excluded)
        if parts == full:  # the parts' full points include the items excluded from them
            sheet_base: Fraction | None = full - told_out
        elif parts + told_out == full:  # the excluded items are not among the parts
            sheet_base = parts
        else:
            sheet_base = None
            problems.append(f"各部分的满分合计 {_fmt_number(parts)} 分" + (f"（另有删减 {_fmt_number(told_out)} 分）" if told_out else "")
                            + "，不是 100 分，不知道其余的分值怎么算")
        if sheet_base is not None and applicable is not None and applicable != sheet_base:
            problems.append(f"涉及项分值 {_fmt_number(applicable)} 分与各部分的满分合计 {_fmt_number(sheet_base)} 分不一致")
        elif sheet_base is not None and sheet_base != full and not excluded:
            applicable = sheet_base
        if nc or lost or extra:
            problems.append("不清楚另外说的扣分是否已经算在各部分的得分里")
        sheet_rest = _sum(sheet_earned)
        earned_vals = [sheet_rest + sample_full]  # the sampled indicators' losses come off below
    if not excluded and not applicable_set and _EXCLUSION_SAID_RE.search(t) and not _CONVERTED_RE.search(t) \
            and (earned_vals or total_vals):
        # "删减了配送那一项，实得60分": the points on what applies are unknown, so the score is too
        problems.append("说了有删减的指标，但没有说删减了多少分（或涉及项分值是多少）")
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
    if total_vals == [full] and not earned_vals and applicable is None and (itemised or lost) \
            and _SCALE_TOTAL_RE.search(t):
        total_vals = []  # "总分100，扣了3.5分": the scale the points were lost from
    elif full in total_vals and len(set(total_vals)) > 1 and _SCALE_TOTAL_RE.search(t):
        total_vals = [v for v in total_vals if v != full]  # "总分100都涉及，得了65分": 100 is the scale

    changes = r.values("change")
    if changes and len(total_vals) == 1 and not earned_vals:
        total_vals = [total_vals[0] + _sum(changes)]  # "上次82分，这次多了9分": 91 now
    elif changes:
        problems.append("说了比之前多（少）了几分，但不清楚是在哪个得分上")
    for vals, label in ((earned_vals, "实际得分"), (total_vals, "最终得分")):
        if len(vals) > 1:
            problems.append(f"出现了不同的{label}：" + "、".join(f"{_fmt_number(v)} 分" for v in vals)
                            + "，不知道按哪个算")
    if r.refused and not (earned_vals or total_vals):
        problems.append("想删减的指标没有被认可（不算删减），但没有说这一项扣了多少分")
    unclear = _leftovers(r)
    unclear_at = len(problems)  # said where it was found, once the user's own working is set aside

    lost_total = _sum(lost)
    specials = r.values("special_deductions")
    stated = earned_vals[0] if earned_vals else total_vals[0] * base / full if total_vals else None
    if lost and not itemised and specials and stated is not None and lost_total == Fraction(str(specials[0])) \
            and base - lost_total != stated:
        lost_total = Fraction(0)  # "就一个特别扣分项，扣一分": the special item's own point, not a loss
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
    if earned is not None and losses and base - losses != earned and sheet_rest is None:
        problems.append(f"满分 {_fmt_number(base)} 分扣 {_fmt_number(losses)} 分应得 {_fmt_number(base - losses)} 分，"
                        f"和说的 {_fmt_number(earned)} 分对不上")
    if earned is None:
        earned = base - losses
    elif sheet_rest is not None:
        earned -= losses
    earned -= extra_total
    if earned < 0 and (losses or extra_total):  # a negative stated score: the tool names the range
        problems.append(f"扣分合计超过了满分 {_fmt_number(base)} 分")
    if unclear and base > 0:
        # "实得56分，刚好70分整", "加两分就96了", "按100分算": a number that is a step of the
        # computation from the other numbers is the user's own working, shown and never used
        working = _own_working(earned, base, specials, r.values("bonus"), told_base=bool(excluded or applicable_set))
        for u in list(unclear):
            number = re.search(r"\d+(?:\.\d+)?", u).group()
            value = _number(number)
            # (said as a result: "刚好70", "就96了", "按100分算"; not "抽查100")
            said_as_result = any(_RESULT_BEFORE.search(t[max(0, m.start() - 4):m.start()])
                                 for m in re.finditer(r"(?<![\d.])" + re.escape(number) + r"(?![\d.])", t))
            if value is not None and said_as_result and Fraction(str(value)) in working:
                unclear.remove(u)
                r.bound.append(Bound("guess", value, u))
    if unclear:
        problems.insert(unclear_at, "不清楚这些数字指什么：" + "、".join(unclear))

    if applicable is None and earned > full and not problems and not _GRADE_CUE_RE.search(t) \
            and not _CERTIFICATION_RE.search(t) and len(t) > BARE_SCORE_CHARS:
        # "高考考了580分，报哪个学校": a score, but not one of a certification review (a score told
        # alone, "得了120分", is still ours: the calculator explains the range)
        return None
    args: dict[str, Any]
    if applicable is None:
        args = {"total": _plain(earned)}  # "得了120分" keeps its number: the tool explains the range
    else:
        args = {"earned": _plain(earned), "applicable_total": _plain(base)}
    if any(isinstance(v, Fraction) for v in args.values()):  # a sample loss such as 4 × 2/9
        args = {"rows": _rows(r, base, applicable is not None, lost_total + extra_total, sheet_rest)}
    for key in ("special_deductions", "bonus"):
        if r.values(key):
            args[key] = r.values(key)[0]
    return ScoreReading(bound=r.bound, args=None if problems else args, problems=problems)


_RESULT_BEFORE = re.compile(r"(?:就是?|刚好|正好|恰好|等于|=|按|算|成了?|到了?|(?:最终|最后|算下来|算出来|算出|结果|所以)(?:是|为|就是)?)\s*$")


def _own_working(earned: Fraction, base: Fraction, specials: list, bonuses: list, told_base: bool) -> set[Fraction]:
    """The numbers a user reaches on the way to a score from its inputs: the 100-point score, with
    the special items taken off or the bonus put on (capped at one item, or not, as users often
    count), each also rounded as users round, and the 100-point scale itself once a smaller
    applicable total was told ("难道不是按100分算"). A number no step gives is not working."""
    scaled = earned / base * 100
    minus = Fraction(str(specials[0])) if specials else Fraction(0)
    plus = Fraction(str(bonuses[0])) if bonuses else Fraction(0)
    steps = {scaled, scaled - minus, scaled + min(plus, Fraction(1)), scaled + plus,
             scaled - minus + min(plus, Fraction(1)), scaled - minus + plus}
    out = set(steps) | ({Fraction(100), earned} if told_base else set())
    for step in steps:
        out |= {Fraction(str(round(float(step), 1))), Fraction(round(step))}
    return out


def _rows(r: _Reader, base: Fraction, has_applicable: bool, lost: Fraction,
          rest_earned: Fraction | None = None) -> list[dict[str, Any]]:
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
        if rest_earned is None:
            rows.append({"name": "其余涉及项（未扣分）", "max": _fmt_exact(base - used), "earned": _fmt_exact(base - used)})
        else:  # a sheet read part by part: what its other parts earned
            rows.append({"name": "其余涉及项", "max": _fmt_exact(base - used), "earned": _fmt_exact(rest_earned)})
    if has_applicable and base < 100:
        rows.append({"name": "删减项", "max": _fmt_exact(Fraction(100) - base), "excluded": True})
    return rows


def _fmt_exact(value: Fraction) -> str:
    """Exact decimal text for the calculator (inputs here are always terminating decimals)."""
    if value.denominator == 1:
        return str(value.numerator)
    return str(Decimal(value.numerator) / Decimal(value.denominator))


# "94.5份": no count of copies has a fraction; 份 is 分 mistyped (same sound)
_DECIMAL_COPIES = re.compile(r"(\d+\.\d+)\s*份")
# the short forms of a terse question ("删20分，实得76，特扣2项"): said whole before reading
_SHORT_FORMS = (
    (re.compile(r"特扣(?:分)?(?:项)?"), "特别扣分项"),
    (re.compile(r"特加(?:分)?(?:项)?"), "特别加分项"),
    # the items and the applicable total by the names users misremember them by
    (re.compile(r"特殊扣分"), "特别扣分"),
    (re.compile(r"特殊加分"), "特别加分"),
    (re.compile(r"(?:参与|适用|参评|计分)项(?=\s*(?:总分|分值|满分|的?总分|合计|一共|共|是|为|有|\d))"), "涉及项"),
    # "剔除15分之后实得80分": the points removed, said before what was got on the rest
    (re.compile(r"(?:剔除|去掉|除去)(?=\s*\d)"), "删减"),
    (re.compile(r"(没有|没|无|未)删(?:项|了)?(?![减掉除去])"), r"\1删减"),
    (re.compile(r"(?<![无没未不])删(?=\s*\d)"), "删减"),
    (re.compile(r"(?<![无没未不])删的(?=[^,。;?!\d]{0,4}\d)"), "删减的"),  # "删的一共20分"
    # notes: "删25/实得60/特扣2 → ?" is a list of items, then the result asked
    (re.compile(r"\s*/\s*(?=删减|实得|实际|特别|涉及|得分|总分)"), ","),
    (re.compile(r"\s*(?:→|->|=>)\s*"), ","),
)


# numbers as users type them: financial numerals ("捌拾柒点伍分"), a full stop or spaces inside a
# number of points ("88。5分", "9 4 分"), a fraction ("二十分之十九") and a percentage ("百分之九十")
_FINANCIAL = str.maketrans(FINANCIAL_NUMERALS)
_FINANCIAL_CHARS = "".join(FINANCIAL_NUMERALS)
_TYPED_NUMERAL = f"[{_FINANCIAL_CHARS}{''.join(CN_DIGITS)}十百点]"
_FINANCIAL_RUN = re.compile(rf"(?<![队大着登收放入落]){_TYPED_NUMERAL}*[{_FINANCIAL_CHARS}]{_TYPED_NUMERAL}*"
                            r"(?=\s*(?:分|个|项|条|份|%))")
_STOP_DECIMAL = re.compile(r"(?<![\d.])(\d{1,3})。(\d{1,2})(?=\s*分)")
_SPACED_DIGITS = re.compile(r"(?<![\d.])\d(?: \d)+(?=\s*分)")
_FRACTION = re.compile(r"(?<!百)(\d+(?:\.\d+)?)\s*分之\s*(\d+(?:\.\d+)?)")
_PER_CENT = re.compile(r"百分之\s*(\d+(?:\.\d+)?)")


def _typed_numbers(text: str) -> str:
    """``text`` with numbers typed in unusual forms written plainly (before and after _arabise)."""
    text = _FINANCIAL_RUN.sub(lambda m: m.group(0).translate(_FINANCIAL), text)
    text = _STOP_DECIMAL.sub(r"\1.\2", text)
    return _SPACED_DIGITS.sub(lambda m: m.group(0).replace(" ", ""), text)


def normalise(text: str) -> str:
    """The form every pattern sees: search text with Arabic numerals, short forms said whole."""
    t = _arabise(_typed_numbers(to_search_text(text or "")))
    # fractions and per cents read until nothing changes: a numeral one stood next to ("百百分之0"), or a
    # fraction inside another ("0分之0分之0"), is read now, as a second reading would
    for _ in range(8):
        read = _PER_CENT.sub(r"\1%", _FRACTION.sub(r"\2/\1", _typed_numbers(t)))
        if read == t:
            break
        t = _arabise(read)
    t = _DECIMAL_COPIES.sub(r"\1分", t)
    for short, whole in _SHORT_FORMS:
        t = short.sub(whole, t)
    return t


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


_THRESHOLD_ASK_RE = _pattern("threshold_ask")

_GAP_ASK_RE = _pattern("gap_ask")


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


def further_rule_questions(text: str) -> list[str]:
    """The sentences of a score message that ask a rule of their own ("四星和五星的分数线差几分？
    要是我们89分，离四星还差多少？" -> the first): asked with a question mark, holding no number
    of the score, and asking a threshold or a rule rather than our grade ("能评几星？" asks the
    grade the tool gives)."""
    from assistant.domain.question import asked_sentences

    out = []
    for sentence in asked_sentences(to_search_text(text or "")):
        t = normalise(sentence)
        if re.search(r"\d", re.sub(r"\d\s*(?:颗|个)?星", "", t)) or len(sentence) < 6:
            # a number of the score ("要是我们89分…", "再来一个特别扣分项"; a grade's name such as
            # 四星 is none), or nothing of its own ("那呢？")
            continue
        if _THRESHOLD_ASK_RE.search(sentence) or (_RULE_ASK_RE.search(t) and not _OWN_CUE_RE.search(t)) \
                or not (_GRADE_CUE_RE.search(t) or _OWN_CUE_RE.search(t)):
            out.append(sentence)
    return out
