"""Cleaning: pinyin artefacts, boilerplate lines, promotional sentences, width normalisation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.model import RawDocument
from ingest.normalize import (
    PHONE_RE,
    clean_document,
    contact_details,
    page_owner,
    clean_inline,
    clean_text,
    is_boilerplate_line,
    is_promotional,
    normalize_width,
    pinyin_artifact_pattern,
    remove_pinyin_artifacts,
    remove_promotions,
)

FIXTURES = Path(__file__).parent / "fixtures"


# --------------------------------------------------------------------------- width


def test_full_width_letters_digits_and_spaces_become_ascii():
    assert normalize_width("ＧＢ／Ｔ　２７９２２－２０１１") == "GB/T 27922-2011"


def test_chinese_punctuation_is_kept_for_display():
    text = "证书有效期三年，每年监督一次；可以吗？可以！注意：（一）…～"
    assert normalize_width(text) == text


def test_compatibility_ideographs_are_unified():
    # U+F9B5 (CJK compatibility ideograph) is what some PDFs emit for 例.
    assert normalize_width("\uf9b5") == "例"


# --------------------------------------------------------------------------- pinyin


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("服務(wù)", "服務"),
        ("企業(yè)", "企業"),
        ("資質(zhì)", "資質"),
        ("網(wǎng)購", "網購"),
        ("服務（wù）手冊", "服務手冊"),  # full-width brackets
        ("發(fā)現(xiàn)", "發現"),
        ("職(zhi)能", "職能"),  # plain pinyin without tone marks
        ("绿(lü)色", "绿色"),
    ],
)
def test_pinyin_artifacts_are_removed(raw, expected):
    assert remove_pinyin_artifacts(raw) == expected


@pytest.mark.parametrize(
    "text",
    [
        "中国质量认证中心(CQC)",
        "标准(GB/T 27922)",
        "得分95分(含95分)",
        "体系认证(iso)",
        "见附录(app)说明",
        "达到70(70)以上",
        "term (wu) after a space",
        "（一）服务执行",
    ],
)
def test_brackets_that_are_not_pinyin_stay(text):
    assert remove_pinyin_artifacts(text) == text


def test_traditional_fixture_has_no_artifacts_but_keeps_its_script():
    cleaned = clean_text((FIXTURES / "traditional_pinyin.txt").read_text(encoding="utf-8"))
    assert not pinyin_artifact_pattern().search(cleaned)
    assert "售后服務認證" in cleaned  # traditional characters stay for display
    assert "(CQC)" in cleaned and "(含95分)" in cleaned
    assert "明確職能分工" in cleaned


# --------------------------------------------------------------------------- boilerplate lines


@pytest.mark.parametrize(
    "line",
    [
        "咨询热线:13521955237 13801085760",
        "咨询热线：135 2195 5237",
        "联系我们",
        "联系地址:北京市朝阳区双井优士阁A座12A07",
        "2008 - 2022 © 中企检测认证网 版权所有  ",
        "Copyright © 2020 Example Inc. All rights reserved.",
        "发表评论",
        "發表評論",
        "0评",
        "浏览:0",
        "2025-06-12 09:05:01  来源:售后服务认证  作者:中企检测认证网  浏览:0",
        "TOP",
        "当前位置：首页 > 认证知识 > 正文",
        "首页 > 认证知识 > 售后服务认证",
        "本文内容整合网站:中国政府网百度百科知乎",
        "本文內容整合網站:百度百科、知乎",
        "免责声明：本文部分内容根据网络信息整理，如有侵权请联系删除。",
        "免責聲明：本文部分內容根據網絡信息整理。",
        "上一篇：售后服务认证的好处",
        "分享到：微信 微博",
        ":",
        "在线客服13550333441",
        "电话：010-88886666",
    ],
)
def test_boilerplate_lines_are_recognised(line):
    assert is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "来源：GB/T 27922-2011 第5.1.4.1条（据公开解读转述）",  # corpus source lines must survive
        "GB/T 27922-2011 于2011年12月30日发布，2012年2月1日实施。",
        "1、商品售后服务认证,是哪一个类别的认证?",
        "企业可以拨打12315反映售后问题。",
        "请仔细阅读5.1.4条款的要求。",
        "评审员到企业现场按标准检查并评分。",
        "认证机构会对获证企业进行定期监督管理。",
        "## 联系我们的方式有哪些？",
    ],
)
def test_content_lines_are_not_boilerplate(line):
    assert not is_boilerplate_line(line)


def test_boilerplate_fixture_keeps_only_content():
    cleaned = clean_text((FIXTURES / "boilerplate_page.txt").read_text(encoding="utf-8"))
    assert cleaned.splitlines() == [
        "售后服务认证的评审特点",
        "",
        "评审员到企业现场按标准检查并评分，评审不要求全部条款符合。",
        "认证时要对企业总部和下属服务网点进行评审。",
        "企业可以拨打12315反映售后问题，这一句应当保留。",
    ]


# --------------------------------------------------------------------------- promotions inside lines


def test_promotional_sentence_appended_to_content_is_removed():
    line = "证书有效期三年，每年监督一次。如还需要了解更多专业性问题可以拨打在线客服13550333441。"
    assert remove_promotions(line) == "证书有效期三年，每年监督一次。"


def test_advert_paragraph_of_seed_style_is_removed_entirely():
    advert = (
        "某某认证网提供体系认证机构查询，检验检测、认证认可一站式行业企业服务平台。"
        "某某认证网为检测机构提供包括品牌宣传、新品推荐等全方位推广服务。"
        "这个问题就给大家解答到这里了，如还需要了解更多专业性问题可以拨打某某认证网在线客服13550333441。"
    )
    assert clean_text("正文第一段。\n" + advert) == "正文第一段。"


def test_phone_mentioned_without_contact_words_loses_only_the_number():
    assert remove_promotions("样品编号 13800138000 已归档，结果合格。") == "样品编号 已归档，结果合格。"


def test_single_promo_cue_is_not_enough():
    assert not is_promotional("希望本文能够为您提供有益的参考。")
    assert is_promotional("本站为您提供一站式认证服务。")


def test_phone_pattern_does_not_match_standard_numbers_or_dates():
    for text in ("GB/T 27922-2011", "2011-12-30", "SB/T 10401-2006", "国务院201426号文件", "12315"):
        assert not PHONE_RE.search(text), text
    for text in ("13550333441", "010-88886666", "400-800-1234", "+86 13800138000"):
        assert PHONE_RE.search(text), text


# --------------------------------------------------------------------------- whole text


def test_blank_lines_collapsed_and_trailing_spaces_stripped():
    assert clean_text("甲  \n\n\n\n\n乙\t\n") == "甲\n\n乙"


def test_repeated_title_line_is_dropped():
    assert clean_text("标题\n\n标题\n正文。") == "标题\n\n正文。"


def test_clean_inline_for_titles():
    assert clean_inline("河南商品售后服務(wù)體系認證,企業(yè)不可忽視的資質(zhì)\n") == "河南商品售后服務體系認證,企業不可忽視的資質"


def test_clean_document_keeps_page_offsets_true():
    page1, page2 = "第一页正文。\n咨询热线：13800138000", "第二页正文：有效期三年。"
    text = page1 + "\n\n" + page2
    doc = RawDocument("d", "d.pdf", "t", "guide", text, "pdf", page_starts=[(1, 0), (2, len(page1) + 2)])
    cleaned = clean_document(doc)
    (_, start1), (_, start2) = cleaned.page_starts
    assert cleaned.text[start1:].startswith("第一页正文")
    assert cleaned.text[start2:].startswith("第二页正文")
    # the hotline leaves the page's text for the contacts section after the last page
    assert "13800138000" not in cleaned.text[:cleaned.text.index("## 联系方式")]
    assert cleaned.text.endswith("## 联系方式\n《t》联系方式：咨询热线：13800138000。")


def test_contact_details_are_kept_apart_from_the_text():
    """A labelled hotline or address and an advert's telephone clause are no content of the page's
    sentences, but a question asking for them is answered: they end up in one sentence under a
    heading of their own, the rest of the advert and bare labels nowhere."""
    assert contact_details("咨询热线:13521955237 13801085760") == ["咨询热线:13521955237 13801085760"]
    assert contact_details("联系地址：北京市朝阳区某大厦A座") == ["联系地址：北京市朝阳区某大厦A座"]
    assert contact_details("联系我们") == [] and contact_details("地址：") == []
    advert = "这个问题就给大家解答到这里了，如还需要了解更多专业性问题可以拨打某某认证网在线客服13550333441。"
    assert contact_details(advert) == ["如还需要了解更多专业性问题可以拨打某某认证网在线客服13550333441"]
    assert contact_details("证书有效期三年，每年监督一次。") == []
    page = "某某问答\n\n1、有效期多久?\n证书有效期三年。" + advert + "\n\n联系我们\n\n咨询热线:13521955237\n联系地址:北京市某区"
    doc = clean_document(RawDocument("d", "d.txt", "某某问答", "faq", page, "txt"))
    body, contacts = doc.text.split("\n\n## 联系方式\n")
    assert "1355" not in body and "1352" not in body and "联系我们" not in body and "解答到这里" not in body
    assert contacts == ("《某某问答》联系方式：如还需要了解更多专业性问题可以拨打某某认证网在线客服13550333441，"
                        "咨询热线:13521955237，联系地址:北京市某区。")
    assert clean_document(RawDocument("d", "d.txt", "t", "faq", "正文。", "txt")).text == "正文。"


def test_contacts_are_said_of_the_page_owner_its_byline_names():
    assert page_owner("某某问答\n\n嘉联咨询\n\n1、有效期多久?\n三年。") == "嘉联咨询"
    assert page_owner("标题\n\n2025-06-12 09:05:01  来源:某栏目  作者:某某认证网\n\n正文。") == "某某认证网"
    assert page_owner("标题\n第一章 总则\n正文。") == "" and page_owner("标题\n正文很长的一段话。\n再一段。") == ""
    doc = clean_document(RawDocument("d", "d.txt", "某某问答", "faq",
                                     "某某问答\n\n嘉联咨询\n\n1、有效期多久?\n三年。\n\n咨询热线:13521955237", "txt"))
    assert doc.text.endswith("## 联系方式\n嘉联咨询《某某问答》联系方式：咨询热线:13521955237。")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(list("售后服务认证企業務(wù)abc123，。？：:\n ©TOP热线") + ["13800138000", "发表评论", "\n\n\n"]),
        max_size=60,
    ).map("".join)
)
def test_clean_text_is_idempotent_and_never_adds_text(text):
    once = clean_text(text)
    assert clean_text(once) == once
    assert len(once) <= len(text)


def test_no_phone_or_pinyin_left_in_fixtures():
    for name in ("boilerplate_page.txt", "traditional_pinyin.txt", "faq_page.txt"):
        cleaned = clean_text((FIXTURES / name).read_text(encoding="utf-8"))
        assert not re.search(r"1[3-9]\d{9}", cleaned), name
        assert not pinyin_artifact_pattern().search(cleaned), name


def test_numbers_spaced_inside_chinese_text_are_joined_to_their_units():
    from ingest.normalize import join_spaced_numbers

    assert join_spaced_numbers("该规范于 2019 年 7 月 15 日起施行") == "该规范于2019年7月15日起施行"
    assert join_spaced_numbers("共分 5 个环节、12 个要素") == "共分5个环节、12个要素"
    assert join_spaced_numbers("达到 60.5 分(含 60.5 分)") == "达到60.5分(含60.5分)"
    # a number beside Latin text, a code or a line-leading clause number keeps its spaces
    assert join_spaced_numbers("依据 ISO 14001 体系") == "依据 ISO 14001 体系"
    assert join_spaced_numbers("XY/Z 1234-2020 附录") == "XY/Z 1234-2020 附录"
    assert join_spaced_numbers("3.2.1 服务网点") == "3.2.1 服务网点"


def test_clean_text_joins_spaced_numbers_in_display_text():
    from ingest.normalize import clean_text

    assert "满分为100分" in clean_text("示例页面\n\n评审满分为 100 分,按得分分档。")


@pytest.mark.parametrize("scanned,meant", [
    ("还有-类就是服务认证", "还有一类就是服务认证"),        # a dash read for 一
    ("统-管理售后服务网点", "统一管理售后服务网点"),
    ("包括I业品和民用消费品", "包括工业品和民用消费品"),    # a capital I read for 工
    ("质量管理体系IS09001认证", "质量管理体系ISO9001认证"),  # a zero read for O
    ("还有一类认证是=品认证", "还有一类认证是产品认证"),    # a stray symbol in a domain word
])
def test_glyphs_an_ocr_pass_misread_are_put_back(scanned, meant):
    from ingest.normalize import repair_ocr_glyphs

    assert repair_ocr_glyphs(scanned) == meant


@pytest.mark.parametrize("text", [
    "第一-第二阶段",           # a range of numbered things
    "售后服务认证简单问答-中科嘉艺",  # a title separator: 一中 is a place name, not a misread
    "GB/T 27922-2011 标准",
    "I love 认证",
    "ISO9001 与 ISO14001",
    "三-五年",
    "这个=那个",                # no domain word to say which character it was
])
def test_text_that_is_not_a_misread_is_left_alone(text):
    from ingest.normalize import repair_ocr_glyphs

    assert repair_ocr_glyphs(text) == text


def test_a_pdf_pages_visual_line_wraps_are_undone():
    from ingest.normalize import unwrap_lines

    page = "\n".join(["售后服务认证指南",
                      "售后服务认证证书的有效期一般为三年，在证书有效期内认证机构",
                      "每年对获证企业进行一次监督审核，监督审核的内容与初次认证审",
                      "核类似。",
                      "申请材料包括：",
                      "1. 营业执照副本复印件",
                      "2. 企业简介和售后服务体系文件，其中体系文件包括管理制度与",
                      "服务流程手册。",
                      "等级    分数线    说明说明说明说明说明说明说明说明说明说明说明说",
                      "达标    70分      说明说明说明说明说明说明说明说明说明说明说明说"])
    assert unwrap_lines(page).split("\n") == [
        "售后服务认证指南",  # a short title stays
        "售后服务认证证书的有效期一般为三年，在证书有效期内认证机构每年对获证企业进行一次监督审核，"
        "监督审核的内容与初次认证审核类似。",
        "申请材料包括：",  # a sentence end (a colon) stays
        "1. 营业执照副本复印件",
        "2. 企业简介和售后服务体系文件，其中体系文件包括管理制度与服务流程手册。",
        "等级    分数线    说明说明说明说明说明说明说明说明说明说明说明说",  # table rows are not joined
        "达标    70分      说明说明说明说明说明说明说明说明说明说明说明说"]
    assert unwrap_lines("一行\n两行") == "一行\n两行"  # too little to tell a wrap


def test_a_sentence_a_copied_page_broke_over_two_paragraphs_is_one_line_again():
    from ingest.normalize import clean_text

    broken = ("5）以商品为基础，为顾客提供相关信息的活动，例如商品使用知识宣传、网站或短\n\n"
              "信传递服务、新品推荐等；\n\n6）在设施基础上提供相关服务的活动。")
    lines = clean_text(broken).split("\n")
    assert any("网站或短信传递服务、新品推荐等；" in line for line in lines), lines
    assert any(line.startswith("6）") for line in lines)  # the next item stays an item of its own


@pytest.mark.parametrize("text", [
    "二、可办理证书的机构\n\n认证机构由国家批准设立。",  # a heading: short, no comma
    "评审组在现场检查总部和网点，并按标准逐项评分\n\n1. 服务文化：宣传与培训。",  # a list item follows
    "申请前企业要先做好自我评估，对照标准查漏补缺\n\n附件",  # the next line ends no sentence
])
def test_headings_list_items_and_loose_lines_are_not_joined(text):
    from ingest.normalize import clean_text

    assert clean_text(text) == text


def test_a_domain_term_split_by_an_aspect_particle_is_joined():
    from assistant.lang.text import join_split_terms

    assert join_split_terms("拿了证以后还有人来查吗") == "拿证以后还有人来查吗"
    assert join_split_terms("拿了證以後") == "拿證以後"  # traditional script stays traditional
    assert join_split_terms("我们去过现场，吃了饭") == "我们去过现场，吃了饭"  # no term: unchanged
    # a result said by 到: joined, unless a longer word goes on (证书, 证明)
    assert join_split_terms("拿到证以后还会来查吗") == "拿证以后还会来查吗"
    assert join_split_terms("拿到了证就不用管了") == "拿证就不用管了"
    assert join_split_terms("拿到证书以后") == "拿到证书以后"
    assert join_split_terms("拿到证明材料") == "拿到证明材料"
