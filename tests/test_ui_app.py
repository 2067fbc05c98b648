"""The app as its users meet it (issue 15), in Debian's Chromium over Playwright: citations people
can use, Chinese everywhere, the mode in plain words, the phone layout, the small things, and
confirmation before deleting or rebuilding.

The browser contexts run with an English browser language on purpose: the app must be Chinese
whatever the browser says. Fixtures (the app on a loopback port, the browser) are the ones of
tests/test_app_browser.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_app_browser import app_server, browser, chromium_path, shots  # noqa: F401  (fixtures)

REPO_ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1400, "height": 900}
PHONE = {"width": 390, "height": 844}

# Latin words a Chinese user may see: names of standards, formats, metrics and the like
ALLOWED_LATIN = {
    "API", "PDF", "ISO", "GB/T", "GB", "T", "BM25", "top-k", "Recall@1", "Recall@5", "MRR", "JSON", "CSV",
    "Markdown", "TXT", "HTML", "DOCX", "XLSX", "Word", "Excel", "MB", "KB", "LLM", "AI", "QA", "CNAS", "CCAA",
    "3C", "id", "KBA_ADMIN_PASSWORD", "corpus/", "eval/qa.jsonl", "jsonl", "Ctrl", "Enter", "Gradio", "MCP",
    "PNG", "JPG", "JPEG", "OCR", "HACCP", "PNG/JPG",
    # file extensions as users see them in file names (.docx, .xlsx, .csv …)
    "docx", "xlsx", "csv", "doc", "wps", "pdf", "md", "txt", "html", "png", "jpg", "jpeg", "xls",
}
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_@./+-]*")

SCAN_JS = """() => {
  const out = [];
  const vis = (el) => { if (!el) return false; const r = el.getBoundingClientRect(); const st = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && st.visibility !== 'hidden'; };
  // documents' own text (passages, ids, titles in the tables) is the user's data, not the interface
  const DATA = '.message-content, .kba-card-text, .kba-loc, [role=gridcell], .kba-tcards, textarea, input';
  const w = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (w.nextNode()) { const n = w.currentNode, p = n.parentElement;
    if (!p || ['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(p.tagName) || p.closest(DATA) || !vis(p)) continue;
    const t = n.textContent.trim(); if (t) out.push(t); }
  document.querySelectorAll('[title],[aria-label],[placeholder],[alt]').forEach((el) => {
    // the mode badge's tooltip is the technical detail on purpose; a message's label is its text
    if (!vis(el) || el.closest('.kba-badge') || el.matches('[data-testid=bot], [data-testid=user]')) return;
    for (const a of ['title', 'aria-label', 'placeholder', 'alt']) { const v = el.getAttribute(a); if (v) out.push(v); } });
  return out; }"""


def _context(browser, viewport, **kwargs):
    return browser.new_context(viewport=viewport, locale="en-US", **kwargs)


def _open(context, url):
    from playwright.sync_api import expect

    pg = context.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.goto(url)
    expect(pg.locator("#kba-mode .kba-badge")).to_contain_text("模式", timeout=30_000)
    return pg


def _tab(pg, name):
    from playwright.sync_api import expect

    tab = pg.get_by_role("tab", name=name)
    more = pg.locator(".overflow-menu > button")  # a narrow screen puts the last tabs in the "more" menu
    # the framework lays the tab bar out after the page loads: wait until the tab or the menu shows
    # (a tab caught mid-layout is neither, and the menu may then never appear)
    expect(tab.or_(more).first).to_be_visible(timeout=30_000)
    if tab.count() and tab.is_visible():
        tab.click()
    else:
        more.click()
        pg.locator(".overflow-dropdown button", has_text=name).click()
    pg.wait_for_timeout(400)


def _bots(pg):
    return pg.locator("#kba-chatbot .bot-row")


def _ask(pg, question: str) -> None:
    from playwright.sync_api import expect

    groups = pg.locator("#kba-cards .kba-group").count()
    pg.locator("#kba-question textarea").fill(question)
    pg.locator("#kba-send").click()
    expect(pg.locator("#kba-cards .kba-group")).to_have_count(groups + 1, timeout=60_000)
    expect(pg.locator("#kba-question textarea")).to_have_value("", timeout=30_000)
    pg.wait_for_timeout(600)  # the final render of the answer


def _latin_words(texts, exempt=frozenset()) -> set[str]:
    found = set()
    for text in texts:
        for word in LATIN.findall(text):
            word = word.rstrip(".,")
            if word and word not in ALLOWED_LATIN and word not in exempt:
                found.add(f"{word}  ← {text[:80]!r}")
    return found


# --------------------------------------------------------------------------- 1. citations


def test_citations_link_to_cards_each_answer_keeps_its_own_and_copy(browser, app_server, shots):
    from playwright.sync_api import expect

    url, _ = app_server
    context = _context(browser, DESKTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
    pg = _open(context, url)
    _ask(pg, "证书有效期几年？每年要监督吗？")
    _ask(pg, "我们是贸易公司，能申请吗？")

    # every answer keeps its own cards, the newest group first and open, the earlier one folded
    groups = pg.locator("#kba-cards .kba-group")
    expect(groups).to_have_count(2)
    assert groups.nth(0).get_attribute("id") == "kba-turn-2" and groups.nth(0).get_attribute("open") is not None
    assert groups.nth(1).get_attribute("id") == "kba-turn-1" and groups.nth(1).get_attribute("open") is None
    expect(groups.nth(1).locator("summary")).to_contain_text("证书有效期几年")

    # [n] in the first answer is a link to the first answer's card: a click opens, scrolls, highlights
    first_answer = _bots(pg).nth(0)
    ref = first_answer.locator("a.kba-ref").first
    expect(ref).to_be_visible()
    target = ref.get_attribute("href")
    assert re.fullmatch(r"#kba-cite-1-\d+", target), target
    ref.click()
    card = pg.locator(target)
    expect(card).to_have_class(re.compile("kba-hl"))
    expect(card).to_be_in_viewport()
    assert groups.nth(1).get_attribute("open") is not None
    n = target.rsplit("-", 1)[1]
    expect(card.locator(".kba-n")).to_have_text(f"[{n}]")
    pg.screenshot(path=str(shots / "ui-1-citation-click.png"))
    # the second answer's markers point at its own cards
    for href in _bots(pg).nth(1).locator("a.kba-ref").evaluate_all("els => els.map(e => e.getAttribute('href'))"):
        assert href.startswith("#kba-cite-2-") and pg.locator(href).count() == 1

    # each card links to its original document
    original = card.locator("a.kba-original")
    expect(original).to_have_text("查看原文")
    assert original.get_attribute("href").startswith("/kb/original?doc=")

    # 复制（含出处）: the answer and its numbered sources as plain text
    pg.locator("#kba-turn-1 button.kba-copy[data-kind=full]").click()
    expect(pg.locator("#kba-toast")).to_contain_text("已复制")
    copied = pg.evaluate("navigator.clipboard.readText()")
    answer_text = first_answer.locator(".message-content").inner_text().strip()
    assert copied.startswith(answer_text.splitlines()[0].strip())
    assert "\n出处：\n[1] 《" in copied and "<" not in copied and "kba-" not in copied
    titles = groups.nth(1).locator(".kba-title").all_inner_texts()
    assert all(f"《{t}》" in copied for t in titles)

    # 客户回复: the first sentence and the source names, no markers
    pg.locator("#kba-turn-1 button.kba-copy[data-kind=short]").click()
    expect(pg.locator("#kba-toast")).to_contain_text("客户回复")
    short = pg.evaluate("navigator.clipboard.readText()")
    assert re.fullmatch(r"[^\[\]\n]+[。！？]（依据：《[^》]+》(、《[^》]+》)*）", short), short
    assert len(short) < len(copied)
    assert pg.dialogs == []
    context.close()


# --------------------------------------------------------------------------- 2. Chinese everywhere


def test_every_tab_is_chinese_even_in_an_english_browser(browser, app_server, shots):
    from playwright.sync_api import expect

    url, _ = app_server
    context = _context(browser, DESKTOP)
    pg = _open(context, url)
    assert pg.evaluate("document.documentElement.lang").startswith("zh")

    # a refusal names its topic in words, never the internal key
    _ask(pg, "认证费用多少钱？")
    chat = pg.locator("#kba-chatbot")
    expect(chat).to_contain_text("超出知识库范围：认证费用")
    assert "fees" not in chat.inner_text()

    # a calculator error names no program field
    _tab(pg, "评分计算器")
    pg.locator("#kba-score-mode label", has_text="实际得分").click()
    pg.locator("#kba-calc").click()
    result = pg.locator("#kba-score-result")
    expect(result).to_contain_text("无法计算", timeout=30_000)
    assert not re.search(r"earned|applicable_total|total\b", result.inner_text()), result.inner_text()

    # a document's id is its name, shown as it is: every id of the knowledge base (the shipped
    # corpus), not only the rows the table happens to have rendered
    doc_ids: set[str] = {m.group(1) for f in (REPO_ROOT / "corpus").rglob("*.md")
                         for m in [re.search(r"^id:\s*(\S+)", f.read_text(encoding="utf-8"), re.M)] if m}
    seen: dict[str, set[str]] = {}
    for tab in ("问答", "评分计算器", "知识库", "检索测试", "评测", "维护"):
        _tab(pg, tab)
        if tab == "知识库":
            expect(pg.locator("#kba-docs [role=gridcell]").first).to_be_visible(timeout=30_000)
            doc_ids |= set(pg.locator("#kba-docs [data-col='0']").all_inner_texts())
            expect(pg.locator("#kba-files")).to_contain_text("拖放")
        if tab == "检索测试":
            pg.locator("#kba-query textarea").fill("证书有效期")
            pg.locator("#kba-search").click()
            expect(pg.locator("#kba-hits [role=gridcell]").first).to_be_visible(timeout=30_000)
        pg.wait_for_timeout(300)
        seen[tab] = _latin_words(pg.evaluate(SCAN_JS), exempt={d.strip() for d in doc_ids})
        pg.screenshot(path=str(shots / f"ui-2-tab-{tab}.png"))
    assert not any(seen.values()), {k: sorted(v) for k, v in seen.items() if v}
    context.close()


def test_a_busy_server_says_its_queue_in_chinese(browser):
    """The framework's progress line and screen-reader status are fixed English while a request
    waits ("queue: 1/1 | 0.5s", "In queue: 1 of 1"); the app's page script and translation table
    put them into words. A one-at-a-time slow handler makes the second click really wait."""
    import threading

    import gradio as gr
    from net import free_port
    from starlette.middleware import Middleware

    from assistant.web.layout import PAGE_JS
    from assistant.web.server import ChineseInterface, framework_i18n

    release = threading.Event()

    def slow(text):
        release.wait(20)
        return text

    with gr.Blocks() as demo:
        box = gr.Textbox(label="问题", elem_id="q")
        out = gr.Textbox(label="结果", elem_id="o")
        gr.Button("提交", elem_id="go").click(slow, box, out, concurrency_limit=1)
    demo.queue()
    port = free_port()
    demo.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True, js=PAGE_JS,
                i18n=framework_i18n(), footer_links=[],
                app_kwargs={"middleware": [Middleware(ChineseInterface)]})
    try:
        first, second = (_context(browser, DESKTOP) for _ in range(2))
        p1, p2 = first.new_page(), second.new_page()
        for pg in (p1, p2):
            pg.goto(f"http://127.0.0.1:{port}")
            pg.locator("#go").wait_for()
        p1.locator("#go").click()
        p1.locator(".meta-text").first.wait_for(timeout=10_000)
        p2.locator("#go").click()
        status = p2.locator(".meta-text, .meta-text-center, .progress-text").first
        status.wait_for(timeout=10_000)
        seen: set[str] = set()
        for _ in range(12):  # the line changes every tenth of a second; look at it for a while
            texts = p2.evaluate(SCAN_JS) + p2.evaluate(
                "() => Array.from(document.querySelectorAll('[aria-live], .sr-only')).map(e => e.textContent)")
            seen |= _latin_words(texts)
            p2.wait_for_timeout(150)
        queued = status.inner_text()
        release.set()
        assert "排队中" in queued, queued  # it did wait, and says so in Chinese
        assert not seen, sorted(seen)
        first.close()
        second.close()
    finally:
        release.set()
        demo.close()


def test_the_frameworks_refusal_of_an_oversized_file_is_put_into_chinese(browser, app_server):
    """A file above the framework's hard cap (twice ours, at least 100 MB) is refused by the
    framework in English before our Chinese check sees it; the page script translates it. The
    refusal is put on the page as the framework shows it (making a 100 MB upload here would only
    slow the suite)."""
    from playwright.sync_api import expect

    url, _ = app_server
    context = _context(browser, DESKTOP)
    pg = _open(context, url)
    pg.evaluate("""() => { const d = document.createElement('div'); d.id = 'kba-test-toast';
        d.textContent = 'File(s) exceed the maximum allowed size of 200.0 Mb: "售后手册.pdf"';
        document.body.appendChild(d);
        const e = document.createElement('div'); e.id = 'kba-test-toast2';
        e.textContent = 'File size exceeded maximum allowed size of 209715200 bytes.';
        document.body.appendChild(e); }""")
    expect(pg.locator("#kba-test-toast")).to_have_text("文件超过网页允许的最大大小（200.0 Mb），未上传：\"售后手册.pdf\"")
    expect(pg.locator("#kba-test-toast2")).to_have_text("文件超过网页允许的最大大小（209715200 字节），未上传")
    context.close()


# --------------------------------------------------------------------------- 3. mode in words


def test_mode_badge_in_plain_words_with_detail_in_tooltip(browser, app_server):
    url, _ = app_server
    context = _context(browser, DESKTOP)
    pg = _open(context, url)
    badge = pg.locator("#kba-mode .kba-badge")
    assert badge.inner_text().replace("ⓘ", "").strip() == "离线模式：答案直接摘自知识库原文"
    tip = badge.get_attribute("title")
    assert "BM25" in tip and "技术细节" in tip and "为什么答案是原文摘录" in tip
    assert "hashing" not in badge.inner_text() and "BM25" not in badge.inner_text()
    context.close()


# --------------------------------------------------------------------------- 4. phone


def _in_viewport(box, height) -> bool:
    return box is not None and box["y"] >= 0 and box["y"] + 10 <= height


def test_phone_layout_input_answer_start_cards_and_tables(browser, app_server, shots):
    from playwright.sync_api import expect

    url, _ = app_server
    context = _context(browser, PHONE, is_mobile=True, has_touch=True)
    pg = _open(context, url)
    box = pg.locator("#kba-question textarea").bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], box  # above the fold
    pg.screenshot(path=str(shots / "ui-4-phone-start.png"))

    for i, question in enumerate(("证书有效期几年？每年要监督吗？", "我们是贸易公司，能申请吗？"), start=1):
        _ask(pg, question)
        newest = _bots(pg).nth(i - 1)
        first_line = newest.locator(".message-content p, .message-content li").first.bounding_box()
        assert _in_viewport(first_line, PHONE["height"]), (i, first_line)
        chat_box = pg.locator("#kba-chatbot").bounding_box()
        assert chat_box["y"] - 1 <= first_line["y"] <= chat_box["y"] + chat_box["height"] - 10, (first_line, chat_box)
        box = pg.locator("#kba-question textarea").bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"] + 1, box
    pg.screenshot(path=str(shots / "ui-4-phone-answer.png"))

    # the citation panel comes right after the conversation and its input, before the examples
    cards_y = pg.locator("#kba-cards").bounding_box()["y"]
    chat_bottom = pg.locator("#kba-chatbot").bounding_box()
    assert cards_y > chat_bottom["y"] + chat_bottom["height"] - 1
    assert cards_y < pg.locator(".kba-examples").bounding_box()["y"]
    assert cards_y - (chat_bottom["y"] + chat_bottom["height"]) < 160  # only the input row in between

    # tables as cards
    _tab(pg, "知识库")
    cards = pg.locator("#kba-docs-cards .kba-tcard")
    expect(cards.first).to_be_visible(timeout=30_000)
    assert not pg.locator("#kba-docs").is_visible()
    assert cards.first.bounding_box()["width"] > 300
    expect(cards.first).to_contain_text("类型：")
    pg.screenshot(path=str(shots / "ui-4-phone-kb.png"))
    _tab(pg, "检索测试")
    pg.locator("#kba-query textarea").fill("证书有效期")
    pg.locator("#kba-search").click()
    hit = pg.locator("#kba-hits-cards .kba-tcard").first
    expect(hit).to_contain_text("片段文本：", timeout=30_000)
    assert hit.bounding_box()["width"] > 300
    pg.screenshot(path=str(shots / "ui-4-phone-retrieval.png"), full_page=True)

    # the eval tab's tables too: metrics, failures, runs and the diff as cards
    from office_files import make_xlsx

    sheet = make_xlsx(shots / "手机评测问答.xlsx", [("问题", "参考答案", "要点", "应拒答"),
                                                ("证书有效期几年？", "3年", "3年；三年", "否"),
                                                ("证书有效期几年？五星要多少分？", "95分", "火星", "否")])
    _tab(pg, "评测")
    pg.locator("#kba-qa-file input[type=file]").set_input_files(str(sheet))
    pg.locator("#kba-run-eval").click()
    expect(pg.locator("#kba-eval-status textarea")).to_have_value(re.compile("首次运行"), timeout=120_000)
    for table, text in (("metrics", "本系统："), ("failures", "缺少的要点："), ("runs", "正确率：")):
        card = pg.locator(f"#kba-eval-{table}-cards .kba-tcard").first
        expect(card).to_contain_text(text, timeout=30_000)
        assert card.bounding_box()["width"] > 300, table
        assert not pg.locator(f"#kba-eval-{table}").is_visible(), table
    pg.screenshot(path=str(shots / "ui-4-phone-eval.png"), full_page=True)
    context.close()


# --------------------------------------------------------------------------- 5. small things


def test_calculator_mode_switch_clears_and_empty_send_hints(browser, app_server):
    from playwright.sync_api import expect

    url, _ = app_server
    context = _context(browser, DESKTOP)
    pg = _open(context, url)
    pg.locator("#kba-send").click()
    expect(pg.locator("#kba-hint")).to_contain_text("请先输入问题", timeout=15_000)
    assert _bots(pg).count() == 0

    _tab(pg, "评分计算器")
    pg.locator("#kba-total input").fill("88")
    pg.locator("#kba-calc").click()
    result = pg.locator("#kba-score-result")
    expect(result).to_contain_text("三星级", timeout=30_000)
    expect(pg.locator("#kba-score-chart img").first).to_be_visible(timeout=30_000)
    pg.locator("#kba-score-mode label", has_text="实际得分").click()
    expect(result).not_to_contain_text("三星级", timeout=15_000)
    expect(pg.locator("#kba-score-chart img")).to_have_count(0)
    context.close()


# --------------------------------------------------------------------------- 6. confirmation


def _pick_doc(pg, doc_id):
    from playwright.sync_api import expect

    pg.locator("#kba-docs [role=gridcell][data-col='0']", has_text=doc_id).first.click()
    expect(pg.locator("#kba-doc-choice input")).to_have_value(doc_id, timeout=15_000)


def test_delete_and_rebuild_ask_for_confirmation(browser, app_server, shots):
    from playwright.sync_api import expect

    url, _ = app_server
    context = _context(browser, DESKTOP)
    pg = _open(context, url)
    _tab(pg, "知识库")
    expect(pg.locator("#kba-docs [role=gridcell]").first).to_be_visible(timeout=30_000)
    doc_id = pg.locator("#kba-docs [data-col='0']").last.inner_text().strip()
    _pick_doc(pg, doc_id)
    pg.get_by_role("button", name="删除所选文档").click()
    confirm = pg.locator("#kba-confirm").first
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("确认删除文档")
    expect(confirm).to_contain_text(doc_id)
    pg.screenshot(path=str(shots / "ui-6-confirm-delete.png"))
    pg.locator("#kba-confirm-no").click()
    expect(confirm).to_be_hidden()
    expect(pg.locator("#kba-kb-status textarea")).to_have_value("已取消。")
    expect(pg.locator("#kba-docs")).to_contain_text(doc_id)  # nothing deleted

    pg.get_by_role("button", name=re.compile("重建知识库")).click()
    expect(confirm).to_contain_text("确认重建知识库")
    pg.locator("#kba-confirm-no").click()
    expect(confirm).to_be_hidden()

    _pick_doc(pg, doc_id)
    pg.get_by_role("button", name="删除所选文档").click()
    pg.locator("#kba-confirm-yes").click()
    expect(confirm).to_be_hidden(timeout=60_000)
    expect(pg.locator("#kba-kb-status textarea")).to_have_value(re.compile("删除"), timeout=60_000)
    expect(pg.locator("#kba-docs [data-col='0']", has_text=re.compile(f"^{re.escape(doc_id)}$"))).to_have_count(0)
    context.close()


def test_confirmation_asks_for_the_password_when_one_is_set(browser, tmp_path, shots):
    from conftest import corpus_kb_at
    from net import launched_app
    from playwright.sync_api import expect

    from assistant.core import Assistant

    settings = corpus_kb_at(tmp_path / "data").with_(admin_password="正确的密码-123")
    with launched_app(settings, Assistant(settings)) as url:
        context = _context(browser, DESKTOP)
        pg = _open(context, url)
        _tab(pg, "知识库")
        expect(pg.locator("#kba-docs [role=gridcell]").first).to_be_visible(timeout=30_000)
        doc_id = pg.locator("#kba-docs [data-col='0']").first.inner_text().strip()
        _pick_doc(pg, doc_id)
        pg.get_by_role("button", name="删除所选文档").click()
        password = pg.locator("#kba-confirm-password input")
        expect(password).to_be_visible()
        password.fill("错误的密码")
        pg.locator("#kba-confirm-yes").click()
        expect(pg.locator("#kba-kb-status textarea")).to_have_value(re.compile("密码"), timeout=30_000)
        expect(pg.locator("#kba-docs")).to_contain_text(doc_id)
        _pick_doc(pg, doc_id)
        pg.get_by_role("button", name="删除所选文档").click()
        pg.locator("#kba-confirm-password input").fill("正确的密码-123")
        pg.locator("#kba-confirm-yes").click()
        expect(pg.locator("#kba-kb-status textarea")).to_have_value(re.compile("删除"), timeout=60_000)
        expect(pg.locator("#kba-docs [data-col='0']", has_text=re.compile(f"^{re.escape(doc_id)}$"))).to_have_count(0)
        pg.screenshot(path=str(shots / "ui-6-password-confirm.png"))
        context.close()
