"""Generic retrieval behaviours for a user's own raw documents (no hand-written phrasings):
filler words weigh little in FAQ question matching, a heading the question names word for word
leads to its section, and a clear BM25 leader is never scored below the runner-up it leads."""

import pytest

from assistant.index.lexical import SECTION_MAX, LexicalIndex, heading_name
from assistant.lang.text import FILLER_WEIGHT, filler_words, term_weight
from assistant.pipeline.retrieval import MARGIN_LEAD, lexical_margin


# --------------------------------------------------------------------------- filler words

@pytest.mark.parametrize("word", ["到底", "那会儿", "本身", "按", "一套", "主要"])
def test_adverbs_pronouns_prepositions_and_measure_words_weigh_little(word):
    assert word in filler_words()  # tagged d / r / p / m / b in jieba's general dictionary
    assert term_weight(word) == FILLER_WEIGHT < 1.0


@pytest.mark.parametrize("word", ["几年", "几块", "多少", "哪家"])
def test_a_question_word_for_a_count_or_a_kind_weighs_fully(word):
    # "证书能管几年": 几年 is what the answer states (三年), though jieba tags it a numeral
    assert word in filler_words()
    assert term_weight(word) == 1.0


@pytest.mark.parametrize("word", ["门槛", "合同", "测量", "售后服务", "评审员"])
def test_content_words_and_domain_terms_weigh_fully(word):
    assert term_weight(word) == 1.0


def test_a_word_outside_the_general_dictionary_is_not_taken_for_filler():
    assert "服务改进层次" not in filler_words()
    assert term_weight("服务改进层次") == 1.0
    assert {"门槛", "合同", "测量"}.isdisjoint(filler_words())  # nouns and verbs are not filler


def test_a_faq_question_sharing_only_a_filler_word_no_longer_outranks_one_sharing_the_content_word():
    index = LexicalIndex.build([
        ("fees", {"tokens": "到底 收费 标准 价格", "q_tokens": "到底 收费"}),
        ("bar", {"tokens": "申请 门槛 条件 资格 企业 注册", "q_tokens": "申请 门槛 条件 资格 企业"}),
        ("term", {"tokens": "证书 有效期 三年", "q_tokens": "证书 有效期"}),
        ("site", {"tokens": "现场 评审 时间", "q_tokens": "现场 评审"}),
    ])
    asked = ["到底", "门槛"]  # "…到底有啥门槛"
    plain = index.match_questions(asked, 5)
    weighted = index.match_questions(asked, 5, weight=term_weight)
    assert plain[0][0] == "fees"  # by IDF alone the shared adverb wins
    assert weighted[0][0] == "bar"
    assert dict(weighted)["fees"] < dict(plain)["fees"]
    assert all(0.0 <= s <= 1.0 for _, s in weighted)


def test_a_one_character_query_token_weighs_half_in_bm25():
    from assistant.index.lexical import LIGHT_WEIGHT

    index = LexicalIndex.build([
        ("hub", {"tokens": "认证 里 称为 评审 评审 评分"}),
        ("list", {"tokens": "售后服务 分为 六类 送货 安装 维修"}),
        ("other", {"tokens": "证书 有效期 三年"}),
        ("more", {"tokens": "现场 评审 时间"}),
    ])
    both = dict(index.search(["里", "售后服务"], 4))
    alone = dict(index.search(["里"], 4))
    # a rare lone character ("标准里") no longer outweighs the question's word
    assert both["list"] > both["hub"]
    assert LIGHT_WEIGHT == 0.5 and alone["hub"] > 0


# --------------------------------------------------------------------------- heading names

@pytest.mark.parametrize("heading,name", [
    ("（四）服务改进（推动服务持续优化）", "服务改进"),
    ("(一)企业内部条件(关乎服务体系根基)", "企业内部条件"),
    ("一、售后服务认证的重要性", "售后服务认证的重要性"),
    ("5.服务包括哪些方面?", "服务包括哪些方面"),
    ("第二章 总则", "总则"),
    ("1. 服务流程", "服务流程"),
    ("服务流程", "服务流程"),
])
def test_a_heading_name_drops_its_numbering_its_remark_and_its_question_mark(heading, name):
    assert heading_name(heading) == name


