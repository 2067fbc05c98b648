"""Numbered lists and the questions that ask for an item by its place, for an item's place or
for the count (assistant/pipeline/lists.py): read off the passage's structure, never guessed."""

from __future__ import annotations

import pytest

from assistant.pipeline.lists import answer, detail, list_ask, numbered_lists, section_of
from assistant.types import Hit
from conftest import make_settings

OUTLINE = ("三、办理流程：(一)自我评估与准备；(二)选择机构并提交申请；(三)文件审核；(四)现场审核；"
           "(五)评定与发证；(六)获证后监督。")
ASPECTS = """服务内容包括以下方面:

1 )随合同签订而提供的活动,例如测量、设计等;

2)商品售出到投入使用期间的活动,例如送货、安装等;

3 )商品质量涉及的活动,例如退换、维修、保养等;

7.其他认证一般要求建立体系文件吗?"""
PROSE = "一般分五步：自评并整改；选择机构；提交申请；现场评审；评定发证。"


def hit(text, cid="c1", score=1.0):
    return Hit(chunk_id=cid, text=text, meta={"title": "办理指南"}, score=score)


def test_lists_are_read_in_each_marker_style_and_a_new_style_is_a_new_list():
    (outline,) = numbered_lists(OUTLINE)
    assert outline.intro == "三、办理流程：" and outline.items[4] == "评定与发证" and len(outline.items) == 6
    (aspects,) = numbered_lists(ASPECTS)  # "7." closes differently from "1 )": not its item 4
    assert len(aspects.items) == 3 and aspects.intro == "服务内容包括以下方面:"
    assert aspects.items[1].startswith("商品售出到投入使用期间")
    assert numbered_lists("①甲；②乙；③丙")[0].items == ("甲", "乙", "丙")
    assert numbered_lists("一、总则\n二、范围\n三、程序")[0].items == ("总则", "范围", "程序")
    (prose,) = numbered_lists(PROSE)  # told in prose with its count
    assert prose.items == ("自评并整改", "选择机构", "提交申请", "现场评审", "评定发证")
    assert numbered_lists("一般分四步：甲；乙。") == []  # the count and the parts disagree
    assert numbered_lists("1. 甲\n1. 乙\n1. 丙") == []  # not numbered in order


@pytest.mark.parametrize("question,kind,unit,place", [
    ("第五步叫什么?", "item", "步", 5),
    ("办理售后服务认证,第一步该干嘛?", "item", "步", 1),
    ("整个流程最后一步是什么?", "item", "步", -1),
    ("售后服务那几个方面里,第三个是啥", "item", "个", 3),
    ("做满意度调查算第几个方面?", "place", "个方面", 0),
    ("办证流程一共几步?", "count", "步", 0),
    ("等级分几档？", "count", "档", 0),
])
def test_what_a_list_question_asks(question, kind, unit, place):
    ask = list_ask(question)
    assert (ask.kind, ask.unit, ask.place) == (kind, unit, place)


@pytest.mark.parametrize("question", [
    "条例第十七条讲的是什么",                      # an article of a law, not a list item
    "条例第几条规定了三类认证？",
    "听说第一步是企业先自查，那自查主要查什么？",    # the place is in the story, not asked
    "有几个特别扣分项",                            # a count of the user's own items
    "资料说有几方面不同，列出来",                   # the kind is followed by more words
    "证书有效期几年",
])
def test_not_list_questions(question):
    assert list_ask(question) is None


def test_the_item_at_a_place_its_place_and_the_count_are_read_off_the_list():
    hits = [hit("别的内容。", "c0"), hit(OUTLINE, "c1"), hit(ASPECTS, "c2")]
    lead, whole, cited, item = answer(list_ask("第五步叫什么?"), hits, [])
    assert lead == "第五步是：评定与发证[1]。" and cited.chunk_id == "c1" and item == "评定与发证"
    assert whole.startswith("全部共六项：（一）自我评估与准备")
    lead, _, cited, _ = answer(list_ask("整个流程最后一步是什么?"), hits, ["流程"])
    assert lead == "最后一步是：获证后监督[1]。"
    lead, _, cited, _ = answer(list_ask("维修保养属于服务内容第几个方面?"), hits, ["维修保养", "服务内容"])
    assert lead.startswith("属于第三个方面：商品质量涉及的活动") and cited.chunk_id == "c2"
    lead, whole, _, _ = answer(list_ask("办理流程一共几步?"), hits, ["办理流程"])
    assert lead.startswith("共六步：（一）自我评估与准备") and whole == ""
    # a count needs the kind named by the list: a list of grades is no count of 类
    grades = hit("评价结果分为以下等级：\n1.达到70分以上,达标级;\n2.达到80分以上,三星级;", "g")
    assert answer(list_ask("认证一共分几类"), [grades], ["认证"]) is None
    assert answer(list_ask("第七步叫什么?"), hits, []) is None  # no list that long


def test_an_outline_entry_leads_to_its_section_and_its_sentences_on_what_is_asked():
    section = hit("(二)选择机构并提交申请\n企业选择合适的机构。在提交申请时需填写申请表。同时需缴纳申请费用。", "s2")
    assert section_of("选择机构并提交申请", [hit(OUTLINE), section]) is section
    assert section_of("选择机构", [section]) is None
    said = detail(section.text, ["费用"])
    assert said.startswith("企业选择合适的机构") and "缴纳申请费用" in said
    listed = hit("(一)准备\n先对照标准自评。材料一般包括:\n营业执照\n企业简介", "s1")
    assert detail(listed.text, []) == "先对照标准自评"  # a list's intro and its items are not quoted


def test_list_questions_through_the_assistant_on_a_users_document(tmp_path):
    from assistant.core import Assistant
    from assistant.kb import ingest

    doc = tmp_path / "docs" / "流程.md"
    doc.parent.mkdir()
    doc.write_text("# 售后服务认证办理指南\n\n## 办理流程\n\n" + OUTLINE + "\n\n## (五)评定与发证\n\n"
                   "现场审核结束后，评定委员会进行评定。通过的颁发证书。\n", encoding="utf-8")
    settings = make_settings(tmp_path / "data")
    report, _ = ingest(settings, [doc.parent], progress=False)
    assert report.ok
    bot = Assistant(settings)
    answer_ = bot.ask("第五步叫什么？")
    assert not answer_.abstained and answer_.answer.startswith("第五步是：评定与发证[1]。")
    assert answer_.citations and "评定与发证" in answer_.citations[0].text
    count = bot.ask("办理流程一共几步？")
    assert count.answer.startswith("共六步：") and count.citations


def test_the_story_before_the_place_still_names_the_item():
    ask = list_ask("做满意度调查、搞顾客联谊会,这些在售后服务范围里算第几个方面?")
    assert ask.kind == "place" and "满意度调查" in ask.rest


def test_a_list_its_intro_counts_otherwise_is_cut_across_passages_and_not_used():
    cut = hit("有以下三方面不同：\n(1)名称含义的不同\n(2)认证类别的不同", "cut")
    assert answer(list_ask("资料说一共有几方面?"), [cut], []) is None
    whole = hit("有以下两方面不同：\n(1)名称含义的不同\n(2)认证类别的不同", "whole")
    assert answer(list_ask("一共有几方面?"), [whole], [])[0].startswith("共两方面：（一）名称含义的不同")
