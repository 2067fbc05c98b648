"""Chunking: structure-aware sections, size splitting, metadata, and the real seed pages."""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ingest.chunking as chunking
from assistant.lang.text import to_search_text
from ingest.chunking import chunk_document, split_sections
from ingest.loaders import load_document
from ingest.model import Chunk, RawDocument
from ingest.contacts import is_contacts_section
from ingest.normalize import clean_document, pinyin_artifact_pattern

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
QUESTION_LINE_RE = re.compile(r"^\d{1,3}\s*[、.．]\s*.+[?？]\s*$", re.MULTILINE)


def _doc(text: str, doc_type: str = "web", **kw) -> RawDocument:
    return RawDocument(kw.pop("doc_id", "d"), kw.pop("source", "s"), kw.pop("title", "t"), doc_type, text, "text", **kw)


def _load(name: str) -> list[Chunk]:
    return chunk_document(clean_document(load_document(FIXTURES / name, FIXTURES)))


def _assert_well_formed(chunks: list[Chunk], max_chars: int = 600, min_chars: int = 40) -> None:
    for i, chunk in enumerate(chunks):
        assert chunk.text.strip() and chunk.text == chunk.text.strip()
        assert chunk.search_text == to_search_text(chunk.text)
        assert chunk.meta["chunk_index"] == i
        assert len(chunk.text) <= max_chars + min_chars
        for key, value in chunk.meta.items():
            assert isinstance(value, (str, int, float, bool)) and value is not None, key
            assert value != "", key


# --------------------------------------------------------------------------- sections


def test_markdown_heading_path_and_anchor():
    text = "# 标准\n\n## 5.1 体系\n\n### 5.1.4.1 售后服务手册 {#clause-5-1-4-1}\n\n正文。\n\n## 6 其他\n\n内容。"
    sections = [s for s in split_sections(text, "standard") if len(s.lines) > 1]  # bare headings: context only
    assert [s.path for s in sections] == [("标准", "5.1 体系", "5.1.4.1 售后服务手册"), ("标准", "6 其他")]
    assert sections[0].attrs == {"clause": "5.1.4.1", "anchor": "clause-5-1-4-1"}
    assert sections[0].lines[0][1] == "5.1.4.1 售后服务手册"


def test_headings_inside_code_fences_are_ignored():
    sections = split_sections("## 标题\n\n```\n# 不是标题\n```\n正文。")
    assert len(sections) == 1 and sections[0].lines[2][1] == "# 不是标题"


def test_chinese_section_headings_nest():
    text = "一、总述\n正文一。\n（一）第一小节\n正文二。\n(二)第二小节\n正文三。\n二、其他\n正文四。"
    paths = [s.path for s in split_sections(text)]
    assert paths == [("一、总述",), ("一、总述", "（一）第一小节"), ("一、总述", "(二)第二小节"), ("二、其他",)]


def test_list_items_inside_an_article_stay_in_it():
    text = "第十条 有下列情形之一的，撤销证书：\n（一）伪造记录的；\n（二）拒不整改的。\n第十一条 另一条。"
    sections = split_sections(text, "regulation")
    assert [s.attrs.get("article") for s in sections] == ["第十条", "第十一条"]
    assert len(sections[0].lines) == 3


def test_offsets_point_into_the_text():
    text = "前言。\n\n## 标题\n\n  缩进的正文。"
    for section in split_sections(text):
        for offset, line in section.lines:
            assert text[offset:].startswith(line) or line in text[offset : offset + len(line) + 8]


def test_decimal_numbers_are_not_clauses():
    assert split_sections("2.5万元以上的合同需要备案。")[0].attrs == {}


# --------------------------------------------------------------------------- corpus Markdown


def test_corpus_faq_passages():
    chunks = _load("corpus_faq.md")
    _assert_well_formed(chunks)
    assert len(chunks) == 2
    first, second = chunks
    assert first.text.startswith("商品售后服务认证属于哪一类认证？\n属于服务认证")
    assert "{#" not in first.text and not first.text.startswith("#")
    assert first.meta["anchor"] == "category"
    assert first.meta["passage"] == "faq-sample#category"
    assert first.meta["question"] == "商品售后服务认证属于哪一类认证？"
    assert first.meta["variants"] == "售后服务认证是产品认证还是服务认证\n售后认证算哪类认证"
    assert first.meta["conflicts_with"] == "web-indicators-27,web-other"
    assert first.meta["doc_type"] == "faq" and first.meta["source"] == "认证机构常见问题（示例）"
    assert second.meta["variants"] == "证书几年有效" and second.meta["passage"] == "faq-sample#validity"
    assert second.text.endswith("来源：认证机构常见问题")