def _index_of_sections() -> LexicalIndex:
    sections = {
        "overview": ("二、评价指标体系", "评价 站点 基础 条件 上门 响应 回访 跟踪 持续 优化 层次 指标"),
        "base": ("（一）站点基础条件（决定服务根基）", "站点 基础 条件 场地 仓库 技师"),
        "visit": ("（二）上门响应（体现实际水平）", "上门 响应 报修 到场 技师"),
        "improve": ("（四）持续优化（推动长期改进）", "持续 优化 投诉 规程 季度"),
        "fees": ("收费", "收费 标准 价格"),
    }
    # every passage of this knowledge base is about repair stations (维修)
    records = [(cid, {"heading_path": f"评价指南 > {heading}", "tokens": f"维修 {tokens}"})
               for cid, (heading, tokens) in sections.items()]
    # the knowledge base's own topic: a heading every passage repeats
    records += [(f"topic{i}", {"heading_path": "维修站点评价", "tokens": "维修 站点 评价"}) for i in range(4)]
    return LexicalIndex.build(records)


def test_a_section_whose_heading_the_question_names_is_found():
    index = _index_of_sections()
    assert index.match_headings("持续优化这层主要看什么") == [("improve", 1.0)]
    assert index.match_headings("站点基础条件那部分评审看啥") == [("base", 1.0)]
    # longest name first
    both = index.match_headings("上门响应和持续优化哪个分高")
    assert {cid for cid, _ in both} == {"visit", "improve"}


def test_short_names_and_the_knowledge_bases_own_topic_are_not_heading_matches():
    index = _index_of_sections()
    assert index.match_headings("收费贵不贵") == []  # a two-character name is said in passing
    assert index.match_headings("维修站点评价要多久") == []  # every passage is about it
    assert index.match_headings("") == []


def _retriever_over(settings, tmp_path, text: str):
    from assistant.core import Assistant
    from assistant.kb import ingest

    page = tmp_path / "docs" / "guide.md"
    page.parent.mkdir(parents=True)
    page.write_text(text, encoding="utf-8")
    ingest(settings, [page.parent], progress=False)
    return Assistant(settings).retriever


_GUIDE = """# 维修站点评价指南

## 一、指南的由来

本指南由行业协会组织编写，用于统一各地维修站点的评价口径，帮助企业了解站点管理的基本要求，并为后续的复评提供依据。

## 二、评价指标体系

评价从站点基础条件、上门响应、回访跟踪、持续优化四个层次展开，每个层次下设若干指标，满分一百分，由评价员逐项打分。

### （一）站点基础条件（决定服务根基）

站点应配备固定场地、备件仓库和持证技师，技师人数与覆盖区域相适应。场地须悬挂营业执照和收费标准，备件仓库实行出入库登记，持证技师每年参加不少于四十学时的培训。

### （二）上门响应（体现实际水平）

接到报修后，城区两小时内电话联系客户，二十四小时内到场处理；郊县四十八小时内到场。技师上门须出示工牌，穿着统一工装，作业完成后清理现场并请客户签字确认。

### （三）回访跟踪（维系客户关系）

维修完成后三日内电话回访，询问故障是否排除、收费是否清楚、技师态度如何，记录客户意见并归档，对不满意的客户在一周内再次上门。

### （四）持续优化（推动长期改进）

每季度汇总投诉与回访记录，找出反复出现的故障，修订作业规程；对连续两个季度评分下降的站点约谈负责人，并限期提交整改报告。

## 三、评价流程

### （一）站点自查

站点对照指标逐项自查，填写自查表，整理近一年的报修、回访和投诉台账，自查得分低于六十分的暂缓申请。

### （二）资料审查

评价机构收到申请后十个工作日内完成资料审查，资料不全的一次性告知需要补正的内容。

### （三）现场评价

评价员到站点查看场地、抽查台账、随机拨打客户电话核实回访记录，现场评价一般持续一天。

### （四）结果公布

评价结果在协会网站公示七天，无异议的颁发铜牌、银牌或金牌站点证书，证书有效期两年。
"""


