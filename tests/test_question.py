"""Question understanding (assistant/domain/question.py): type, focus and constraints of questions as
users write them: standard, colloquial, traditional script, with typos, inside long stories."""

from __future__ import annotations

import pytest

from assistant.lang.text import synonym_map
from assistant.domain.question import (DIFFERENCE, DURATION, HOW, LIST, OTHER, QUANTITY, WHICH, WHY, YESNO,
                                analyse, asking_clause, content_words, drop_instructions, drop_official_frame, drop_reporting_frame, find_core, rarity,
                                resources)

TYPE_CASES = [
    # 能否 / 是否
    ("个体工商户可以申请售后服务认证吗？", YESNO),
    ("分公司能单独申请吗", YESNO),
    ("分公司能不能单独申请", YESNO),
    ("我们是经销商，可不可以申请", YESNO),
    ("评审时是否需要全部条款都符合？", YESNO),
    ("证书过期了还能用吗", YESNO),
    ("这个认证是不是强制的", YESNO),
    ("评审员会不会回访我们的客户", YESNO),
    ("要不要写售后服务手册", YESNO),
    ("需不需要营业执照副本", YESNO),
    ("小公司有没有资格申请", YESNO),
    ("委托的网点算不算我们的网点", YESNO),
    ("没有网点行不行", YESNO),
    ("纯电商企业能申请吗？", YESNO),
    ("能否直接申请五星级", YESNO),
    ("售後服務認證是強制的嗎？", YESNO),
    ("我們公司可以申請嗎", YESNO),
    ("軟件公司能不能申請？", YESNO),
    ("服务网点必须是自己开的吗", YESNO),
    ("外资企业可以做吗", YESNO),
    ("证书能拿去投标用吗", YESNO),
    ("获证后能在包装上印标志吗", YESNO),
    ("三证合一了代码证还要交吗", YESNO),
    ("能申请嘛", YESNO),
    ("没有实物产品可以申请吗", YESNO),
    ("贸易公司可以申请售后服务认证吗", YESNO),
    ("达标级一年后可以评星吗", YESNO),
    ("评审不通过可以重新申请吗", YESNO),
    # 多少 / 几
    ("五星级要多少分？", QUANTITY),
    ("五星要几分", QUANTITY),
    ("三星级是多少分", QUANTITY),
    ("特别扣分项每项扣几分？", QUANTITY),
    ("一级指标有几个", QUANTITY),
    ("认证分几类", QUANTITY),
    ("售后服务认证分几个等级", QUANTITY),
    ("满分是多少", QUANTITY),
    ("特别加分最多加几分", QUANTITY),
    ("达标线是多少分", QUANTITY),
    ("售后服務認證最低要幾分？", QUANTITY),
    ("五星級要多少分", QUANTITY),
    ("通过率大概有多少", QUANTITY),
    ("证书编号是多少", QUANTITY),
    ("评审要派几个人", QUANTITY),
    ("最高能评到几星", QUANTITY),
    ("二级指标一共多扫个", QUANTITY),
    ("满意度要达到百分之几", QUANTITY),
    ("涉及项分值占比多大", QUANTITY),
    ("评价指标有多少项", QUANTITY),
    ("要交几份材料", QUANTITY),
    ("认证费用是多少", QUANTITY),
    # 多久 / 何时
    ("证书有效期多久？", DURATION),
    ("证书有效期是几年", DURATION),
    ("多长时间监督一次", DURATION),
    ("达标后多久可以评星", DURATION),
    ("GB/T 27922什么时候实施的", DURATION),
    ("标准啥时候发布的", DURATION),
    ("从申请到拿证要多少天", DURATION),
    ("监督评审几个月一次", DURATION),
    ("證書有效期是幾年？", DURATION),
    ("有效期多就", DURATION),
    ("何时需要重新认证", DURATION),
    ("满意度记录要保存几年", DURATION),
    ("标准哪一年发布", DURATION),
    ("认证要几天能评完", DURATION),
    ("有效期是多长", DURATION),
    ("整改期限是多少天", DURATION),
    # 哪些
    ("需要哪些材料？", LIST),
    ("申请要准备哪些资料", LIST),
    ("一级指标包括哪些", LIST),
    ("获得认证有什么好处", LIST),
    ("售后服务认证有啥用", LIST),
    ("评审组到现场都有什么工作", LIST),
    ("哪些行业投标要这个证", LIST),
    ("申请条件包括什么", LIST),
    ("需要提交哪写材料", LIST),
    ("三包包含哪几项", LIST),
    ("申請需要哪些資料？", LIST),
    ("标准的起草单位和起草人有哪些", LIST),
    ("服务网点要满足哪几个条件", LIST),
    ("特别扣分项包括哪些情形", LIST),
    # 哪个 / 谁
    ("售后服务认证属于哪类认证？", WHICH),
    ("评审员是谁派的", WHICH),
    ("证书由哪个机构颁发", WHICH),
    ("去哪里查机构资质", WHICH),
    ("售后服务认证是按哪个标准评的", WHICH),
    ("认证机构由哪个部门批准", WHICH),
    ("认证属于什么类别", WHICH),
    ("这个标准由谁发布", WHICH),
    ("在哪儿申请", LIST),  # where a thing is done asks which bodies do it (implied_kind)
    ("認證屬於哪一類？", WHICH),
    ("评审员由哪家机构派出", WHICH),
    ("售后服务认证是什么类型的认证", WHICH),
    ("条款出自哪一条", WHICH),
    # 区别
    ("售后服务认证和五星级售后服务认证有什么区别？", DIFFERENCE),
    ("售后服务认证和ISO9001有什么不同", DIFFERENCE),
    ("服务认证与管理体系认证的区别", DIFFERENCE),
    ("达标级和三星级差别在哪", DIFFERENCE),
    ("售后认证跟9001是一回事吗", DIFFERENCE),
    ("服务认证和产品认证一样吗", DIFFERENCE),
    ("三星和四星有啥不一样", DIFFERENCE),
    ("售後服務認證和體系認證有什麼區別", DIFFERENCE),
    ("评审和审核有什么差异", DIFFERENCE),
    ("分公司和子公司在申请上有何异同", DIFFERENCE),
    ("新旧标准相比改了什么", DIFFERENCE),
    ("这俩是不是一个东西，有啥区分", DIFFERENCE),
    # 怎么 / 流程
    ("售后服务认证怎么申请", HOW),
    ("申请流程是什么", HOW),
    ("认证证书过期了怎么办？", HOW),
    ("怎样才能评上五星", HOW),
    ("如何选择认证机构", HOW),
    ("办理步骤有哪些", LIST),
    ("涉及项分值咋算", HOW),
    ("售后服务认证要怎摸申请", HOW),
    ("監督評審怎麼進行？", HOW),
    ("认证程序是什么样的", HOW),
    ("证书到期该怎么续", HOW),
    ("删减的指标如何计分", HOW),
    ("办理手续麻烦吗", HOW),
    ("我们第一次做，整个流程大概要走哪几步？", LIST),
    # 为什么
    ("为什么要做售后服务认证", WHY),
    ("为啥评审天数比别家多", WHY),
    ("为何要每年监督", WHY),
    ("评审员为什么要回访客户", WHY),
    ("為什麼要做售後服務認證", WHY),
    ("凭什么扣我们分", WHY),
    ("什么原因会被撤销证书", WHY),
    ("为撒要交营业执照", WHY),
    ("售后服务认证有效期满了怎么续期", HOW),
    ("评审那天我们要怎么配合", HOW),
    ("怎么判断一家机构正不正规", HOW),
    ("售后服务认证咋办理", HOW),
    ("为什么星级要等一年", WHY),
    ("审核员为何要看投诉记录", WHY),
    ("质检站能发这个证吗", YESNO),
    ("评审结论能申诉吗", YESNO),
    ("证书丢了还有效吗", YESNO),
    ("監督審核會不會抽查網點？", YESNO),
    ("一年要监督几次", QUANTITY),
    ("二级指标总共几条", QUANTITY),
    ("评审人日有几天", DURATION),
    ("证书多会儿到期", DURATION),
    ("申请书要写哪几部分", LIST),
    ("标准适用于哪些企业", LIST),
    ("评审组都看啥材料", LIST),
    ("谁能做评审员", WHICH),
    ("哪种企业不能申请", WHICH),
    ("在哪查证书", WHICH),
    ("售后认证和服务认证是一样的吗", DIFFERENCE),
    ("四星跟五星区别大吗", DIFFERENCE),
    ("介绍一下评价体系", OTHER),
    # other
    ("售后服务认证", OTHER),
    ("5.1.4.1条款讲的是什么", OTHER),
    ("什么是售后服务认证", OTHER),
    ("售后服务管理师是什么", OTHER),
    ("介绍一下涉及项分值", OTHER),
    ("三包的含义", OTHER),
]

