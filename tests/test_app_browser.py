"""End to end in a real browser: ``python app.py`` in a subprocess, driven by Playwright + Chromium.

Uses Debian's Chromium (``apt-get install -y chromium``; Playwright's own browser download is not
needed). Without a browser these tests are skipped with the reason, except under ``CI=true``,
where a missing browser fails them. Screenshots go to ``$KBA_SCREENSHOT_DIR`` or a temp dir
(the path is printed; run with ``-s`` to see it).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from net import free_port, stop_process

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
START_TIMEOUT_S = 180  # first start ingests corpus/
EVIL_DOC = """# 上门维修承诺

本公司承诺：接到报修后二十四小时内上门维修。<script>alert(1)</script> 维修记录保存三年 <img src=x onerror=alert(2)>。
"""


def _unavailable(reason: str):
    if os.environ.get("CI", "").strip().lower() == "true":
        pytest.fail(f"{reason}；CI=true 时浏览器测试必须运行（.ci/run 会安装 chromium）")
    pytest.skip(f"{reason}，跳过浏览器测试")


def _find_chromium() -> str | None:
    """``$KBA_CHROMIUM`` when set (and only that), else Debian's chromium on the PATH."""
    given = os.environ.get("KBA_CHROMIUM")
    candidates = [given] if given else ["/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="module")
def chromium_path() -> str:
    path = _find_chromium()
    if path is None:
        _unavailable("没有找到 Chromium（apt-get install -y chromium）")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("没有安装 playwright（pip install playwright）")
    return path


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    out = Path(os.environ.get("KBA_SCREENSHOT_DIR") or tmp_path_factory.mktemp("screenshots"))
    out.mkdir(parents=True, exist_ok=True)
    print(f"\n截图目录：{out}")
    return out


@pytest.fixture(scope="module")
def app_server(chromium_path, tmp_path_factory):
    """``python app.py`` on a free loopback port with a fresh data dir; yields (url, data_dir)."""
    root = tmp_path_factory.mktemp("app")
    data_dir = root / "data"
    port = free_port()
    env = dict(os.environ, KBA_DATA_DIR=str(data_dir), KBA_EMBEDDING_MODEL="hashing",
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", GRADIO_ANALYTICS_ENABLED="False")
    for var in ("KBA_ADMIN_PASSWORD", "KBA_LLM_MODEL", "KBA_CHROMA_HOST", "KBA_HOST", "KBA_PORT"):
        env.pop(var, None)
    log_path = root / "app.log"
    log = log_path.open("w", encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(REPO / "app.py"), "--host", "127.0.0.1", "--port", str(port)],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"app.py exited with {proc.returncode}:\n{log_path.read_text(encoding='utf-8')[-3000:]}")
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"app.py did not serve {url} within {START_TIMEOUT_S}s:\n"
                            f"{log_path.read_text(encoding='utf-8')[-3000:]}")
            time.sleep(0.3)
        yield url, data_dir
    finally:
        stop_process(proc)
        log.close()


@pytest.fixture(scope="module")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, app_server):
    url, _ = app_server
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    pg = context.new_page()
    pg.dialogs = []  # any alert() would mean injected HTML ran
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.goto(url)
    from playwright.sync_api import expect

    expect(pg.locator("#kba-mode .kba-badge")).to_contain_text("模式", timeout=30_000)
    yield pg
    context.close()


def _ask(page, question: str) -> None:
    from playwright.sync_api import expect

    before = page.locator("#kba-chatbot .message-row, #kba-chatbot [data-testid='bot']").count()
    page.locator("#kba-question textarea").fill(question)
    page.locator("#kba-send").click()
    expect(page.locator("#kba-question textarea")).to_have_value("", timeout=30_000)
    expect(page.locator("#kba-cards .kba-card").first).to_be_visible(timeout=30_000)
    page.wait_for_function(
        "n => document.querySelectorAll('#kba-chatbot .message-row, #kba-chatbot [data-testid=\"bot\"]').length > n",
        arg=before, timeout=30_000)


