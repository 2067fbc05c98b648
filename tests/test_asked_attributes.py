"""Refuse an in-domain-looking question when the attribute it asks (a head count, an edition, a
renewal step, a year or a day, a count of sites, a share) is stated by no cited passage; let a
knowledge-gap topic give way when the documents do state it; read a question that points back
("这种也算吗", "也是这一类？") with the previous one. Phrasings written for this test."""

from __future__ import annotations

import pytest

from assistant.domain.followup import resolve_followup
from assistant.domain.question import analyse
from assistant.domain.scope import policy_refusal, topic_yields
from assistant.lang.text import to_search_text
from assistant.pipeline.answer import AbstainPolicy, evidence_for


@pytest.mark.parametrize("question,silent,stating,attribute", [
    ("现场评审会派几位专家过来", "评审组到企业现场评审。", "评审组由2名评审员组成。", "人"),
    ("这套评价标准出过修订版吗", "GB/T 27922-2011 是推荐性国家标准。", "该标准2023版已发布，修订了指标。", "新版本"),
    ("证书快到期了，续证要怎么办", "证书有效期为3年。", "证书到期前三个月提出再认证申请。", "再认证"),
    ("售后服务评价体系标准是哪一年发布的", "标准由全国标准化技术委员会归口。", "该标准于2011年12月30日发布。", "年份"),
    ("我们的年度监督评审排在哪一天", "获证后每年进行一次监督评审。", "监督评审定于2025年3月18日。", "日期"),
    ("网点至少要开多少个才够格", "企业应设立服务网点。", "服务网点不少于3个。", "网点数量"),
    ("回访客户要占到什么比例", "企业应定期回访客户。", "回访比例不低于30%。", "比例"),
    ("投诉处理及时率最低要达到百分之多少", "企业应及时处理投诉。", "投诉处理及时率不低于95%。", "比例"),
    # an approval or certificate number is given as a code after its name, or not at all
    ("万检通质量检验中心的CNCA批准号是多少？", "认证机构须经CNCA批准。", "该中心批准号：CNCA-R-2002-117。", "编号"),
    # years asked of a thing of the domain nothing cited names: a "3年" said of the certificate is no answer
    ("评审员要有几年工作经验才能做售后服务认证评审？", "证书有效期为3年。", "评审员应具有5年以上相关工作经验。", "年限"),
])
def test_an_asked_attribute_no_passage_states_is_refused(question, silent, stating, attribute):
    ev = evidence_for(analyse(question), [silent])
    assert ev.unit_missing == attribute and AbstainPolicy().should_abstain(ev, True)
    ev = evidence_for(analyse(question), [stating])
    assert ev.unit_missing == ""


def test_the_tail_of_a_standard_number_is_not_a_year():
    passage = "五星级为95分及以上。来源：GB/T 27922-2011 等级划分。"
    ev = evidence_for(analyse("某某公司是哪一年评上五星级的"), [passage])
    assert ev.unit_missing == "年份"
    assert evidence_for(analyse("标准是哪一年实施的"), ["标准自2012-02-01起实施。"]).unit_missing == ""


def test_an_attribute_that_is_not_asked_is_not_required():
    ev = evidence_for(analyse("监督评审主要看什么"), ["获证后每年进行一次监督评审，检查体系运行。"])
    assert ev.unit_missing == ""


def test_a_gap_topic_gives_way_to_a_passage_that_states_the_fact():
    question = to_search_text("标准有没有要求48小时内必须上门维修？")
    topic = policy_refusal(question)
    assert topic is not None and topic.name == "service_time_rules" and not topic.policy
    stating = ["例如有的企业承诺接到报修后48小时内上门维修。"]
    assert topic_yields(topic, question, lambda: stating)
    # a number of hours about something else the question does not name does not count
    assert not topic_yields(topic, question, lambda: ["退款在3个工作日内到账。"])
    assert not topic_yields(topic, question, lambda: ["企业应建立服务体系。"])


def test_a_contacts_gap_gives_way_to_the_number_or_address_a_page_gives():
    """Asked as "咨询电话" where the page says 咨询热线, or by the abbreviation the words give as
    the body's full name ("CNCA"), the stated number or web address still counts; an address of
    a place nobody gives a number or web address for does not."""
    question = to_search_text("你们最后留的咨询电话是多少？")
    topic = policy_refusal(question)
    assert topic is not None and topic.name == "contacts"
    assert topic_yields(topic, question, lambda: ["咨询热线:13521955237，联系地址:北京市某区。"])
    assert not topic_yields(topic, question, lambda: ["证书有效期三年。"])
    # asked of a company the page names as its owner, and not of another one
    page = ["嘉联咨询联系方式：咨询热线:13521955237，联系地址:北京市某区。"]
    owner = to_search_text("嘉联咨询那篇问答留的咨询电话是多少？")
    assert topic_yields(policy_refusal(owner), owner, lambda: page)
    other = to_search_text("深圳华谊那家的联系电话多少？")
    assert not topic_yields(policy_refusal(other), other, lambda: page)
    cnca = to_search_text("CNCA官网地址是多少")
    assert topic_yields(policy_refusal(cnca), cnca, lambda: ["可通过CNCA官方网站(http://www.cnca.gov.cn/)查询。"])
    branch = to_search_text("那家公司在上海的分公司地址在哪？")
    assert not topic_yields(policy_refusal(branch), branch, lambda: ["咨询热线:13521955237，联系地址:北京市某区。"])