FOCUS_CASES = [
    ("个体工商户可以申请售后服务认证吗？", "个体工商户"),
    ("個體工商戶可以申請售後服務認證嗎？", "个体工商户"),
    ("分公司能单独申请吗", "分公司"),
    ("分公司能不能单独申请售后服务认证", "分公司"),
    ("五星级要多少分？", "五星级"),
    ("五星級要多少分？", "五星级"),
    ("证书有效期多久？", "有效期"),
    ("證書有效期是幾年？", "有效期"),
    ("5.1.4.1条款讲的是什么", "5.1.4.1"),
    ("第二十五条讲什么", "第二十五条"),
    ("格力的售后服务认证证书编号是多少？", "证书编号"),
    ("GB/T 27922-2011的主要起草单位和起草人有哪些？", "起草"),
    ("第一次申请售后服务认证，通过率大概有多少？", "通过率"),
    ("明天上海会不会下雨？我们约了评审员去现场", "下雨"),
    ("需要哪些材料？", "材料"),
    ("特别扣分项每项扣几分？", "特别扣分项"),
    ("售后服务认证和五星级售后服务认证有什么区别？", "五星级"),
    ("售后服务认证和五星级售后服务认证有什么区别？", "售后服务认证"),
    ("服务认证与管理体系认证的区别", "管理体系认证"),
    ("我們是做軟件外包的，沒有實體商品。能不能申請？", "软件外包"),
    ("评审员是谁派的", "评审员"),
    ("达标级一年后可以评星吗", "达标"),
    ("营业执照要正本还是副本", "营业执照"),
    ("服务网点必须是自己开的吗", "服务网点"),
    ("售后服务手册要写哪些内容", "售后服务手册"),
    ("三包是什么意思", "三包"),
    ("监督评审多久一次", "监督"),
    ("满意度调查要做几次", "满意度"),
    ("评审员会不会回访我们的客户", "回访"),
    ("招投标要不要这个证", "招投标"),
    ("家具售后服务要求是哪个标准", "家具售后服务要求"),
    ("纯电商企业能申请吗", "电商"),
    ("外资企业可以做吗", "外资企业"),
    ("涉及项分值咋算", "涉及项"),
    ("认监委是干什么的", "认监委"),
    ("特别加分项最多加几分", "特别加分"),
    ("国发26号文讲了什么", "国发"),
    ("投诉处理指标怎么评", "投诉处理"),
    ("售后服务管理师要持证吗", "售后服务管理师"),
    ("星级标志能印在包装上吗", "标志"),
]

CORE_CASES = [
    ("我们是一家做空调安装的公司，成立五年了，员工三十人。想问一下能申请售后服务认证吗？", "能申请"),
    ("老板让我查一下。证书有效期几年？", "有效期"),
    ("我们去年刚拿到达标级。今年业绩不错。多久以后可以评星？", "评星"),
    ("明天上海会不会下雨？我们约了评审员去现场", "下雨"),
    ("公司在成都有个分公司。没有独立法人。能用分公司名义申请吗？", "分公司"),
    ("售后服务认证简单问答", "售后服务认证"),
    ("五星要多少分？有效期多久？", "五星"),
    ("我们做财税代账的。手上没有实物产品。这种情况也能申请吗？", "能申请"),
]


@pytest.mark.parametrize("question,expected", TYPE_CASES)
def test_question_type(question, expected):
    assert analyse(question).qtype == expected, analyse(question)


@pytest.mark.parametrize("question,word", FOCUS_CASES)
def test_focus(question, word):
    q = analyse(question)
    assert any(word in f for f in q.focus), q


@pytest.mark.parametrize("question,word", CORE_CASES)
def test_the_question_is_found_in_a_story(question, word):
    q = analyse(question)
    assert word in q.core and len(q.core) <= len(q.text)


def test_a_story_is_not_the_core():
    q = analyse("我们是一家做空调安装的公司，成立五年了，员工三十人。想问一下能申请售后服务认证吗？")
    assert "空调" not in q.core and q.qtype == YESNO
    # the yes/no question about "us" takes its subject from the story
    q = analyse("我們是做軟件外包的，沒有實體商品。能不能申請？")
    assert q.focus[0] == "软件外包" and "没有实体商品" in q.constraints


@pytest.mark.parametrize("question,constraint", [
    ("如果只有一个服务网点，能申请吗", "如果只有一个服务网点"),
    ("我们不涉及配送，删减后怎么算分", "不涉及配送"),
    ("第一次申请售后服务认证，通过率大概有多少？", "第一次申请售后服务认证"),
    ("达标级一年以后才能评星吗", "以后才能评星"),
    ("得了88分能评几星", "88分"),
    ("除了营业执照还要交什么", "除了营业执照还要交什么"),
    ("证书到期之前要做什么", "之前要做什么"),
])
def test_constraints(question, constraint):
    q = analyse(question)
    assert any(constraint in c for c in q.constraints), q


def test_yesno_compounds_are_not_negations():
    assert not any(c.startswith("没有") for c in analyse("这些机构有没有资质").constraints)


@pytest.mark.parametrize("word,heavier_than", [
    ("上海", "的"), ("下雨", "怎么"), ("格力", "认证"), ("起草人", "申请"), ("通过率", "证书"),
    ("下雨", "上海"), ("格力", "吗"),
])
def test_rarity_uses_general_chinese(word, heavier_than):
    assert rarity(word) > rarity(heavier_than)


def test_function_words_are_never_content():
    assert content_words("请问一下，我们公司的这个东西到底怎么样呢？") == []
    # a run of adverbs and negations ("啥都还没弄"), a pointer back ("这点"): how it is said
    assert content_words("第一步要干嘛 我们啥都还没弄") == ["第一步"]
    assert "这点" not in content_words("这点跟售后服务认证一样吗")
    assert "上海" in content_words("明天上海会不会下雨")


def test_asking_clause_is_the_clause_with_the_question_word():
    assert asking_clause(analyse("集团在成都有个分公司，营业执照是分公司的，能用分公司名义去报吗？").core) \
        .startswith("能用分公司")


def test_find_core_of_one_sentence_is_itself():
    assert find_core("证书有效期多久") == "证书有效期多久"


def test_word_lists_come_from_the_resource_file():
    res = resources()
    assert set(res["types"]) == {YESNO, QUANTITY, DURATION, LIST, WHICH, DIFFERENCE, HOW, WHY}
    assert "多少" in res["types"][QUANTITY] and "吗" in res["question_words"]


def test_counts_meet_the_issue():
    assert len(TYPE_CASES) + len(FOCUS_CASES) + len(CORE_CASES) >= 200


@pytest.mark.parametrize("question,first", [
    ("申请材料里的企业简介要写哪些内容", "企业简介"),
    ("申请材料中的企业简介需要写哪些内容？", "企业简介"),
    ("证书里面的认证范围怎么写", "认证范围"),
])
def test_the_place_a_thing_sits_in_is_not_the_focus(question, first):
    assert analyse(question).focus[0] == first, analyse(question)


def test_a_word_said_also_on_its_own_stays_a_focus():
    # "材料" is said once as a place and once on its own: it is asked about
    assert "材料" in analyse("材料里的简介要写什么？材料要盖章吗").focus


@pytest.mark.parametrize("question,yes_no", [
    ("给老客户发短信推荐新品，也能算售后服务？", True),  # by intonation alone
    ("我们只做管理咨询，能做售后认证不", True),  # a verb-not question closed by its negation
    ("星级标志能印在包装上吗", True),  # by its cue
    ("证书有效期多久？", False),
    ("无形商品具体指什么？", False),
    ("评审组哪天来？", False),
    ("售后服务认证", False),  # no question mark, no cue
])
def test_a_yes_no_question_by_cue_or_by_intonation(question, yes_no):
    assert analyse(question).asks_yes_no is yes_no


def test_every_clause_that_asks_is_an_asking_clause():
    from assistant.domain.question import asking_clause

    clause = asking_clause("明天北京天气怎么样，适合去现场评审吗")
    assert "天气" in clause and "评审" in clause  # both clauses ask
    clause = asking_clause("有几条指标跟我们业务不沾边，这种会被扣分吗")
    assert "沾边" not in clause and "扣分" in clause  # 有几 = "some": a statement


