"""What the user reads, without a browser (issue 15): refusal topics and errors in Chinese words,
the copy texts, the mode in plain words (web badge and one-shot CLI), cards with titles, charts
drawn with a CJK font."""

from __future__ import annotations

import os
import re

import pytest

from assistant import present
from assistant.web import render

TURN = {
    "question": "证书有效期几年？",
    "answer": "售后服务认证证书有效期为3年[1]。每年进行一次监督评审[2]。",
    "citations": [
        {"n": 1, "source": "faq-validity", "title": "证书有效期", "locator": "问：有效期几年？", "text": "有效期3年。",
         "doc_type": "faq", "page": None, "chunk_id": "faq-validity::1"},
        {"n": 2, "source": "std-overview", "title": "标准概况", "locator": "第 5.1 条", "text": "每年监督。",
         "doc_type": "standard", "page": 4, "chunk_id": "std-overview::3"},
    ],
    "tool_calls": [], "notices": [], "abstained": False,
}


def test_every_refusal_topic_has_chinese_words():
    from assistant.domain.scope import topics

    for topic in topics():
        shown = present.notice_words(f"超出知识库范围：{topic.name}")
        assert topic.name not in shown and re.search(r"[\u4e00-\u9fff]{2,}$", shown), shown
    assert present.notice_words("超出知识库范围：fees") == "超出知识库范围：认证费用"
    assert present.notice_words("超出知识库范围：与售后服务认证无关") == "超出知识库范围：与售后服务认证无关"
    assert present.notice_words("超出知识库范围：some_new_key") == "超出知识库范围：知识库未收录的主题"


def test_refusal_notice_in_chat_and_cli_names_no_key(assistant):
    answer = assistant.ask("认证费用多少钱？")
    assert "超出知识库范围：fees" in answer.notices  # the record keeps the key (the unanswered log reads it)
    shown = render.chat_messages([{"question": "认证费用多少钱？", "answer": answer.answer, "notices": answer.notices}])
    assert "fees" not in shown[1]["content"] and "认证费用" in shown[1]["content"]
    assert "fees" not in present.format_answer(answer)


def test_calculator_errors_name_no_program_fields():
    from assistant.web import calculator

    for args in (("earned", None, 76, None, None, 0, 0), ("earned", None, None, 80, None, 0, 0),
                 ("earned", None, 76, 0, None, 0, 0)):
        summary = calculator.calculate_score(*args)[0]
        assert "无法计算" in summary and not re.search(r"[a-z]{3,}", summary), summary
    assert present.plain_error("填了实际得分(earned)还要填涉及项分值(applicable_total)") == "填了实际得分还要填涉及项分值"


def test_copy_text_and_customer_reply():
    full = render.copy_text(TURN)
    assert full == ("售后服务认证证书有效期为3年[1]。每年进行一次监督评审[2]。\n\n出处：\n"
                    "[1] 《证书有效期》，问：有效期几年？\n[2] 《标准概况》，第 5.1 条")
    assert render.short_reply(TURN) == "售后服务认证证书有效期为3年。（依据：《证书有效期》）"
    no_cites = dict(TURN, answer="知识库中没有依据。", citations=[])
    assert render.short_reply(no_cites) == "知识库中没有依据。" and "出处" not in render.copy_text(no_cites)


def test_cards_grouped_per_answer_with_titles_links_and_markers():
    second = dict(TURN, question="每年要监督吗？")
    html = render.all_cards([TURN, second])
    assert html.index('id="kba-turn-2"') < html.index('id="kba-turn-1"')  # newest first
    assert '<details class="kba-group" id="kba-turn-2" open>' in html
    assert '<details class="kba-group" id="kba-turn-1">' in html  # earlier: folded, still there
    assert 'id="kba-cite-1-1"' in html and 'id="kba-cite-2-2"' in html
    assert 'href="/kb/original?doc=std-overview&amp;page=4&amp;chunk=std-overview%3A%3A3"' in html
    assert "查看原文" in html and "第 4 页" in html and "常见问题" in html
    assert "faq-validity" not in re.sub(r'href="[^"]*"', "", html)  # no slug shown
    messages = render.chat_messages([TURN, second])
    assert '<a class="kba-ref" href="#kba-cite-1-1">[1]</a>' in messages[1]["content"]
    assert '<a class="kba-ref" href="#kba-cite-2-2">[2]</a>' in messages[3]["content"]