@pytest.mark.parametrize("question,heading", [
    ("持续优化这层主要看什么", "（四）持续优化（推动长期改进）"),
    ("回访跟踪这一层次包括哪几个指标", "（三）回访跟踪（维系客户关系）"),
])
def test_the_section_a_question_names_beats_the_overview_that_lists_every_section(
        settings, tmp_path, monkeypatch, question, heading):
    from assistant.pipeline import retrieval

    retriever = _retriever_over(settings, tmp_path, _GUIDE)

    def first(q):
        retriever.memo.clear()
        return retriever.retrieve(q, k=3).hits[0].meta["heading_path"].split(" > ")[-1]

    assert first(question) == heading
    # without the heading signal the overview, which names every section, comes first
    monkeypatch.setitem(retrieval.WEIGHTS, "heading", 0.0)
    assert first(question) == "二、评价指标体系"


# --------------------------------------------------------------------------- BM25 lead

def test_a_bm25_leader_never_scores_below_the_runner_up_it_leads():
    # 8.5 leads 5.9 by 0.31 of the best score, and 5.9 leads 2.4 by 0.41: both stand clear of
    # the rest; scored by its gap to the next one alone the runner-up came out above the leader
    margin = dict(lexical_margin([("lead", 8.5), ("second", 5.9), ("a", 2.4), ("b", 2.3)]))
    assert set(margin) == {"lead", "second"}
    assert margin["lead"] == 1.0
    assert margin["second"] == pytest.approx((5.9 - 2.4) / 8.5 / (2 * MARGIN_LEAD))
    assert margin["lead"] > margin["second"]


def test_scores_of_a_leading_group_fall_with_rank():
    ranked = [("a", 20.0), ("b", 14.0), ("c", 8.5), ("d", 8.4), ("e", 1.0)]
    margin = lexical_margin(ranked)
    assert [cid for cid, _ in margin] == ["a", "b"]  # c is level with d: not clear of the rest
    scores = [s for _, s in margin]
    assert scores == sorted(scores, reverse=True)


# --------------------------------------------------------------------------- section names

def _index_of_a_process() -> LexicalIndex:
    parent = "三、评价流程"
    steps = [("self", "（一）站点自查", "站点 自查 台账"), ("papers", "（二）资料审查", "资料 审查 补正"),
             ("visit", "（三）现场评价", "现场 评价员 台账"), ("result", "（四）结果公布", "公示 证书 有效期")]
    records = [(cid, {"doc_id": "guide", "chunk_index": 5 + i, "heading_path": f"指南 > {parent} > {h}",
                      "tokens": f"维修 {tokens}"}) for i, (cid, h, tokens) in enumerate(steps)]
    records.reverse()  # the store need not list a document's chunks in order
    records += [(f"other{i}", {"doc_id": "guide", "chunk_index": i, "heading_path": f"指南 > 一、由来{i}",
                               "tokens": "维修 站点 流程 由来"}) for i in range(2)]
    # a chapter of more passages than SECTION_MAX is not a list of parts
    records += [(f"clause{i}", {"doc_id": "std", "chunk_index": i, "heading_path": f"5 评价要求 > 5.{i}",
                                "tokens": "维修 要求"}) for i in range(SECTION_MAX + 1)]
    return LexicalIndex.build(records)


def test_a_section_is_named_by_its_head_word_and_lists_its_parts_in_document_order():
    index = _index_of_a_process()
    assert index.sections["评价流程"] == [index.ids.index(c) for c in ("self", "papers", "visit", "result")]
    assert index.match_sections(["站点", "评价", "流程", "几步"]) == [("评价流程", ["self", "papers", "visit", "result"])]
    # 评价 is a word of the name but not its head: the question is not about the process
    assert index.match_sections(["评价", "标准"]) == []
    assert index.match_sections([]) == []


def test_a_long_chapter_is_not_a_section_to_list_and_sections_survive_the_cache():
    index = _index_of_a_process()
    assert "评价要求" not in index.sections
    assert index.match_sections(["要求"]) == []
    arrays, meta = index._to_plain()
    again = LexicalIndex._from_plain(arrays, meta, None)
    assert again.sections == index.sections
    assert again.match_sections(["流程"]) == index.match_sections(["流程"])
    meta["sections"] = {"评价流程": [len(index.ids)]}  # a position outside the index
    with pytest.raises(ValueError):
        LexicalIndex._from_plain(arrays, meta, None)