def test_weather_and_a_city_around_a_review_question_is_refused(assistant):
    assert assistant.ask("后天上海会下雨吗，适合安排现场评审吗").abstained
    assert not assistant.ask("现场评审一般要安排哪些人配合？").abstained


@pytest.mark.parametrize("question,first,not_in_focus", [
    ("签合同那会儿帮客户上门测量、出设计方案，这也算售后？", "签合同", "那会儿"),
    ("下周要交申请了，想列个清单核对一下一般需要哪些材料", "清单核对", "下周"),
    ("去年年底我们拿的三星证书，监督评审多久一次？", "三星", "去年"),
])
def test_a_time_word_is_when_the_question_is_set_not_its_focus(question, first, not_in_focus):
    focus = analyse(question).focus
    assert focus[0].startswith(first)
    assert not any(not_in_focus in f for f in focus[:1])


def test_a_time_word_is_the_focus_when_nothing_else_is_asked():
    assert analyse("明天呢？").focus[:1] == ("明天",)


@pytest.mark.parametrize("question,qtype", [
    ("审核那几天会不会直接打电话给我们客户问情况？", "能否"),
    ("这几年的满意度记录都要交吗", "能否"),
    ("证书有效期几年？", "多久"),
    ("前几天报的名，审核几天能出结果？", "多久"),
])
def test_a_span_told_is_not_a_span_asked(question, qtype):
    assert analyse(question).qtype == qtype


@pytest.mark.parametrize("question,first", [
    ("现场评审能不能改成视频远程评审？", "视频远程评审"),
    ("证书能不能换成电子版的？", "电子版"),
    ("申请能不能改成线上申请行不行", "线上申请"),
])
def test_what_a_yes_no_question_would_change_into_is_its_focus(question, first):
    assert analyse(question).focus[0] == first


@pytest.mark.parametrize("question,first", [
    ("下周就要去认证机构递申请了，资料这块我心里没底，能不能列一下要准备哪些东西？", "资料"),
    ("满意度调查那块要交多长时间的记录", "满意度调查"),
    ("企业内部条件这一块评审时看什么内容", "企业内部条件"),
])
def test_a_topic_the_speaker_sets_is_the_focus(question, first):
    focus = analyse(question).focus
    assert focus[0] == first
    assert len({synonym_map().get(f, f) for f in focus}) == len(focus)  # no synonym twice


@pytest.mark.parametrize("question,qtype", [
    ("我们只有几个合作的维修点，能以母公司名义申请吗？", "能否"),   # a few told, not asked
    ("我们有好几个网点，评审都要去吗", "能否"),
    ("你们有几个评审员来现场？", "多少"),                          # asked
    # a count told roughly ("二十几个", "几十家") is told, not asked; "第十几条" asks which
    ("我们在河南、山东、河北一共有二十几个服务站，具体要附什么？", "other"),
    ("我们有几十家门店，评审都要去吗", "能否"),
    ("二十几个网点要评几天", "多久"),
    ("说是第十几条规定的？", "多少"),
])
def test_a_few_told_is_not_how_many_asked(question, qtype):
    assert analyse(question).qtype == qtype


def test_a_yes_no_compound_is_a_question_word_not_content():
    assert "算不算" not in content_words("正好80分算不算三星？")
    assert "行不行" not in content_words("线上申请行不行")


def test_the_subject_of_a_yes_no_fact_question_is_named_in_the_clause_that_asks():
    story = analyse("产品线比较多，有家电也有厨具，评审天数会不会多一些？")
    assert story.subject == ""          # 厨具 is told in the story
    assert analyse("格力是不是五星级企业").subject == "格力"


@pytest.mark.parametrize("question,kind,of", [
    ("获证之后认证机构用什么方式监督我们？会突击检查吗", "方式", "监督"),
    ("通过什么途径查询证书", "途径", "查询"),
    ("评审员按什么标准打分", "标准", "评分"),
    ("售后服务认证有哪几个等级", "等级", ""),
    ("申请要准备哪些材料", "材料", ""),
    ("什么样的企业能申请", "企业", "申请"),
    ("由哪家机构颁发", "机构", "颁发"),
    ("审核员是什么时候来", "", ""),
    ("什么是售后服务认证", "", ""),
    ("五星级要多少分", "", ""),
])
def test_the_kind_of_thing_asked_for_and_what_of(question, kind, of):
    assert analyse(question).asked == (kind, of)


@pytest.mark.parametrize("question,first,not_first", [
    ("获证之后认证机构用什么方式监督我们？", "认证机构", "获证"),
    ("拿到证书以后每年还要审核吗", "审核", "认证证书"),
])
def test_what_a_question_is_reckoned_after_is_told_not_asked(question, first, not_first):
    focus = analyse(question).focus
    assert focus[0] == first and focus[0] != not_first, focus


@pytest.mark.parametrize("question,first", [
    ("审核结束后多久发证", "审核结束"),  # the span after it is what is asked
    ("现场审核时企业应该怎么配合", "现场审核"),  # "during" sets the topic
    ("证书到期后怎么办", "证书到期"),  # nothing else is asked about
])
def test_an_event_stays_the_focus_when_the_question_is_about_it(question, first):
    assert analyse(question).focus[0] == first


@pytest.mark.parametrize("question", ["售后服务认证到底属于啥类型的认证", "这个认证是啥性质的", "售后认证算啥类别"])
def test_the_kind_of_a_thing_asked_is_a_which_question_about_the_thing(question):
    q = analyse(question)
    assert q.qtype == WHICH
    assert q.focus and q.focus[0] not in ("类型", "性质", "类别"), q.focus


@pytest.mark.parametrize("said,written", [("执行", "实施"), ("施行", "实施"), ("发布", "颁布"), ("印发", "颁布"),
                                          ("网上", "线上"), ("卖家", "销售者")])
def test_everyday_and_written_words_for_the_same_act_fold_together(said, written):
    # "从哪天开始执行的" finds "于2012年2月1日正式实施"; both sides fold to one word
    syn = synonym_map()
    assert syn.get(said, said) == syn.get(written, written)


@pytest.mark.parametrize("asked,read", [
    ("分是谁打的？", "分是谁打分的?"),  # the object first, its verb later in the clause
    ("认证分数是谁来打的", "认证分数是谁来打分的"),
    ("字由谁来签", "字由谁来签字"),
    ("谁打分？", "谁打分?"),  # said whole already
    ("打分的是谁", "打分的是谁"),
    ("分公司能单独申请吗", "分公司能单独申请吗"),  # no verb of the word after its object
])
def test_a_separable_word_whose_object_comes_first_is_read_whole(asked, read):
    from assistant.domain.question import spell_out
    from assistant.lang.text import to_search_text

    assert spell_out(to_search_text(asked)) == read


def test_the_whole_separable_word_is_among_the_words_asked():
    assert "评分" in [w for w, _ in analyse("分是谁打的？").words]  # 打分 is a synonym of 评分


@pytest.mark.parametrize("question,function_word,kept", [
    ("拿到证以后每年还要被审吗", "还要", "每年"),
    ("而且分公司也能一起办吗", "而且", "分公司"),
    ("评审就这些而已吗，没别的了", "而已", "评审"),
])
def test_conjunctions_and_particles_by_their_dictionary_tag_are_not_content(question, function_word, kept):
    words = content_words(question)
    assert function_word not in words
    assert kept in words


@pytest.mark.parametrize("question,word", [
    ("证书范围以外的产品能印星级标志吗", "以外"),  # a bound, tagged as a conjunction
    ("现场审核完了，最后是谁定过不过的", "不过"),  # "过不过" cuts as 过 / 不过
    ("维修响应不及时会扣分吗", "及时"),
])
def test_a_conjunction_that_also_names_a_bound_or_a_verdict_stays_content(question, word):
    assert word in content_words(question)


@pytest.mark.parametrize("question,idiom,first", [
    ("证书拿到手以后是不是就万事大吉了？后面多久查一次？", "万事大吉", "证书"),
    ("拿了证是不是高枕无忧了，监督审核多久一次", "高枕无忧", "监督审核"),
    ("拿了证是不是就万无一失了，还会被抽查吗", "万无一失", "抽查"),
])
def test_an_idiom_colours_a_question_but_is_not_its_focus(question, idiom, first):
    q = analyse(question)
    assert q.focus and q.focus[0] != idiom
    assert first in q.focus


