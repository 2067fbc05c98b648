"""The offline score-question recogniser: supported phrasings, non-score questions, robustness."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.domain.score_intent import cn_to_decimal, extract_score_fields, parse_score_question
from assistant.pipeline.tools import run_calculate_grade

# The phrasings the recogniser supports: text -> calculate_grade arguments.
SUPPORTED: list[tuple[str, dict]] = [
    ("得了85分几星", {"total": 85}),
    ("我们得了88分，能拿几星？离四星差几分？", {"total": 88}),
    ("实际得分76分，涉及项总分值80分", {"earned": 76, "applicable_total": 80}),
    ("实得72分，涉及项分值90，有1个特别扣分项", {"earned": 72, "applicable_total": 90, "special_deductions": 1}),
    ("涉及项分值为90分，实际得分72分，没有加分项", {"earned": 72, "applicable_total": 90, "bonus": 0}),
    ("涉及项分值80，得分76，几星", {"earned": 76, "applicable_total": 80}),
    ("删减后满分80分，我们拿了76分", {"earned": 76, "applicable_total": 80}),
    ("实得760，涉及项分值800", {"earned": 760, "applicable_total": 800}),
    ("76/80能评几星", {"earned": 76, "applicable_total": 80}),
    ("我们公司得分80/90", {"earned": 80, "applicable_total": 90}),
    ("得了八十五分", {"total": 85}),
    ("九十分能评几星", {"total": 90}),
    ("得分九十四点五分", {"total": 94.5}),
    ("得了七十九点九九", {"total": 79.99}),
    ("评审打了一百分，还有一个特别加分项", {"total": 100, "bonus": 1}),
    ("94.99分是几星", {"total": 94.99}),
    ("得了85分能拿幾星", {"total": 85}),
    ("實際得分76分，涉及項總分值80分", {"earned": 76, "applicable_total": 80}),
    ("得了８５分，能評幾星？", {"total": 85}),
    ("我们得到了92分", {"total": 92}),
    ("我们评审得分是88.5", {"total": 88.5}),
    ("总分是95分，有1个特别扣分项，是五星吗", {"total": 95, "special_deductions": 1}),
    ("考了95分，有2个特别扣分项，评审员给了3个加分项", {"total": 95, "special_deductions": 2, "bonus": 3}),
    ("得了85分，没有特别扣分项，也没有加分项", {"total": 85, "special_deductions": 0, "bonus": 0}),
    ("得了85分和一个加分项", {"total": 85, "bonus": 1}),
    ("80分是三星级吗", {"total": 80}),
    ("我们70分能达标吗", {"total": 70}),
    ("2023/12/30评审得了85分", {"total": 85}),
    ("得了120分", {"total": 120}),  # recognised; the tool then explains the 0-100 range
]

# Knowledge questions and chit-chat: never a calculation.
NOT_SCORE: list[str] = [
    "离五星差几分",
    "离四星差几分？",
    "70分以上是什么等级",
    "80分及以上是三星吗",
    "五星级要多少分",
    "达标要几分",
    "要80分才能三星吗",
    "三星级是80分吗",
    "达标是70分吗",
    "90分和95分分别是几星",
    "90到94分是几星",
    "低于70分会怎样",
    "满分多少",
    "满分是100分，多少分是五星",
    "有效期3年",
    "三包有效期一年",
    "这个十分重要吗",
    "打了85折",
    "还差5分到四星，现在几星",
    "特别扣分项扣几分",
    "有1个特别扣分项",
    "评审员给了3个加分项",
    "抽样1/3不符合能评几星",
    "GB/T 27922-2011 是什么时候实施的",
    "第5.1.2条售后服务管理师占10%",
    "涉及项分值80分，能拿几星",
    "",
    "   ",
]


@pytest.mark.parametrize(("text", "expected"), SUPPORTED)
def test_supported_phrasings(text, expected):
    assert parse_score_question(text) == expected


@pytest.mark.parametrize("text", NOT_SCORE)
def test_not_a_score_question(text):
    assert parse_score_question(text) is None


def test_counts_without_a_score_are_kept_for_follow_ups():
    assert extract_score_fields("有1个特别扣分项") == {"special_deductions": 1}
    assert extract_score_fields("评审员给了3个加分项") == {"bonus": 3}
    assert extract_score_fields("有两个特别扣分项") == {"special_deductions": 2}


@pytest.mark.parametrize(
    ("numeral", "decimal"),
    [("八十五", "85"), ("九十", "90"), ("十", "10"), ("十五", "15"), ("一百", "100"), ("一百零五", "105"),
     ("九十四点五", "94.5"), ("七十九点九九", "79.99"), ("九五", "95"), ("零", "0"), ("两", "2"), ("八五十", None)],
)
def test_chinese_numerals(numeral, decimal):
    assert cn_to_decimal(numeral) == decimal


@pytest.mark.parametrize(
    ("text", "grade"),
    [
        ("得了85分几星", "三星级"),
        ("实际得分76分，涉及项总分值80分", "五星级"),
        ("实得72分，涉及项分值90，有1个特别扣分项", "达标"),
        ("得了七十九点九九", "达标"),
        ("评审打了一百分，还有一个特别加分项", "五星级"),
    ],
)
def test_recognised_arguments_feed_the_calculator(text, grade):
    assert run_calculate_grade(parse_score_question(text))["grade"] == grade


def test_out_of_range_score_comes_back_as_an_error_not_an_exception():
    assert "0 到 100" in run_calculate_grade(parse_score_question("得了120分"))["error"]


@given(st.text())
@settings(max_examples=300)
def test_never_raises_on_arbitrary_text(text):
    result = parse_score_question(text)
    assert result is None or isinstance(result, dict)


score_words = st.sampled_from(list("得了分几星点十百零一二两三四五六七八九0123456789./，涉及项特别扣加个以上满差离实际值"))


@given(st.lists(score_words, max_size=30).map("".join))
@settings(max_examples=300)
def test_never_raises_on_score_like_noise(text):
    result = parse_score_question(text)
    if result is not None:
        assert "total" in result or "rows" in result or {"earned", "applicable_total"} <= set(result)
        assert "error" in run_calculate_grade(result) or "grade" in run_calculate_grade(result)


@pytest.mark.parametrize("text, expected", [
    ("删减之后涉及项只有80分，我们拿了75.2分，另外还得了一个特别加分项。",
     {"earned": 75.2, "applicable_total": 80, "bonus": 1}),
    ("实得71分，但评审发现我们有两处违反行业特殊要求，各记了一次特别扣分。",
     {"total": 71, "special_deductions": 2}),
    ("涉及项分值75分，我们实得66分，评审员说我们有两个方面都够得上特别加分。",
     {"earned": 66, "applicable_total": 75, "bonus": 2}),
])
def test_counts_stated_before_the_item(text, expected):
    assert parse_score_question(text) == expected


@pytest.mark.parametrize("text", ["有的资料说80分是星级，有的说三星级，到底哪个对", "网上说95分是五星，对吗"])
def test_reported_thresholds_are_not_our_score(text):
    assert parse_score_question(text) is None


def test_own_score_after_reported_speech_still_counts():
    assert parse_score_question("网上说80分是三星，我们得了85分能拿几星") == {"total": 85}


@pytest.mark.parametrize("question, total, more", [
    ("咱满分一百的表实得九十六分半，没啥扣分加分，能评几星级", 96.5, {"bonus": 0}),  # 没啥…加分: none
    ("实得96分半，能评几星", 96.5, {}),
    ("我们得了八十九分半，离四星还差多少", 89.5, {}),
])
def test_half_a_point_is_read(question, total, more):
    """"分半" is half a point: reading 96分半 as 96 would compute from a misread number."""
    from assistant.domain.score_intent import parse_score_question

    assert parse_score_question(question) == {"total": total, **more}


@pytest.mark.parametrize("question, args", [
    # the count of removed indicators told before the cue, each value after its own 一个
    ("我们有两个指标不适用被删了，一个5分一个10分；剩下的实得68分，还吃了一个特别扣分。最后几分？",
     {"earned": 68, "applicable_total": 85, "special_deductions": 1}),
    ("两项指标删减了，一个是6分一个是4分，实得72分，几星", {"earned": 72, "applicable_total": 90}),
    ("删减了2项共15分，实得70，几星", {"earned": 70, "applicable_total": 85}),  # a sum, not values one by one
])
def test_removed_indicators_counted_before_their_values(question, args):
    from assistant.domain.score_intent import read_score

    reading = read_score(question)
    assert reading.args == args and not reading.problems


@pytest.mark.parametrize("question, problem", [
    ("删减了3个不适用的指标，一个12分一个8分，实得70分，几星", "说了删减 3 个指标，但读到的分值有 2 个"),
    ("删减了3个不适用指标，分值分别3分、4分，实得80，几星", "说了删减 3 个指标，但读到的分值有 2 个"),
    ("3个指标不涉及，1个5分，实得80，几星", "说了删减 3 个指标，但读到的分值有 1 个"),
])
def test_a_removed_indicator_whose_points_were_not_told_asks_instead_of_computing(question, problem):
    """Three removed and two values told: computing from the two would use a wrong 涉及项分值."""
    from assistant.domain.score_intent import read_score

    reading = read_score(question)
    assert reading.needs_confirmation and problem in reading.problems


def test_what_result_a_score_gives_is_a_grade_question():
    assert parse_score_question("刚好卡在70分,这个分数是什么结果?") == {"total": 70}
    assert parse_score_question("评审完了多久出结果") is None


@pytest.mark.parametrize("question, args", [
    # the rest's points added up are the applicable total
    ("删减之后剩下的那些指标，分值加在一起是75分，我们在这里面拿了60分。这样能评几星？",
     {"earned": 60, "applicable_total": 75}),
    # removed, then their sum said with two sum words
    ("“配送”和“废弃商品回收”这两项跟我们不沾边，直接删减了，两项加起来一共20分。实得分是68分，没有特别扣分，也没有加分。算哪个等级？",
     {"earned": 68, "applicable_total": 80, "special_deductions": 0, "bonus": 0}),
    # each non-conforming indicator's points in brackets after its name
    ("全部指标适用。评审判定“配送”（5分）和“维修”（4分）两项不符合，整项不得分，其余指标全部拿满。另外还记了一个特别扣分项。最终多少分，几星？",
     {"total": 91, "special_deductions": 1}),
    # a bonus granted to us, its count untold: at most one counts
    ("全部指标都涉及，我们实得94分。另外评审组认为我们响应时限在行业里是领先的，给了我们特别加分。什么级别？",
     {"total": 94, "bonus": 1}),
])
def test_round_eighteen_score_phrasings(question, args):
    from assistant.domain.score_intent import read_score

    reading = read_score(question)
    assert reading.args == args and not reading.problems


@pytest.mark.parametrize("question, args", [
    # "评审结果" names the total, its 分 left out; "差半分" is a distance, not an input
    ("评审结果94.5，离五星就差半分，现在是几星？", {"total": 94.5}),
    ("最终结果88，几星", {"total": 88}),
])
def test_round_nineteen_score_phrasings(question, args):
    from assistant.domain.score_intent import read_score

    reading = read_score(question)
    assert reading.args == args and not reading.problems


def test_a_result_told_as_what_happened_is_no_score():
    """"结果" alone is "as it turned out": only a review's or a final result names the total."""
    from assistant.domain.score_intent import read_score

    reading = read_score("结果88个网点都要去吗")
    assert reading is None or "total" not in reading.args


def test_another_review_or_another_company_is_not_ours():
    """Last year's special items and a competitor's score are shown, never computed with:
    computing 92 − 2 from last year's two deductions was a misread."""
    from assistant.domain.score_intent import read_score

    reading = read_score("去年评审我们被记了两个特别扣分项，今年都整改好了，今年评审没有特别扣分也没有加分。"
                         "今年涉及项分值75分，实得69分。今年是多少分？")
    assert reading.args == {"earned": 69, "applicable_total": 75, "special_deductions": 0, "bonus": 0}
    assert read_score("去年被记了两个特别扣分项，今年实得85分，几星？").args == {"total": 85}
    other = read_score("同行那家公司拿了92分，是四星。我们这边删减了25分的指标，实得66分，没有特别项。那我们是多少分？")
    assert other.args == {"earned": 66, "applicable_total": 75}
    assert "other_company" in other.roles() and other.roles()["other_company"] == 92
    assert read_score("同行拿了92分，我们能评几星") is None  # nothing of ours to grade
    assert read_score("我们有2个特别扣分项，实得85分，几星").args == {"total": 85, "special_deductions": 2}