def _plain(markdown: str) -> str:
    """The guide as a web page's text: the same headings without Markdown's '#'."""
    return "\n".join(line.lstrip("#").strip() for line in markdown.splitlines())


# sections that say 流程 in their text, where the process's own steps never do
_MORE = """
## 四、投诉处理

客户投诉按登记、分派、处理、回复的流程办理，流程各环节的时限张贴在站点大厅。

## 五、备件管理

备件出入库流程实行双人签字，流程记录保存三年，缺件时按调拨流程向中心仓申请。
"""

_STEPS = ["（一）站点自查", "（二）资料审查", "（三）现场评价", "（四）结果公布"]


@pytest.mark.parametrize("name,text", [("guide.md", _GUIDE + _MORE), ("guide.txt", _plain(_GUIDE + _MORE))])
def test_a_question_about_a_whole_section_finds_each_of_its_parts(settings, tmp_path, monkeypatch, name, text):
    from assistant.core import Assistant
    from assistant.kb import ingest
    from assistant.pipeline import retrieval

    page = tmp_path / "docs" / name
    page.parent.mkdir(parents=True)
    page.write_text(text, encoding="utf-8")
    ingest(settings, [page.parent], progress=False)
    retriever = Assistant(settings).retriever
    question = "整个流程一般分哪几步"

    def first(q):  # the first four passages (the section's outline, when it leads, aside)
        retriever.memo.clear()
        hits = [h for h in retriever.retrieve(q, k=5).hits if not h.chunk_id.endswith("#outline")]
        return [h.meta["heading_path"].split(" > ")[-1] for h in hits[:4]]

    assert set(first(question)) == set(_STEPS)
    # the parts' own text never says 流程: without the section signal others come first
    monkeypatch.setitem(retrieval.WEIGHTS, "section", 0.0)
    assert set(first(question)) != set(_STEPS)


def test_a_question_naming_one_part_is_not_given_the_whole_section(settings, tmp_path):
    retriever = _retriever_over(settings, tmp_path, _GUIDE)
    tokens = ["资料审查", "流程", "多久"]
    headings = retriever.lexical.match_headings("资料审查这一步流程多久")
    assert headings  # the part is named by its own heading
    assert retriever.section_parts(tokens, headings) == []
    parts = retriever.section_parts(["评价", "流程"], [])
    assert [retriever.lexical.ids.index(cid) for cid, _ in parts] == sorted(
        retriever.lexical.ids.index(cid) for cid, _ in parts)
    assert len(parts) == 4 and all(score == 1.0 for _, score in parts)


@pytest.mark.parametrize("question,names_it", [
    ("整个流程一般分哪几步", True),  # 整个: a filler word
    ("评价的完整流程是什么", True),  # 完整: an adjective
    ("评价流程怎么走", True),  # 评价流程 is what the heading says
    ("流程是什么", True),
    ("投诉流程怎么走", False),  # another process
    ("备件出入库流程要几个人签字", False),
])
def test_the_word_before_the_head_word_must_not_make_it_another_thing(question, names_it):
    from assistant.index.lexical import _said_as_in
    from assistant.lang.text import to_search_text

    assert _said_as_in("流程", "评价流程", to_search_text(question)) is names_it