@pytest.mark.parametrize("question,first", [
    ("我们是4S店，汽车这行有协会能办吗", "协会"),  # the asking clause names a thing of its own
    ("我们公司是做家电批发的，要准备哪些材料", "材料"),
    ("我们是个体户，能不能办", "个体户"),  # nothing else asked: what they are is the question
    ("我们是做软件外包的，能申请吗", "软件外包"),
])
def test_what_the_speaker_says_they_are_is_told_when_the_asking_clause_names_a_thing(question, first):
    assert analyse(question).focus[0] == first


def test_a_noun_pointed_back_at_is_the_told_thing_again():
    focus = analyse("我们是做景区和酒店的,标准里的售后服务跟我们这种行业有关系吗?").focus
    assert focus[0] != "行业" and "景区" in focus


@pytest.mark.parametrize("question", [
    "申请材料都要啥？列个清单给我",
    "好处帮我列几条",
    "现场那天都需要什么人在场",
    "报名表都包括啥",
    "现场审核的时候人家都查些啥",  # 啥 for 什么, as 查些什么 is
])
def test_a_list_asked_for_by_its_form_is_a_which_ones_question(question):
    assert analyse(question).qtype == "哪些"


def test_a_list_request_is_not_the_focus():
    assert analyse("申请材料都要啥？列个清单给我").focus[0] == "材料"
    assert "清单" not in analyse("申请要准备哪些材料，给我个清单").focus  # 给 + 我 + 个


def test_a_plain_phrase_listed_rarely_is_as_rare_as_its_rarer_word():
    # jieba lists "提前准备" a few times; it is no rarer than 准备 and 提前 themselves
    assert rarity("提前准备") == max(rarity("提前"), rarity("准备"))
    assert rarity("提前准备") < rarity("起草人")


@pytest.mark.parametrize("phrase", ["证书编号", "投诉电话"])
def test_a_rare_phrase_headed_by_a_noun_names_a_thing_and_keeps_its_rarity(phrase):
    # asking for a certificate's number asks for that thing, which a document states or not
    assert rarity(phrase) > rarity(phrase[:2]) + 3


def test_an_a_not_a_question_form_is_no_content_word():
    assert content_words("修得好不好，算不算，行不行") == []


def test_a_verb_with_a_directional_complement_is_as_rare_as_the_verb():
    assert rarity("卖出去") == rarity("卖出")


@pytest.mark.parametrize("question,numeral", [
    ("公司才二十来个人，规模这么小能办吗", "二十"),
    ("我们有十几个网点，都要评吗", "十几"),
])
def test_a_chinese_numeral_is_no_content_word_like_a_digit(question, numeral):
    words = content_words(question)
    assert numeral not in words and not any(w.startswith(numeral) for w in words)
    assert analyse(question).focus[0] != numeral


def test_a_locative_is_no_content_word():
    assert "上面" not in content_words("证书上面都印了哪些内容")
    assert analyse("证书上面都印了哪些内容").focus[0] == "证书"


def test_which_law_asks_which_one_and_names_the_kind():
    q = analyse("售后服务认证的法律依据是哪部条例、第几条？")
    assert q.qtype == "哪个" and q.asked[0] == "条例"


@pytest.mark.parametrize("question,asked", [
    ("客户问我:CNCA到底是个啥单位?", "CNCA到底是个啥单位?"),
    ("客户问我这个跟ISO9001到底有啥不一样", "这个跟ISO9001到底有啥不一样"),
    ("老板让我问问，评审要几天", "评审要几天"),
    ("有客户问：证书能用几年", "证书能用几年"),
    ("客户问售后服务认证有什么用", "售后服务认证有什么用"),
    ("街道办的人问：评审员会去网点吗", "评审员会去网点吗"),
    ("经销商那边的人问：证书有效期多久", "证书有效期多久"),
    ("客户问五星级是不是最高的?一定要满分才能拿吗", "五星级是不是最高的?一定要满分才能拿吗"),
    ("老板问我申请售后认证是不是要专门拿一笔钱", "申请售后认证是不是要专门拿一笔钱"),
    ("客户问 三星的门槛是多少分？", "三星的门槛是多少分？"),
])
def test_who_passed_the_question_on_is_told_not_asked(question, asked):
    assert drop_reporting_frame(question) == asked


@pytest.mark.parametrize("question", ["客户问我们要售后服务认证证书，怎么办", "客户投诉怎么处理", "客户问：",
                                      "客户问题怎么处理才算合格", "客户问卷要每年做吗", "客户问询要登记吗"])
def test_a_customer_in_the_question_itself_stays(question):
    assert drop_reporting_frame(question) == question


def test_a_reported_question_is_answered_as_the_question_itself(assistant):
    plain = assistant.ask("售后服务认证证书有效期几年？")
    reported = assistant.ask("客户问我：售后服务认证证书有效期几年？")
    assert reported.answer == plain.answer and not reported.abstained


@pytest.mark.parametrize("question", ["客户跟进这个层次主要考察什么内容", "现场评审主要看些什么", "服务执行这层考些什么"])
def test_what_a_part_of_the_review_looks_at_asks_which_ones(question):
    assert analyse(question).qtype == "哪些"


def test_what_a_certificate_says_is_no_list_question():
    assert analyse("最后发的证书上面都写些什么内容？").qtype != "哪些"


def test_a_question_after_a_look_up_frame_is_the_core():
    story = ("我们是做软件开发的小公司。最近投一个政府项目，标书里提到有售后服务认证可以加分，"
             "老板让我查一下：我们这种纯软件服务的公司在不在这个标准的适用范围里？")
    assert find_core(story) == "我们这种纯软件服务的公司在不在这个标准的适用范围里?"


def test_the_story_before_a_look_up_frame_names_no_gap_the_question_asks(assistant):
    story = ("我们是做软件开发的小公司，没有硬件产品。最近投一个政府项目，标书里提到有售后服务认证可以加分，"
             "老板让我查一下：我们这种纯软件服务的公司在不在这个标准的适用范围里？")
    assert not assistant.ask(story).abstained


@pytest.mark.parametrize("asked,read", [
    ("售后服务认证证书去哪儿办?", "售后服务认证证书去哪儿办理哪些机构?"),  # where it is done: the bodies doing it
    ("找谁申请这个认证", "找谁申请哪些机构这个认证"),
    ("哪家机构能办，去哪儿办", "哪家机构能办,去哪儿办理"),  # the body is named already
    ("去哪里办公", "去哪里办公"),  # an office's place, no body asked for
    ("过了以后发的是啥证", "过了以后发的是啥证书"),  # a lone character after a question word
    ("要出什么证明", "要出什么证明"),
    ("最高能评几星", "最高能评几星 星级"),  # said apart: "几星级" would cut as one asking word
    ("星期几来评审", "星期几来评审"),
    ("证书被抽查发现不合格会收回吗", "证书被抽查发现不合格会收回吗"),  # 发 of 发现 is no 发证
    ("五年有效对吧", "五年有效 有效期对吧"),  # a term said with its years: the validity
    ("每年都要评吗", "每年都要评 评审吗"),  # a lone 评 after a modal: the review
    ("评分标准是什么", "评分标准是什么"),
    ("2021年发的证现在还能认吗", "2021年发的证现在还能认吗 有效期"),  # whether it still counts: validity
    ("分数是谁打出来的", "分数是谁打分出来的"),  # 打 with its complement 出 still is 打分
    ("认证机构通常列出的申请条件有哪些", "认证机构通常列出的申请条件有哪些"),  # 证 of 认证 is no object of 出
    ("最低要多少分才能算通过", "最低要多少分才能算通过 达标"),  # the passing score: the lowest grade's line
    ("合格要几分", "合格要几分 达标"),
    ("五星要多少分", "五星要多少分"),  # a star grade's line, not the passing one
    # whether each one is visited asks whether all or a sample is: the sample a page draws
    ("网点每个都要去吗", "网点每个都要去 抽样吗"),
    ("评审员会不会都跑一遍", "评审员会不会都跑一遍 抽样"),
    ("每个网点的评审时间是多久", "每个网点的评审时间是多久"),  # each one's time, not whether each one
    # a call to one's customers by the reviewers is the follow-up visit; our own calls are not
    ("评审组会不会直接打电话给我们的客户", "评审组会不会直接打电话给我们的客户 回访"),
    ("审核组会不会给我们的客户打电话", "审核组会不会给我们的客户打电话 回访"),
    ("平时我们会打电话问客户满不满意", "平时我们会打电话问客户满不满意"),
])
def test_the_kind_a_question_asks_for_without_naming_it_is_said(asked, read):
    from assistant.domain.question import spell_out
    from assistant.lang.text import to_search_text

    assert spell_out(to_search_text(asked)) == read


