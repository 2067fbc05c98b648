"""Word, Excel and CSV documents, the originals folder and upload checks, on real generated files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.chunking import chunk_document
from ingest.loaders import iter_files, load_document, skipped_files
from assistant.errors import IngestError
from ingest.normalize import clean_document
from ingest.office import docx_text, format_number
from ingest.originals import OriginalNotFound, keep_original, resolve_original, safe_original_path
from ingest.uploads import ACCEPTED_EXTENSIONS, upload_rejection
from office_files import (
    FAQ_ROWS, FOOTER_TEXT, HEADER_TEXT, SCORE_ROWS, TEXTBOX_TEXT, add_text_box, make_docx, make_xlsx,
)


def chunks_of(path: Path):
    doc = clean_document(load_document(path, path.parent))
    return doc, chunk_document(doc)


# --------------------------------------------------------------------------- Word


def test_docx_headings_numbers_table_textbox_and_header_footer(tmp_path):
    path = make_docx(tmp_path / "manual.docx")
    text, title = docx_text(path.read_bytes())
    assert title == "售后服务管理手册"
    # automatic list numbers are rendered as Word shows them
    assert "1. 明确的保修期限\n2. 上门服务的响应时间\n3. 投诉处理的流程" in text
    # the table keeps its header, once as a line and with every row
    assert "指标 | 满分 | 要求" in text
    assert "指标：服务承诺 | 满分：10 | 要求：承诺内容明确并公开" in text
    # the text box (stored twice in the XML: modern + VML fallback) and header/footer: once each
    for once in (TEXTBOX_TEXT, HEADER_TEXT, FOOTER_TEXT):
        assert text.count(once) == 1, once


def test_docx_chunks_carry_heading_path_and_clause(tmp_path):
    doc, chunks = chunks_of(make_docx(tmp_path / "manual.docx"))
    assert doc.fmt == "docx" and doc.title == "售后服务管理手册"
    by_text = {c.text.split("\n")[0]: c for c in chunks}
    system = next(c for c in chunks if "专职服务人员" in c.text)
    assert system.meta["clause"] == "5.1"
    assert system.meta["heading_path"] == "售后服务管理手册 > 5 售后服务要求 > 5.1 服务体系"
    promise = next(c for c in chunks if "上门服务的响应时间" in c.text)
    assert promise.meta["clause"] == "5.2" and "2. 上门服务的响应时间" in promise.text
    table = next(c for c in chunks if "满分：8" in c.text)
    assert table.meta["heading_path"].endswith("6 评价指标") and "指标 | 满分 | 要求" in table.text
    assert sum(TEXTBOX_TEXT in c.text for c in chunks) == 1
    assert by_text  # every chunk has text


def test_docx_numbering_formats():
    assert [format_number(n, "chineseCounting") for n in (1, 10, 12, 20, 35)] == ["一", "十", "十二", "二十", "三十五"]
    assert format_number(4, "lowerLetter") == "d" and format_number(9, "upperRoman") == "IX"
    assert format_number(3, "decimalEnclosedCircle") == "③" and format_number(2, "ideographTraditional") == "乙"


def test_docx_chinese_multilevel_numbering(tmp_path):
    """A list defined in numbering.xml as "第%1章" / "%1.%2": numbers follow the levels."""
    from docx import Document
    from docx.oxml import parse_xml

    doc = Document()
    numbering = doc.part.numbering_part.element
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    numbering.append(parse_xml(
        f'<w:abstractNum xmlns:w="{w}" w:abstractNumId="90">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="（%2）"/></w:lvl>'
        "</w:abstractNum>"))
    numbering.append(parse_xml(f'<w:num xmlns:w="{w}" w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))

    def numbered(text: str, level: int) -> None:
        p = doc.add_paragraph(text)
        p._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr xmlns:w="{w}"><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>'))

    numbered("总则", 0)
    numbered("适用范围", 1)
    numbered("术语", 1)
    numbered("服务要求", 0)
    numbered("网点建设", 1)
    path = tmp_path / "numbers.docx"
    doc.save(path)
    text, _ = docx_text(path.read_bytes())
    assert text.split("\n") == ["一、总则", "（1）适用范围", "（2）术语", "二、服务要求", "（1）网点建设"]


def test_docx_table_with_merged_cells_reads_each_cell_once(tmp_path):
    from docx import Document

    doc = Document()
    table = doc.add_table(rows=3, cols=3)
    for cell, text in zip(table.rows[0].cells, ("一级指标", "二级指标", "满分")):
        cell.text = text
    merged = table.cell(1, 0).merge(table.cell(2, 0))  # vertical merge
    merged.text = "服务体系"
    table.cell(1, 1).text, table.cell(1, 2).text = "组织架构", "6"
    table.cell(2, 1).text, table.cell(2, 2).text = "服务制度", "4"
    path = tmp_path / "merged.docx"
    doc.save(path)
    text, _ = docx_text(path.read_bytes())
    assert "一级指标：服务体系 | 二级指标：组织架构 | 满分：6" in text
    assert "一级指标：服务体系 | 二级指标：服务制度 | 满分：4" in text


def test_docx_text_box_only_document_is_not_lost(tmp_path):
    from docx import Document

    doc = Document()
    add_text_box(doc.add_paragraph(), "仅在文本框中的说明文字")
    path = tmp_path / "box.docx"
    doc.save(path)
    assert load_document(path, tmp_path).text.count("仅在文本框中的说明文字") == 1


@pytest.mark.parametrize(("name", "data", "fragment"), [
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "另存为” .docx"),
    ("wps.wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "另存为” .docx"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "另存为” .xlsx"),
])
def test_legacy_office_formats_get_a_save_as_message(tmp_path, name, data, fragment):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(IngestError, match=fragment) as info:
        load_document(path, tmp_path)
    assert "\n" not in str(info.value) and "WPS" in str(info.value)
    assert [(p.name, reason) for p, reason in skipped_files([tmp_path])][0][1].startswith("不支持 ")
    assert list(iter_files([tmp_path])) == []


@pytest.mark.parametrize(("name", "data", "fragment"), [
    ("renamed.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "另存为 .docx"),
    ("broken.docx", b"PK\x03\x04 not really a zip", "已损坏"),
    ("text.docx", "只是文本".encode(), "已损坏"),
    ("broken.xlsx", b"PK\x03\x04 nope", "已损坏"),
])
def test_broken_office_files_are_one_line_chinese_errors(tmp_path, name, data, fragment):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(IngestError, match=fragment) as info:
        load_document(path, tmp_path)
    assert "\n" not in str(info.value) and name in str(info.value)


# --------------------------------------------------------------------------- Excel / CSV


def test_faq_xlsx_becomes_one_pair_per_chunk_with_variants(tmp_path):
    path = make_xlsx(tmp_path / "faq.xlsx", FAQ_ROWS, title_row="认证常见问题汇总")
    doc, chunks = chunks_of(path)
    assert doc.doc_type == "faq"
    assert len(chunks) == 3
    first = chunks[0]
    assert first.meta["question"] == "售后服务认证证书有效期是几年？"
    assert first.meta["variants"].split("\n") == ["证书几年有效", "证书多久过期"]
    assert "证书有效期为三年" in first.text and "来源：认证机构常见问题" in first.text
    assert "材料" not in first.text  # the next pair is its own chunk
    assert chunks[2].meta["question"] == "申请认证需要准备哪些材料？" and "variants" not in chunks[2].meta


@pytest.mark.parametrize("header", [("问", "答", "近义问法", "条款"), ("Q", "A", "相似问题", "来源")])
def test_faq_header_aliases(tmp_path, header):
    rows = [header, ("证书有效期几年？", "三年。", "证书几年有效", "5.1")]
    _, chunks = chunks_of(make_xlsx(tmp_path / "faq.xlsx", rows))
    assert [c.meta["question"] for c in chunks] == ["证书有效期几年？"]
    assert chunks[0].meta["variants"] == "证书几年有效"


def test_faq_csv_in_gbk(tmp_path):
    path = tmp_path / "常见问题.csv"
    path.write_bytes("问题,答案,相似问题\n证书有效期几年？,三年。,证书几年有效\n星级怎么分？,按得分划分。,\n".encode("gbk"))
    doc, chunks = chunks_of(path)
    assert doc.doc_type == "faq" and doc.meta["encoding"] == "gb18030"
    assert [c.meta["question"] for c in chunks] == ["证书有效期几年？", "星级怎么分？"]


def test_other_tables_are_rows_with_headers(tmp_path):
    rows = [("网点名称", "所在城市", "服务电话区号"), ("华东服务中心", "上海", "021"), ("华南服务中心", "广州", "020")]
    doc, chunks = chunks_of(make_xlsx(tmp_path / "网点.xlsx", rows, sheet="服务网点"))
    assert doc.doc_type == "guide"
    text = "\n".join(c.text for c in chunks)
    assert "网点名称：华东服务中心 | 所在城市：上海 | 服务电话区号：021" in text
    assert "网点名称：华南服务中心 | 所在城市：广州" in text
    assert all(c.meta["heading_path"].endswith("服务网点") for c in chunks)


def test_workbook_with_faq_and_table_sheets(tmp_path):
    path = make_xlsx(tmp_path / "mixed.xlsx", FAQ_ROWS, sheet="问答",
                     extra_sheets={"网点": [("城市", "网点数"), ("上海", 3)]})
    _, chunks = chunks_of(path)
    questions = [c.meta.get("question") for c in chunks if c.meta.get("question")]
    assert len(questions) == 3
    assert any("城市：上海 | 网点数：3" in c.text for c in chunks)


def test_empty_workbook_is_an_error(tmp_path):
    path = make_xlsx(tmp_path / "empty.xlsx", [])
    with pytest.raises(IngestError, match="没有数据"):
        load_document(path, tmp_path)


# --------------------------------------------------------------------------- score sheets


def run_score(*args: str) -> tuple[int, str, str]:
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "assistant", "score", *args], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[1], check=False)
    return proc.returncode, proc.stdout, proc.stderr


def test_score_sheet_xlsx_through_the_cli(tmp_path):
    path = make_xlsx(tmp_path / "评分表.xlsx", SCORE_ROWS, title_row="售后服务评价评分表")
    code, out, err = run_score("--sheet", str(path), "--json")
    assert code == 0, err
    result = json.loads(out)
    # 技术支持 is not applicable (是否涉及=否): applicable total 18, earned 16.5 -> 91.67 (exact 275/3)
    assert result["applicable_total"] == 18 and result["earned_total"] == 16.5
    assert result["score_exact"] == "275/3" and result["grade"] == "四星级"
    assert [r["name"] for r in result["rows"]] == ["服务承诺", "投诉处理", "技术支持"]
    assert result["rows"][2]["excluded"] is True


def test_score_sheet_xlsx_same_result_as_csv(tmp_path):
    xlsx = make_xlsx(tmp_path / "s.xlsx", SCORE_ROWS)
    csv_path = tmp_path / "s.csv"
    csv_path.write_text("\n".join(",".join("" if v is None else str(v) for v in row) for row in SCORE_ROWS),
                        encoding="utf-8")
    results = []
    for path in (xlsx, csv_path):
        code, out, err = run_score("--sheet", str(path), "--json", "--special-deductions", "1")
        assert code == 0, err
        results.append(json.loads(out))
    assert results[0] == results[1]
    assert results[0]["score_exact"] == "272/3"


@pytest.mark.parametrize(("rows", "fragments"), [
    ([("指标", "满分", "得分"), ("服务承诺", 10, 12)], ["评分表第 3 行", "服务承诺", "超过满分"]),
    ([("指标", "满分", "得分"), ("服务承诺", 10, "九分")], ["评分表第 3 行", "阿拉伯数字"]),
    ([("指标", "满分", "得分", "是否涉及"), ("服务承诺", 10, 5, "也许")], ["第 3 行", "是否涉及", "是 或 否"]),
    ([("名称", "数量"), ("a", 1)], ["没有找到评分表", "指标/项目"]),
    ([("项目", "分值", "实得", "权重"), ("服务承诺", 10, 5, 3)], ["未知列「权重」"]),
])
def test_score_sheet_row_errors_are_chinese_and_name_the_row(tmp_path, rows, fragments):
    path = make_xlsx(tmp_path / "bad.xlsx", rows, title_row="评分表")
    code, out, err = run_score("--sheet", str(path))
    assert code == 2 and out == ""
    assert err.startswith("错误：") and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, (fragment, err)


def test_score_sheet_aliases_project_and_actual(tmp_path):
    rows = [("项目", "分值", "实得", "删减"), ("服务承诺", 10, 8, ""), ("技术支持", 10, None, "是")]
    code, out, err = run_score("--sheet", str(make_xlsx(tmp_path / "s.xlsx", rows)), "--json")
    assert code == 0, err
    assert json.loads(out)["score_exact"] == "80"


# --------------------------------------------------------------------------- originals


def test_keep_original_is_content_addressed_and_resolves(tmp_path):
    data_dir = tmp_path / "data"
    a = tmp_path / "a.docx"
    make_docx(a)
    b = tmp_path / "copy-of-a.docx"
    b.write_bytes(a.read_bytes())
    kept_a = keep_original(a, data_dir)
    kept_b = keep_original(b, data_dir)
    assert kept_a["original"] == kept_b["original"]  # same bytes, stored once
    assert kept_a["original"] == f"originals/{kept_a['original_sha256']}.docx"
    assert len(list((data_dir / "originals").iterdir())) == 1
    manifests = {"manual": {"original": kept_a["original"], "original_name": "a.docx"}}
    ref = resolve_original(data_dir, manifests, "manual", page=3, highlight="服务承诺")
    assert ref.path.read_bytes() == a.read_bytes() and ref.path.is_relative_to(data_dir.resolve())
    assert ref.filename == "a.docx" and ref.page == 3 and ref.fragment == ""
    assert ref.media_type.endswith("wordprocessingml.document")


@pytest.mark.parametrize("bad", [
    "../secret.txt", "originals/../../secret.txt", "/etc/passwd", "originals/../chroma/x",
    "originals/" + "a" * 64 + "/../../secret.txt", "originals\\..\\secret.txt", "", "originals/notahash.pdf",
])
def test_original_paths_never_leave_the_data_dir(tmp_path, bad):
    data_dir = tmp_path / "data"
    (data_dir / "originals").mkdir(parents=True)
    (tmp_path / "secret.txt").write_text("secret")
    with pytest.raises(OriginalNotFound):
        safe_original_path(data_dir, bad)
    with pytest.raises(OriginalNotFound):
        resolve_original(data_dir, {"doc": {"original": bad}}, "doc")


def test_original_link_escaping_the_folder_is_refused(tmp_path):
    data_dir = tmp_path / "data"
    (data_dir / "originals").mkdir(parents=True)
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(b"%PDF-1.4")
    name = "b" * 64 + ".pdf"
    (data_dir / "originals" / name).symlink_to(outside)
    with pytest.raises(OriginalNotFound):
        safe_original_path(data_dir, f"originals/{name}")


def test_unknown_doc_and_missing_original(tmp_path):
    with pytest.raises(OriginalNotFound, match="没有文档"):
        resolve_original(tmp_path, {}, "../../etc/passwd")
    with pytest.raises(OriginalNotFound, match="重新导入"):
        resolve_original(tmp_path, {"old": {}}, "old")
    with pytest.raises(OriginalNotFound, match="原文件已不在"):
        resolve_original(tmp_path, {"gone": {"original": "originals/" + "c" * 64 + ".pdf"}}, "gone")
    kept = keep_original(make_docx(tmp_path / "m.docx"), tmp_path)
    with pytest.raises(OriginalNotFound, match="页码"):
        resolve_original(tmp_path, {"m": kept}, "m", page="../1")


def test_ingest_keeps_originals_and_records_them(tmp_path, settings):
    from assistant.kb import ingest, list_documents, open_store, show_document

    src = tmp_path / "docs"
    src.mkdir()
    make_docx(src / "manual.docx")
    make_xlsx(src / "faq.xlsx", FAQ_ROWS)
    report, _ = ingest(settings, [src], progress=False)
    assert report.ok, report.errors
    assert {d["doc_id"] for d in list_documents(settings)} == {"manual", "faq"}
    manifests = open_store(settings).manifests()
    for doc_id, name in (("manual", "manual.docx"), ("faq", "faq.xlsx")):
        ref = resolve_original(settings.data_dir, manifests, doc_id)
        assert ref.path.read_bytes() == (src / name).read_bytes() and ref.filename == name
    assert show_document(settings, "manual")["original"].startswith("originals/")


# --------------------------------------------------------------------------- uploads


def test_upload_rejection_messages():
    mb = 1024 * 1024
    for ext in ACCEPTED_EXTENSIONS:
        assert upload_rejection(f"文件{ext}", 10, 20 * mb) is None
    assert "另存为” .docx" in upload_rejection("制度.doc", 10, 20 * mb)
    assert "另存为” .xlsx" in upload_rejection("评分.xls", 10, 20 * mb)
    assert "不支持" in upload_rejection("演示.pptx", 10, 20 * mb) and "Word（.docx）" in upload_rejection("a.exe", 1, mb)
    assert "无扩展名" in upload_rejection("README", 10, mb)
    too_big = upload_rejection("大文件.pdf", 25 * mb, 20 * mb)
    assert "过大" in too_big and "25.0 MB" in too_big and "20 MB" in too_big
    assert "空文件" in upload_rejection("a.pdf", 0, mb)
    assert "扩展名与内容不符" in upload_rejection("a.pdf", 100, mb, head=b"PK\x03\x04")
    assert "扩展名与内容不符" in upload_rejection("a.png", 100, mb, head=b"%PDF-1.4")
    assert "旧版或已加密" in upload_rejection("a.docx", 100, mb, head=b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    assert "二进制" in upload_rejection("a.txt", 100, mb, head=b"\x00\x01\x02binary")
    assert upload_rejection("../../etc/评分表.xlsx", 100, mb, head=b"PK\x03\x04") is None
    assert upload_rejection("说明.txt", 100, mb, head="售后服务".encode()) is None
    for message in (upload_rejection("a.doc", 1, mb), upload_rejection("b.zip", 1, mb)):
        assert "\n" not in message and any("\u4e00" <= ch <= "\u9fff" for ch in message)


def test_docx_and_faq_xlsx_answer_with_citations(tmp_path, settings, capsys):
    from assistant.cli import main

    src = tmp_path / "docs"
    src.mkdir()
    make_docx(src / "manual.docx")
    make_xlsx(src / "faq.xlsx", FAQ_ROWS)
    assert main(["ingest", str(src), "--data-dir", str(settings.data_dir)]) == 0
    capsys.readouterr()
    batch = tmp_path / "q.jsonl"
    batch.write_text("\n".join(json.dumps({"id": i, "question": q}, ensure_ascii=False) for i, q in enumerate([
        "证书几年有效",  # a variant from the 相似问题 column
        "售后服务网络应配备什么样的服务人员？",
    ])), encoding="utf-8")
    assert main(["ask", "--batch", str(batch), "--json", "--data-dir", str(settings.data_dir)]) == 0
    faq, manual = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert not faq["abstained"] and faq["citations"][0]["source"] == "faq"
    assert faq["citations"][0]["locator"] == "问：售后服务认证证书有效期是几年？"
    assert "三年" in faq["answer"] and "[1]" in faq["answer"]
    assert not manual["abstained"] and manual["citations"][0]["source"] == "manual"
    assert manual["citations"][0]["locator"] == "第5.1条" and "专职服务人员" in manual["answer"]


def test_load_sheet_rows_for_the_app(tmp_path):
    from assistant.cli.score import load_sheet_rows
    from assistant.errors import UserError
    from assistant.pipeline.tools import run_calculate_grade

    rows = load_sheet_rows(make_xlsx(tmp_path / "s.xlsx", SCORE_ROWS))
    assert [r["指标"] for r in rows] == ["服务承诺", "投诉处理", "技术支持"] and all("_row" not in r for r in rows)
    assert run_calculate_grade({"rows": rows})["score_exact"] == "275/3"
    with pytest.raises(UserError, match="评分表第 2 行"):
        load_sheet_rows(make_xlsx(tmp_path / "bad.xlsx", [("指标", "满分", "得分"), ("a", 10, 11)]))


def test_deleting_a_document_removes_its_original_unless_shared(tmp_path, settings):
    from assistant.kb import delete_document, ingest, open_store

    src = tmp_path / "docs"
    src.mkdir()
    make_docx(src / "a.docx")
    (src / "b.docx").write_bytes((src / "a.docx").read_bytes())  # same content, another document
    make_xlsx(src / "faq.xlsx", FAQ_ROWS)
    assert ingest(settings, [src], progress=False)[0].ok
    originals = settings.data_dir / "originals"
    assert len(list(originals.iterdir())) == 2
    manifests = open_store(settings).manifests()
    shared = manifests["a"].extra["original"]
    assert manifests["b"].extra["original"] == shared
    assert delete_document(settings, "a") and (settings.data_dir / shared).exists()  # b still uses it
    assert delete_document(settings, "b") and not (settings.data_dir / shared).exists()
    faq_original = settings.data_dir / manifests["faq"].extra["original"]
    assert faq_original.exists() and delete_document(settings, "faq") and not faq_original.exists()
    assert list(originals.iterdir()) == []


def test_docx_junk_core_title_falls_back_to_the_first_heading(tmp_path):
    from docx import Document

    doc = Document()
    doc.core_properties.title = "Microsoft Word - 旧稿.doc"
    doc.add_heading("服务网点管理办法", level=1)
    doc.add_paragraph("服务网点应统一标识并公布服务电话。")
    p = doc.add_paragraph("被删除的文字不应出现。")
    from docx.oxml import parse_xml

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    p._p.append(parse_xml(f'<w:del xmlns:w="{w}" w:id="1" w:author="a"><w:r><w:delText>已删除</w:delText></w:r></w:del>'))
    path = tmp_path / "t.docx"
    doc.save(path)
    text, title = docx_text(path.read_bytes())
    assert title == "服务网点管理办法" and "已删除" not in text and "## 服务网点管理办法" in text


def test_a_table_sheets_rows_and_a_spec_sheets_lines_are_quoted_in_answers(tmp_path, settings, capsys):
    """A table row ("城市：上海 | 网点数：12") and a spec line ("回访周期：每季度一次") have no
    sentence end; they are the answer, not titles to leave out."""
    from assistant.cli import main

    src = tmp_path / "docs"
    src.mkdir()
    make_xlsx(src / "网点.xlsx", [("服务中心", "所在城市", "响应承诺"), ("华东服务中心", "上海", "两小时内上门"),
                                 ("华南服务中心", "广州", "四小时内上门")], sheet="服务中心")
    (src / "spec.md").write_text("# 服务规范摘要\n\n本规范适用于公司全部服务网点和客服人员。\n回访周期：每季度一次\n"
                                 "投诉受理渠道：热线与官网\n", encoding="utf-8")
    assert main(["ingest", str(src), "--data-dir", str(settings.data_dir)]) == 0
    capsys.readouterr()
    batch = tmp_path / "q.jsonl"
    batch.write_text("\n".join(json.dumps({"id": i, "question": q}, ensure_ascii=False) for i, q in enumerate([
        "华南服务中心在哪个城市，多久上门？", "回访周期是多久？"])), encoding="utf-8")
    assert main(["ask", "--batch", str(batch), "--json", "--data-dir", str(settings.data_dir)]) == 0
    table, spec = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert not table["abstained"] and "四小时内上门" in table["answer"] and "广州" in table["answer"], table["answer"]
    assert not spec["abstained"] and "每季度一次" in spec["answer"], spec["answer"]


def test_a_wrapped_pdf_paragraph_is_answered_whole(tmp_path, settings, capsys):
    """A PDF breaks a paragraph into lines of the page's width; the answer quotes the sentence
    whole, not a line that stops mid-word ("…与初次认证审" / "核类似。")."""
    from assistant.cli import main
    from office_files import text_pdf_bytes

    src = tmp_path / "docs"
    src.mkdir()
    (src / "指南.pdf").write_bytes(text_pdf_bytes([
        "售后服务认证办理指南", "售后服务认证证书的有效期一般为三年，在证书有效期内认证机构",
        "每年对获证企业进行一次监督审核，监督审核的内容与初次认证审", "核类似，范围可能有所缩小。",
        "申请时需要提交营业执照副本复印件、企业简介和售后服务体系文", "件等材料。"]))
    assert main(["ingest", str(src), "--data-dir", str(settings.data_dir)]) == 0
    capsys.readouterr()
    assert main(["ask", "获证以后每年还要监督审核吗？", "--json", "--data-dir", str(settings.data_dir)]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert not answer["abstained"]
    assert "每年对获证企业进行一次监督审核" in answer["answer"] and "认证审核类似" in answer["answer"], answer["answer"]
