"""The app's handlers (assistant/web/: chat, calculator, admin, dashboard, api) without a browser, plus the named API over HTTP."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.web import admin, api, calculator, chat, context, dashboard, render

from assistant import present
from net import launched_app

EVIL = "<script>alert(1)</script>"
EVIL_IMG = "<img src=x onerror=alert(2)>"
EVIL_DOC = f"""# 测试文档

售后服务认证的测试条款：{EVIL} 企业应当建立投诉处理制度 {EVIL_IMG}，并在七个工作日内答复顾客。
"""


def make_settings(data_dir: Path, **changes):
    from assistant.config import Settings

    return Settings.from_env(environ={}, data_dir=data_dir, embedding_model="hashing").with_(**changes)


@pytest.fixture
def evil_ctx(tmp_path_factory):
    """A knowledge base whose only passage contains <script> and <img onerror>."""
    from assistant.kb import ingest

    root = tmp_path_factory.mktemp("evil")
    doc = root / "evil.md"
    doc.write_text(EVIL_DOC, encoding="utf-8")
    settings = make_settings(root / "data")
    report, _ = ingest(settings, [doc], progress=False)
    assert report.ok
    return context.AppContext(settings)


def _fresh(tmp_path, **changes) -> context.AppContext:
    return context.AppContext(make_settings(tmp_path / "data", **changes))


# --------------------------------------------------------------------------- chat


def test_ask_returns_answer_and_numbered_cards(corpus_kb, assistant):
    ctx = context.AppContext(corpus_kb, assistant)
    messages, cards, turns, box = chat.ask_once(ctx, "证书有效期几年？每年要监督吗？", [])
    assert box == ""
    assert [m["role"] for m in messages] == ["user", "assistant"]
    assert "[1]" in messages[1]["content"]
    assert len(turns) == 1 and turns[0]["citations"]
    first = turns[0]["citations"][0]
    assert 'class="kba-card"' in cards and "[1]" in cards
    assert present.esc(first["title"]) in cards and present.esc(first["locator"]) in cards
    # the full passage text is on the card
    assert present.esc(first["text"]).splitlines()[1] in cards


def test_chat_stream_yields_growing_text_then_cards(corpus_kb, assistant):
    ctx = context.AppContext(corpus_kb, assistant)
    steps = list(chat.chat_stream(ctx, "售后服务认证属于哪类认证？", []))
    assert len(steps) >= 2
    assert 'class="kba-card"' not in steps[0][1]  # cards come with the final answer
    assert "kba-card" in steps[-1][1]
    assert len(steps[-1][2]) == 1


def test_multi_turn_history_is_passed_on(corpus_kb, assistant, monkeypatch):
    ctx = context.AppContext(corpus_kb, assistant)
    _, _, turns, _ = chat.ask_once(ctx, "证书有效期几年？", [])
    seen = {}
    real = assistant.stream

    def spy(question, history=None):
        seen["history"] = history
        yield from real(question, history)

    monkeypatch.setattr(assistant, "stream", spy)
    messages, _, turns, _ = chat.ask_once(ctx, "每年要监督吗？", turns)
    assert seen["history"] == [{"role": "user", "content": "证书有效期几年？"},
                               {"role": "assistant", "content": turns[0]["answer"]}]
    assert len(turns) == 2 and len(messages) == 4


def test_empty_question_changes_nothing(corpus_kb, assistant):
    ctx = context.AppContext(corpus_kb, assistant)
    messages, cards, turns, _ = chat.ask_once(ctx, "   ", [])
    assert messages == [] and turns == [] and cards == render.EMPTY_CARDS


def test_passage_html_is_escaped_in_cards_and_chat(evil_ctx):
    messages, cards, turns, _ = chat.ask_once(evil_ctx, "投诉处理制度多久答复顾客？", [])
    assert turns[0]["citations"], "the evil passage should be cited"
    assert EVIL in turns[0]["citations"][0]["text"]  # raw text kept for feedback/history
    for shown in (cards, messages[1]["content"]):
        assert "<script" not in shown and "<img" not in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in cards
    assert "&lt;img src=x onerror=alert(2)&gt;" in cards
    assert "&lt;script&gt;" in messages[1]["content"]


def test_errors_are_friendly_chinese_never_tracebacks(corpus_kb):
    class Broken:
        mode = "test"
        notices = []

        def stream(self, *a, **k):
            raise RuntimeError("boom at line 42")
            yield  # pragma: no cover

        def search(self, *a, **k):
            raise RuntimeError("boom")

        def ask(self, *a, **k):
            raise RuntimeError("boom")

    ctx = context.AppContext(corpus_kb, Broken())
    messages, cards, turns, _ = chat.ask_once(ctx, "你好", [])
    text = messages[-1]["content"]
    assert "内部错误" in text and "Traceback" not in text and "line 42" not in text
    msg, rows = dashboard.retrieval_rows(ctx, "证书", 5)
    assert "内部错误" in msg and rows == []
    record = api.api_ask(ctx, "你好")
    assert "内部错误" in record["error"]


def test_feedback_appends_jsonl(corpus_kb, assistant, tmp_path):
    ctx = context.AppContext(make_settings(tmp_path / "data"), assistant)
    _, _, turns, _ = chat.ask_once(ctx, "证书有效期几年？每年要监督吗？", [])
    assert "感谢" in chat.record_feedback(ctx, turns, 1, True)
    assert "感谢" in chat.record_feedback(ctx, turns, [1], False)
    chat.record_feedback(ctx, turns, 0, True)  # a user message: not recorded
    chat.record_feedback(ctx, turns, 9, True)  # out of range: not recorded
    lines = (tmp_path / "data" / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["vote"] == "up" and second["vote"] == "down"
    assert first["question"] == "证书有效期几年？每年要监督吗？"
    assert first["answer"] == turns[0]["answer"]
    assert first["citations"] and first["citations"][0]["n"] == 1
    assert first["time"]


# --------------------------------------------------------------------------- scoring


def test_score_total_mode():
    summary, result, figure = calculator.calculate_score("total", total=88)
    assert result["grade"] == "三星级" and result["next_grade"] == "四星级"
    assert result["points_to_next"] == 2
    assert "三星级" in summary and "四星级" in summary and "2" in summary
    assert figure is not None


def test_score_earned_mode_and_special_items():
    _, result, _ = calculator.calculate_score("earned", earned=76, applicable_total=80)
    assert result["score"] == 95 and result["grade"] == "五星级"
    _, result, _ = calculator.calculate_score("earned", earned=76, applicable_total=80, special_deductions=1)
    assert result["score"] == 94 and result["grade"] == "四星级"
    _, result, _ = calculator.calculate_score("total", total=89.5, bonus=2.0)
    assert result["score"] == 90.5 and result["bonus_applied"] == 1


def test_score_sheet_mode_skips_rows_without_max():
    table = calculator.default_sheet()
    table[0][1:3] = ["10", "9"]
    table[1][1:3] = [20, 18.0]
    table[2][1] = "10"
    table[2][3] = True  # excluded
    table[3][1], table[3][4], table[3][5] = "10", "10", "2"  # sampled: 8/10
    summary, result, figure = calculator.calculate_score("sheet", table=table)
    assert "error" not in result, summary
    assert len(result["rows"]) == 4  # 11 rows without 满分 were skipped
    assert result["applicable_total"] == 40 and result["earned_total"] == 35
    assert result["score"] == 87.5 and result["grade"] == "三星级"
    assert figure is not None


def sample_sheet() -> list[list]:
    """Made-up test values (the app never pre-fills point values: they come from the body's sheet)."""
    rows = calculator.default_sheet()
    earned = ["9", "8", "9", "10", "8", "7", "9", "10", "9", "", "8", "9", "", "9", "8"]
    for row, value in zip(rows, earned):
        row[1] = "10"
        row[2] = value
    rows[9][3] = True  # excluded (删减)
    rows[12][4], rows[12][5] = "20", "3"  # 20 sampled, 3 non-conforming
    return rows


def test_score_sheet_with_exclusion_and_sampling():
    _, result, _ = calculator.calculate_score("sheet", table=sample_sheet())
    assert "error" not in result and result["excluded"]
    assert result["applicable_total"] == 140  # 15 rows x 10, one excluded


@pytest.mark.parametrize("row, expected", [
    (["组织架构", "10", "八十", False, "", ""], ["第1行", "组织架构", "得分"]),
    (["组织架构", "10", "12", False, "", ""], ["第1行", "得分", "超过满分"]),
    (["组织架构", "abc", "8", False, "", ""], ["第1行", "满分"]),
    (["组织架构", "", "8", False, "", ""], ["第1行", "组织架构", "满分"]),
    (["组织架构", "10", "", False, "10", "x"], ["第1行", "不符合数"]),
])
def test_score_sheet_bad_values_name_row_and_column(row, expected):
    table = [row]
    summary, result, figure = calculator.calculate_score("sheet", table=table)
    assert "error" in result and figure is None
    for word in expected:
        assert word in result["error"], result["error"]
    assert "无法计算" in summary


def test_score_sheet_error_names_the_visible_row():
    table = calculator.default_sheet()
    table[0][1:3] = ["10", "9"]
    table[6][1:3] = ["10", "十"]  # 7th row on screen
    _, result, _ = calculator.calculate_score("sheet", table=table)
    assert "第7行" in result["error"] and "服务文化" in result["error"]


def test_score_empty_inputs_are_friendly():
    for call in (lambda: calculator.calculate_score("total"), lambda: calculator.calculate_score("earned", earned=5),
                 lambda: calculator.calculate_score("sheet", table=calculator.default_sheet()),
                 lambda: calculator.calculate_score("total", total=120),
                 lambda: calculator.calculate_score("total", total=80, special_deductions=-1)):
        summary, result, figure = call()
        assert "error" in result and figure is None and summary.startswith("⚠️")


def test_score_api():
    assert api.api_score(total=88)["grade"] == "三星级"
    assert api.api_score(earned=76, applicable_total=80)["grade"] == "五星级"
    assert "error" in api.api_score(total="八十")
    assert "error" in api.api_score()


# --------------------------------------------------------------------------- knowledge base


@pytest.mark.parametrize("raw, expected", [
    ("../../etc/passwd.md", "passwd.md"),
    ("a/b\\c.txt", "c.txt"),
    ("<script>.md", "script.md"),
    ("售后服务 规范（2024）.PDF", "售后服务_规范（2024）.pdf"),
    (".hidden.md", "hidden.md"),
    ("..", "upload"),
    ("a\x00b.md", "ab.md"),
])
def test_safe_filename(raw, expected):
    assert admin.safe_filename(raw) == expected


def _upload(tmp_path, name, text="# 上传测试\n\n这是一份关于上门维修响应时间的测试文档，承诺二十四小时内响应。\n"):
    src = tmp_path / "incoming" / "x"
    src.mkdir(parents=True, exist_ok=True)
    path = src / "file.bin"
    path.write_text(text, encoding="utf-8")
    return (name, str(path))


@pytest.mark.parametrize("name", ["../../etc/passwd.md", "a/b\\c.txt", "<script>.md"])
def test_upload_sanitises_names_and_stays_in_uploads(tmp_path, name):
    ctx = _fresh(tmp_path)
    message, rows = admin.upload_documents(ctx, [_upload(tmp_path, name)])
    uploads = tmp_path / "data" / "uploads"
    saved = list(uploads.iterdir())
    assert len(saved) == 1 and saved[0].name == admin.safe_filename(name)
    assert "已上传 1 个文件" in message
    assert [r[0] for r in rows] == ["upload/" + saved[0].name]
    assert not (tmp_path / "etc").exists()


def test_upload_rejects_bad_extension_and_oversize(tmp_path):
    ctx = _fresh(tmp_path, upload_max_mb=1)
    big = tmp_path / "big.md"
    big.write_bytes(b"a" * (1024 * 1024 + 1))
    message, rows = admin.upload_documents(ctx, [_upload(tmp_path, "tool.exe"), ("big.md", str(big))])
    assert "类型不支持" in message and "tool.exe" in message
    assert "超过上限 1 MB" in message and "big.md" in message
    assert rows == [] and not any((tmp_path / "data" / "uploads").glob("*"))


def test_upload_requires_admin_password_when_set(tmp_path):
    ctx = _fresh(tmp_path, admin_password="s3cret")
    for wrong in (None, "", "nope"):
        message, rows = admin.upload_documents(ctx, [_upload(tmp_path, "doc.md")], wrong)
        assert "拒绝" in message or "管理员密码" in message
        assert rows == []
    assert not (tmp_path / "data" / "uploads").exists()
    message, _ = admin.delete_document(ctx, "doc", "nope")
    assert "拒绝" in message
    message, _ = admin.rebuild_knowledge_base(ctx, "nope")
    assert "拒绝" in message
    message, rows = admin.upload_documents(ctx, [_upload(tmp_path, "doc.md")], "s3cret")
    assert [r[0] for r in rows] == ["upload/doc.md"]


def test_upload_progress_delete_and_refresh(tmp_path, corpus_kb):
    from assistant.core import Assistant

    ctx = _fresh(tmp_path)
    admin.upload_documents(ctx, [_upload(tmp_path, "seed.md", "# 种子\n\n证书有效期三年，每年监督一次。\n")])
    ctx._assistant = Assistant(ctx.settings)
    calls = []
    message, rows = admin.upload_documents(ctx, [_upload(tmp_path, "维修承诺.md")],
                                       progress=lambda frac, desc=None: calls.append((frac, desc)))
    assert "upload/维修承诺.md" in [r[0] for r in rows]
    assert calls and calls[-1][0] == 1.0
    # the shared assistant sees the new document without a restart
    _, hit_rows = dashboard.retrieval_rows(ctx, "上门维修 二十四小时 响应", 3)
    assert hit_rows[0][6] == "upload/维修承诺.md"
    message, rows = admin.delete_document(ctx, "upload/维修承诺.md")
    assert "已删除" in message and "upload/维修承诺.md" not in [r[0] for r in rows]
    assert not (tmp_path / "data" / "uploads" / "维修承诺.md").exists()
    _, hit_rows = dashboard.retrieval_rows(ctx, "上门维修 二十四小时 响应", 3)
    assert all(r[6] != "upload/维修承诺.md" for r in hit_rows)
    message, _ = admin.delete_document(ctx, "no-such-doc")
    assert "没有文档" in message


def test_document_table(corpus_kb):
    rows = admin.document_rows(corpus_kb)
    assert len(rows) >= 20
    for doc_id, title, doc_type, level, chunks, ingested_at, ocr in rows:
        assert doc_id and title and doc_type and chunks > 0 and len(ingested_at) == 19
        assert ocr == ""  # nothing in corpus/ is a scan
        assert level == {"standard": "3 标准/法规", "regulation": "3 标准/法规", "faq": "2 常见问题/指南",
                         "guide": "2 常见问题/指南", "web": "1 网页/上传"}[doc_type]
    message, rows2 = admin.list_documents_handler(context.AppContext(corpus_kb))
    assert rows2 == rows and f"{len(rows)} 个文档" in message


# --------------------------------------------------------------------------- retrieval test


def test_retrieval_table(corpus_kb, assistant):
    ctx = context.AppContext(corpus_kb, assistant)
    message, rows = dashboard.retrieval_rows(ctx, "证书有效期", 4)
    assert 0 < len(rows) <= 4 and "检索到" in message
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    fused = [r[1] for r in rows]
    assert fused == sorted(fused, reverse=True)
    assert all(len(r) == len(dashboard.HIT_COLUMNS) for r in rows)
    assert any(r[2] != "" for r in rows) and any(r[3] != "" for r in rows)  # lexical and dense scores
    _, faq_rows = dashboard.retrieval_rows(ctx, "证书有效期", 5, "faq")
    assert faq_rows and all(r[7] == "faq" for r in faq_rows)
    assert dashboard.retrieval_rows(ctx, "  ", 5) == ("请输入要测试的检索语句。", [])


# --------------------------------------------------------------------------- eval dashboard


def test_eval_dashboard_small_qa(corpus_kb, tmp_path):
    qa = tmp_path / "qa.jsonl"
    items = [
        {"id": "t1", "question": "证书有效期几年？", "category": "validity", "key_points": [["3年", "三年"]]},
        {"id": "t2", "question": "得了88分能评几星？", "category": "score", "expected_score": 88,
         "expected_grade": "三星级"},
    ]
    qa.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n", encoding="utf-8")
    calls = []
    message, metrics, figure, failures = dashboard.run_eval_dashboard(
        context.AppContext(corpus_kb), False, progress=lambda f, desc=None: calls.append(f), qa_path=qa)
    assert "已评测 2 题" in message, message
    labels = [m[0] for m in metrics]
    assert "总体正确率" in labels and "Recall@5" in labels
    shown = dict((m[0], m[1]) for m in metrics)
    assert shown["题目数"] == 2 and shown["评分题完全正确率"] == "100.0%"  # rates as percentages
    assert figure is not None and calls
    assert isinstance(failures, list)
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n", encoding="utf-8")
    message, metrics, figure, failures = dashboard.run_eval_dashboard(context.AppContext(corpus_kb), False, qa_path=bad)
    assert "失败" in message and metrics == [] and figure is None


# --------------------------------------------------------------------------- API over HTTP


@pytest.fixture
def launched(corpus_kb, assistant):
    with launched_app(corpus_kb, assistant) as url:
        yield url


def test_gradio_client_ask_and_score(launched):
    from gradio_client import Client

    client = Client(launched, verbose=False)
    endpoints = client.view_api(return_format="dict", print_info=False)["named_endpoints"]
    assert {"/ask", "/score"} <= set(endpoints)
    record = client.predict("证书有效期几年？每年要监督吗？", api_name="/ask")
    assert set(record) >= {"answer", "abstained", "citations", "tool_calls", "mode", "latency_ms"}
    assert not record["abstained"] and record["citations"][0]["n"] == 1 and "[1]" in record["answer"]
    history = [{"role": "user", "content": "证书有效期几年？"}, {"role": "assistant", "content": record["answer"]}]
    follow = client.predict("每年要监督吗？", json.dumps(history, ensure_ascii=False), api_name="/ask")
    assert follow["answer"]
    bad = client.predict("你好", "not json", api_name="/ask")
    assert "history" in bad["error"]
    result = client.predict(earned=76, applicable_total=80, api_name="/score")
    assert result["grade"] == "五星级" and result["score"] == 95
    result = client.predict(total=88, special_deductions=1, bonus=1, api_name="/score")
    assert result["grade"] == "三星级" and result["points_to_next"] == 2
    assert "error" in client.predict(total=120, api_name="/score")