def test_a_where_to_do_it_question_asks_for_the_bodies():
    q = analyse("售后服务认证证书去哪儿办?")
    assert q.qtype == "哪些" and any("机构" in f for f in q.focus), (q.qtype, q.focus)


@pytest.mark.parametrize("question,count_word", [
    ("申请能在网上交吗,还是必须跑一趟?", "一趟"),
    ("领导说先自己查一遍", "一遍"),
    ("评审员还会再来一次吗", "一次"),
])
def test_how_often_an_act_is_done_is_no_content_word(question, count_word):
    assert count_word not in content_words(question)


def test_a_last_question_left_without_its_mark_is_still_asked():
    # "…硬杠杠？必须是独立法人吗": the second question counts though its ？ was left off
    assert find_core("申请主体有啥硬杠杠?必须是独立法人吗") == "申请主体有啥硬杠杠?必须是独立法人吗"
    assert "独立法人" in analyse("申请主体有啥硬杠杠?必须是独立法人吗").focus
    # a request that is no question ("列个清单我对照着准备") is not taken in
    assert find_core("要准备哪些材料?麻烦列个清单我对照着准备") == "要准备哪些材料?"


@pytest.mark.parametrize("question,form", [("申请要准备哪些材料,列个清单给我", "清单"), ("要交的东西给我出个明细", "明细"),
                                           # a copy of the list asked for, or whether there is one
                                           ("申请材料清单能发我一份吗", "清单"), ("申请材料清单求一份", "清单"),
                                           ("申请要交哪些材料，有清单没", "清单")])
def test_the_form_a_list_is_asked_in_names_nothing(question, form):
    assert form not in content_words(question)
    assert form in content_words("服务网点" + form + "要交吗")  # a list the documents name is a thing


def test_the_grade_asked_by_a_lone_star_is_a_content_word():
    from assistant.domain.question import spell_out

    assert "星级" in content_words(spell_out("最高能拿到几星?要多少分"))


@pytest.mark.parametrize("told,kept", [
    ("客户说他们产品已经有3C了，问售后服务认证是不是跟3C一个性质？", "他们产品已经有3C了，问售后服务认证是不是跟3C一个性质？"),
    ("客户担心找到野鸡机构，问怎么查认证机构有没有资质？", "找到野鸡机构，问怎么查认证机构有没有资质？"),
    ("老板说要做认证", "老板说要做认证"),  # nothing told before a question: left as it is
])
def test_who_told_what_the_question_is_about_is_dropped_what_they_told_kept(told, kept):
    assert drop_reporting_frame(told) == kept


@pytest.mark.parametrize("question,qtype", [
    ("现场审核时审核员当场指出我们几个问题，我们该怎么应对？", HOW),     # 几个 told is "a few"
    ("有几项指标跟我们行业根本不沾边，这种会不会直接算我们零分？", YESNO),
    ("几个网点要评审？", QUANTITY),                                      # one clause: it asks
    ("一共几项指标，分别是什么", QUANTITY),                              # the last clause asks nothing of its own kind
])
def test_a_few_told_in_one_clause_is_not_the_count_another_asks(question, qtype):
    assert analyse(question).qtype == qtype


def test_a_measure_word_jieba_joins_to_the_noun_goes_with_its_numeral():
    # jieba cuts "一本手册" as 一|本手册 ("this manual"): the thing asked about is 手册
    assert content_words("要不要编一本手册？") == ["手册"]
    assert "手册" in content_words("需要准备两份材料和一本手册吗")
    assert content_words("本手册适用于哪些企业")[0] == "本手册"  # no numeral: "this manual" it is


def test_cantonese_words_are_read_as_mandarin():
    from assistant.lang.dialect import to_mandarin

    assert to_mandarin("評審員話我哋扣咗4分，可以攞幾多星？") == "評審員話我们扣了4分，可以拿多少星？"
    assert to_mandarin("我哋公司唔系制造业，可唔可以申请？") == "我们公司不是制造业，可不可以申请？"
    assert to_mandarin("什么情况下证书会被撤消") == "什么情况下证书会被撤销"  # a variant spelling
    assert to_mandarin("有冇用？") == "有没有用？"
    assert to_mandarin("要唔要俾錢㗎？幾時俾？") == "要不要给錢呢？什么时候给？"
    plain = "五星级要多少分？评审员说的话要记下来吗"
    assert to_mandarin(plain) == plain  # Mandarin is left as it is (话, 系 are Mandarin words too)
    assert to_mandarin("由遞申請到攞到證，一般要幾耐？") == "由遞申請到拿到證，一般要多久？"
    assert to_mandarin("邊啲機構可以發證？") == "哪些機構可以發證？"
    # a dialect word's first character ending a Mandarin word is no dialect word ("网点样本")
    for mandarin in ("抽查网点样本", "委托别人的网点算不算", "消费纠纷可以申请仲裁吗"):
        assert to_mandarin(mandarin) == mandarin


def test_taiwan_and_hong_kong_terms_are_read_as_the_documents_terms():
    from assistant.lang.dialect import to_mandarin

    assert to_mandarin("請問一下這張證照的有效期限是幾年啦?") == "請問一下這張证书的有效期是幾年啦?"
    assert to_mandarin("拿到證書之後,每年還會有人來稽核嗎?") == "拿到證書之後,每年還會有人來审核嗎?"
    assert to_mandarin("我們有三十幾個維修據點") == "我們有三十幾個维修网点"
    assert to_mandarin("送件之前要準備什麼") == "提交申请之前要準備什麼"
    # a word mainland Mandarin uses too is left alone ("农资门市", "门市部")
    assert to_mandarin("我在铁岭开个农资门市") == "我在铁岭开个农资门市"


def test_a_count_of_things_pointed_back_at_is_no_focus():
    focus = analyse("人员配置和资源保障这两项是算在哪个层次的?").focus
    assert "人员配置" in focus and not any("这两项" in f for f in focus)


def test_a_noun_pointed_back_at_comes_after_the_things_it_stands_for():
    focus = analyse("我们在搞远程诊断、在线升级这种新玩法,这个在评审里对应哪个部分?").focus
    assert "远程诊断" in focus and ("玩法" not in focus or focus.index("远程诊断") < focus.index("玩法"))


def test_an_adverb_says_how_not_what_the_question_is_about():
    assert analyse("还没正式申请之前,企业自己得先做点啥准备工作?").focus[0] != "正式"
    assert analyse("直接申请五星级可以吗").focus[0] != "直接"


def test_steps_asked_by_a_lone_bu_are_the_process():
    assert analyse("售后服务认证大概要走哪几步？").focus[0] == "流程"
    assert analyse("办售后服务认证大概走哪些步骤?").focus[0] != "流程"  # 步骤 names them already


def test_sold_said_colloquially_is_one_word_with_the_documents_own():
    from assistant.lang.text import tokenize

    assert "售出" in tokenize("东西卖出去以后修得好不好") and "售出" in tokenize("商品卖出后的维修保养")


def test_the_application_form_by_any_name_is_one_word():
    from assistant.lang.text import tokenize

    assert "申请表" in tokenize("申请书里要不要把服务网点都列出来") and "申请表" in tokenize("填申请单的时候")


def test_how_long_a_thing_can_be_used_asks_for_its_term_of_validity():
    assert "有效期" in analyse("售后服务认证证书拿到手能用几年?").focus
    assert "有效期" in analyse("这个证管多久").focus


def test_a_form_asked_after_the_thing_it_lists_and_light_verbs_with_some_are_no_focus():
    focus = analyse("客户要一份申请材料清单,一般都要交些什么?").focus
    assert "材料" in focus and "清单" not in focus and "交些" not in focus
    assert "清单" in content_words("服务网点清单要交吗")  # a list that is itself a material
    assert "干点" not in content_words("还没报之前公司自己要先干点啥？")
    assert "重点" in content_words("评审的重点是什么")