def test_a_section_named_as_a_whole_is_answered_with_its_outline_first(settings, tmp_path):
    from assistant.core import Assistant
    from assistant.kb import ingest
    from assistant.pipeline.retrieval import OUTLINE_SUFFIX

    page = tmp_path / "docs" / "guide.txt"
    page.parent.mkdir(parents=True)
    page.write_text(_plain(_GUIDE + _MORE), encoding="utf-8")
    ingest(settings, [page.parent], progress=False)
    assistant = Assistant(settings)
    hits = assistant.retriever.retrieve("整个流程一般分哪几步", k=5).hits
    outline = hits[0]
    assert outline.chunk_id.endswith(OUTLINE_SUFFIX)
    assert outline.text == "三、评价流程：" + "；".join(_STEPS) + "。"
    assert outline.meta["heading_path"].split(" > ")[-1] == "三、评价流程"
    assert outline.meta["doc_id"] == hits[1].meta["doc_id"]
    assert len(hits) == 5
    answer = assistant.ask("整个流程一般分哪几步")
    assert not answer.abstained
    first = answer.answer.split("\n")[0]
    assert all(step in first for step in _STEPS) and "[1]" in first
    assert answer.citations[0].source == hits[1].meta["doc_id"]  # cited to the document itself
    # another process, named with its own word before 流程: no outline, no section
    other = assistant.retriever.retrieve("投诉流程怎么走", k=5).hits
    assert not any(h.chunk_id.endswith(OUTLINE_SUFFIX) for h in other)


@pytest.mark.parametrize("question,names_it", [
    ("办这个证有啥要特别注意的地方？", True),    # 注意的地方: a synonym of the head word 注意事项
    ("办理认证有哪些注意事项？", True),
    ("评审员要注意什么问题？", False),          # 注意 alone is not the head word nor its synonym
])
def test_a_section_is_named_by_its_head_word_or_a_synonym_of_it(question, names_it):
    from assistant.index.lexical import _said_as_in
    from assistant.lang.text import to_search_text

    assert _said_as_in("注意事项", "办理售后服务认证证书的注意事项", to_search_text(question)) is names_it


def _index_of_a_list_whose_parts_say_its_word() -> LexicalIndex:
    # (tokens as the index keeps them: 网点 folded into 服务网点) every part says 网点 itself, so its head word alone does not name the section; and a
    # heading that is a question of its own is never a list to name
    records = [(cid, {"doc_id": "guide", "chunk_index": i, "heading_path": f"指南 > 二、可受理投诉的网点 > {h}",
                      "tokens": f"服务网点 {tokens}"})
               for i, (cid, h, tokens) in enumerate([("own", "（一）自营网点", "自营 直属"),
                                                     ("agent", "（二）授权网点", "授权 签约"),
                                                     ("online", "（三）线上网点", "线上 客服")])]
    records += [(cid, {"doc_id": "faq", "chunk_index": i, "heading_path": f"问答 > 网点包括哪些类型 > {h}",
                       "tokens": f"服务网点 类型 包括 {tokens}"})
                for i, (cid, h, tokens) in enumerate([("t1", "第一类", "固定"), ("t2", "第二类", "流动")])]
    return LexicalIndex.build(records)


def test_a_section_whose_parts_say_its_word_is_named_only_by_its_whole_name():
    index = _index_of_a_list_whose_parts_say_its_word()
    assert index.by_name_only == {"可受理投诉的网点", "网点包括哪些类型"}
    # "哪些网点能受理投诉": every word of the name is said
    assert index.match_sections(["哪些", "服务网点", "受理", "投诉"]) == [("可受理投诉的网点", ["own", "agent", "online"])]
    assert index.match_sections(["服务网点", "受理", "投诉"], "到底哪几类网点能受理投诉") == [
        ("可受理投诉的网点", ["own", "agent", "online"])]  # a question word before the head word
    assert index.match_sections(["服务网点", "受理"]) == []  # a short name: every word is needed
    assert index.match_sections(["服务网点", "几家"]) == []  # the head word alone: its parts say it too
    assert index.match_sections(["服务网点", "包括", "类型"]) == []  # a heading that asks is no list
    arrays, meta = index._to_plain()
    again = LexicalIndex._from_plain(arrays, meta, None)
    assert again.by_name_only == index.by_name_only
    meta["by_name_only"] = ["不存在的一节"]
    with pytest.raises(ValueError):
        LexicalIndex._from_plain(arrays, meta, None)


def test_a_process_section_is_named_by_its_steps_in_everyday_words():
    # "要走哪几步" names "三、评价流程" (question.yaml section_aliases); 程序 is not an alias:
    # "程序设计" is no process
    index = _index_of_a_process()
    parts = ["self", "papers", "visit", "result"]
    assert index.match_sections(["站点", "评价", "几步"], "站点评价要走哪几步") == [("评价流程", parts)]
    assert index.match_sections(["评价", "步骤"], "评价的步骤有哪些") == [("评价流程", parts)]
    assert index.match_sections(["程序", "设计"], "做程序设计的站点能评价吗") == []