def test_marker_without_a_card_stays_text_and_passage_markup_stays_escaped():
    evil = dict(TURN, answer="见[3]。<script>alert(1)</script>![x](http://127.0.0.1:9/p.png)[1]")
    content = render.chat_messages([evil])[1]["content"]
    assert "[3]" in content and "#kba-cite-1-3" not in content
    assert "<script" not in content and "&lt;script&gt;" in content and "](http" not in content


def test_table_cards():
    html = render.table_cards(("文档 id", "标题", "类型"), [["a-1", "<b>标题</b>", "标准"], ["", "", ""]], title_col=1)
    assert html.count('class="kba-tcard"') == 1
    assert "&lt;b&gt;标题&lt;/b&gt;" in html and "<span class=\"kba-tkey\">类型：</span>标准" in html
    assert "暂无" in render.table_cards(("a",), [])


def test_mode_badge_plain_words_and_tooltip():
    class Offline:
        mode = "离线模式（BM25 + 内置哈希嵌入，抽取式回答）"
        notices = ["嵌入：内置离线哈希嵌入（hashing-ngram-v1-512）"]

    html = render.mode_badge(Offline())
    visible = re.sub(r'title="[^"]*"', "", html)
    assert "离线模式：答案直接摘自知识库原文" in visible
    assert "hashing" not in visible and "BM25" not in visible
    assert "hashing-ngram-v1-512" in html and "BM25" in html  # behind the tooltip
    assert present.mode_words("LLM 模式（m；检索：BM25）").startswith("智能模式")
    # the CLI's line: the words, then the technical detail without the mode's name again
    assert present.mode_detail("离线模式（BM25 + 内置哈希嵌入，抽取式回答）") == "BM25 + 内置哈希嵌入，抽取式回答"
    assert present.mode_detail("LLM 模式（m；检索：BM25）") == "m；检索：BM25"


def test_one_shot_cli_states_its_mode_once_on_stderr(corpus_kb, monkeypatch, capsys):
    from cli_run import cli

    result = cli(["ask", "证书有效期几年？"], corpus_kb, monkeypatch, capsys)
    assert result.returncode == 0
    assert result.stderr.count("离线模式：答案直接摘自知识库原文") == 1
    assert result.stderr.count("离线模式") == 1  # not "离线模式…（离线模式（…））"
    assert "离线模式" not in result.stdout and "[1]" in result.stdout
    as_json = cli(["ask", "证书有效期几年？", "--json"], corpus_kb, monkeypatch, capsys)
    assert as_json.stderr.count("离线模式：答案直接摘自知识库原文") == 1
    import json

    assert json.loads(as_json.stdout)["answer"]


def _require_cjk_font():
    from assistant.web import charts

    font = charts.cjk_font()
    if font is None:
        if os.environ.get("CI", "").strip().lower() == "true":
            pytest.fail("没有中文字体；CI 中 .ci/run 会安装 fonts-noto-cjk")
        pytest.skip("没有中文字体（apt-get install -y fonts-noto-cjk）")
    return font


def test_charts_draw_chinese_labels_with_a_cjk_font():
    from matplotlib.font_manager import FontProperties, findfont

    from assistant.web import charts

    font = _require_cjk_font()
    path = findfont(FontProperties(family=font), fallback_to_default=False)
    assert "CJK" in path or "SC" in path or "wqy" in path.lower() or "Han" in path, path
    fig = charts.grade_chart(88, "三星级")
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "三星级" in texts and "达标" in texts and not {"Fail", "Pass", "3★"} & set(texts)
    assert all(t.get_fontname() == font for t in fig.axes[0].texts)
    fig = charts.category_chart({"score_calculation": {"ours": {"accuracy": 0.9}, "baseline": {"accuracy": 0.5}},
                                 "out_of_scope": {"ours": {"accuracy": 1.0}}})
    labels = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert labels == ["评分计算", "超出范围"]
    assert fig.axes[0].get_ylabel() == "正确率"
    import io
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a warning: none may occur
        fig.savefig(io.BytesIO(), format="png")
        charts.grade_chart(72.5, "达标").savefig(io.BytesIO(), format="png")


def test_internal_errors_are_said_in_words():
    message = render.friendly_error(RuntimeError("boom"), "回答问题")
    assert "内部错误" in message and not re.search(r"[A-Za-z]", message)
