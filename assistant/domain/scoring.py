"""Deterministic GB/T 27922 scoring: points -> 100-point score -> grade.

Pure module: no I/O, standard library only, so the CLI, the LLM tool and the offline
recogniser all get the same answer for the same sheet (they share
``assistant.pipeline.tools.run_calculate_grade``, which calls ``calculate`` here).

Rules (domain-facts §3, as reported by certification bodies):

* base score = earned points / applicable total (涉及项分值) × 100, where the applicable total
  is the sum of the max points of the indicators that were not excluded (删减);
* a sampled indicator loses points in proportion to the share of non-conforming samples:
  earned = max × (1 − nonconforming / sampled);
* each special deduction item (特别扣分项) costs 1 point, taken off *after* the ×100
  normalisation, outside the indicator scores;
* a special bonus item (特别加分项) adds 1 point, and at most one counts;
* grades use inclusive thresholds: 不通过 < 70 ≤ 达标 < 80 ≤ 三星级 < 90 ≤ 四星级 < 95 ≤ 五星级.

Arithmetic is exact (``fractions.Fraction``): 94.999 is 四星级 and only 95 is 五星级. Floats
that come in are read through their shortest ``repr`` ("94.99" means 94.99, not the binary
neighbour). Display rounds to 2 decimals, but the grade always comes from the exact value.

Bounds decision: the final score is clamped to [0, 100], with a note whenever that happens.
The standard rates companies on a 100-point scale (满分100) and the grades are defined on that
scale, so a bonus on a perfect sheet cannot produce 101, and special deductions on a very low
sheet cannot produce a negative score (it is 不通过 either way). The unclamped value stays
visible in ``unclamped_score`` and in the note, so nothing is hidden.

We never invent official indicator weights: max points come from the certification body's
score sheet supplied by the user (see ``resources/rubric.yaml``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Iterable, Mapping

from assistant.domain.grades import (  # noqa: F401
    FAIL_GRADE, FULL_MARKS, GRADE_FLOOR, GRADES, PASS_MARK, PASSING_GRADES, STAR_GRADES)
from assistant.errors import ScoringError

SPECIAL_DEDUCTION_POINTS = Fraction(1)
BONUS_POINTS = Fraction(1)
MAX_BONUS_ITEMS = 1


STAR_TIMING_NOTE = "星级评定一般在达到达标级满一年后进行（服务成绩特别突出的企业除外）。"
FAIL_NOTE = f"低于 {int(PASS_MARK)} 分为{FAIL_GRADE}；认证机构会说明原因和改进建议，整改后可重新申请。"


# --------------------------------------------------------------------------- numbers

_NUMBER_RE = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_NON_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}


def to_fraction(value: Any, field_name: str) -> Fraction:
    """Read one number exactly; reject text, booleans, NaN and infinity with a named message."""
    if isinstance(value, bool):
        raise ScoringError(f"{field_name}必须是数字，收到布尔值 {value}")
    if isinstance(value, Fraction):
        return _bounded(value, field_name, value)
    if isinstance(value, int):
        return _bounded(Fraction(value), field_name, value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ScoringError(f"{field_name}不能是 NaN 或无穷大")
        return _bounded(Fraction(repr(value)), field_name, value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ScoringError(f"{field_name}不能是 NaN 或无穷大")
        return _bounded(value, field_name, value)
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().replace(",", "")
        if text.lower() in _NON_FINITE:
            raise ScoringError(f"{field_name}不能是 NaN 或无穷大")
        if not _NUMBER_RE.match(text):
            raise ScoringError(f"{field_name}必须是阿拉伯数字，收到「{value}」")
        return _bounded(Decimal(text), field_name, value)
    raise ScoringError(f"{field_name}必须是数字，收到 {type(value).__name__}")


#: No score sheet has numbers this large (or decimals this small). Checked before any big-integer
#: arithmetic: "1e999999999" would otherwise build a billion-digit integer (minutes of CPU), and
#: values of 1e26 or more break the 28-digit decimal rounding used for display.
_MAX_EXPONENT = 15
_MIN_EXPONENT = -100
_LIMIT = Fraction(10) ** (_MAX_EXPONENT + 1)


def _out_of_range(field_name: str, shown: Any) -> ScoringError:
    text = str(shown)
    text = text if len(text) <= 40 else text[:40] + "…"
    return ScoringError(f"{field_name}超出可计算的范围，收到「{text}」")


def _bounded(value: Fraction | Decimal, field_name: str, shown: Any) -> Fraction:
    if isinstance(value, Decimal):
        if value.is_zero():
            return Fraction(0)
        if not _MIN_EXPONENT <= value.adjusted() <= _MAX_EXPONENT:
            raise _out_of_range(field_name, shown)
        value = Fraction(value)
    if abs(value) >= _LIMIT:
        raise _out_of_range(field_name, shown)
    return value


def to_count(value: Any, field_name: str) -> int:
    """A non-negative whole number (item counts, sample counts)."""
    number = to_fraction(value, field_name)
    if number.denominator != 1:
        raise ScoringError(f"{field_name}必须是整数，收到 {value}")
    if number < 0:
        raise ScoringError(f"{field_name}不能为负数，收到 {value}")
    return int(number)


def _non_negative(value: Any, field_name: str) -> Fraction:
    number = to_fraction(value, field_name)
    if number < 0:
        raise ScoringError(f"{field_name}不能为负数，收到 {value}")
    return number


def item_loss(max_points: Any, sampled: Any = None, nonconforming: Any = None) -> Fraction:
    """The points one indicator loses: all of them when it does not conform (a qualitative
    indicator), or the share of its samples that do not conform (a sampled one)."""
    mx = _non_negative(max_points, "分值")
    if sampled is None and nonconforming is None:
        return mx
    n = to_count(sampled, "抽样数")
    k = to_count(nonconforming if nonconforming is not None else 0, "不符合数")
    if n == 0:
        raise ScoringError("抽样数不能为 0")
    if k > n:
        raise ScoringError(f"不符合数 {k} 大于抽样数 {n}")
    return mx * Fraction(k, n)


def exact_str(value: Fraction) -> str:
    """Exact text: a terminating decimal when there is one ("94.999"), else "p/q"."""
    den = value.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    if den != 1:
        return f"{value.numerator}/{value.denominator}"
    text = format(Decimal(value.numerator) / Decimal(value.denominator), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def display(value: Fraction) -> float:
    """Rounded to 2 decimals (half up) for people; never used to pick a grade."""
    return float((Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), "ROUND_HALF_UP"))


def _fmt(value: Fraction) -> str:
    """Short human form: exact when it has at most 3 decimals, else ≈ 2 decimals."""
    text = exact_str(value)
    if "/" not in text and len(text.partition(".")[2]) <= 3:
        return text
    if 0 < value < Fraction(1, 200):
        return "不到0.01"
    return f"≈{display(value):.2f}"


# --------------------------------------------------------------------------- grades


def grade_for(score: Fraction | int | float | str) -> str:
    """The grade for a 100-point score (inclusive lower bounds)."""
    value = to_fraction(score, "分数")
    for label, bound in GRADES:
        if value >= bound:
            return label
    return GRADES[-1][0]


def next_grade(score: Fraction | int | float | str) -> tuple[str | None, Fraction | None]:
    """The next grade up and the exact points still needed; (None, None) at 五星级."""
    value = to_fraction(score, "分数")
    target: tuple[str, Fraction] | None = None
    for label, bound in GRADES:
        if bound > value:
            target = (label, bound)
    if target is None:
        return None, None
    return target[0], target[1] - value


# --------------------------------------------------------------------------- rows

#: canonical column -> accepted header spellings (compared after NFKC + lower case).
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "indicator", "指标", "指标名称", "名称", "项目", "评价指标"),
    "max": ("max", "max_points", "满分", "分值", "标准分", "应得分"),
    "earned": ("earned", "score", "得分", "实得分", "实得", "实际得分"),
    "deduction": ("deduction", "deducted", "扣分"),
    "excluded": ("excluded", "exclude", "删减", "是否删减", "不适用"),
    "sampled": ("sampled", "samples", "抽样数", "样本数", "抽样"),
    "nonconforming": ("nonconforming", "non_conforming", "不符合数", "不合格数", "不符合"),
}
COLUMN_LABELS = {
    "name": "指标",
    "max": "满分",
    "earned": "得分",
    "deduction": "扣分",
    "excluded": "删减",
    "sampled": "抽样数",
    "nonconforming": "不符合数",
}
_ALIAS_TO_COLUMN = {
    unicodedata.normalize("NFKC", alias).strip().lower(): col
    for col, aliases in COLUMN_ALIASES.items()
    for alias in aliases
}
_TRUE = {"1", "true", "yes", "y", "x", "是", "删减", "删", "√", "✓", "✔", "不适用", "n/a", "na"}
_FALSE = {"", "0", "false", "no", "n", "否", "不删减", "适用"}


def canonical_column(header: str) -> str | None:
    """Map a sheet header (English or Chinese alias) to its canonical column, or None."""
    return _ALIAS_TO_COLUMN.get(unicodedata.normalize("NFKC", str(header)).strip().lower())


@dataclass(frozen=True)
class IndicatorRow:
    """One scored indicator after validation; ``earned`` is always filled in."""

    name: str
    max_points: Fraction
    earned: Fraction
    excluded: bool = False
    sampled: int | None = None
    nonconforming: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "max": float(self.max_points),
            "earned": float(self.earned),
            "excluded": self.excluded,
            "sampled": self.sampled,
            "nonconforming": self.nonconforming,
        }


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _flag(value: Any, field_name: str) -> bool:
    if isinstance(value, bool):
        return value
    if _blank(value):
        return False
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ScoringError(f"{field_name}应填 是/否（或 1/0、true/false），收到「{value}」")


def parse_row(record: Mapping[str, Any], index: int) -> IndicatorRow:
    """Validate one sheet row (any accepted header spelling); ``index`` is 1-based for messages."""
    cells: dict[str, tuple[str, Any]] = {}
    for key, value in record.items():
        col = canonical_column(key)
        if col is None:
            accepted = "、".join(f"{c}/{COLUMN_LABELS[c]}" for c in COLUMN_ALIASES)
            raise ScoringError(f"第{index}条指标有未知列「{key}」；可用列：{accepted}")
        if col in cells and not _blank(cells[col][1]):
            if _blank(value):
                continue
            raise ScoringError(f"第{index}条指标的「{key}」与「{cells[col][0]}」重复")
        cells[col] = (str(key), value)

    name_value = cells.get("name", ("", None))[1]
    name = "" if _blank(name_value) else str(name_value).strip()
    where = f"第{index}条指标" + (f"「{name}」" if name else "")

    def label(col: str) -> str:
        return f"{where}的「{cells[col][0] if col in cells else COLUMN_LABELS[col]}」"

    def get(col: str) -> Any:
        value = cells.get(col, ("", None))[1]
        return None if _blank(value) else value

    if get("max") is None:
        raise ScoringError(f"{label('max')}缺失：每条指标都要有满分（分值）")
    max_points = _non_negative(get("max"), label("max"))
    excluded = _flag(get("excluded"), label("excluded"))

    candidates: list[tuple[str, Fraction]] = []
    if get("earned") is not None:
        earned = _non_negative(get("earned"), label("earned"))
        if earned > max_points:
            raise ScoringError(f"{label('earned')} {exact_str(earned)} 超过满分 {exact_str(max_points)}")
        candidates.append((label("earned"), earned))
    if get("deduction") is not None:
        deduction = _non_negative(get("deduction"), label("deduction"))
        if deduction > max_points:
            raise ScoringError(f"{label('deduction')} {exact_str(deduction)} 超过满分 {exact_str(max_points)}")
        candidates.append((label("deduction"), max_points - deduction))

    sampled = nonconforming = None
    if get("sampled") is not None or get("nonconforming") is not None:
        if get("sampled") is None:
            raise ScoringError(f"{label('sampled')}缺失：填了不符合数就要填抽样数")
        sampled = to_count(get("sampled"), label("sampled"))
        nonconforming = to_count(get("nonconforming") or 0, label("nonconforming"))
        if sampled == 0:
            raise ScoringError(f"{label('sampled')}不能为 0")
        if nonconforming > sampled:
            raise ScoringError(f"{label('nonconforming')} {nonconforming} 大于抽样数 {sampled}")
        candidates.append((label("sampled"), max_points * (1 - Fraction(nonconforming, sampled))))

    if excluded:
        if get("earned") is not None and to_fraction(get("earned"), label("earned")) > 0:
            raise ScoringError(f"{where}已删减，不能再有得分（得分应为 0 或留空）")
        if get("deduction") is not None and to_fraction(get("deduction"), label("deduction")) > 0:
            raise ScoringError(f"{where}已删减，不能再有扣分（扣分应为 0 或留空）")
        if sampled is not None:
            raise ScoringError(f"{where}已删减，不能再填抽样数")
        return IndicatorRow(name or f"第{index}条指标", max_points, Fraction(0), True)

    if not candidates:
        raise ScoringError(f"{where}缺少得分：请填得分、扣分或抽样数/不符合数之一")
    first_label, earned = candidates[0]
    for other_label, other in candidates[1:]:
        if other != earned:
            raise ScoringError(
                f"{first_label}（{exact_str(earned)}）与{other_label}算出的得分（{exact_str(other)}）不一致"
            )
    return IndicatorRow(name or f"第{index}条指标", max_points, earned, False, sampled, nonconforming)


def parse_rows(records: Iterable[Mapping[str, Any] | IndicatorRow]) -> list[IndicatorRow]:
    """Validate every row of a sheet (rows already parsed pass through)."""
    rows: list[IndicatorRow] = []
    for index, record in enumerate(records, start=1):
        if isinstance(record, IndicatorRow):
            rows.append(record)
        elif isinstance(record, Mapping):
            rows.append(parse_row(record, index))
        else:
            raise ScoringError(f"第{index}条指标必须是一个对象（含 name/max/earned 等字段）")
    if not rows:
        raise ScoringError("评分表（rows）没有任何指标")
    return rows


# --------------------------------------------------------------------------- result


@dataclass
class ScoreResult:
    """Everything a caller needs to explain a score; ``to_dict`` is the tool/JSON form."""

    mode: str  # "total" | "earned" | "rows"
    score: Fraction
    unclamped_score: Fraction
    base_score: Fraction
    grade: str
    next_grade: str | None
    points_to_next: Fraction | None
    applicable_total: Fraction | None
    earned_total: Fraction | None
    special_deductions: int
    bonus_requested: int
    bonus_applied: int
    clamped: bool
    rows: list[IndicatorRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def excluded(self) -> list[IndicatorRow]:
        return [r for r in self.rows if r.excluded]

    def to_dict(self) -> dict[str, Any]:
        opt = lambda v: None if v is None else float(v)  # noqa: E731
        return {
            "mode": self.mode,
            "score": display(self.score),
            "score_exact": exact_str(self.score),
            "unclamped_score": display(self.unclamped_score),
            "grade": self.grade,
            "passed": self.grade in PASSING_GRADES,
            "next_grade": self.next_grade,
            "points_to_next": opt(self.points_to_next),
            "points_to_next_exact": None if self.points_to_next is None else exact_str(self.points_to_next),
            "applicable_total": opt(self.applicable_total),
            "earned_total": opt(self.earned_total),
            "base_score": display(self.base_score),
            "base_score_exact": exact_str(self.base_score),
            "special_deductions": self.special_deductions,
            "special_deduction_points": float(self.special_deductions * SPECIAL_DEDUCTION_POINTS),
            "bonus_requested": self.bonus_requested,
            "bonus_applied": self.bonus_applied,
            "clamped": self.clamped,
            "excluded": [{"name": r.name, "max": float(r.max_points)} for r in self.excluded],
            "rows": [r.to_dict() for r in self.rows],
            "notes": list(self.notes),
        }


def _finish(
    mode: str,
    base: Fraction,
    *,
    special_deductions: Any,
    bonus: Any,
    applicable_total: Fraction | None = None,
    earned_total: Fraction | None = None,
    rows: list[IndicatorRow] | None = None,
) -> ScoreResult:
    """Apply the special items, clamp, grade and write the notes."""
    deductions = to_count(special_deductions, "特别扣分项数量(special_deductions)")
    bonus_requested = to_count(bonus, "特别加分项数量(bonus)")
    bonus_applied = min(bonus_requested, MAX_BONUS_ITEMS)
    notes: list[str] = []
    excluded = [r for r in rows or [] if r.excluded]
    if excluded:
        names = "、".join(r.name for r in excluded)
        notes.append(f"删减项不计分：{names}（共 {exact_str(sum((r.max_points for r in excluded), Fraction(0)))} 分未计入涉及项分值）。")
    sampled = [r for r in rows or [] if r.sampled is not None and not r.excluded]
    for r in sampled:
        notes.append(
            f"「{r.name}」按抽样比例扣分：{r.nonconforming}/{r.sampled} 不符合，"
            f"得 {_fmt(r.earned)} / {exact_str(r.max_points)} 分。"
        )
    if applicable_total is not None:
        notes.append(
            f"基础得分 = {_fmt(earned_total)} ÷ {_fmt(applicable_total)} × 100 = {_fmt(base)}。"  # type: ignore[arg-type]
        )
    if deductions:
        notes.append(f"特别扣分项 {deductions} 个，每个扣 1 分，在折算成百分制后扣除，共扣 {deductions} 分。")
    if bonus_requested > MAX_BONUS_ITEMS:
        notes.append(f"特别加分项最多计 1 个（每个 1 分）：申报了 {bonus_requested} 个，只加 1 分。")
    elif bonus_applied:
        notes.append("特别加分项 1 个，加 1 分。")

    raw = base - deductions * SPECIAL_DEDUCTION_POINTS + bonus_applied * BONUS_POINTS
    final = min(max(raw, Fraction(0)), FULL_MARKS)
    clamped = final != raw
    if raw > FULL_MARKS:
        notes.append(f"计算结果 {_fmt(raw)} 超过满分，按百分制上限记为 100 分。")
    elif raw < 0:
        notes.append(f"计算结果 {_fmt(raw)} 低于 0，按 0 分记。")

    grade = grade_for(final)
    nxt, gap = next_grade(final)
    if grade_for(Fraction(str(display(final)))) != grade:
        notes.append(
            f"显示分数四舍五入为 {display(final):.2f}，但精确分数 {exact_str(final)} "
            f"未达到下一档门槛，等级按精确分数评定为{grade}。"
        )
    if grade in PASSING_GRADES:
        notes.append(STAR_TIMING_NOTE)
    else:
        notes.append(FAIL_NOTE)
    return ScoreResult(
        mode=mode,
        score=final,
        unclamped_score=raw,
        base_score=base,
        grade=grade,
        next_grade=nxt,
        points_to_next=gap,
        applicable_total=applicable_total,
        earned_total=earned_total,
        special_deductions=deductions,
        bonus_requested=bonus_requested,
        bonus_applied=bonus_applied,
        clamped=clamped,
        rows=list(rows or []),
        notes=notes,
    )


# --------------------------------------------------------------------------- entry points


def score_from_total(total: Any, *, special_deductions: Any = 0, bonus: Any = 0) -> ScoreResult:
    """``total`` is the 100-point score before special items (pass 0/0 if it is already final)."""
    base = to_fraction(total, "总分(total)")
    if not 0 <= base <= FULL_MARKS:
        raise ScoringError(f"总分(total)必须在 0 到 100 之间，收到 {exact_str(base)}")
    return _finish("total", base, special_deductions=special_deductions, bonus=bonus)


def score_from_earned(earned: Any, applicable_total: Any, *, special_deductions: Any = 0, bonus: Any = 0) -> ScoreResult:
    """Actual points out of the applicable total (涉及项分值) after exclusions."""
    got = _non_negative(earned, "实际得分(earned)")
    applicable = _non_negative(applicable_total, "涉及项分值(applicable_total)")
    if applicable == 0:
        raise ScoringError("涉及项分值(applicable_total)不能为 0：至少要有一项未删减的指标")
    if got > applicable:
        raise ScoringError(
            f"实际得分(earned) {exact_str(got)} 超过涉及项分值(applicable_total) {exact_str(applicable)}"
        )
    base = got / applicable * FULL_MARKS
    return _finish(
        "earned", base, special_deductions=special_deductions, bonus=bonus,
        applicable_total=applicable, earned_total=got,
    )


def score_from_rows(rows: Iterable[Mapping[str, Any] | IndicatorRow], *, special_deductions: Any = 0, bonus: Any = 0) -> ScoreResult:
    """A full score sheet: exclusions and sampled indicators handled per row."""
    parsed = parse_rows(rows)
    counted = [r for r in parsed if not r.excluded]
    applicable = sum((r.max_points for r in counted), Fraction(0))
    if applicable == 0:
        raise ScoringError("涉及项分值为 0：所有指标都被删减或满分为 0，无法计算得分")
    earned = sum((r.earned for r in counted), Fraction(0))
    return _finish(
        "rows", earned / applicable * FULL_MARKS, special_deductions=special_deductions, bonus=bonus,
        applicable_total=applicable, earned_total=earned, rows=parsed,
    )


def calculate(
    *,
    total: Any = None,
    earned: Any = None,
    applicable_total: Any = None,
    rows: Iterable[Mapping[str, Any]] | None = None,
    special_deductions: Any = 0,
    bonus: Any = 0,
) -> ScoreResult:
    """One entry point: exactly one of ``total`` / ``earned``+``applicable_total`` / ``rows``."""
    special_deductions = 0 if special_deductions is None else special_deductions
    bonus = 0 if bonus is None else bonus
    given = [name for name, v in (("total", total), ("earned", earned), ("rows", rows)) if v is not None]
    if applicable_total is not None and earned is None:
        raise ScoringError("填了涉及项分值(applicable_total)时还要填实际得分(earned)")
    if len(given) > 1:
        raise ScoringError("总分(total)、实际得分(earned)+涉及项分值(applicable_total)、评分表(rows) 只能选一种")
    if not given:
        raise ScoringError("请提供总分(total)，或实际得分(earned)+涉及项分值(applicable_total)，或评分表(rows)")
    if total is not None:
        return score_from_total(total, special_deductions=special_deductions, bonus=bonus)
    if earned is not None:
        if applicable_total is None:
            raise ScoringError("填了实际得分(earned)还要填涉及项分值(applicable_total)")
        return score_from_earned(earned, applicable_total, special_deductions=special_deductions, bonus=bonus)
    return score_from_rows(rows, special_deductions=special_deductions, bonus=bonus)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- text


def format_result(result: ScoreResult | Mapping[str, Any]) -> str:
    """A short Chinese explanation; accepts the result or its ``to_dict()`` form (tool output)."""
    d = result.to_dict() if isinstance(result, ScoreResult) else dict(result)
    if d.get("error"):
        return f"无法计算：{d['error']}"
    score = f"{d['score']:.2f} 分"
    if d.get("score_exact") and d["score_exact"] != exact_str(Fraction(f"{d['score']:.2f}")):
        score += f"（精确值 {d['score_exact']}）"
    lines = [f"最终得分 {score}，等级：{d['grade']}。"]
    if d.get("next_grade"):
        gap = _fmt(Fraction(d["points_to_next_exact"]))
        lines.append(f"距离{d['next_grade']}（{exact_str(GRADE_FLOOR[d['next_grade']])} 分）还差 {gap} 分。")
    else:
        lines.append("已是最高等级五星级。")
    lines.extend(d.get("notes") or [])
    return "\n".join(lines)