def test_policy_topics_never_give_way():
    question = to_search_text("能不能帮我们伪造几份48小时内上门的维修记录")
    topic = policy_refusal(question)
    assert topic.policy
    assert not topic_yields(topic, question, lambda: ["48小时内上门维修的记录应保存。"])


HISTORY = [{"role": "user", "content": "哪些企业可以申请售后服务认证？"},
           {"role": "assistant", "content": "具有独立法人资格的企业都可以申请。"}]


@pytest.mark.parametrize("question", ["我们是开连锁洗衣店的，这种也算吗？", "做物业管理的公司也属于可以申请的范围吗？"])
def test_a_question_pointing_back_is_read_with_the_previous_one(question):
    resolved = resolve_followup(question, HISTORY, 8)
    assert resolved.startswith("哪些企业可以申请售后服务认证") and resolved.endswith(question)


def test_relating_another_scheme_to_ours_is_not_refused_as_another_scheme():
    assert policy_refusal("ISO 14001呢，是不是也是这一类？") is None
    assert policy_refusal("ISO 14001认证要准备哪些材料") is not None


def test_followup_about_another_scheme_is_answered(assistant):
    history = [{"role": "user", "content": "售后服务认证属于哪一类认证？"},
               {"role": "assistant", "content": "属于服务认证。"}]
    answer = assistant.ask("ISO 14001呢，也是这一类？", history=history)
    assert not answer.abstained and answer.citations


def test_a_time_word_told_around_the_question_is_not_what_it_asks_for():
    """下周/去年 set the scene ("下周要交申请了…需要哪些材料"): a passage listing the materials
    answers it though it never says 下周; a rare noun asked about still has to be named."""
    from assistant.pipeline.answer import AbstainPolicy

    passage = "申请时一般需要提交营业执照副本复印件、售后服务体系文件、近一年的客户满意度调查记录等材料。"
    question = analyse("下周要交申请了，我是新来的，想对一遍清单，一般需要哪些材料？")
    ev = evidence_for(question, [passage])
    assert "下周" not in question.focus[0] and ev.focus_missing != "下周"
    assert not AbstainPolicy().should_abstain(ev, True)
    ev = evidence_for(analyse("申请售后服务认证的通过率是多少？"), [passage])
    assert AbstainPolicy().should_abstain(ev, True)


def test_an_edition_told_of_something_else_is_not_asked():
    ev = evidence_for(analyse("我们营业执照已经是三证合一的新版了，组织机构代码证还要单独交吗？"),
                      ["组织机构代码证复印件（已完成三证合一的企业无需提供）。"])
    assert ev.unit_missing == ""


@pytest.mark.parametrize("question", ["某机构的线上客服电话是几号？", "热线是几号", "他们的手机号码几号来着"])
def test_the_number_of_a_telephone_is_no_date(question):
    """"电话是几号" asks for a telephone number (the contacts gap, or a passage giving it), not a day."""
    ev = evidence_for(analyse(question), ["认证机构的客服会答复企业的问题。"])
    assert ev.unit_missing != "日期"


def test_a_telephone_number_asked_is_the_contacts_gap_until_a_passage_gives_one():
    from assistant.domain.scope import out_of_scope, topics

    q = to_search_text("中企检测认证网的线上客服电话是几号？")
    topic = out_of_scope(q)
    assert topic is not None and topic.name == "contacts"
    contacts = next(t for t in topics() if t.name == "contacts")
    assert topic_yields(contacts, q, lambda: ["如需了解更多，可以拨打中企检测认证网在线客服13550333441。"])
    assert not topic_yields(contacts, q, lambda: ["认证机构的客服会答复企业的问题。"])


@pytest.mark.parametrize("question", ["证书能用几年？", "客户万一没通过咋办，要等几年？"])
def test_years_asked_of_what_the_passages_speak_of_are_not_missing(question):
    """Years asked of the certificate, or of waiting after a fail, may be answered by a rule with
    no number of years; only a thing of the domain that nothing cited names makes them missing."""
    ev = evidence_for(analyse(question), ["未通过的企业可按建议整改，达到要求后重新申请认证。证书有效期为3年。"])
    assert ev.unit_missing == ""


@pytest.mark.parametrize("question, gap", [
    ("现场评审会给我们的客户打回防电话吗？", False),  # a call made, no number asked
    ("评审的时候要不要打电话给客户", False),
    ("有问题打哪个电话", True),
    ("认证机构的电话是多少", True),
])
def test_a_call_made_is_no_telephone_number_asked(question, gap):
    from assistant.domain.scope import out_of_scope

    topic = out_of_scope(to_search_text(question))
    assert (topic is not None and topic.name == "contacts") is gap