@pytest.mark.parametrize("told,kept", [
    ("客户有点晕，问国内认证到底分哪几类？", "有点晕，国内认证到底分哪几类？"),
    # the frame opening a later clause, after what the asker tells of themselves
    ("我们是做小家电的，客户问我们这个售后服务认证是不是和3C一样属于产品认证？",
     "我们是做小家电的，我们这个售后服务认证是不是和3C一样属于产品认证？"),
    ("评审的时候，客户问题怎么处理", "评审的时候，客户问题怎么处理"),  # a customer's problem, no frame
    ("客户在外地有十几个网点，问评审会不会跑到网点去看", "在外地有十几个网点，评审会不会跑到网点去看"),
    ("客户直接问：这个证到底有啥用？", "这个证到底有啥用？"),
    ("客戶問：證書上會寫哪些資訊？", "證書上會寫哪些資訊？"),  # read in simplified, cut in the asker's script
    ("客戶老闆問：結果有什麼不同？", "結果有什麼不同？"),  # the customer's boss
    ("客户的老板问，证书几年有效", "证书几年有效"),
    ("客户投诉处理慢，扣分吗", "客户投诉处理慢，扣分吗"),  # no one asked: the customer is what is asked about
])
def test_who_asked_after_a_clause_about_them_is_dropped_the_clause_kept(told, kept):
    assert drop_reporting_frame(told) == kept


@pytest.mark.parametrize("question,focus,not_focus", [
    ("客户要一份申请材料清单,一般都要交些什么?", "材料", "客户"),
    ("客户担心费用太高，收费标准是什么", "费用", "客户"),
    ("客户想要五星，需要多少分", "五星", "客户"),  # a verb of wanting joins no compound
    ("客户投诉处理在评分里面归到哪个层次?", "客户投诉", None),  # a customer's complaint is a thing
])
def test_the_person_who_wants_something_is_not_what_is_asked(question, focus, not_focus):
    q = analyse(question)
    assert q.focus[0].startswith(focus), q.focus
    assert not_focus is None or not q.focus[0].startswith(not_focus)


@pytest.mark.parametrize("question", ["一般都要交些什么?", "现场要带些啥", "要提供些什么"])
def test_what_is_handed_in_or_brought_asks_a_list(question):
    assert analyse(question).qtype == "哪些"


def test_a_degree_word_is_no_content_word():
    assert "有点" not in content_words("客户有点晕，这个认证分几类")


@pytest.mark.parametrize("asked", ["这个证到底有啥用？", "对投标有没有用", "拿了证书有什么用处"])
def test_what_a_thing_is_good_for_asks_its_benefits(asked):
    from assistant.domain.question import spell_out
    from assistant.lang.text import to_search_text

    assert "好处" in spell_out(to_search_text(asked))
    assert "好处" not in spell_out(to_search_text("用户投诉怎么处理"))


@pytest.mark.parametrize("typed,read", [
    ("要是评定没过 还能再申请吗 那个要等多久才能再申", "要是评定没过，还能再申请吗？那个要等多久才能再申"),
    ("明天北京下雨不 审核员从北京过来", "明天北京下雨不？审核员从北京过来"),
    ("GB/T 27922 标准", "GB/T 27922 标准"),  # a space beside Latin letters or digits is no break
])
def test_spaces_typed_for_punctuation_are_read_as_breaks(typed, read):
    from assistant.domain.question import restore_breaks

    assert restore_breaks(typed) == read


def test_a_message_without_marks_is_answered_like_one_with_them(assistant):
    spaced = assistant.ask("要是评定没过 还能再申请吗 那个要等多久才能再申")
    marked = assistant.ask("要是评定没过，还能再申请吗？那个要等多久才能再申")
    assert spaced.answer == marked.answer


@pytest.mark.parametrize("question,asked", [
    ("网上说标准已经出了2023新版，2011版作废了，是真的吗？", "网上说标准已经出了2023新版，2011版作废了，是真的吗?"),
    ("同行说企业内部条件占40分，是不是这样？", "同行说企业内部条件占40分，是不是这样?"),
    ("我们是贸易公司，能申请吗", "能申请吗"),  # a clause that asks on its own stays alone
])
def test_a_tag_asking_whether_a_claim_holds_asks_the_claim(question, asked):
    from assistant.domain.question import asking_clause, find_core
    from assistant.lang.text import to_search_text

    # clauses are joined with "，" (full width), the search text keeps ASCII marks
    assert asking_clause(find_core(to_search_text(question))) == to_search_text(asked).replace(",", "，")


@pytest.mark.parametrize("question,not_type", [
    ("我们主要给几家电商做仓储和配送，这种能申请吗", QUANTITY),  # "a few" companies served
    ("跟几家机构聊过，收费都不一样，评审流程一样吗", QUANTITY),
    ("我们小店就几个人，这个认证是强制的吗", QUANTITY),  # 就几个: only a few
    ("公司才几个人，能申请吗", QUANTITY),
    ("万一哪一年监督的时候查出来很严重的问题，会怎样", "多久"),  # whichever year: a condition
])
def test_a_few_companies_dealt_with_is_no_count_asked(question, not_type):
    assert analyse(question).qtype != not_type


def test_a_clause_told_as_hearsay_is_dropped_only_when_another_clause_asks():
    from assistant.domain.question import without_hearsay

    assert without_hearsay("听人说投标时候有个售后服务认证挺加分，餐饮这种能做吗？") == "餐饮这种能做吗？"
    assert without_hearsay("听说有售后服务认证投标能加几分？") == "听说有售后服务认证投标能加几分？"
    assert without_hearsay("餐饮能做吗？") == "餐饮能做吗？"


def test_a_matter_set_aside_is_not_asked():
    from assistant.domain.question import without_hearsay, without_set_aside

    assert without_set_aside("差旅费谁出先不管，我想知道范围") == "我想知道范围"
    assert without_set_aside("费用先不说，流程是怎样的？") == "流程是怎样的？"
    assert without_hearsay("价格另说，评审要几天？") == "评审要几天？"
    assert without_set_aside("评审要几天？") == "评审要几天？"


@pytest.mark.parametrize("text,core", [
    ("老板让我估一下从零开始做售后服务认证要走哪些步骤，好判断要投多少人力", "从零开始做售后服务认证要走哪些步骤"),
    ("为了不白花钱，正式申请前我们自己应该先干点啥？", "正式申请前我们自己应该先干点啥?"),
    ("评审要几天，以便安排人手？", "评审要几天?"),
    ("好判断要投多少人力？", "好判断要投多少人力?"),  # nothing else asks: kept
])
def test_what_the_answer_is_for_is_not_asked(text, core):
    from assistant.domain.question import drop_reporting_frame, find_core

    assert find_core(drop_reporting_frame(text)) == core


def test_whether_there_is_one_and_which_asks_which():
    assert analyse("国家层面有没有哪个文件提到要健全售后服务认证制度?").qtype == "哪个"
    assert analyse("有没有哪家机构能做").qtype == "哪个"
    assert analyse("有没有哪些机构能做？").qtype == "哪些"


@pytest.mark.parametrize("question,applying", [
    ("我们是做贸易的,自己不生产,这种也能做售后服务认证吗", True),
    ("分公司能自己单独办不？", True),
    ("像我们这种纯做运维服务的，在不在认证范围里？", True),
    ("哪些机构能做售后服务认证？", False),            # who certifies, not who may apply
    ("客户问CQC能不能做售后服务认证", False),
    ("是不是得先弄一套服务手册才能申请？", False),     # what comes first
    ("拿了认证，对外可以说管理体系也认证过了吗", False),
    ("证书有效期几年？", False),
])
def test_a_question_whether_one_may_apply_searches_the_words_of_who_may(question, applying):
    from assistant.domain.question import applying_context

    assert bool(applying_context(question)) is applying


@pytest.mark.parametrize("typed,read", [
    ("评审老师到阿拉店里来 伊拉要看啥物事", "评审老师到我们店里来 他们要看啥东西"),      # Wu
    ("是管理体系认证证书伐", "是管理体系认证证书吗"),
    ("俺们那旮旯开会 你给唠唠", "我们那地方开会 你给说说"),                        # northeastern
    ("我咋个晓得哪个机构正规 要好多钱", "我怎么知道哪个机构正规 要多少钱"),          # Sichuan
    ("头家问说 甘有实际效果", "老板问说 有没有实际效果"),                          # Hokkien-flavoured
    ("步伐要快", "步伐要快"),  # 伐 inside a Mandarin word is left alone
])
def test_words_of_other_regions_are_read_as_mandarin(typed, read):
    from assistant.lang.dialect import to_mandarin

    assert to_mandarin(typed) == read


