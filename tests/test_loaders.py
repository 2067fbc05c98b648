"""Loading files: discovery, encodings, Markdown front matter, HTML, PDF and every failure mode."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from ingest.loaders import (
    SUPPORTED,
    decode_bytes,
    doc_id_for,
    guess_doc_type,
    html_to_text,
    iter_files,
    load_document,
    parse_front_matter,
    skipped_files,
)
from assistant.errors import IngestError
from ingest.model import DOC_TYPES

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


# --------------------------------------------------------------------------- PDF helpers


def _pdf_bytes(pages: list[str]) -> bytes:
    """A PDF with one line of Chinese text per page (reportlab's built-in CID font)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    for text in pages:
        if text:
            pdf.setFont("STSong-Light", 12)
            pdf.drawString(72, 750, text)
        else:
            pdf.rect(72, 600, 200, 100)  # a drawing, no text
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _encrypted(data: bytes, user: str, owner: str) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(data)).pages:
        writer.add_page(page)
    writer.encrypt(user_password=user, owner_password=owner)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


TWO_PAGES = ["第一页：售后服务认证依据GB/T 27922-2011。", "第二页：证书有效期三年，每年监督一次。"]


# --------------------------------------------------------------------------- discovery


def test_iter_files_sorted_recursive_skipping_hidden_and_unsupported(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    for rel in ("b/z.md", "a.txt", "b/c.pdf", ".hidden.md", ".git/x.md", "notes.pptx", "b/page.HTML"):
        (tmp_path / rel).write_text("x", encoding="utf-8")
    found = [(f.relative_to(tmp_path).as_posix(), root) for f, root in iter_files([tmp_path])]
    assert found == [("a.txt", tmp_path), ("b/c.pdf", tmp_path), ("b/page.HTML", tmp_path), ("b/z.md", tmp_path)]
    skipped = skipped_files([tmp_path])
    assert skipped == [(tmp_path / "notes.pptx", f"跳过不支持的文件类型 .pptx：{tmp_path / 'notes.pptx'}")]


def test_single_file_root_is_its_parent_and_missing_paths_are_reported(tmp_path):
    file = tmp_path / "one.md"
    file.write_text("# 标题\n\n正文。", encoding="utf-8")
    assert list(iter_files([file])) == [(file, tmp_path)]
    missing = tmp_path / "nope"
    assert list(iter_files([missing])) == []
    assert skipped_files([missing]) == [(missing, f"跳过不存在的路径：{missing}")]


def test_supported_extensions():
    assert SUPPORTED == {".md", ".markdown", ".txt", ".text", ".html", ".htm", ".pdf", ".docx", ".xlsx", ".csv",
                         ".png", ".jpg", ".jpeg"}


def test_doc_id_from_front_matter_or_relative_path(tmp_path):
    path = tmp_path / "faq" / "eligibility.md"
    assert doc_id_for(path, tmp_path, {"id": "faq-eligibility"}) == "faq-eligibility"
    assert doc_id_for(path, tmp_path, {}) == "faq/eligibility"
    assert doc_id_for(path, tmp_path, None) == "faq/eligibility"


# --------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    "name, encoding, expected",
    [
        ("gbk_notice.txt", "gb18030", "证书有效期为三年"),
        ("big5_notice.txt", "big5", "證書有效期為三年"),
        ("utf16_notice.txt", "utf-16", "售后服务认证：有效期三年。"),
        ("utf8_bom_notice.txt", "utf-8-sig", "售后服务认证：有效期三年。"),
        ("faq_page.txt", "utf-8", "售后服务认证常见问题"),
    ],
)
def test_text_encodings_are_detected(name, encoding, expected):
    doc = load_document(FIXTURES / name, FIXTURES)
    assert doc.meta["encoding"] == encoding
    assert expected in doc.text
    assert not doc.text.startswith("\ufeff")


@pytest.mark.parametrize(
    "text",
    ["售后服务认证", "评审员到企业现场检查并评分。", "企业", "五星级售后服务单位，得分95分以上。"],
)
def test_short_gbk_is_not_mistaken_for_big5(text):
    assert decode_bytes(text.encode("gbk")) == (text, "gb18030")


@pytest.mark.parametrize("text", ["售後服務認證", "評審員到企業現場檢查並評分。", "企業", "五星級"])
def test_short_big5_is_not_mistaken_for_gbk(text):
    assert decode_bytes(text.encode("big5")) == (text, "big5")


def test_traditional_text_saved_as_gbk_stays_gbk():
    text = "售後服務認證，證書有效期三年。"
    assert decode_bytes(text.encode("gbk")) == (text, "gb18030")


def test_binary_data_with_text_extension_is_rejected(tmp_path):
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(IngestError, match="二进制"):
        load_document(path, tmp_path)