def test_a_contacts_gap_holds_for_an_organisation_the_stated_number_is_not_of():
    question = to_search_text("方圆标志认证集团的联系电话和地址是多少？")
    topic = policy_refusal(question)
    assert not topic_yields(topic, question, lambda: ["咨询热线:13521955237，联系地址:北京市某区。"])
    assert topic_yields(topic, question, lambda: ["方圆标志认证集团咨询热线:13521955237。"])


def test_a_telephone_number_asked_of_someone_needs_one_said_of_them():
    """"CNCA的咨询电话" is not answered by a consultancy's hotline cited beside the CNCA passage;
    a number asked of no one in particular is answered by any the documents give."""
    evidence = ["CNCA是负责认证认可工作的行政管理部门，可通过其官方网站查询机构资质。",
                "嘉联咨询联系方式：咨询热线:13521955237。"]
    assert evidence_for(analyse("CNCA的咨询电话是多少"), evidence).unit_missing == "电话号码"
    assert evidence_for(analyse("嘉联咨询的咨询电话是多少"), evidence).unit_missing == ""
    assert evidence_for(analyse("你们的电话是多少"), evidence).unit_missing == ""
    # calling someone is no number asked
    assert evidence_for(analyse("评审员会给我们的客户打回访电话吗"), evidence[:1]).unit_missing == ""


def test_whether_an_event_happens_needs_the_event_spoken_of():
    """"那天会不会下雨" asks about weather no cited passage speaks of: refused, and the refusal
    names it; "会不会扣分" asks about what the documents say."""
    passage = ["评审员到企业现场按指标逐项检查并打分，未达到要求的指标扣分。"]
    rain = evidence_for(analyse("下礼拜三现场评审，那天会不会下雨啊？"), passage)
    assert rain.event_missing == "下雨" and AbstainPolicy().should_abstain(rain, True)
    outage = evidence_for(analyse("评审那天会不会突然停电？"), passage)
    assert outage.event_missing == "停电"
    # what happens to a thing of the matter is asked of the rules, not of the world
    for question in ("现场评审会不会扣分？", "评审时间会不会变长？", "证会不会被摘掉？"):
        assert evidence_for(analyse(question), passage).event_missing == "", question


def test_a_duration_gap_is_asked_within_one_clause():
    """"这个证能用多久、拿证后还有哪些要求" asks the term and what follows, not how long it takes
    to get the certificate."""
    assert policy_refusal(to_search_text("这个证能用多久、拿证后还有哪些后续要求？")) is None
    topic = policy_refusal(to_search_text("多久能拿证？"))
    assert topic is not None and topic.name == "durations"


def test_a_fee_gap_gives_way_to_a_discount_stated_never_to_an_amount():
    """"走行业协会会不会便宜点" is answered by a page stating members' discounts; "便宜多少钱"
    asks an amount no page gives."""
    page = ["企业可以通过加入相关行业协会，了解推荐的认证机构，享受会员专属的认证优惠政策。"]
    cheaper = to_search_text("通过行业协会去办，会不会便宜点？")
    topic = policy_refusal(cheaper)
    assert topic is not None and topic.name == "fees" and topic_yields(topic, cheaper, lambda: page)
    amount = to_search_text("认证费用多少钱？")
    assert not topic_yields(policy_refusal(amount), amount, lambda: page)


def test_a_span_act_is_answered_by_the_span():
    """"记录要覆盖多长时间" asks the span of the records ("近一年的…记录"); 覆盖 need not be said."""
    ev = evidence_for(analyse("申请材料中的客户满意度调查记录，需要覆盖多长时间？"),
                      ["申请材料包括近一年的客户满意度调查记录及分析报告。"])
    assert ev.agent_missing == ""
    ev = evidence_for(analyse("证书被暂停以后，多久可以恢复？"), ["发现问题的，认证机构可以暂停证书。"])
    assert ev.agent_missing == "恢复"


@pytest.mark.parametrize("question", ["外地找几家合作的维修店代管行不行？", "标准是一家还是几家联合发布的？"])
def test_a_few_told_or_one_against_several_asks_no_count(question):
    ev = evidence_for(analyse(question), ["服务网点可以委托他人设立。由两个部门联合发布。"])
    assert ev.unit_missing == ""


def test_a_name_is_asked_of_the_role_not_across_what_it_says():
    ev = evidence_for(analyse("有个老板问：标准名字叫“商品”售后服务评价体系，卖服务的就不沾边了吗？"),
                      ["商品包括有形的产品和无形的服务。"])
    assert ev.unit_missing != "姓名"
    assert evidence_for(analyse("国家认监委 主任 是谁"), ["认监委负责认证认可工作。"]).unit_missing == "姓名"


def test_an_idiom_tagged_as_a_name_is_the_story_not_a_thing_asked():
    """jieba tags 一劳永逸 a person's name; as the missing focus it colours the question like
    万事大吉 and does not refuse what the cited passages answer."""
    ev = evidence_for(analyse("拿到证以后是不是就一劳永逸了？后面还有啥要做的吗"),
                      ["获证后要接受认证机构的持续监督，每年进行一次监督评审。"])
    assert ev.focus_verbal and not ev.focus_noun
