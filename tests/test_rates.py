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