def test_undecodable_bytes_without_nul_are_rejected(tmp_path):
    path = tmp_path / "garbage.md"
    path.write_bytes(bytes([0x81, 0xFF, 0x80, 0xFE, 0x01, 0x02, 0x03, 0x04] * 64))
    with pytest.raises(IngestError) as err:
        load_document(path, tmp_path)
    assert "\n" not in str(err.value)


# --------------------------------------------------------------------------- failures


def test_empty_file_is_rejected(tmp_path):
    path = tmp_path / "empty.md"
    path.write_bytes(b"")
    with pytest.raises(IngestError, match="文件为空"):
        load_document(path, tmp_path)


def test_whitespace_only_file_is_rejected(tmp_path):
    path = tmp_path / "blank.txt"
    path.write_text(" \n\n\t\n", encoding="utf-8")
    with pytest.raises(IngestError, match="没有文字内容"):
        load_document(path, tmp_path)


def test_vanished_file_is_reported(tmp_path):
    with pytest.raises(IngestError, match="不存在"):
        load_document(tmp_path / "gone.txt", tmp_path)


def test_file_over_size_limit_is_rejected(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("售后服务认证。" * 1000, encoding="utf-8")
    with pytest.raises(IngestError, match="文件过大"):
        load_document(path, tmp_path, max_bytes=1000)


def test_large_text_file_loads(tmp_path):
    path = tmp_path / "large.txt"
    line = "证书有效期三年，每年监督评审一次，评审员到现场检查并评分。\n"
    path.write_text(line * 120_000, encoding="utf-8")  # ~10 MB of UTF-8
    doc = load_document(path, tmp_path)
    assert len(doc.text) == len(line) * 120_000
    assert doc.meta["encoding"] == "utf-8"


def test_unsupported_extension_is_rejected(tmp_path):
    path = tmp_path / "a.pptx"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(IngestError, match="不支持的文件类型"):
        load_document(path, tmp_path)


def test_all_error_messages_are_one_line(tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4\n garbage")
    for path in (bad, tmp_path / "missing.md"):
        with pytest.raises(IngestError) as err:
            load_document(path, tmp_path)
        assert "\n" not in str(err.value) and str(path) in str(err.value)


# --------------------------------------------------------------------------- Markdown


def test_markdown_front_matter_becomes_meta():
    doc = load_document(FIXTURES / "corpus_faq.md", FIXTURES)
    assert doc.doc_id == "faq-sample"
    assert doc.title == "示例常见问题"
    assert doc.doc_type == "faq"
    assert doc.source == "认证机构常见问题（示例）"
    assert doc.meta["conflicts_with"] == ["web-indicators-27", "web-other"]
    assert doc.meta["pairs"]["category"]["variants"][1] == "售后认证算哪类认证"
    assert doc.fmt == "markdown"
    assert not doc.text.startswith("---")


def test_markdown_title_from_heading_then_stem(tmp_path):
    (tmp_path / "a.md").write_text("前言\n\n# 售后服务手册 {#manual}\n\n正文。", encoding="utf-8")
    (tmp_path / "b.md").write_text("只有正文。", encoding="utf-8")
    assert load_document(tmp_path / "a.md", tmp_path).title == "售后服务手册"
    assert load_document(tmp_path / "b.md", tmp_path).title == "b"


def test_bad_front_matter_is_a_clear_error(tmp_path):
    path = tmp_path / "bad.md"
    path.write_text("---\ntitle: [unclosed\n---\n正文", encoding="utf-8")
    with pytest.raises(IngestError, match="YAML"):
        load_document(path, tmp_path)


def test_invalid_doc_type_is_rejected(tmp_path):
    path = tmp_path / "x.md"
    path.write_text("---\ndoc_type: novel\n---\n正文。", encoding="utf-8")
    with pytest.raises(IngestError, match="doc_type"):
        load_document(path, tmp_path)


def test_parse_front_matter_without_header_returns_text():
    assert parse_front_matter("# 标题\n正文") == ({}, "# 标题\n正文")


# --------------------------------------------------------------------------- HTML


def test_html_drops_page_chrome_and_keeps_structure():
    doc = load_document(FIXTURES / "page.html", FIXTURES)
    assert doc.fmt == "html" and doc.doc_type == "web"
    assert doc.title == "售后服务认证流程 - 某认证网"
    for junk in ("tracking", "广告脚本", "新闻", "正文", "分享到", "限时优惠", "隐藏", "注释", "热门文章", "网友评论", "版权所有", "html"):
        assert junk not in doc.text, junk
    lines = doc.text.splitlines()
    assert "# 售后服务认证流程" in lines
    assert "## 现场评审" in lines
    # source line breaks inside a paragraph are HTML whitespace, <br> is a real break
    assert "企业先对照GB/T 27922-2011进行自我评估，再选择有资质的认证机构提交申请。" in lines
    assert "评审组面谈管理层，查阅服务记录，" in lines
    assert "文件审核" in lines and "现场评审" in lines


def test_html_title_falls_back_to_h1():
    text, title = html_to_text("<html><body><h1>证书有效期</h1><p>三年。</p></body></html>")
    assert title == "证书有效期"
    assert text == "# 证书有效期\n\n三年。"


def test_html_keeps_main_content_with_junk_sounding_body_class():
    text, _ = html_to_text('<body class="nav-open"><article class="post"><p>正文保留。</p></article></body>')
    assert text == "正文保留。"


# --------------------------------------------------------------------------- PDF


def test_two_page_pdf_records_page_starts(tmp_path):
    path = tmp_path / "std.pdf"
    path.write_bytes(_pdf_bytes(TWO_PAGES))
    doc = load_document(path, tmp_path)
    assert doc.fmt == "pdf"
    assert [p for p, _ in doc.page_starts] == [1, 2]
    (_, first), (_, second) = doc.page_starts
    assert doc.text[first:].startswith("第一页")
    assert doc.text[second:].startswith("第二页")
    assert doc.title == TWO_PAGES[0]


def test_encrypted_pdf_is_rejected(tmp_path):
    path = tmp_path / "secret.pdf"
    path.write_bytes(_encrypted(_pdf_bytes(TWO_PAGES), user="secret", owner="secret"))
    with pytest.raises(IngestError, match="加密"):
        load_document(path, tmp_path)


def test_pdf_with_empty_user_password_opens(tmp_path):
    path = tmp_path / "owner-only.pdf"
    path.write_bytes(_encrypted(_pdf_bytes(TWO_PAGES), user="", owner="owner"))
    assert "第二页" in load_document(path, tmp_path).text


@pytest.mark.parametrize("cut", [0.1, 0.5, 0.98])
def test_truncated_pdf_is_rejected(tmp_path, cut):
    data = _pdf_bytes(TWO_PAGES)
    path = tmp_path / "broken.pdf"
    path.write_bytes(data[: int(len(data) * cut)])
    with pytest.raises(IngestError, match="损坏"):
        load_document(path, tmp_path)


def test_pdf_without_text_is_rejected(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(_pdf_bytes(["", ""]))
    with pytest.raises(IngestError, match="没有可提取的文字"):
        load_document(path, tmp_path)


# --------------------------------------------------------------------------- doc type


@pytest.mark.parametrize(
    "text, title, fmt, expected",
    [
        ("第一条 总则\n第二条 定义\n第三条 适用", "条例", "text", "regulation"),
        ("5.1.1 组织\n5.1.2 人员\n5.1.3 资源", "GB/T 27922-2011", "pdf", "standard"),
        ("## 5.1.1 组织\n## 5.1.2 人员\n## 5.1.3 资源", "商品售后服务评价标准", "markdown", "standard"),
        ("5.1.1 组织\n5.1.2 人员\n5.1.3 资源", "读书笔记", "markdown", "guide"),
        ("1、是什么?\n答\n2、多久？\n答\n3.谁可以申请？\n答", "问答", "text", "faq"),
        ("问：是什么\n答：a\n问：多久\n答：b\n问：谁\n答：c", "问答", "html", "faq"),
        ("普通网页正文。", "新闻", "html", "web"),
        ("普通网页正文。", "新闻", "text", "web"),
        ("一段说明。", "指南", "markdown", "guide"),
        ("一段说明。", "指南", "pdf", "guide"),
        ("5.1.1 组织\n5.1.2 人员\n5.1.3 资源", "商品售后服務評價標準", "pdf", "standard"),  # traditional title
    ],
)
def test_guess_doc_type(text, title, fmt, expected):
    assert guess_doc_type(text, title, fmt) == expected
    assert expected in DOC_TYPES


def test_front_matter_doc_type_wins_over_guess():
    assert load_document(FIXTURES / "standard_sample.md", FIXTURES).doc_type == "standard"


def test_fixture_doc_types():
    assert load_document(FIXTURES / "faq_page.txt", FIXTURES).doc_type == "faq"
    assert load_document(FIXTURES / "regulation_sample.txt", FIXTURES).doc_type == "regulation"
    assert load_document(FIXTURES / "boilerplate_page.txt", FIXTURES).doc_type == "web"


def test_text_title_skips_breadcrumbs():
    assert load_document(FIXTURES / "boilerplate_page.txt", FIXTURES).title == "售后服务认证的评审特点"


# --------------------------------------------------------------------------- seeds


@pytest.fixture(scope="module")
def seed_files():
    if not SEEDS.is_dir():
        pytest.skip(f"seeds not found at {SEEDS}")
    return sorted(SEEDS.glob("*.txt"))


def test_all_seeds_load(seed_files):
    assert len(seed_files) == 4
    for path in seed_files:
        doc = load_document(path, SEEDS)
        assert doc.doc_id == path.stem and doc.text.strip() and doc.meta["encoding"] == "utf-8"
    assert load_document(seed_files[0], SEEDS).doc_type == "faq"