_SCORING = """# 站点评价说明

## 一、谁可以参加

凡在本市登记的维修站点都可以参加评价，参加前由站点自己提交登记表。

## 二、评价怎么进行

评价由行业协会委派的评价员到站点现场检查，并按评分表逐项打分。

## 三、结果怎么用

评价结果向社会公开，站点可以在门店张贴评价标志。
"""


def test_a_question_putting_a_separable_words_object_first_finds_the_page_saying_it_whole(settings, tmp_path):
    # "分是谁打的" asks who 打分: the passage saying 打分 is found first
    retriever = _retriever_over(settings, tmp_path, _SCORING)
    hits = retriever.retrieve("分是谁打的？", k=3).hits
    assert "打分" in hits[0].text


_SIZES = """
## 适用企业

本办法面向依法登记的中小企业和个体经营者，规模不设下限。

## 网点布局

连锁门店按城市设立服务站，每站配备两名以上技师。

## 行业范围

景区、餐饮等生活服务业同样适用本办法。
"""


@pytest.mark.parametrize("question,term", [
    ("我们就十几个人的小厂，这个也能做吗", "中小企业"),
    ("小公司有没有门槛", "中小企业"),
    ("我们是做旅游景点的，顺便开了个饭馆，在范围里吗", "景区"),
])
def test_everyday_words_for_a_kind_of_business_find_the_documents_term(settings, tmp_path, question, term):
    from assistant.core import Assistant

    _retriever_over(settings, tmp_path, _SIZES)
    answer = Assistant(settings).ask(question)
    assert not answer.abstained
    assert term in answer.answer.split("。")[0]


_LABELLED = """
## 服务执行

1. 服务规范：维修人员上门须穿工装、出示工牌，使用文明用语。
2. 响应时效：接到报修后两小时内联系用户。

""" + "\n\n".join(f"## 第{n}片区\n\n" + f"第{n}片区设服务站，站长负责排班、备件调拨和夜间值守。" * 12
                  for n in "一二三四")


def test_list_item_labels_are_read_at_ingest():
    from ingest.pipeline import item_labels

    assert item_labels(_LABELLED.split("## 第一")[0]) == ["服务规范", "响应时效"]
    # a lead-in to a list, an example or a Q&A label names nothing
    assert item_labels("具体要求如下：见下表\n例如：某企业\n问：能申请吗\n答：可以") == []


def test_a_question_naming_a_list_items_label_is_in_the_documents_domain(settings, tmp_path):
    from assistant.core import Assistant

    _retriever_over(settings, tmp_path, _LABELLED)
    assistant = Assistant(settings)
    assert len(assistant.retriever.lexical.ids) >= 3 and assistant.retriever.lexical.labels
    assert assistant.retriever.lexical.names_label("服务规范这条具体规范什么")
    answer = assistant.ask("服务规范这条具体是要规范什么")
    assert not answer.abstained and "工装" in answer.answer
    assert assistant.ask("这条路怎么走").abstained


def test_labels_survive_the_cache():
    index = LexicalIndex.build([("a", {"tokens": "服务 规范", "labels": "服务规范|响应时效"}),
                                ("b", {"tokens": "网点"})])
    arrays, meta = index._to_plain()
    again = LexicalIndex._from_plain(arrays, meta, None)
    assert again.labels == index.labels == {"服务规范": [0], "响应时效": [0]}
    meta["labels"] = {"服务规范": [5]}  # a position outside the index
    with pytest.raises(ValueError):
        LexicalIndex._from_plain(arrays, meta, None)


def test_the_yearly_surveillance_in_everyday_words_is_the_surveillance_audit():
    from assistant.lang.text import synonym_map

    for said in ("年度监督", "例行监督", "年度监督审核"):
        assert synonym_map()[said] == "监督审核"