@pytest.mark.parametrize("question,asked", [
    ("关于现场评审具体内容的请示：为便于会员做好迎审准备，烦请明确现场评审一般包括哪些环节。",
     "现场评审具体内容：为便于会员做好迎审准备，请问现场评审一般包括哪些环节。"),
    ("关于售后服务认证通过率的咨询：烦请提供近三年的一次通过率数据。", "售后服务认证通过率：请提供近三年的一次通过率数据。"),
    ("某会员拟由客服部门兼管售后监督，是否符合标准要求？烦请明确。", "某会员拟由客服部门兼管售后监督，是否符合标准要求？"),
    ("请予以答复。证书有效期多久？特此咨询。", "证书有效期多久？"),
    ("烦请告知证书有效期", "请问证书有效期"),
    ("秘书处转会员原话：“能不能把星级标志也印到冰箱包装上？”请示是否可行。", "“能不能把星级标志也印到冰箱包装上？”"),
])
def test_an_official_letters_formalities_are_not_asked(question, asked):
    assert drop_official_frame(question) == asked


@pytest.mark.parametrize("question", ["关于有效期的咨询：", "关于评审的问题", "证书有效期多久"])
def test_a_letter_with_nothing_but_its_subject_stays(question):
    assert drop_official_frame(question) == question


@pytest.mark.parametrize("question", ["请提供中国汽车流通协会联系人的姓名及联系电话", "请告知证书编号", "麻烦提供一下通过率数据"])
def test_a_request_for_a_fact_is_a_look_up(question):
    assert analyse(question).qtype == "哪个"


@pytest.mark.parametrize("question,asked", [
    ("老李:楼上说现场审核就是翻翻文件,是吗", "楼上说现场审核就是翻翻文件,是吗"),
    ("张姐(家具城):我们店只卖家具不生产哈,能申请吗", "我们店只卖家具不生产哈,能申请吗"),
    ("王总：证书有效期多久", "证书有效期多久"),
])
def test_a_chat_messages_sender_is_no_word_of_the_question(question, asked):
    assert drop_reporting_frame(question) == asked


def test_a_small_shop_before_a_colon_is_no_sender():
    assert drop_reporting_frame("小店：能申请吗") == "小店：能申请吗"


@pytest.mark.parametrize("item,asked", [
    ("填空题：GB/T 27922-2011 的主要起草人是____。", "GB/T 27922-2011 的主要起草人是谁。"),
    ("证书有效期（ ）年", "证书有效期几年"),
    ("达到____分为五星级", "达到多少分为五星级"),
    ("标准的名称是____", "标准的名称是什么"),
    ("判断对错：监督评审都会提前通知。", "监督评审都会提前通知，对吗？"),
    ("第三题判断题：要评上五星级，必须拿满 100 分。", "要评上五星级，必须拿满 100 分，对吗？"),
    ("证书有效期几年？", "证书有效期几年？"),
])
def test_a_quiz_item_is_read_as_the_question_it_asks(item, asked):
    from assistant.domain.question import read_quiz_item

    assert read_quiz_item(item) == asked


def test_who_wants_to_check_it_is_told_the_thing_asked_is_named_in_the_asking_clause():
    assert analyse("法务要核对投标用的证书内容，证书上一般会写明哪些信息？").focus[0] == "证书"
    assert analyse("采购部要核对证书，证书上写哪些信息？").focus[0] == "信息"


def test_an_english_gloss_after_a_chinese_term_is_said_twice_asked_once():
    from assistant.domain.question import drop_glosses

    assert drop_glosses("这种做法是否存在合规风险（compliance risk）？") == "这种做法是否存在合规风险？"
    assert drop_glosses("最终得分（final score）为87.5分") == "最终得分为87.5分"
    assert drop_glosses("ISO 9001 (QMS) 和售后认证") == "ISO 9001 (QMS) 和售后认证"  # no Chinese term before it


# instructions on how to answer, written around the question as to a chatbot: dropped clause by
# clause, the question kept; a clause that says anything more stays whole
INSTRUCTIONS = [
    ("我们厂就二十来个人，这种规模也能搞售后服务认证吗？一句话回答", "我们厂就二十来个人，这种规模也能搞售后服务认证吗？", "一句话回答"),
    ("能不能用一句话说清楚：售后服务认证到底评的是企业的什么？", "售后服务认证到底评的是企业的什么？", "能不能用一句话说清楚："),
    ("申请材料都要准备啥？别说废话，直接列清单", "申请材料都要准备啥？", "别说废话，直接列清单"),
    ("请你以认证专家的身份，给我讲讲售后服务认证跟ISO9001有什么不同，列三点",
     "给我讲讲售后服务认证跟ISO9001有什么不同", "请你以认证专家的身份，列三点"),
    ("假设你是认证顾问，有个客户问：做电商的能申请吗？你会怎么回他？", "有个客户问：做电商的能申请吗？",
     "假设你是认证顾问，你会怎么回他？"),
    ("酒店服务算不算标准里的售后服务？先说算不算", "酒店服务算不算标准里的售后服务？", "先说算不算"),
    ("用大白话讲讲，GB/T 27922这个标准适合哪几种企业用？", "GB/T 27922这个标准适合哪几种企业用？", "用大白话讲讲，"),
    ("简单点说，是不是只有卖实物的企业才能做这个认证？", "是不是只有卖实物的企业才能做这个认证？", "简单点说，"),
    ("證書有效期多久？請你作為認證專家回答", "證書有效期多久？", "請你作為認證專家回答"),
    # the asker's own role, a time told, a lone instruction: nothing dropped
    ("作为审核员，需要什么资格？", "作为审核员，需要什么资格？", ""),
    ("当评审员来现场时要准备什么", "当评审员来现场时要准备什么", ""),
    ("简单说一下申请流程", "简单说一下申请流程", ""),
    ("一句话", "一句话", ""),
]


@pytest.mark.parametrize("question,asked,said", INSTRUCTIONS)
def test_instructions_are_dropped(question, asked, said):
    assert drop_instructions(question) == (asked, said)


def test_the_standing_to_apply_is_asked_as_permission_not_as_a_thing():
    # "有资格申请" asks whether one may apply, as 可以 does; "申请资格是什么" asks the conditions
    assert "资格" not in content_words("什么样的企业有资格申请售后服务认证?")
    assert content_words("申请资格是什么") == ["申请条件"]


def test_a_number_set_off_by_spaces_is_no_clause_break():
    from assistant.domain.question import restore_breaks

    assert restore_breaks("實得分 捌拾柒點伍 分，涉及項分值 壹佰 分") == "實得分 捌拾柒點伍 分，涉及項分值 壹佰 分"
    assert restore_breaks("哎问下 我们是个小厂 能申请吗 要多久") == "哎问下，我们是个小厂，能申请吗？要多久"
    # every character spaced out: the spaces are no breaks
    assert restore_breaks("售 后 服 务 认 证 证 书 有 效 期 几 年 ？") == "售后服务认证证书有效期几年？"
    assert restore_breaks("申 请 能 在 网 上 提 交 吗 ， 还 是 必 须 跑 一 趟") == "申请能在网上提交吗，还是必须跑一趟"


@pytest.mark.parametrize("clause,qtype", [
    ("能申请不", "能否"), ("我们能申请不,", "能否"), ("可以做不？", "能否"),
    ("我们要不", "other"), ("得不到", "other"),
])
def test_a_modal_verb_closed_by_bu_asks_yes_or_no(clause, qtype):
    from assistant.domain.question import question_type

    assert question_type(clause) == qtype


def test_an_exercise_label_is_not_what_is_asked():
    from assistant.domain.question import read_quiz_item

    assert read_quiz_item("作业题：按GB/T 27922，售后服务包括哪些方面？") == "按GB/T 27922，售后服务包括哪些方面？"
    assert read_quiz_item("问答题：证书有效期几年？") == "证书有效期几年？"
    assert read_quiz_item("作业：") == "作业："  # nothing left to ask: kept as typed


@pytest.mark.parametrize("text", ["哪些机构能发售后服务认证证书？能举几个例子吗", "能举几个例子吗", "列几家机构",
                                  "有没有比较有名的机构可以说几个", "能推荐几篇论文吗"])
def test_examples_asked_for_are_a_list_not_a_count(text):
    """"举几个例子" asks for examples: answered by a list, not by a number with 个."""
    from assistant.domain.question import question_type

    assert question_type(text) == LIST


def test_a_count_is_still_a_count():
    from assistant.domain.question import question_type

    assert question_type("一共几个等级") == QUANTITY


