"""The pure GB/T 27922 scoring module: boundaries, 删减, sampling, special items, bounds, errors."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.errors import ScoringError, UserError
from assistant.domain.scoring import (
    GRADES,
    calculate,
    exact_str,
    format_result,
    grade_for,
    next_grade,
    parse_row,
    score_from_earned,
    score_from_rows,
    score_from_total,
)

RANK = {label: i for i, (label, _) in enumerate(reversed(GRADES))}


# --------------------------------------------------------------------------- grades


@pytest.mark.parametrize(
    ("total", "grade", "next_label", "gap"),
    [
        (0, "不通过", "达标", "70"),
        (69.99, "不通过", "达标", "0.01"),
        ("69.999", "不通过", "达标", "0.001"),
        (70, "达标", "三星级", "10"),
        (79.99, "达标", "三星级", "0.01"),
        (80, "三星级", "四星级", "10"),
        (89.99, "三星级", "四星级", "0.01"),
        (90, "四星级", "五星级", "5"),
        (94.99, "四星级", "五星级", "0.01"),
        (94.999, "四星级", "五星级", "0.001"),
        (95, "五星级", None, None),
        (100, "五星级", None, None),
    ],
)
def test_grade_at_every_boundary(total, grade, next_label, gap):
    result = score_from_total(total)
    assert result.grade == grade
    assert result.next_grade == next_label
    assert (None if result.points_to_next is None else exact_str(result.points_to_next)) == gap
    d = result.to_dict()
    assert d["grade"] == grade and d["next_grade"] == next_label
    assert d["passed"] is (grade != "不通过")


def test_display_rounding_never_changes_the_grade():
    d = score_from_total(94.999).to_dict()
    assert d["score"] == 95.0  # displayed
    assert d["score_exact"] == "94.999"
    assert d["grade"] == "四星级"
    assert any("四舍五入" in n for n in d["notes"])


def test_exact_inputs_accepted_as_fraction_decimal_and_text():
    assert score_from_total(Fraction(189999, 2000)).grade == "四星级"  # 94.9995
    assert score_from_total(Decimal("95")).grade == "五星级"
    assert score_from_total("９５").grade == "五星级"  # full-width digits
    assert grade_for("79.99") == "达标" and grade_for(80) == "三星级"


def test_next_grade_at_top_is_none():
    assert next_grade(95) == (None, None)
    assert next_grade(Fraction(949, 10)) == ("五星级", Fraction(1, 10))


def test_star_timing_note_on_passing_grades_only():
    assert any("一年" in n for n in score_from_total(85).notes)
    assert not any("一年" in n for n in score_from_total(60).notes)


# --------------------------------------------------------------------------- 删减 and earned/applicable


def test_fact_sheet_example_76_of_80_is_five_star():
    result = score_from_earned(76, 80)
    assert result.score == 95 and result.grade == "五星级"
    assert result.applicable_total == 80 and result.earned_total == 76


def test_fact_sheet_example_72_of_90_with_one_special_deduction_is_pass():
    result = calculate(earned=72, applicable_total=90, special_deductions=1)
    assert result.base_score == 80
    assert result.score == 79 and result.grade == "达标"
    d = result.to_dict()
    assert d["special_deductions"] == 1 and d["special_deduction_points"] == 1.0
    assert d["base_score"] == 80.0 and d["score"] == 79.0


def test_rows_with_exclusion_match_earned_over_applicable():
    rows = [
        {"name": "组织架构", "max": 40, "earned": 38},
        {"name": "人员配置", "max": 40, "earned": 38},
        {"name": "废弃商品回收", "max": 20, "excluded": True},
    ]
    result = score_from_rows(rows)
    assert result.applicable_total == 80 and result.earned_total == 76
    assert result.score == 95 and result.grade == "五星级"
    d = result.to_dict()
    assert d["excluded"] == [{"name": "废弃商品回收", "max": 20.0}]
    assert any("删减" in n for n in d["notes"])


def test_chinese_headers_and_deduction_column():
    rows = [
        {"指标": "投诉处理", "分值": "10", "扣分": "2", "删减": "否"},
        {"指标": "配送", "满分": "10", "得分": "10", "删减": ""},
        {"指标": "维修", "满分": "5", "删减": "是"},
    ]
    result = score_from_rows(rows)
    assert result.earned_total == 18 and result.applicable_total == 20
    assert result.score == 90 and result.grade == "四星级"


def test_earned_and_deduction_both_given_must_agree():
    assert parse_row({"name": "a", "max": 10, "earned": 8, "deduction": 2}, 1).earned == 8
    with pytest.raises(ScoringError, match="不一致"):
        parse_row({"name": "a", "max": 10, "earned": 8, "deduction": 1}, 1)


# --------------------------------------------------------------------------- sampling


@pytest.mark.parametrize(
    ("sampled", "nonconforming", "earned"),
    [(4, 1, Fraction(15, 2)), (3, 1, Fraction(20, 3)), (5, 0, Fraction(10)), (5, 5, Fraction(0))],
)
def test_proportional_sample_deduction(sampled, nonconforming, earned):
    row = parse_row({"name": "服务记录", "max": 10, "sampled": sampled, "nonconforming": nonconforming}, 1)
    assert row.earned == earned


def test_sampled_rows_in_a_sheet_are_exact():
    rows = [
        {"name": "人员资质", "max": 10, "sampled": 3, "nonconforming": 1},  # 20/3
        {"name": "组织架构", "max": 20, "earned": 20},
    ]
    result = score_from_rows(rows)
    assert result.score == Fraction(800, 9)  # (20/3 + 20) / 30 × 100
    assert result.grade == "三星级"
    assert exact_str(result.score) == "800/9"
    assert result.to_dict()["score"] == 88.89
    assert any("抽样" in n for n in result.notes)


# --------------------------------------------------------------------------- special items and bounds


def test_bonus_is_capped_at_one_with_a_note():
    result = score_from_total(90, bonus=3)
    assert result.bonus_requested == 3 and result.bonus_applied == 1
    assert result.score == 91
    assert any("最多" in n for n in result.notes)


def test_single_bonus_has_no_cap_note():
    result = score_from_total(94, bonus=1)
    assert result.score == 95 and result.grade == "五星级"
    assert not any("最多" in n for n in result.notes)


def test_special_deductions_apply_after_normalisation():
    # 57/60 = 95, minus 1 = 94 (not 56/60)
    assert calculate(earned=57, applicable_total=60, special_deductions=1).score == 94


def test_bonus_on_perfect_sheet_is_clamped_to_100():
    result = score_from_total(100, bonus=1)
    d = result.to_dict()
    assert d["score"] == 100.0 and d["unclamped_score"] == 101.0 and d["clamped"] is True
    assert any("超过满分" in n for n in d["notes"])


def test_many_deductions_are_clamped_to_zero():
    result = score_from_total(3, special_deductions=5)
    assert result.score == 0 and result.clamped and result.grade == "不通过"
    assert any("低于 0" in n for n in result.notes)


def test_deduction_can_cross_a_grade_boundary():
    assert score_from_total(95, special_deductions=1).grade == "四星级"
    assert score_from_total(70, special_deductions=1).grade == "不通过"


# --------------------------------------------------------------------------- result dict and text


def test_result_dict_keys():
    d = calculate(earned=72, applicable_total=90, special_deductions=1).to_dict()
    for key in (
        "score", "score_exact", "grade", "next_grade", "points_to_next", "applicable_total",
        "earned_total", "base_score", "special_deductions", "bonus_applied", "notes", "excluded",
    ):
        assert key in d
    assert isinstance(d["score"], float) and isinstance(d["notes"], list)
    assert all(isinstance(n, str) for n in d["notes"])


def test_format_result_explains_score_grade_gap_and_items():
    text = format_result(calculate(earned=72, applicable_total=90, special_deductions=1))
    assert "79.00" in text and "达标" in text and "三星级" in text and "还差 1 分" in text
    assert "特别扣分项 1 个" in text
    assert "五星级" in format_result(score_from_total(100).to_dict())
    assert format_result({"error": "x"}).startswith("无法计算")


# --------------------------------------------------------------------------- validation


BAD_INPUTS = [
    (dict(total=-1), "总分"),
    (dict(total=100.5), "0 到 100"),
    (dict(total=float("nan")), "NaN"),
    (dict(total=float("inf")), "NaN"),
    (dict(total="inf"), "NaN"),
    (dict(total="八十"), "阿拉伯数字"),
    (dict(total=True), "布尔"),
    (dict(total=[80]), "数字"),
    (dict(total=80, special_deductions=-1), "特别扣分项"),
    (dict(total=80, special_deductions=1.5), "整数"),
    (dict(total=80, bonus=-2), "特别加分项"),
    (dict(earned=-1, applicable_total=80), "实际得分"),
    (dict(earned=81, applicable_total=80), "超过涉及项分值"),
    (dict(earned=0, applicable_total=0), "涉及项分值"),
    (dict(earned=10), "涉及项分值"),
    (dict(applicable_total=80), "实际得分"),
    (dict(total=80, earned=70, applicable_total=80), "只能选一种"),
    (dict(), "请提供"),
    (dict(rows=[]), "没有任何指标"),
    (dict(rows=["x"]), "对象"),
    (dict(rows=[{"name": "a", "max": -5, "earned": 0}]), "「a」的「max」不能为负数"),
    (dict(rows=[{"name": "a", "max": 10, "earned": -1}]), "「earned」不能为负数"),
    (dict(rows=[{"name": "a", "max": 10, "earned": 11}]), "超过满分"),
    (dict(rows=[{"name": "a", "max": 10, "deduction": 11}]), "超过满分"),
    (dict(rows=[{"name": "a", "max": 10, "earned": 5, "excluded": True}]), "已删减，不能再有得分"),
    (dict(rows=[{"name": "a", "max": 10, "deduction": 5, "excluded": True}]), "已删减，不能再有扣分"),
    (dict(rows=[{"name": "a", "max": 10, "excluded": True}]), "涉及项分值为 0"),
    (dict(rows=[{"name": "a", "max": 0, "earned": 0}]), "涉及项分值为 0"),
    (dict(rows=[{"指标": "组织架构", "满分": "10", "得分": "八十"}]), "第1条指标「组织架构」的「得分」必须是阿拉伯数字"),
    (dict(rows=[{"name": "a", "max": "nan", "earned": 1}]), "NaN"),
    (dict(rows=[{"name": "a", "max": 10, "sampled": 0, "nonconforming": 0}]), "「sampled」不能为 0"),
    (dict(rows=[{"name": "a", "max": 10, "sampled": 3, "nonconforming": 4}]), "大于抽样数"),
    (dict(rows=[{"name": "a", "max": 10, "sampled": -3, "nonconforming": 0}]), "不能为负数"),
    (dict(rows=[{"name": "a", "max": 10, "sampled": 3, "nonconforming": -1}]), "不能为负数"),
    (dict(rows=[{"name": "a", "max": 10, "sampled": 2.5, "nonconforming": 1}]), "整数"),
    (dict(rows=[{"name": "a", "max": 10, "nonconforming": 1}]), "抽样数"),
    (dict(rows=[{"name": "a", "max": 10}]), "缺少得分"),
    (dict(rows=[{"name": "a", "earned": 1}]), "缺失"),
    (dict(rows=[{"name": "a", "max": 10, "earned": 1, "weight": 3}]), "未知列「weight」"),
    (dict(rows=[{"name": "a", "max": 10, "earned": 1, "excluded": "maybe"}]), "是/否"),
    (dict(rows=[{"name": "a", "max": 10, "满分": 8, "earned": 1}]), "重复"),
]


@pytest.mark.parametrize(("kwargs", "fragment"), BAD_INPUTS)
def test_validation_errors_are_clear_chinese_user_errors(kwargs, fragment):
    with pytest.raises(ScoringError) as info:
        calculate(**kwargs)
    assert isinstance(info.value, UserError)
    message = str(info.value)
    assert fragment in message
    assert "\n" not in message


# --------------------------------------------------------------------------- properties

scores = st.fractions(min_value=0, max_value=100, max_denominator=10_000)


@given(scores, scores)
def test_grade_never_decreases_as_score_rises(a, b):
    low, high = sorted((a, b))
    assert RANK[grade_for(low)] <= RANK[grade_for(high)]


@given(scores)
def test_gap_reaches_exactly_the_next_threshold(score):
    label, gap = next_grade(score)
    if label is None:
        assert score >= 95
    else:
        assert gap > 0 and grade_for(score + gap) == label and grade_for(score + gap - Fraction(1, 10**9)) != label


@st.composite
def sheets(draw):
    n = draw(st.integers(min_value=1, max_value=8))
    rows = []
    for i in range(n):
        max_points = draw(st.integers(min_value=1, max_value=30))
        earned = draw(st.fractions(min_value=0, max_value=max_points, max_denominator=4))
        rows.append({"name": f"r{i}", "max": max_points, "earned": earned})
    return rows


@given(sheets(), st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=30))
def test_adding_an_excluded_row_changes_nothing(rows, excluded_max, position):
    before = score_from_rows(rows)
    excluded = {"name": "删减项", "max": excluded_max, "earned": 0, "excluded": True}
    after = score_from_rows(rows[:position] + [excluded] + rows[position:])
    assert after.score == before.score and after.grade == before.grade
    assert after.applicable_total == before.applicable_total


@given(sheets())
def test_a_zero_max_zero_earned_row_changes_nothing(rows):
    before = score_from_rows(rows).score
    assert score_from_rows(rows + [{"name": "零分项", "max": 0, "earned": 0}]).score == before
    assert score_from_rows(rows + [{"name": "零分项", "max": 0, "excluded": True}]).score == before


@given(sheets(), st.integers(min_value=0, max_value=200), st.integers(min_value=0, max_value=10))
@settings(max_examples=200)
def test_score_always_within_bounds(rows, deductions, bonus):
    result = score_from_rows(rows, special_deductions=deductions, bonus=bonus)
    assert 0 <= result.score <= 100
    assert result.bonus_applied <= 1
    d = result.to_dict()
    assert 0 <= d["score"] <= 100 and not math.isnan(d["score"])


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_any_float_total_either_scores_or_raises_user_error(value):
    try:
        result = score_from_total(value)
    except ScoringError:
        assert not (math.isfinite(value) and 0 <= value <= 100)
    else:
        assert 0 <= result.score <= 100


# --------------------------------------------------------------------------- rubric and tool


def test_rubric_has_3_first_and_15_second_level_indicators_without_points():
    from assistant.domain.rubric import format_rubric, indicators, load_rubric

    rubric = load_rubric()
    assert [g["name"] for g in rubric["first_level"]] == ["售后服务体系", "商品服务", "顾客服务"]
    items = indicators()
    assert len(items) == 15
    clauses = {i["name"]: i["clause"] for i in items}
    assert clauses["组织架构"] == "5.1.1" and clauses["监督"] == "5.1.5"
    assert clauses["投诉处理"] is None
    assert not any(k in str(rubric) for k in ("points", "分值:", "max"))
    assert "15 个二级指标" in format_rubric()


def test_run_calculate_grade_returns_errors_as_dicts():
    from assistant.pipeline.tools import run_calculate_grade

    assert run_calculate_grade({"total": 88})["grade"] == "三星级"
    assert "error" in run_calculate_grade({"total": "八十"})
    assert "未知参数" in run_calculate_grade({"score": 88})["error"]
    assert "error" in run_calculate_grade("88")  # type: ignore[arg-type]


def test_structured_tool_wraps_the_same_path():
    from assistant.pipeline.tools import make_scoring_tool, run_calculate_grade

    tool = make_scoring_tool()
    assert tool.name == "calculate_grade"
    assert {"total", "earned", "applicable_total", "rows", "special_deductions", "bonus"} <= set(tool.args)
    args = {
        "rows": [
            {"name": "组织架构", "max": 40, "earned": 38},
            {"name": "人员配置", "max": 40, "earned": 38},
            {"name": "配送", "max": 20, "excluded": True},
        ],
        "bonus": 2,
    }
    out = tool.invoke(args)
    assert out["grade"] == "五星级" and out["bonus_applied"] == 1
    assert out == run_calculate_grade(args)
    assert tool.invoke({"earned": 72, "applicable_total": 90, "special_deductions": 1})["score"] == 79.0
    assert "error" in tool.invoke({"total": 120})
    rejected = tool.invoke({"total": "八十"})  # pydantic rejects it: returned as text, not raised
    assert "total" in json.loads(rejected)["error"]
