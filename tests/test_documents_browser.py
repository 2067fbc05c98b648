"""Issue 16, done when: a Word file with headings and a table, an FAQ sheet, a score sheet and a
scanned (image-only) PDF go through the app in a real browser, and the answers' citations open
the original (the PDF at the cited page, the Word file with the passage highlighted).

Same setup as tests/test_app_browser.py (``python app.py`` in a subprocess, Debian's Chromium via
Playwright); every file is generated here. The scan is one page (OCR costs several CPU-seconds a
page on this machine), hence ``slow``.
"""

from __future__ import annotations

import re
import urllib.parse
import urllib.request

import pytest

from office_files import FAQ_ROWS, SCAN_PAGES, SCORE_ROWS, make_docx, make_xlsx, require_cjk_font, scanned_pdf_bytes
from test_app_browser import _ask, app_server, browser, chromium_path, page, shots  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: a pair only this sheet has (the shipped corpus answers the other FAQ questions too)
FAQ_EXTRA = ("维修后的产品如何验收？", "维修完成后由顾客当面试机确认，并在维修单上签字验收。",
             "维修完怎么验收；维修验收流程", "服务手册")
OCR_TIMEOUT_MS = 600_000  # a busy 2-core machine; OCR of one page takes seconds to a minute


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    font = require_cjk_font()
    folder = tmp_path_factory.mktemp("documents")
    manual = make_docx(folder / "售后服务管理手册.docx")
    faq = make_xlsx(folder / "常见问题.xlsx", FAQ_ROWS + [FAQ_EXTRA])
    sheet = make_xlsx(folder / "评分表.xlsx", SCORE_ROWS)
    scan = folder / "监督审核通知.pdf"
    scan.write_bytes(scanned_pdf_bytes(SCAN_PAGES[1:], font))  # one page: 二、投诉处理 …
    legacy = folder / "旧制度.doc"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    return {"manual": manual, "faq": faq, "sheet": sheet, "scan": scan, "legacy": legacy}


def _card_link(page, doc_id: str) -> str:
    """The 查看原文 link of the citation card of ``doc_id`` (it must be among the citations)."""
    from playwright.sync_api import expect

    prefix = "/kb/original?" + urllib.parse.urlencode({"doc": doc_id})
    link = page.locator(f'#kba-cards .kba-card a.kba-orig[href^="{prefix}"]').first
    expect(link).to_be_visible(timeout=30_000)
    return link.get_attribute("href")