def test_a_document_is_not_folded_into_application_materials():
    # "国家有没有文件提到…", "体系文件" name documents of any kind; 材料 is what an application hands in
    from assistant.lang.text import synonym_map

    assert synonym_map().get("文件", "文件") != synonym_map().get("材料", "材料")
    assert synonym_map().get("资料") == synonym_map().get("材料", "材料")


_COUNTED = """
## 评价体系

整个评价从企业内部条件、服务执行、客户跟进和服务改进这4个层次展开，评审员现场打分。

""" + "\n\n".join(f"## 第{n}片区\n\n" + f"第{n}片区设服务站，站长负责排班、备件调拨和夜间值守。" * 12
                  for n in "一二三四")


def test_a_word_the_documents_count_or_a_split_word_is_in_their_domain(settings, tmp_path):
    # "4个层次" names the documents' own enumeration though 层次 alone is an ordinary word;
    # "分是谁打的" names 打分 though it says 分 and 打 apart
    from assistant.core import Assistant

    _retriever_over(settings, tmp_path, _COUNTED)
    assistant = Assistant(settings)
    assert assistant._names_kb_words("4个层次分别是哪四个")
    assert assistant._names_kb_words("分是谁打的")
    assert not assistant._names_kb_words("层次是什么意思")  # one ordinary word, not counted
    assert not assistant._names_kb_words("3个苹果多少钱")


def test_a_fee_named_by_its_step_is_one_word_and_fee_phrases_keep_their_fee():
    from assistant.lang.text import tokenize

    assert "申请费" in tokenize("申请费是什么时候交")
    assert "费用" in tokenize("认证费用一般多少") and "费用" in tokenize("企业还需缴纳相应的申请费用")


def test_a_question_about_what_the_article_says_is_asked_of_the_documents(settings, tmp_path):
    """"文章里引用了哪个销售大师的话": no domain word, but it asks what a page says, in its words."""
    from assistant.core import Assistant
    from assistant.kb import ingest

    page = tmp_path / "docs" / "article.txt"
    page.parent.mkdir(parents=True)
    page.write_text("售后服务的意义\n\n销售大师乔·吉拉德说过这样一句话：“销售活动真正的开始是在成交之后。”"
                    "只有让客户重复购买，口碑才会形成。\n", encoding="utf-8")
    ingest(settings, [page.parent], progress=False)
    assistant = Assistant(settings)
    answer = assistant.ask("文章里引用了哪个销售大师的话？")
    assert not answer.abstained
    assert "吉拉德" in answer.answer.split("\n")[0]
    # a page named, but nothing of the documents asked: still outside them
    assert assistant.ask("那篇文章说明天上海会不会下雨？").abstained


@pytest.mark.parametrize("text,token,present", [
    ("四个层次分别指什么", "4层次", True),  # the count said in words meets the page's digits
    ("从企业内部条件、服务执行、客户跟进和服务改进这4个层次", "4层次", True),
    ("两种认证有三方面不同", "3方面", True),
    ("通常要准备七类材料", "7类", True),
    ("是扣一部分还是整项扣", "1部分", False),  # a part, no count
    ("归哪一类", "1类", False),
    ("属于第三类", "3类", False),  # an ordinal, no count
])
def test_a_count_of_parts_is_one_token(text, token, present):
    from assistant.lang.text import tokenize

    assert (token in tokenize(text)) is present


def test_the_standing_to_apply_is_the_independent_legal_person():
    from assistant.lang.text import tokenize

    assert set(tokenize("在法律主体方面需要满足什么条件")) & set(tokenize("凡有独立法人地位的企业都可申请"))
    assert set(tokenize("主体资格上有没有问题")) & set(tokenize("应具有独立法人资格"))


@pytest.mark.parametrize("asked,said", [
    ("还没报名之前要做啥", "申请认证之前要先自我评估"),  # signing up is applying
    ("一共要打多少个细项的分", "共27项具体指标"),  # the small items scored are the indicators
    ("打分的那个表分多少个小项", "共27项具体指标"),
])
def test_plain_words_meet_the_documents_terms(asked, said):
    from assistant.lang.text import tokenize

    assert {"申请", "指标"} & set(tokenize(asked)) & set(tokenize(said))