def test_corpus_standard_passages_carry_clause_numbers():
    chunks = _load("standard_sample.md")
    _assert_well_formed(chunks)
    assert [c.meta["clause"] for c in chunks] == ["5.1.4.1", "5.1.4.2"]
    assert [c.meta["passage"] for c in chunks] == ["std-sample#clause-5-1-4-1", "std-sample#clause-5-1-4-2"]
    assert chunks[0].meta["heading_path"] == "5 评价指标 > 5.1 售后服务体系 > 5.1.4.1 售后服务手册"
    assert chunks[0].text.startswith("5.1.4.1 售后服务手册\n")
    assert "question" not in chunks[0].meta and "conflicts_with" not in chunks[0].meta


# --------------------------------------------------------------------------- plain structure


def test_regulation_articles_are_chunks():
    chunks = _load("regulation_sample.txt")
    _assert_well_formed(chunks)
    assert [c.meta["article"] for c in chunks] == ["第十七条", "第二十五条", "第二十六条"]
    art25 = chunks[1]
    assert art25.text.startswith("第二十五条 获得认证证书的")
    assert "（一）" in art25.text and "（二）" in art25.text
    assert art25.meta["heading_path"] == "第一章 总则 > 第二十五条"


def test_plain_clause_lines():
    chunks = _load("standard_plain.txt")
    assert [c.meta["clause"] for c in chunks] == ["5.1.1", "5.1.2.1", "5.1.2.2"]
    assert chunks[1].meta["heading_path"] == "5.1.2 人员配置 > 5.1.2.1"


def test_faq_page_one_pair_per_chunk():
    chunks = _load("faq_page.txt")
    _assert_well_formed(chunks)
    assert [c.meta["question"] for c in chunks] == ["售后服务认证属于哪一类认证?", "证书的有效期是多久？", "哪些企业可以申请？"]
    assert "1 )监督不合格的须限期整改" in chunks[1].text  # numbered answer points stay with their pair
    assert all(len(QUESTION_LINE_RE.findall(c.text)) == 1 for c in chunks)


def test_asked_questions_with_wen_prefix():
    text = "问：证书有效期多久？\n答：三年。\n问：多久监督一次？\n答：每年一次。"
    chunks = chunk_document(_doc(text, "faq"), max_chars=200, min_chars=5)
    assert [c.meta["question"] for c in chunks] == ["证书有效期多久？", "多久监督一次？"]
    assert chunks[1].text == "问：多久监督一次？\n答：每年一次。"


def test_html_headings_become_heading_path():
    chunks = _load("page.html")
    assert [c.meta.get("heading_path") for c in chunks] == ["售后服务认证流程", "售后服务认证流程 > 现场评审"]
    assert chunks[0].text.startswith("售后服务认证流程\n企业先对照")


# --------------------------------------------------------------------------- size splitting


def test_long_pair_is_split_on_sentences_and_repeats_the_question():
    sentence = "认证机构每年对获证企业进行一次监督评审，发现问题须限期整改。"
    text = "8、管理体系认证和售后服务认证有什么区别?\n" + sentence * 30
    chunks = chunk_document(_doc(text, "faq"), max_chars=200, min_chars=40)
    _assert_well_formed(chunks, 200, 40)
    assert len(chunks) > 3
    for chunk in chunks:
        assert chunk.text.startswith("8、管理体系认证和售后服务认证有什么区别?")
        assert chunk.meta["question"] == "管理体系认证和售后服务认证有什么区别?"
        body = chunk.text.split("\n", 1)[1]
        assert body.startswith("认证机构") and body.endswith("。")  # cut between sentences
    assert "".join(c.text.split("\n", 1)[1] for c in chunks) == sentence * 30