def _fetch(url: str):
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(url, timeout=30) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def test_office_files_and_a_scan_through_the_app(page, app_server, files, shots):  # noqa: F811
    from playwright.sync_api import expect

    url, data_dir = app_server
    base = url.rstrip("/")

    # -- upload: four documents and one refused file, reasons in Chinese, no English toast
    page.get_by_role("tab", name="知识库").click()
    label = page.locator("#kba-files")
    expect(label).to_contain_text("Word（.docx）")
    page.locator("#kba-files input[type=file]").set_input_files(
        [str(files[k]) for k in ("manual", "faq", "scan", "legacy")])
    page.locator("#kba-upload").click()
    status = page.locator("#kba-kb-status textarea")
    expect(status).to_have_value(re.compile("已上传 3 个文件"), timeout=OCR_TIMEOUT_MS)
    text = status.input_value()
    assert "旧制度.doc" in text and "另存为" in text, text
    assert "upload/售后服务管理手册.docx（新增）" in text and "upload/监督审核通知.pdf（新增）" in text, text
    assert page.get_by_text(re.compile("Invalid file|not allowed|Error", re.I)).count() == 0
    docs = page.locator("#kba-docs")
    for doc in ("upload/售后服务管理手册.docx", "upload/常见问题.xlsx", "upload/监督审核通知.pdf"):
        expect(docs).to_contain_text(doc, timeout=30_000)
    expect(docs).to_contain_text("识别置信度")
    expect(docs).to_contain_text("OCR 1 页")
    assert sorted(p.name for p in (data_dir / "uploads").iterdir()) == [
        "售后服务管理手册.docx", "常见问题.xlsx", "监督审核通知.pdf"]
    page.screenshot(path=str(shots / "d1-uploads.png"), full_page=True)

    # -- Word: heading path and table rows; the link shows the document with the passage marked
    page.get_by_role("tab", name="问答").click()
    _ask(page, "售后服务网络应配备什么样的服务人员？")
    expect(page.locator("#kba-chatbot")).to_contain_text("专职服务人员", timeout=30_000)
    href = _card_link(page, "upload/售后服务管理手册.docx")
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(href).query)["doc"] == ["upload/售后服务管理手册.docx"]
    original = page.context.new_page()
    original.goto(base + href)
    mark = original.locator("#kba-cited")
    expect(mark).to_contain_text("专职服务人员")
    expect(mark).to_be_in_viewport()
    expect(original.locator("body")).to_contain_text("投诉处理")  # the rest of the document (a table row)
    expect(original.locator("a", has_text="打开原文件")).to_have_attribute("href", re.compile("/kb/original/file"))
    original.screenshot(path=str(shots / "d2-docx-original.png"), full_page=True)
    original.close()

    # -- FAQ sheet: a variant phrasing answers; its original opens with the Q/A pair marked
    _ask(page, "维修完怎么验收？")
    expect(page.locator("#kba-chatbot")).to_contain_text("试机确认", timeout=30_000)
    href = _card_link(page, "upload/常见问题.xlsx")
    original = page.context.new_page()
    original.goto(base + href)
    expect(original.locator("#kba-cited")).to_contain_text(FAQ_EXTRA[1])
    expect(original.locator("body")).to_contain_text("证书有效期为三年")  # the other pairs of the sheet
    original.close()

    # -- scanned PDF: the answer cites page 1 of the scan; the link opens the PDF at that page
    _ask(page, "投诉处理应在多长时间内响应？")
    expect(page.locator("#kba-chatbot")).to_contain_text("二十四小时", timeout=30_000)
    href = _card_link(page, "upload/监督审核通知.pdf")
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(href).query)
    assert query["doc"] == ["upload/监督审核通知.pdf"] and query["page"] == ["1"]
    code, headers, _ = _fetch(base + href)
    assert code == 303 and headers["Location"].endswith("#page=1"), (code, dict(headers))
    code, headers, body = _fetch(base + headers["Location"].split("#")[0])
    assert code == 200 and headers["Content-Type"] == "application/pdf"
    assert body == files["scan"].read_bytes()
    page.screenshot(path=str(shots / "d3-scan-answer.png"))

    # -- a link that tries to leave the data dir: a Chinese page, nothing else
    bad = page.context.new_page()
    bad.goto(base + "/kb/original?doc=..%2F..%2Fetc%2Fpasswd")
    expect(bad.locator("body")).to_contain_text("知识库中没有文档")
    assert "root:" not in bad.content()
    bad.close()
    assert page.dialogs == []


def test_score_sheet_upload_in_the_calculator(page, files, shots):  # noqa: F811
    from playwright.sync_api import expect

    page.get_by_role("tab", name="评分计算器").click()
    page.locator("#kba-score-mode label", has_text="上传评分表文件").click()
    page.locator("#kba-sheet-file input[type=file]").set_input_files(str(files["sheet"]))
    # the framework shows the name's stem and extension in separate elements (a space may come between)
    expect(page.locator("#kba-sheet-file")).to_contain_text(re.compile(r"评分表\s*\.xlsx"), timeout=30_000)
    page.locator("#kba-calc").click()
    result = page.locator("#kba-score-result")
    # 服务承诺 9/10 + 投诉处理 7.5/8, 技术支持 不涉及: 16.5/18 -> 91.67 -> 四星级
    expect(result).to_contain_text("四星级", timeout=30_000)
    expect(result).to_contain_text("91.67")
    page.screenshot(path=str(shots / "d4-score-sheet.png"), full_page=True)

    # a sheet with an impossible row: the row is named, in Chinese
    bad = files["sheet"].with_name("错误评分表.xlsx")
    make_xlsx(bad, [("指标", "满分", "得分"), ("服务承诺", 10, 12)])
    page.locator("#kba-sheet-file button[aria-label*='清'], #kba-sheet-file button[aria-label*='Clear']").first.click()
    page.locator("#kba-sheet-file input[type=file]").set_input_files(str(bad))
    expect(page.locator("#kba-sheet-file")).to_contain_text(re.compile(r"错误评分表\s*\.xlsx"), timeout=30_000)
    page.locator("#kba-calc").click()
    expect(result).to_contain_text("评分表第 2 行", timeout=30_000)
    assert page.dialogs == []