def test_chat_answer_citation_cards_and_feedback(page, app_server, shots):
    from playwright.sync_api import expect

    _, data_dir = app_server
    _ask(page, "证书有效期几年？每年要监督吗？")
    chat = page.locator("#kba-chatbot")
    expect(chat).to_contain_text("3年", timeout=30_000)
    expect(chat).to_contain_text("[1]")
    card = page.locator("#kba-cards .kba-card").first
    expect(card).to_contain_text("[1]")
    expect(card.locator(".kba-title")).not_to_be_empty()
    expect(card.locator(".kba-card-text")).to_contain_text("有效期")
    page.screenshot(path=str(shots / "1-chat.png"))

    # thumbs up on the answer -> one line in feedback.jsonl
    # the UI runs in zh-CN, where gradio labels the button 赞 ("Like" in English)
    page.locator("#kba-chatbot button[aria-label='赞'], #kba-chatbot button[aria-label='Like']").last.click()
    expect(page.locator("#kba-feedback")).to_contain_text("感谢反馈", timeout=15_000)
    lines = (data_dir / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[-1])
    assert record["vote"] == "up" and record["question"] == "证书有效期几年？每年要监督吗？"
    assert record["citations"]

    # an example question (a score question) continues the conversation
    page.locator(".kba-example", has_text="得了88分").click()
    expect(chat).to_contain_text("三星级", timeout=30_000)
    expect(page.locator("#kba-cards .kba-tool")).to_contain_text("三星级", timeout=30_000)
    page.screenshot(path=str(shots / "2-chat-score-question.png"))
    assert page.dialogs == []


def test_score_calculator(page, shots):
    from playwright.sync_api import expect

    page.get_by_role("tab", name="评分计算器").click()
    page.locator("#kba-total input").fill("88")
    page.locator("#kba-calc").click()
    result = page.locator("#kba-score-result")
    expect(result).to_contain_text("三星级", timeout=30_000)
    expect(result).to_contain_text("四星级")
    expect(result).to_contain_text("还差 2 分")
    expect(page.locator("#kba-score-chart img").first).to_be_visible(timeout=30_000)
    page.screenshot(path=str(shots / "3-score.png"), full_page=True)

    # bad input: a friendly message, no chart
    page.locator("#kba-total input").fill("120")
    page.locator("#kba-calc").click()
    expect(result).to_contain_text("无法计算", timeout=30_000)
    expect(result).to_contain_text("0 到 100")


def test_upload_shows_in_table_and_html_stays_text(page, shots, tmp_path):
    from playwright.sync_api import expect

    import http.server
    import threading

    fetched: list[str] = []

    class Counter(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 -- any fetch of a document's image or link is a finding
            fetched.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    trap = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Counter)
    threading.Thread(target=trap.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{trap.server_address[1]}"
    doc = tmp_path / "维修承诺 2024.md"
    doc.write_text(EVIL_DOC.replace("上门维修。", f"上门维修![x]({url}/p.png)[说明]({url}/a)。"), encoding="utf-8")
    page.get_by_role("tab", name="知识库").click()
    page.locator("#kba-files input[type=file]").set_input_files(str(doc))
    page.locator("#kba-upload").click()
    expect(page.locator("#kba-kb-status textarea")).to_have_value(re.compile("已上传 1 个文件"), timeout=60_000)
    expect(page.locator("#kba-docs")).to_contain_text("上门维修承诺", timeout=30_000)
    page.screenshot(path=str(shots / "4-knowledge-base.png"), full_page=True)

    # retrieval test: the passage's markup is shown as text
    page.get_by_role("tab", name="检索测试").click()
    page.locator("#kba-query textarea").fill("接到报修后二十四小时内上门维修 维修记录保存三年")
    page.locator("#kba-search").click()
    hits = page.locator("#kba-hits")
    expect(hits).to_contain_text("上门维修承诺", timeout=30_000)
    expect(hits).to_contain_text("<script>alert(1)</script>")
    page.screenshot(path=str(shots / "5-retrieval.png"), full_page=True)

    # chat: the cited card shows the tags as text, nothing runs
    page.get_by_role("tab", name="问答").click()
    _ask(page, "接到报修后多久上门维修？")
    cards = page.locator("#kba-cards")
    expect(cards).to_contain_text("<script>alert(1)</script>", timeout=30_000)
    expect(cards).to_contain_text("<img src=x onerror=alert(2)>")
    assert page.locator("#kba-cards script, #kba-cards img, #kba-chatbot img[src='x']").count() == 0
    # Markdown inside a passage is text too: no image, no link, nothing fetched (issue 12)
    expect(page.locator("#kba-chatbot")).to_contain_text(f"![x]({url}/p.png)", timeout=30_000)
    assert page.locator("#kba-chatbot img, #kba-chatbot a[href*='127.0.0.1']").count() == 0
    page.wait_for_timeout(500)
    page.screenshot(path=str(shots / "6-escaped.png"))
    assert page.dialogs == []
    trap.shutdown()
    assert fetched == []
