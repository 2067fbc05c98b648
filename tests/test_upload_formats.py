"""The 知识库 and 评分计算器 tabs with the documents people have (assistant/web/admin.py, calculator.py).

Uploads of Word, Excel, CSV, scanned PDFs and images are checked by our code
(``ingest.uploads.upload_rejection``) with a Chinese reason; a refused file or one that fails to
ingest does not stay in ``uploads/`` (so a rebuild never retries it); OCR moves the progress bar
page by page and low-confidence pages are flagged in the document table. A score sheet uploaded
to the calculator goes through the CLI's ``load_sheet_rows``.

OCR itself is replaced here by a stand-in (the real engine runs in tests/test_ocr.py and the
browser test): what is tested is the wiring, quickly.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from assistant.web import admin, calculator, context
from office_files import FAQ_ROWS, SCORE_ROWS, make_docx, make_xlsx


def make_settings(data_dir: Path, **changes):
    from assistant.config import Settings

    return Settings.from_env(environ={}, data_dir=data_dir, embedding_model="hashing").with_(**changes)


def _ctx(tmp_path, **changes) -> context.AppContext:
    return context.AppContext(make_settings(tmp_path / "data", **changes))


def _incoming(tmp_path, name: str, data: bytes) -> tuple[str, str]:
    """What the framework hands over: (the user's file name, its temporary copy)."""
    folder = tmp_path / "incoming" / str(len(list((tmp_path / "incoming").glob("*"))) if (tmp_path / "incoming").exists() else 0)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "upload.bin"
    path.write_bytes(data)
    return name, str(path)


def _uploads(tmp_path) -> list[str]:
    folder = tmp_path / "data" / "uploads"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def image_pdf_bytes(pages: int) -> bytes:
    """An image-only PDF (no text layer): blank pages with a drawn box."""
    from PIL import Image, ImageDraw

    images = []
    for i in range(pages):
        image = Image.new("RGB", (600, 800), "white")
        ImageDraw.Draw(image).rectangle((50, 50 + 40 * i, 400, 120 + 40 * i), outline="black", width=3)
        images.append(image)
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=72, save_all=True, append_images=images[1:])
    return buf.getvalue()


@pytest.fixture
def fake_ocr(monkeypatch):
    """OCR stand-in: page N reads "第N页：…", confidence 0.95 except page 2 (0.40)."""
    import ingest.ocr as ocr

    calls = []

    def ocr_image(image):
        calls.append(image.size)
        n = len(calls)
        return ocr.OcrPage(f"第{n}页：售后服务网点应在二十四小时内响应报修，编号{n}。", 0.40 if n == 2 else 0.95, 1)

    monkeypatch.setattr(ocr, "ocr_image", ocr_image)
    return calls


def test_word_excel_csv_uploads_ingest(tmp_path):
    ctx = _ctx(tmp_path)
    src = tmp_path / "src"
    src.mkdir()
    docx = make_docx(src / "手册.docx").read_bytes()
    faq = make_xlsx(src / "faq.xlsx", FAQ_ROWS).read_bytes()
    csv = "问题,答案\n保修期多久？,整机保修一年。\n".encode("utf-8")
    message, rows = admin.upload_documents(ctx, [_incoming(tmp_path, "售后服务手册.docx", docx),
                                                 _incoming(tmp_path, "常见问题.xlsx", faq),
                                                 _incoming(tmp_path, "问答.csv", csv)])
    ids = {r[0]: r for r in rows}
    assert {"upload/售后服务手册.docx", "upload/常见问题.xlsx", "upload/问答.csv"} <= set(ids), message
    assert "已上传 3 个文件" in message and "错误 0 个" in message
    assert _uploads(tmp_path) == sorted(["售后服务手册.docx", "常见问题.xlsx", "问答.csv"])
    assert all(row[6] == "" for row in rows)  # nothing was OCRed


