"""A rule that scales with a count the asker tells is applied to that count, and only to one count
the question names without doubt (assistant.domain.rates)."""
from fractions import Fraction

import pytest

from assistant.domain.rates import apply_rate

OUTLETS = "售后服务认证中，每个固定服务网点的评审时间至少为0.5人日。网点越多，总人日通常也越多。"
MANAGERS = "第5.1.2.2条专门对售后服务管理师的数量提出要求：应达到服务管理人员总数的10%。"


@pytest.mark.parametrize("question,result,said", [
    ("我们有20个固定服务网点，光网点部分评审最少要算多少人日？", 10, "＝10人日"),
    ("我们有8个固定的服务网点，光网点这块评审至少得算几个人日？", 4, "＝4人日"),
    ("被审企业有7个固定服务网点，网点部分至少要多少人日", Fraction(7, 2), "＝3.5人日"),
])
def test_a_floor_for_each_unit_is_multiplied_by_the_units_told(question, result, said):
    i, applied = apply_rate(question, [MANAGERS, OUTLETS])
    assert i == 1 and applied.result == result and said in applied.text


@pytest.mark.parametrize("question,result", [
    ("人力资源部问：售后服务管理师要配几个？我们售后服务管理人员一共50人", 5),
    ("我们售后服务管理人员一共40个人，按标准要配几个售后服务管理师才够？", 4),
    ("我们公司售后服务管理岗一共45个人，按标准至少得培养几个售后服务管理师", 5),  # 4.5: one more person
    ("管理人员一共50人要配几个管理师", 5),
    ("我们已有2名管理师，售后服务管理人员一共50个，按标准要几个管理师", 5),  # the part's own count is no whole
])
def test_a_share_of_a_whole_is_at_least_the_share_rounded_up(question, result):
    _, applied = apply_rate(question, [OUTLETS, MANAGERS])
    assert applied.result == result
    assert f"至少需要{result}名" in applied.text and "10%" in applied.text
    assert ("不足一人按一人计" in applied.text) == (applied.count * applied.rate / 100 != result)


@pytest.mark.parametrize("question", [
    "售后服务管理师要配几个？",                       # no count told
    "我们有20个网点，抽了8个网点，要多少人日？",        # two counts: which one is not sure
    "我们有20个固定服务网点，证书有效期几年？",          # a count, but nothing scales with it here
    "我们售后服务管理人员一共50人，管理师要培训什么",     # no number asked
])
def test_nothing_is_computed_without_one_sure_count_and_a_number_asked(question):
    assert apply_rate(question, [OUTLETS, MANAGERS]) is None


def test_the_computed_number_leads_the_answer_and_cites_the_rule(assistant):
    answer = assistant.ask("我们有20个固定服务网点，光网点部分评审最少要算多少人日？")
    head = answer.answer.split("。")[0]
    assert "10人日" in head and "[" in head, answer.answer
    cited = {c.n: c.text for c in answer.citations}
    n = int(head.rsplit("[", 1)[1].rstrip("]"))
    assert "0.5" in cited[n]


VALIDITY = "售后服务认证证书有效期一般为3年。在这3年里，认证机构每年进行一次监督评审。"
STARS = "一般不能，星级评定通常在企业获得达标级一年后进行，服务成绩特别突出的企业可以例外。"


@pytest.mark.parametrize("question,said", [
    ("我们2025年3月拿的证，到哪年哪月到期？", "2025年3月获证，有效期一般到2028年3月届满"),
    ("我们2024年5月拿到售后服务认证证书，什么时候到期？", "有效期一般到2027年5月届满"),
    # the present the asker tells is no start: it is compared with the end
    ("我们是2021年3月拿的证书。现在已经2024年1月了，证书什么时候到期？", "尚在有效期内"),
    ("供应商的证书是2021年7月颁发的,现在是2025年,这张证还能认吗?", "这张证书已过期"),
    ("2023年6月我们评上达标了，最早什么时候能评星？", "一般要到2024年6月以后才能评星"),
    ("我们今年3月刚拿到达标，领导想6月份就评三星，这个时间可以吗？", "一般要到明年3月以后才能评星"),
    ("我们去年8月才拿到达标，领导想今年直接冲四星，是不是得等？", "一般要到今年8月以后才能评星"),
])
def test_a_stated_period_runs_from_the_month_the_asker_tells(question, said):
    i, applied = apply_rate(question, [VALIDITY, STARS])
    assert said in applied.text, applied.text
    assert applied.rule == (STARS if "星" in said else VALIDITY.split("。")[0] + "。")


@pytest.mark.parametrize("question", [
    "我们2022年拿的证，马上到期了，到期后该走什么流程？",   # asks what to do, not when
    "敝司去年取得证书，证书有效期内认证机构是否还会再来检查？",  # 有效期内: no end asked
    "2023年5月拿的证，2024年6月又拿了一张证，什么时候到期？",   # two starts: not sure which
    "2024年4月做的现场评审，实得81分，几星？",                 # no event a period runs from
])
def test_no_period_is_applied_without_one_start_and_its_end_asked(question):
    assert apply_rate(question, [VALIDITY, STARS]) is None


def test_the_month_told_is_left_out_of_the_search_and_the_rule_searched_for():
    from assistant.domain.rates import period_query, without_told_month

    q = "2023年6月我们评上达标了，最早什么时候能评星？"
    assert without_told_month(q) == "我们评上达标了，最早什么时候能评星？"
    assert "评星" in period_query(q)
    assert without_told_month("GB/T 27922-2011是2011年12月30日发布的吗？") == "GB/T 27922-2011是2011年12月30日发布的吗？"


@pytest.mark.parametrize("question,said", [
    ("服务管理人员120个，管理师配满12个就够标准了吧？帮我核一下", "配12名已达到这一要求"),
    ("我们售后服务管理人员一共45个人，只配了4名管理师，够不够？", "配4名不够"),
    ("我们有14个固定服务网点，网点评审安排5个人日够吗？", "5人日不够"),
    ("我们有6个固定服务网点，网点部分排3人日没问题吧？", "3人日已达到这一要求"),
])
def test_a_figure_of_the_askers_own_is_checked_against_the_rule(question, said):
    _, applied = apply_rate(question, [OUTLETS, MANAGERS])
    assert said in applied.text, applied.text


@pytest.mark.parametrize("question", [
    "我们有14个固定服务网点，网点评审够吗？",          # a check with no figure of its own: nothing to compute
    "售后服务管理师配够了吧？",
])
def test_a_check_without_a_figure_computes_nothing(question):
    assert apply_rate(question, [OUTLETS, MANAGERS]) is None


def test_how_it_is_computed_for_a_count_told_is_computed():
    """"12个网点，人日怎么算" asks the computation for the asker's own count."""
    rule = "每个固定服务网点的评审时间不少于0.5个人日。"
    found = apply_rate("我们有12个固定服务网点，评审人日大概怎么算？", [rule])
    assert found is not None and found[1].result == Fraction(6)
    assert apply_rate("评审人日大概怎么算？", [rule]) is None  # no count of the asker's own