def test_short_sections_stay_whole_and_tiny_tail_is_merged():
    body = "甲" * 150 + "。" + "乙" * 150 + "。" + "丙。"
    chunks = chunk_document(_doc("## 标题\n" + body), max_chars=200, min_chars=40)
    assert len(chunks) == 2
    assert chunks[-1].text.endswith("乙。丙。")


def test_sentence_without_punctuation_is_hard_cut():
    chunks = chunk_document(_doc("售后服务认证" * 500), max_chars=300, min_chars=40)
    _assert_well_formed(chunks, 300, 40)
    assert "".join(c.text for c in chunks) == "售后服务认证" * 500


def test_bare_headings_are_context_not_chunks():
    text = "# 总标题\n## 5.1 售后服务体系\n### 5.1.1 组织架构\n设立售后服务部门并合理设置职能，服务网点覆盖销售区域。"
    chunks = chunk_document(_doc(text, "standard"))
    assert len(chunks) == 1
    assert chunks[0].meta["heading_path"] == "总标题 > 5.1 售后服务体系 > 5.1.1 组织架构"


def test_tiny_plain_sections_merge_but_units_do_not():
    text = "一、概述\n短。\n二、正文\n" + "这是正文内容，长度足够形成一个独立的段落。" * 3
    chunks = chunk_document(_doc(text))
    assert len(chunks) == 1 and chunks[0].text.startswith("一、概述\n短。\n二、正文")
    faq = "1、问一?\n答。\n2、问二?\n答。"
    assert len(chunk_document(_doc(faq, "faq"))) == 2


def test_no_empty_chunks_from_blank_documents():
    assert chunk_document(_doc("\n\n   \n")) == []
    assert chunk_document(_doc("# 只有标题")) == []


def test_pages_from_page_starts():
    page1 = "第一页的内容。" * 12
    page2 = "第二页的内容。" * 12
    doc = _doc(page1 + "\n\n" + page2, "guide", page_starts=[(1, 0), (2, len(page1) + 2)])
    chunks = chunk_document(doc, max_chars=100, min_chars=10)
    assert chunks[0].meta["page"] == 1 and chunks[-1].meta["page"] == 2
    for chunk in chunks:
        assert ("第二页" in chunk.text) == (chunk.meta["page"] == 2)


def test_real_pdf_chunks_carry_page_numbers(tmp_path):
    from tests.test_loaders import _pdf_bytes

    path = tmp_path / "two.pdf"
    path.write_bytes(_pdf_bytes(["第一页：售后服务认证依据GB/T 27922-2011。", "第二页：证书有效期三年，每年监督一次。"]))
    chunks = chunk_document(clean_document(load_document(path, tmp_path)), max_chars=40, min_chars=5)
    assert [c.meta["page"] for c in chunks] == [1, 2]
    assert chunks[1].text.startswith("第二页")


def test_max_chars_must_leave_room():
    with pytest.raises(ValueError):
        chunk_document(_doc("x"), max_chars=50, min_chars=40)


# --------------------------------------------------------------------------- properties and scale

_HEADINGS = ["## 标题甲", "### 5.1.4.1 售后服务手册 {#c-1}", "一、总述", "（二）小节"]
_CONTENT = [
    "1、证书有效期多久？",
    "第二十五条 获得认证证书的，应当在认证范围内使用。",
    "认证机构每年监督一次。",
    "评审员到现场检查并评分，满分一百分，七十分以上达标",
    "甲" * 250 + "。",
    "",
]
_LINES = st.sampled_from(_HEADINGS + _CONTENT)


@settings(max_examples=150, deadline=None)
@given(st.lists(_LINES, max_size=30), st.sampled_from(["web", "faq", "standard", "regulation"]))
def test_chunks_are_well_formed_and_lose_no_content(lines, doc_type):
    text = "\n".join(lines)
    chunks = chunk_document(_doc(text, doc_type), max_chars=300, min_chars=40)
    _assert_well_formed(chunks, 300, 40)
    # every non-space character of the content lines appears in the chunks at least as often
    # (headings without a body are context only; continuation chunks repeat headings)
    wanted = Counter(ch for line in lines if line in _CONTENT for ch in line if not ch.isspace())
    have = Counter(ch for c in chunks for ch in c.text if not ch.isspace())
    assert not wanted - have


