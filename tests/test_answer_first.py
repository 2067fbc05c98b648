"""Answer first, on any passage (issue 14, item 3): the first sentence answers what was asked;
titles, bylines, question echoes and stray colons never reach an answer."""

from __future__ import annotations

import re

import pytest

from assistant.pipeline.answer import compose_extractive
from assistant.domain.question import analyse
from assistant.types import Hit
from conftest import SEEDS, make_settings

FIRST = re.compile(r"^[^。！？!?]*[。！？!?]")


def hit(text, cid="c1", score=1.0, **meta):
    return Hit(chunk_id=cid, text=text, meta={"title": "某机构问答", **meta}, score=score)


PAGE = """售后服务认证简单问答
某某咨询
3、五星级要多少分?
:
售后服务认证是一种服务认证。评审按百分制打分，最终得分70分以上为达标级。
得分达到95分及以上的企业评为五星级。
"""


def first_sentence(answer: str) -> str:
    return FIRST.match(answer).group(0)


def test_the_number_asked_for_leads():
    text, cites = compose_extractive([hit(PAGE)], question=analyse("五星级要多少分？"))
    assert "95" in first_sentence(text)
    for furniture in ("简单问答", "某某咨询", "?", "？", "\n:"):
        assert furniture not in text
    assert cites[0].text == PAGE  # the card keeps the passage as it is


def test_the_duration_asked_for_leads():
    passage = "认证证书由认证机构颁发，证书上写明认证范围。证书有效期为3年，期间每年监督一次。"
    text, _ = compose_extractive([hit(passage)], question=analyse("证书有效期多久"))
    assert first_sentence(text).startswith("证书有效期为3年")


def test_a_yes_no_lead_of_another_question_is_not_reused():
    faq = hit("可以，电商企业只要具备独立法人资格就可以申请。平台店铺也在其列。", question="电商企业能申请吗？")
    text, _ = compose_extractive([faq], question=analyse("个体工商户可以申请售后服务认证吗？"))
    assert not text.startswith("可以")
    assert "独立法人资格" in first_sentence(text)
    same, _ = compose_extractive([faq], question=analyse("做电商的企业可以申请吗"))
    assert same.startswith("可以")


def test_the_first_sentence_ends_within_120_characters():
    long = "申请企业应当" + "、".join(f"具备第{i}项条件" for i in range(40)) + "，方可申请。"
    text, _ = compose_extractive([hit(long)], question=analyse("申请条件有哪些"))
    assert len(first_sentence(text)) <= 120


def test_at_most_two_supporting_points_none_repeating_the_lead():
    hits = [hit("五星级要求95分及以上。", "a", 1.0)] + [
        hit(f"第{i}条：五星级企业需要{i}项记录。五星级要求95分及以上。", f"b{i}", 0.95) for i in range(4)]
    text, _ = compose_extractive(hits, question=analyse("五星级要多少分"))
    points = [line for line in text.splitlines() if line.startswith("- ")]
    assert len(points) <= 2
    assert all("五星级要求95分及以上" not in p for p in points)


def test_traditional_quotes_are_shown_in_the_askers_script():
    passage = "售後服務認證證書有效期為3年。"
    text, cites = compose_extractive([hit(passage)], question=analyse("证书有效期多久"))
    assert "售后服务认证证书有效期为3年" in text and cites[0].text == passage
    text, _ = compose_extractive([hit(passage)], question=analyse("證書有效期多久"))
    assert "售後服務認證" in text


def test_a_followup_adds_no_unrelated_points():
    hits = [hit("五星级要求95分及以上。", "a", 1.0), hit("申请材料包括营业执照复印件。", "b", 0.95)]
    text, _ = compose_extractive(hits, question=analyse("那五星呢"), new_words=["五星"])
    assert "营业执照" not in text


@pytest.fixture(scope="module")
def seeds_assistant(tmp_path_factory):
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not available")
    from assistant.core import Assistant
    from assistant.kb import ingest

    settings = make_settings(tmp_path_factory.mktemp("seeds-kb") / "data")
    report, _ = ingest(settings, [SEEDS], progress=False)
    assert report.ok, report.summary()
    return Assistant(settings)


@pytest.mark.parametrize("question", [
    "商品售后服务认证是哪一个类别的认证？", "售后服务认证证书在哪里办？", "管理体系认证和售后服务认证有什么区别？",
    "办理售后服务认证证书的流程是什么？", "售后服务认证有什么好处？", "售后服务认证的评价指标有哪些？",
])
def test_seed_answers_carry_no_page_furniture(seeds_assistant, question):
    answer = seeds_assistant.ask(question)
    assert not answer.abstained and answer.citations
    lead = first_sentence(answer.answer)
    assert len(lead) <= 120, lead
    assert not re.match(r"^\s*[:：]", answer.answer)
    assert not re.search(r"\d[、.]\s*[^。]*[?？]", answer.answer), answer.answer  # no question echo
    from assistant.pipeline.answer import _is_furniture

    for c in answer.citations:  # no title, byline, headline or question line of a cited page
        for line in c.text.splitlines():
            line = line.strip()
            if len(line) >= 8 and _is_furniture(line, Hit(c.chunk_id, c.text, {"title": c.title})):
                assert line not in answer.answer, line
    assert "本文" not in answer.answer and "祝您" not in answer.answer


def test_a_yes_no_question_about_an_unnamed_entity_says_so_and_gives_the_condition():
    passage = hit("具有独立法人资格的企业都可以申请，不限行业。", question="哪些企业可以申请？")
    text, _ = compose_extractive([passage], question=analyse("个体工商户可以申请售后服务认证吗？"))
    lead = first_sentence(text)
    assert "个体工商户" in lead and "独立法人资格" in lead and len(lead) <= 120
    named = hit("个体工商户不具备法人资格，不能申请。")
    text, _ = compose_extractive([named], question=analyse("个体工商户可以申请吗"))
    assert text.startswith("个体工商户不具备法人资格")


def test_a_foreign_bare_yes_is_not_quoted_later_either():
    faq = hit("可以。电商企业只要具备独立法人资格就可以申请。平台店铺也在其列。", question="电商企业能申请吗？")
    text, _ = compose_extractive([faq], question=analyse("个体工商户可以申请售后服务认证吗？"))
    assert "可以[1]" not in text and "具备独立法人资格" in text
