"""Scanned PDFs and images: offline OCR (RapidOCR's bundled PP-OCR Chinese models).

The scans are made here: Chinese text drawn with Debian's Noto CJK font onto a page image, saved
as an image-only PDF (no text layer), so only OCR can read them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.chunking import chunk_document
from ingest.loaders import load_document
from assistant.errors import IngestError
from ingest.normalize import clean_document
from ingest.ocr import LOW_CONFIDENCE, group_lines, low_confidence_pages
from office_files import (
    SCAN_LINES, SCAN_PAGES, char_accuracy, merge_pdfs, require_cjk_font, scanned_pdf_bytes, text_image, text_pdf_bytes,
)

pytestmark = pytest.mark.slow  # each OCRed page takes a second or two on 2 cores


@pytest.fixture(scope="module")
def font() -> str:
    return require_cjk_font()


@pytest.fixture(scope="module")
def scanned(tmp_path_factory, font):
    """A two-page image-only PDF and its loaded document (OCR runs once for the module)."""
    folder = tmp_path_factory.mktemp("scan")
    path = folder / "监督审核通知.pdf"
    path.write_bytes(scanned_pdf_bytes(SCAN_PAGES, font))
    calls: list[tuple[int, int]] = []
    doc = load_document(path, folder, on_page=lambda done, total: calls.append((done, total)))
    return path, doc, calls


def test_scanned_pdf_has_no_text_layer(scanned):
    from pypdf import PdfReader

    path, _, _ = scanned
    assert all(not (p.extract_text() or "").strip() for p in PdfReader(path).pages)


def test_ocr_accuracy_at_least_95_percent_per_page(scanned):
    _, doc, _ = scanned
    bounds = [off for _, off in doc.page_starts[1:]] + [len(doc.text)]
    pages = {n: doc.text[start:end] for (n, start), end in zip(doc.page_starts, bounds)}
    accuracy = {n: char_accuracy("".join(SCAN_PAGES[n - 1]), pages[n]) for n in (1, 2)}
    print("OCR character accuracy per page:", accuracy)
    assert all(a >= 0.95 for a in accuracy.values()), (accuracy, pages)


def test_ocr_pages_keep_numbers_confidence_and_report_progress(scanned):
    _, doc, calls = scanned
    assert [n for n, _ in doc.page_starts] == [1, 2]
    assert set(doc.meta["ocr_pages"]) == {1, 2}
    assert all(LOW_CONFIDENCE < c <= 1 for c in doc.meta["ocr_pages"].values())
    assert calls == [(0, 2), (1, 2), (2, 2)]
    chunks = chunk_document(clean_document(doc))
    assert {c.meta["page"] for c in chunks} == {1, 2}
    assert all(c.meta["ocr_confidence"] == doc.meta["ocr_pages"][c.meta["page"]] for c in chunks)
    page2 = [c for c in chunks if c.meta["page"] == 2]
    assert any("二十四小时" in c.text for c in page2)


def test_text_pages_of_a_mixed_pdf_are_not_ocred(tmp_path, font, monkeypatch):
    import ingest.ocr as ocr

    calls = []
    real = ocr.ocr_image
    monkeypatch.setattr(ocr, "ocr_image", lambda image: calls.append(image.size) or real(image))
    text_page = text_pdf_bytes(["本页是文字版：售后服务认证证书由认证机构颁发，", "企业应在证书有效期内保持售后服务体系持续有效运行。"])
    path = tmp_path / "mixed.pdf"
    path.write_bytes(merge_pdfs(text_page, scanned_pdf_bytes([SCAN_PAGES[0]], font), text_page))
    doc = load_document(path, tmp_path)
    assert len(calls) == 1  # only the scanned page 2
    assert set(doc.meta["ocr_pages"]) == {2}
    chunks = chunk_document(clean_document(doc))
    by_page = {c.meta["page"]: c for c in chunks}
    assert "ocr_confidence" not in by_page[1].meta and "ocr_confidence" in by_page[2].meta
    assert "有效期为三年" in by_page[2].text


@pytest.mark.parametrize("suffix, fmt", [(".png", "PNG"), (".jpg", "JPEG")])
def test_images_are_ocred_as_page_one(tmp_path, font, suffix, fmt):
    path = tmp_path / f"照片{suffix}"
    text_image(SCAN_LINES[4:5], font).save(path, fmt)
    doc = load_document(path, tmp_path)
    assert doc.fmt == "image" and doc.page_starts == [(1, 0)]
    assert char_accuracy(SCAN_LINES[4], doc.text) >= 0.95
    assert set(doc.meta["ocr_pages"]) == {1}


def test_broken_and_blank_images_are_chinese_errors(tmp_path):
    from PIL import Image

    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10)
    with pytest.raises(IngestError, match="图片已损坏"):
        load_document(broken, tmp_path)
    blank = tmp_path / "blank.png"
    Image.new("RGB", (400, 300), "white").save(blank)
    with pytest.raises(IngestError, match="没有识别出文字"):
        load_document(blank, tmp_path)


def test_group_lines_orders_boxes_by_line_then_column():
    boxes = [
        ([[300, 12], [400, 12], [400, 40], [300, 40]], "满分", 0.9),
        ([[402, 12], [440, 12], [440, 40], [402, 40]], "值", 0.9),  # touching: same word
        ([[10, 60], [200, 60], [200, 90], [10, 90]], "服务承诺", 0.8),
        ([[10, 10], [200, 10], [200, 42], [10, 42]], "指标", 1.0),
        ([[300, 62], [400, 62], [400, 88], [300, 88]], "10", 0.5),
    ]
    lines = group_lines(boxes)
    assert [t for t, _, _ in lines] == ["指标 满分值", "服务承诺 10"]
    assert lines[1][1] == pytest.approx(0.8 * 4 + 0.5 * 2) and lines[1][2] == 6
    assert group_lines([]) == [] and group_lines([([[0, 0], [1, 0], [1, 1], [0, 1]], "  ", 0.9)]) == []


def test_low_confidence_pages():
    assert low_confidence_pages({"1": 0.99, "2": 0.5, "10": 0.7}) == [2, 10]
    assert low_confidence_pages(None) == [] and low_confidence_pages({1: 0.99}, threshold=1.0) == [1]


def test_ocr_sessions_do_not_spin_and_use_this_machines_cores():
    """The engine's three onnxruntime sessions: no spin-waiting (a third of OCR's CPU time on a
    shared 2-core machine), as many threads as this process's cores (at most 4); the library's
    own session builder is left as it was."""
    import os

    from rapidocr_onnxruntime.utils import infer_engine

    from ingest.ocr import _engine

    engine = _engine()
    sessions = [engine.text_det.infer.session, engine.text_cls.infer.session, engine.text_rec.session.session]
    for session in sessions:
        options = session.get_session_options()
        assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"
        assert options.intra_op_num_threads == max(1, min(len(os.sched_getaffinity(0)), 4))
    assert infer_engine.OrtInferSession._init_sess_opts.__qualname__ == "OrtInferSession._init_sess_opts"


def test_ocr_is_imported_only_when_needed(tmp_path):
    """A Word file or a text PDF never loads onnxruntime / OpenCV."""
    from office_files import make_docx

    make_docx(tmp_path / "a.docx")
    (tmp_path / "b.pdf").write_bytes(text_pdf_bytes(["售后服务认证属于服务认证。"]))
    code = (
        "import sys; from pathlib import Path; from ingest.loaders import load_document\n"
        f"root = Path({str(tmp_path)!r})\n"
        "for name in ('a.docx', 'b.pdf'): load_document(root / name, root)\n"
        "print(sorted(m for m in ('rapidocr_onnxruntime', 'onnxruntime', 'cv2') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1]).stdout
    assert out.strip() == "[]"


def test_scanned_pdf_ingests_answers_with_a_cited_page_and_kb_show_flags(scanned, settings, capsys, monkeypatch):
    from assistant.cli import main
    from assistant.core import Assistant
    from assistant.kb import ingest, open_store, show_document
    from ingest.originals import resolve_original

    path, _, _ = scanned
    progress: list[str] = []
    report, _ = ingest(settings, [path], progress=False, on_progress=lambda i, n, msg: progress.append(msg))
    assert report.ok, report.summary()
    assert any(msg.endswith("监督审核通知.pdf（文字识别 第 2 页，共 2 页）") for msg in progress)
    assert Path(progress[-2]).name == "监督审核通知.pdf（文字识别 第 2 页，共 2 页）"  # the app shows the name

    answer = Assistant(settings).ask("售后服务认证证书有效期是几年？")
    assert not answer.abstained and answer.citations
    cited = answer.citations[0]
    assert cited.source == "监督审核通知" and cited.locator == "第1页"
    assert "三年" in cited.text and "[1]" in answer.answer

    ref = resolve_original(settings.data_dir, open_store(settings).manifests(), cited.source, page=1)
    assert ref.path.read_bytes() == path.read_bytes() and ref.fragment == "#page=1"

    shown = show_document(settings, "监督审核通知")
    assert set(shown["ocr_pages"]) == {1, 2} and shown["low_confidence_pages"] == []
    # every page counts as low confidence once the bar is above 100 %: kb show flags them
    import ingest.ocr as ocr

    monkeypatch.setattr(ocr, "LOW_CONFIDENCE", 1.01)
    assert main(["kb", "show", "监督审核通知", "--data-dir", str(settings.data_dir)]) == 0
    out = capsys.readouterr().out
    assert "识别置信度偏低" in out and "第1页、第2页" in out and "OCR 置信度" in out, out
    assert main(["kb", "show", "监督审核通知", "--json", "--data-dir", str(settings.data_dir)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["low_confidence_pages"] == [1, 2]