def test_an_adverb_run_into_its_verb_by_accident_is_no_word():
    """jieba lists 先交 (frequency 3): "要先交什么钱" names no thing 先交 that a page must name."""
    assert "先交" not in content_words("递交申请后要签合同吗？要先交什么钱？")
    assert content_words("再补几份记录行不行") == ["记录"]
    assert "才能" not in content_words("多久才能拿证")  # a real word, dropped as a function word anyway
    assert "现场" in content_words("还要去现场吗")  # a two-character word not led by an adverb stays


@pytest.mark.parametrize(("said", "meant"), [
    ("涉及项分值是九十五，不对，是九十，然后我们实得六十三分", "涉及项分值是九十，然后我们实得六十三分"),
    ("有效期三年 不对 是两年那个", "有效期两年那个"),
    ("实得85分，说错了，87分", "实得87分"),
    ("一共十家 不对不对 十二家网点", "一共十二家网点"),
    ("九十五分，哦不，九十", "九十分"),  # the unit said once is the corrected number's too
])
def test_a_number_taken_back_is_replaced_by_the_one_said_instead(said, meant):
    from assistant.domain.question import drop_self_corrections

    assert drop_self_corrections(said) == meant


@pytest.mark.parametrize("said", ["实得85分不对吗", "考了95分不对，我记错了", "三年不对劲", "85分是对的"])
def test_a_number_not_taken_back_stays(said):
    from assistant.domain.question import drop_self_corrections

    assert drop_self_corrections(said) == said


@pytest.mark.parametrize(("said", "read"), [
    ("那个标准就是二七九二二 我记得是二零一一年发的", "那个标准就是27922 我记得是2011年发的"),
    ("ISO九零零一的证书", "ISO9001的证书"),
    ("二零二三年实施的", "2023年实施的"),
    ("ISO一万零二 就是投诉管理那个标准", "ISO10002 就是投诉管理那个标准"),  # a numeral after a code
    ("GB/T两万七千九百二十二", "GB/T27922"),
])
def test_digits_said_one_by_one_are_read_as_a_number(said, read):
    from assistant.domain.question import spoken_digits

    assert spoken_digits(said) == read


@pytest.mark.parametrize("said", ["三五个网点", "七八家门店", "九十五分", "一万零二", "第一百零五条", "一一对应",
                                  "这认证跟ISO一样吗"])
def test_counts_and_numerals_with_units_are_left_as_said(said):
    from assistant.domain.question import spoken_digits

    assert spoken_digits(said) == said


def test_a_forwarded_chat_is_read_without_its_speakers():
    """"客户：…" on every line of a forwarded chat names who spoke, not what is asked (客户 would find
    the passages on customers); a header line goes too. One labelled line keeps its label."""
    from assistant.domain.question import drop_speakers

    chat = "群聊记录：\n客户：上次监督查出两个问题\n张经理(华东区)：我们一直拖着没改\n客户：会有什么后果？"
    assert drop_speakers(chat) == "上次监督查出两个问题\n我们一直拖着没改\n会有什么后果？"
    assert drop_speakers("五星级：要多少分") == "五星级：要多少分"
    assert drop_speakers("客户：证书有效期几年") == "客户：证书有效期几年"
    assert drop_speakers("第一行\n第二行") == "第一行\n第二行"


def test_a_forwarded_chat_is_answered_on_what_was_said(assistant):
    ans = assistant.ask("客户：上次监督查出两个问题\n客户：我们一直拖着没改\n客户：会有什么后果？")
    assert not ans.abstained and ("暂停" in ans.answer or "撤销" in ans.answer)


def test_how_a_list_is_asked_for_names_nothing_asked_about():
    assert content_words("请逐条列举") == []
    assert "列出" not in analyse("认证机构通常列出的申请资格条件有哪些？请逐条列举。").focus


@pytest.mark.parametrize("question, asked, told", [
    # what was so before is background when what is asked now is its peer
    ("我们上次内部模拟大概是三星水平,今年想冲四星,分数要达到多少才行?", "四星级", "三星水平"),
    ("以前内审是三星水平，现在想拿五星，差多少分？", "五星级", "三星水平"),
])
def test_a_thing_told_of_the_past_goes_after_its_peer_asked_now(question, asked, told):
    focus = list(analyse(question).focus)
    assert asked in focus
    assert told not in focus or focus.index(told) > focus.index(asked)


def test_a_thing_told_of_the_past_alone_stays_the_focus():
    assert analyse("去年年底我们拿的三星证书，监督评审多久一次？").focus[0].startswith("三星")


@pytest.mark.parametrize("question, asked", [
    # a quoted term names the topic of its block
    ("我负责整理客户相关的资料,打分里“客户跟进”这一块具体看哪几项?", "客户跟进"),
    ("评分表里「服务执行」这部分考哪些？", "服务执行"),
    # what the speaker runs ("我开4S店", "我们做家电的") is told; the asking clause's own noun is asked
    ("我开4S店卖车的，找哪个协会办售后认证要得不", "协会"),
    ("我们做空调安装的，能找哪个协会办认证", "协会"),
    # a pointer after a thing named is not part of its name
    ("客户投诉处理这项指标归在哪一层？", "客户投诉处理"),
    ("服务网点那些要准备什么材料", "服务网点"),
    # what is excepted ("除了A和B这两条路，") is not asked about
    ("除了官方批准的机构和行业协会这两条路，第三方专业认证机构里有哪些具体名字可以参考？", "第三方"),
    # "照着做": following the standard, no thing asked about
    ("我们只是个几十人的小公司也能照着做吗？", "小公司"),
])
def test_what_is_asked_about_comes_first(question, asked):
    assert analyse(question).focus[0] == asked


@pytest.mark.parametrize("question, sides", [
    # 同 of 同事 is no "and"; "是同一个类型" compares as 区别 does
    ("办公室同事说3C认证和售后服务认证是同一个类型的认证,只是名字不一样,这种说法对吗?", ("3c认证", "售后服务认证")),
    # the sides are in the clause that compares, not the story before it
    ("我们卖的家电都有3C标志，顾客问3C是不是就说明售后有保障，3C和售后服务认证是一回事吗？", ("3c", "售后服务认证")),
    # a side pointed back at is the thing named last before it
    ("客户已经有ISO9001了，问售后认证跟它有啥区别，别是重复花钱", ("售后认证", "9001")),
    ("我们已经有ISO9001了,售后服务认证跟它到底有啥区别?", ("售后服务认证", "iso9001")),
    # a side left out after a sentence told first: the thing that sentence names
    ("過了售後服務認證發的是什麼證書？跟ISO14001那種證書一樣嗎？", ("证书", "iso14001")),
])
def test_the_two_sides_compared(question, sides):
    q = analyse(question)
    assert q.qtype == DIFFERENCE
    assert q.focus[:2] == sides


@pytest.mark.parametrize("question, not_a_side", [
    ("我们去年刚拿了ISO9001，销售跟我说售后服务认证又要花钱，我觉得这俩差不多吧？", "销售"),  # 跟我说: told to me
    ("跟体系审核比,售后服务认证的评审有啥不一样的特点?", "比"),  # nothing told before a side left out
])
def test_no_side_is_made_of_a_preposition(question, not_a_side):
    assert not_a_side not in analyse(question).focus[:1]


def test_rarity_is_measured_against_a_fixed_total():
    """Adding a word to jieba's dictionary (a domain term, a synonym, a knowledge base's own
    vocabulary) must not shift every word's rarity: near ties with a domain term's 12.0 flipped."""
    import math

    from assistant.domain.question import RARITY_TOTAL, rarity
    from assistant.lang.text import _segmenter

    freq = _segmenter().FREQ["受理"]
    assert rarity("受理") == pytest.approx(math.log(RARITY_TOTAL / freq))


@pytest.mark.parametrize("said", ["突然上门来查", "突然上门检查", "上门突击"])
def test_a_visit_without_notice_is_the_documents_unannounced_check(said):
    from assistant.lang.text import tokenize

    assert "不定期抽查" in tokenize(f"认证机构会不会{said}")


@pytest.mark.parametrize("question, qtype", [
    # a difference told ("跟体系认证不一样"), then what it is asked ("叫什么")
    ("聽說售後服務認證裡的「審核」有個專門的叫法,跟體系認證不一樣,叫什麼?", OTHER),
    # a difference asked, or a clause asking which of them, keeps the comparison
    ("售后服务认证跟ISO9001不一样，具体哪里不一样？", DIFFERENCE),
    ("页面里说两种认证有三方面不同,是哪三方面?", DIFFERENCE),
])
def test_a_difference_told_is_not_asked(question, qtype):
    assert analyse(question).qtype == qtype
