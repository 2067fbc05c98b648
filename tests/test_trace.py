"""为什么这样回答: every Answer carries a trace (normalised question, tokens, matched terms, each
signal's score and rank, the abstention decision against its threshold, the curated match)."""

from __future__ import annotations

import json

from cli_run import cli


def test_an_answer_carries_its_retrieval_trace(assistant):
    ans = assistant.ask("证书有效期几年？")
    t = ans.trace
    assert not ans.abstained and t["route"] == "retrieval"
    assert t["question"] == "证书有效期几年？" and t["normalised"] and "有效期" in t["tokens"]
    assert t["passages"] and t["passages"][0]["rank"] == 1
    first = t["passages"][0]
    assert "有效期" in first["matched"]
    assert set(first["signals"]) == {"fused", "lexical", "dense"}
    # the fused ranks are the passages' order; every other rank is a permutation of 1..n or None
    fused = [p["signals"]["fused"] for p in t["passages"]]
    assert [s["rank"] for s in fused] == sorted(s["rank"] for s in fused)
    for name in ("lexical", "dense"):
        ranks = [p["signals"][name]["rank"] for p in t["passages"] if p["signals"][name]["rank"] is not None]
        assert sorted(ranks) == list(range(1, len(ranks) + 1))
    ab = t["abstention"]
    assert ab["abstained"] is False and ab["rule"] == "answered"
    assert ab["coverage"] >= ab["min_coverage"] == assistant.policy.min_coverage
    assert "证据足够" in ab["decision"]
    assert t["curated"]["threshold"] > 0 and t["curated"]["matched"] is False
    json.dumps(ans.to_dict(), ensure_ascii=False)  # the trace is plain JSON


def test_an_evidence_refusal_says_which_threshold_refused_it(assistant):
    ans = assistant.ask("格力的售后服务认证证书编号是多少？")
    assert ans.abstained and ans.trace["route"] == "retrieval" and ans.trace["passages"]
    ab = ans.trace["abstention"]
    assert ab["abstained"] is True and ab["rule"] in ("coverage", "rare_focus", "policy")
    assert "拒答" in ab["decision"] and ab["missing"]
    if ab["rule"] == "coverage":
        assert ab["coverage"] < ab["min_coverage"] and ab["missing_weight"] >= ab["min_missing_weight"]


def test_out_of_scope_score_and_empty_questions_have_their_route(assistant):
    oos = assistant.ask("售后服务认证的费用是多少钱？").trace  # a topic refused without retrieval
    assert oos["route"] == "out_of_scope" and "fees" not in oos["abstention"]["decision"]
    assert oos["abstention"]["abstained"] and "未检索即拒答" in oos["abstention"]["decision"]
    assert assistant.ask("得了88分能评几星？").trace["route"] == "score_tool"
    assert assistant.ask("   ").trace["route"] == "empty"


def test_a_curated_answer_shows_its_match_score_against_the_threshold(tmp_path_factory):
    from conftest import corpus_kb_at

    from assistant.core import Assistant
    from assistant.upkeep.curated import MATCH_THRESHOLD, CuratedStore

    kb = corpus_kb_at(tmp_path_factory.mktemp("trace-kb") / "data")
    bot = Assistant(kb)
    a = CuratedStore(kb).add("证书丢了怎么补办？", "向发证机构申请补发。", basis="认证规则 第9条",
                            variants=["证书遗失怎么办"])
    t = bot.ask("证书遗失怎么办").trace
    assert t["route"] == "curated"
    assert t["curated"]["matched"] and t["curated"]["id"] == a.id and t["curated"]["version"] == 1
    assert t["curated"]["score"] >= t["curated"]["threshold"] == MATCH_THRESHOLD
    near = bot.ask("证书有效期几年？").trace["curated"]
    assert near["matched"] is False and (near["score"] is None or near["score"] < MATCH_THRESHOLD)


def test_render_markdown_is_chinese_and_shows_text_as_text():
    from assistant.pipeline.trace import render_markdown

    assert "没有记录" in render_markdown(None)
    text = render_markdown({
        "question": "<b>x</b>", "normalised": "[a](http://e)", "resolved": "", "tokens": ["a|b"],
        "route": "retrieval", "curated": {"score": 0.3, "threshold": 0.42, "matched": False, "id": "ca-1",
                                          "version": 2, "phrasing": "p"},
        "abstention": {"decision": "拒答。", "missing": [["费用", 12.3]]},
        "passages": [{"rank": 1, "title": "T", "locator": "第1条", "matched": ["费用"],
                      "signals": {"fused": {"score": 0.5, "rank": 1}, "lexical": {"score": None, "rank": None},
                                  "dense": {"score": 0.2, "rank": 1}}}]})
    assert "<b>" not in text and "&lt;b&gt;" in text and "](http" not in text
    assert "a\\|b" in text and "未达门槛" in text and "费用（12.3）" in text and "| 1 | T 第1条 |" in text


def test_ask_json_includes_the_trace(corpus_kb, monkeypatch, capsys):
    out = cli(["ask", "证书有效期几年？", "--json"], corpus_kb, monkeypatch, capsys)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["trace"]["route"] == "retrieval" and data["trace"]["passages"]
    assert data["trace"]["abstention"]["decision"]