@pytest.mark.parametrize("name, data, words", [
    ("制度.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "另存为"),
    ("评分.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "另存为"),
    ("演示.pptx", b"PK\x03\x04" + b"\0" * 100, "类型不支持"),
    ("程序.exe", b"MZ" + b"\0" * 100, "类型不支持"),
    ("扫描.pdf", b"PK\x03\x04" + b"\0" * 100, "扩展名与内容不符"),
    ("照片.png", b"%PDF-1.4 not an image", "扩展名与内容不符"),
    ("加密.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版或已加密"),
    ("说明.txt", b"\x00\x01\x02\x03binary" * 10, "二进制"),
    ("空.md", b"", "空文件"),
    ("README", b"# x\n", "无扩展名"),
])
def test_refused_uploads_say_why_in_chinese_and_leave_nothing(tmp_path, name, data, words):
    ctx = _ctx(tmp_path)
    message, rows = admin.upload_documents(ctx, [_incoming(tmp_path, name, data)])
    assert words in message and name in message, message
    assert "未导入" in message and not any(ch.isascii() and ch.isalpha() for ch in message.split("：", 1)[0])
    assert _uploads(tmp_path) == [] and rows == []


def test_size_limit_is_stated_in_chinese(tmp_path):
    ctx = _ctx(tmp_path, upload_max_mb=1)
    message, _ = admin.upload_documents(ctx, [_incoming(tmp_path, "大文件.pdf", b"%PDF-1.4\n" + b"0" * 1100000)])
    assert "过大" in message and "超过上限 1 MB" in message and _uploads(tmp_path) == []
    label = admin.upload_label(ctx.settings)
    for words in ("Word（.docx）", "Excel（.xlsx）", "CSV", "PNG/JPG", "1 MB"):
        assert words in label


def test_upload_widget_does_not_let_the_framework_refuse_types():
    """No ``file_types`` on the upload widgets: the framework would answer "Invalid file type"
    in English before our check runs."""
    source = (Path(__file__).resolve().parents[1] / "assistant" / "web" / "layout.py").read_text(encoding="utf-8")
    for elem in ("kba-files", "kba-sheet-file"):
        call = source.split(f'elem_id="{elem}"')[0].rsplit("gr.File(", 1)[1]
        assert "file_types" not in call, elem


def test_a_file_that_fails_to_ingest_is_not_kept_nor_retried(tmp_path):
    ctx = _ctx(tmp_path)
    broken = b"%PDF-1.4\n%broken beyond repair\n"
    message, rows = admin.upload_documents(ctx, [_incoming(tmp_path, "坏文件.pdf", broken),
                                                 _incoming(tmp_path, "好文件.md", "# 好\n\n证书有效期三年。\n".encode())])
    assert "「坏文件.pdf」→ upload/坏文件.pdf（导入失败，文件未保留）" in message
    assert _uploads(tmp_path) == ["好文件.md"]
    assert [r[0] for r in rows] == ["upload/好文件.md"]
    message, _ = admin.rebuild_knowledge_base(ctx)
    assert "坏文件" not in message and "错误 0 个" in message


def test_a_failed_replacement_keeps_the_previous_upload(tmp_path):
    ctx = _ctx(tmp_path)
    good = "# 承诺\n\n上门服务二十四小时内响应。\n".encode()
    admin.upload_documents(ctx, [_incoming(tmp_path, "承诺.txt", good)])
    files = [_incoming(tmp_path, "承诺.txt", b"\x00\x00 not text")]  # refused by the content check
    message, _ = admin.upload_documents(ctx, files, replace=True,
                                        confirmed=admin.upload_plan_key(ctx.settings, files))
    assert "二进制" in message
    assert (tmp_path / "data" / "uploads" / "承诺.txt").read_bytes() == good
    bad_md = [_incoming(tmp_path, "承诺.txt", b"\n\n   \n")]  # passes the checks, has no text: fails ingest
    message, rows = admin.upload_documents(ctx, bad_md, replace=True,
                                           confirmed=admin.upload_plan_key(ctx.settings, bad_md))
    assert "导入失败，保留原来的版本" in message, message
    assert (tmp_path / "data" / "uploads" / "承诺.txt").read_bytes() == good
    assert _uploads(tmp_path) == ["承诺.txt"] and "upload/承诺.txt" in [r[0] for r in rows]


def test_scanned_pdf_upload_reports_ocr_progress_per_page_and_flags_low_pages(tmp_path, fake_ocr):
    ctx = _ctx(tmp_path)
    calls = []
    message, rows = admin.upload_documents(ctx, [_incoming(tmp_path, "扫描通知.pdf", image_pdf_bytes(3))],
                                           progress=lambda frac, desc=None: calls.append((frac, desc)))
    assert len(fake_ocr) == 3, message
    pages = [(f, d) for f, d in calls if d and "文字识别" in d]
    assert [d.split("（", 1)[1] for _, d in pages] == [f"文字识别 第 {i} 页，共 3 页）" for i in range(4)]
    fractions = [f for f, _ in pages]
    assert fractions == sorted(fractions) and fractions[0] == 0 and fractions[-1] == 1.0
    assert calls[-1][0] == 1.0
    row = next(r for r in rows if r[0] == "upload/扫描通知.pdf")
    assert row[6].startswith("⚠") and "第 2 页" in row[6] and "40%" in row[6]
    assert admin.DOC_COLUMNS[6] == "识别置信度"


def test_ocr_flag_matches_kb_show(tmp_path, fake_ocr):
    """One rule for "low confidence": the KB tab's flag and ``kb show`` name the same pages."""
    from assistant.kb import ingest, show_document

    settings = make_settings(tmp_path / "data")
    src = tmp_path / "scan.pdf"
    src.write_bytes(image_pdf_bytes(3))
    assert ingest(settings, [src], progress=False)[0].ok
    shown = show_document(settings, "scan")
    assert shown["low_confidence_pages"] == [2]
    flag = admin.ocr_flag({"ocr_pages": {str(p): c for p, c in shown["ocr_pages"].items()}})
    assert "第 2 页" in flag and "第 1 页" not in flag
    assert admin.ocr_flag({"ocr_pages": {"1": 0.99}}) == "OCR 1 页，最低 99%"
    assert admin.ocr_flag({}) == ""


# --------------------------------------------------------------------------- calculator: score-sheet files


def _sheet_upload(tmp_path, name: str, data: bytes) -> str:
    """The framework keeps an upload under its own folder with the user's file name."""
    folder = tmp_path / "gradio-tmp" / name.encode().hex()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return str(path)


def test_calculator_sheet_file_is_the_cli_arithmetic(tmp_path):
    from assistant.cli.score import load_sheet_rows
    from assistant.pipeline.tools import run_calculate_grade

    sheet = make_xlsx(tmp_path / "评分表.xlsx", SCORE_ROWS)
    expected = run_calculate_grade({"rows": load_sheet_rows(sheet), "special_deductions": 1, "bonus": 1})
    md, result, chart = calculator.calculate_score("file", special_deductions=1, bonus=1,
                                                   sheet_file=_sheet_upload(tmp_path, "评分表.xlsx", sheet.read_bytes()))
    assert "error" not in result and result == expected
    assert result["score_exact"] == expected["score_exact"] and chart is not None
    assert result["grade"] in md
    csv = "指标,满分,得分,是否涉及\n服务承诺,10,9,是\n投诉处理,8,7.5,是\n技术支持,12,,否\n".encode("utf-8")
    _, from_csv, _ = calculator.calculate_score("file", sheet_file=_sheet_upload(tmp_path, "评分表.csv", csv))
    assert from_csv["score_exact"] == run_calculate_grade({"rows": load_sheet_rows(sheet)})["score_exact"] == "275/3"
    # the same file can be recomputed (its temporary copy is not removed under the user)
    _, again, _ = calculator.calculate_score("file", sheet_file=_sheet_upload(tmp_path, "评分表.xlsx", sheet.read_bytes()))
    assert again["score_exact"] == "275/3"


@pytest.mark.parametrize("name, data, words", [
    ("bad.xlsx", None, "评分表第 2 行"),
    ("评分.xls", b"\xd0\xcf\x11\xe0", "另存为 .xlsx"),
    ("评分.pdf", b"%PDF-1.4", "不支持"),
    ("空.csv", b"", "空文件"),
    ("列.csv", "名称,满分\n甲,\n".encode("utf-8"), "评分表第 2 行"),
    ("问答.xlsx", "faq", "评分表 「问答.xlsx」 中没有找到评分表"),
])
def test_calculator_sheet_file_errors_are_chinese_and_name_the_row(tmp_path, name, data, words):
    if data is None:
        data = make_xlsx(tmp_path / "b.xlsx", [("指标", "满分", "得分"), ("a", 10, 11)]).read_bytes()
    elif data == "faq":  # a workbook without a score sheet: the message names the file as uploaded
        data = make_xlsx(tmp_path / "q.xlsx", FAQ_ROWS).read_bytes()
    path = _sheet_upload(tmp_path, name, data)
    md, result, chart = calculator.calculate_score("file", sheet_file=path)
    assert "error" in result and words in result["error"], result
    assert str(Path(path).parent) not in result["error"] and chart is None
    assert any("\u4e00" <= ch <= "\u9fff" for ch in md)


def test_calculator_without_a_sheet_file_asks_for_one():
    _, result, _ = calculator.calculate_score("file", sheet_file=None)
    assert result == {"error": "请先上传评分表文件（Excel .xlsx 或 CSV）"}


def test_uploaded_image_opens_as_the_picture_above_its_text(tmp_path, fake_ocr):
    """An image's original: the picture itself (served inline from the kept file) above the
    recognised text, the cited passage marked."""
    from PIL import Image

    from assistant.kb import open_store
    from assistant.web import originals

    ctx = _ctx(tmp_path)
    buf = io.BytesIO()
    Image.new("RGB", (320, 200), "white").save(buf, "PNG")
    message, rows = admin.upload_documents(ctx, [_incoming(tmp_path, "通知照片.png", buf.getvalue())])
    assert "upload/通知照片.png" in [r[0] for r in rows], message
    store = open_store(ctx.settings)
    manifest = store.manifest("upload/通知照片.png")
    reply = originals.serve_original(store, ctx.settings.data_dir,
                                     {"doc": "upload/通知照片.png", "chunk": manifest.chunk_ids[0]})
    page = reply.text
    assert reply.status == 200
    assert '<img class="kba-image" src="/kb/original/file?doc=upload%2F%E9%80%9A%E7%9F%A5%E7%85%A7%E7%89%87.png"' in page
    assert "二十四小时" in page.split('id="kba-cited"', 1)[1] and "文字识别置信度 95%" in page
    served = originals.serve_file(store, ctx.settings.data_dir, {"doc": "upload/通知照片.png"})
    assert served.media_type == "image/png" and served.body == buf.getvalue()
    assert served.headers["Content-Disposition"].startswith("inline;")