def test_multi_megabyte_text_chunks_quickly(monkeypatch):
    monkeypatch.setattr(chunking, "to_search_text", lambda text: text)  # OpenCC speed is not under test
    paragraph = "评审员到企业现场检查并评分。证书有效期三年，每年监督一次。" * 4
    text = "\n".join(f"{i}、问题{i}？\n{paragraph}" if i % 7 == 0 else paragraph for i in range(60_000))
    assert len(text) > 5_000_000
    start = time.perf_counter()
    chunks = chunk_document(_doc(text, "faq"))
    elapsed = time.perf_counter() - start
    assert chunks and elapsed < 15, elapsed
    assert sum(len(c.text) for c in chunks) >= len(text) * 0.95


# --------------------------------------------------------------------------- the real seed pages


@pytest.fixture(scope="module")
def seed_chunks() -> dict[str, list[Chunk]]:
    if not SEEDS.is_dir():
        pytest.skip(f"seeds not found at {SEEDS}")
    out = {}
    for path in sorted(SEEDS.glob("*.txt")):
        out[path.stem] = chunk_document(clean_document(load_document(path, SEEDS)))
    assert len(out) == 4
    return out


def test_seed_chunks_are_clean(seed_chunks):
    junk_line = re.compile(r"^.*(©|版权所有|发表评论|浏览\s*[:：]|咨询热线|联系我们|免责声明|免責聲明|整合网站|整合網站|^TOP$|^\d+评$).*$", re.M)
    for name, chunks in seed_chunks.items():
        assert chunks, name
        _assert_well_formed(chunks)
        # a page's hotline and address are kept apart, in its last section 联系方式, and only there
        contacts = [c for c in chunks if is_contacts_section(c.meta.get("heading_path", ""))]
        assert len(contacts) <= 1 and all(c is chunks[-1] for c in contacts), name
        chunks = [c for c in chunks if c not in contacts]
        for chunk in chunks:
            assert not pinyin_artifact_pattern().search(chunk.text), (name, chunk.text)
            assert not re.search(r"[\u4e00-\u9fff][(（][a-zü]+[)）]", chunk.text), name
            assert not re.search(r"1[3-9]\d{9}", chunk.text), (name, chunk.text)
            assert not junk_line.search(chunk.text), (name, junk_line.search(chunk.text).group(0))
            assert not pinyin_artifact_pattern().search(chunk.meta["title"])


def test_seed_000_has_nine_pairs_one_per_chunk(seed_chunks):
    chunks = next(v for k, v in seed_chunks.items() if k.startswith("000_"))
    pair_chunks = [c for c in chunks if "question" in c.meta]
    assert len(pair_chunks) == len(chunks) - 1  # the page title joins the first pair; its contacts follow
    assert chunks[-1].text.endswith("中科嘉艺《售后服务认证简单问答》联系方式：咨询热线:13521955237 13801085760，"
                                    "联系地址:北京市朝阳区双井优士阁A座12A07。")
    questions = list(dict.fromkeys(c.meta["question"] for c in pair_chunks))
    assert len(questions) == 9
    assert questions[0] == "商品售后服务认证,是哪一个类别的认证?"
    assert questions[8].endswith("商品售后服务认证的审核有什么特点?")
    for chunk in pair_chunks:
        assert len(QUESTION_LINE_RE.findall(chunk.text)) == 1, chunk.text
        assert chunk.meta["doc_type"] == "faq"
    by_question = {c.meta["question"]: c.text for c in pair_chunks}
    assert "属于服务认证类别" in by_question[questions[0]]
    assert "售后服务手册" in by_question[questions[6]]


def test_seed_003_keeps_traditional_text_without_the_advert(seed_chunks):
    chunks = next(v for k, v in seed_chunks.items() if k.startswith("003_"))
    *text, contacts = chunks
    joined = "\n".join(c.text for c in text)
    assert "售后服務" in joined and "五星級售后服務" in joined
    assert "在線客服" not in joined and "一站式" not in joined
    # the advert's telephone clause alone is kept, in the page's contacts section
    assert contacts.text.endswith("联系方式：如還需要了解更多專業性問題可以撥打中企檢測認證網在線客服13550333441。")
    assert "一站式" not in contacts.text
    assert chunks[0].meta["title"] == "河南商品售后服務體系認證,企業不可忽視的資質"
