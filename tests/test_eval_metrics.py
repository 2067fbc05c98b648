"""Unit tests for eval.metrics (pure functions, hand-made records) and the baseline's matching."""

from __future__ import annotations

import pytest

from eval import metrics as M
from eval.harness import check_thresholds, make_record

# --------------------------------------------------------------------------- text / key points


def test_normalise_folds_width_script_case_and_space():
    assert M.normalise("ＧＢ／Ｔ  27922\n評審") == "gb/t 27922评审"  # (a digit and a Chinese character join)
    assert M.normalise(None) == ""


def test_key_points_every_group_needs_one_keyword():
    kp = [["三星级", "三星"], ["80分"]]
    assert M.key_points_hit("刚好80分算三星级。", kp)
    assert not M.key_points_hit("刚好80分算达标级。", kp)  # first group missing
    assert not M.key_points_hit("算三星级。", kp)  # second group missing


def test_key_points_checked_after_normalisation():
    # traditional script and full-width digits in the answer still match simplified keywords
    assert M.key_points_hit("剛好８０分算三星級", [["三星级"], ["80分"]])
    # and keywords are normalised too
    assert M.key_points_hit("有效期为三年", [["有效期"], ["三年", "3年"]])
    assert M.key_points_hit("abc", [["ABC"]])


def test_key_points_edge_cases():
    assert M.key_points_hit("anything", [])  # no key points: vacuously true
    assert not M.key_points_hit("anything", [[]])  # an empty group can never be met
    assert not M.key_points_hit("", [["x"]])
    assert M.key_points_hit("达标级", ["达标"])  # a bare string is one group of one keyword


def test_key_point_found_any_group():
    assert M.key_point_found("五星级需要95分", [["三星"], ["95分"]])
    assert not M.key_point_found("无关文字", [["三星"], ["95分"]])


# --------------------------------------------------------------------------- retrieval


def test_recall_at_k():
    retrieved = ["a#1", "b#2", "c#3"]
    assert M.recall_at(retrieved, ["b#2"], 1) == 0.0
    assert M.recall_at(retrieved, ["b#2"], 2) == 1.0
    assert M.recall_at(retrieved, ["a#1", "z#9"], 5) == 1.0  # any acceptable gold passage counts
    assert M.recall_at(retrieved, ["z#9", "c#3"], 2) == 0.0
    assert M.recall_at(retrieved, [], 5) is None
    assert M.recall_at([], ["a#1"], 5) == 0.0


def test_passage_recall_at_counts_every_gold_passage():
    retrieved = ["a#1", "b#2", "c#3"]
    assert M.passage_recall_at(retrieved, ["a#1", "z#9"], 5) == 0.5
    assert M.passage_recall_at(retrieved, ["a#1", "c#3"], 2) == 0.5
    assert M.passage_recall_at([["a#1", "c#3"]], ["a#1", "c#3"], 1) == 1.0
    assert M.passage_recall_at(retrieved, [], 5) is None


def test_recall_accepts_gold_dicts_and_grouped_ranks():
    retrieved = [["x#1", "a#1"], ["b#2"]]  # rank 1 holds two passages (a baseline chunk)
    assert M.recall_at(retrieved, [{"doc": "a", "anchor": "1"}], 1) == 1.0
    assert M.recall_at(retrieved, ["b#2"], 1) == 0.0
    assert M.recall_at(retrieved, ["a#1", "b#2"], 2) == 1.0


def test_reciprocal_rank():
    assert M.reciprocal_rank(["a", "b", "c"], ["c"]) == pytest.approx(1 / 3)
    assert M.reciprocal_rank(["a", "b", "c"], ["b", "c"]) == 0.5
    assert M.reciprocal_rank(["a"], ["z"]) == 0.0
    assert M.reciprocal_rank(["a"], []) is None
    assert M.reciprocal_rank([[], ["q", "z"]], ["z"]) == 0.5  # empty rank still counts as a rank


# --------------------------------------------------------------------------- citations


def test_citation_precision_gold_or_key_point():
    cites = [
        {"passage": "faq#a", "text": "无关"},  # gold
        {"passage": "std#b", "text": "得分达到70分即通过"},  # contains a key point
        {"passage": "reg#c", "text": "别的内容"},  # neither
    ]
    assert M.citation_precision(cites, ["faq#a"], [["70分"]]) == pytest.approx(2 / 3)
    assert M.citation_precision([], ["faq#a"], [["70分"]]) is None


def test_citation_precision_grouped_passages_and_objects():
    from assistant.types import Citation

    chunk = {"passages": ["faq#x", "faq#a"], "text": "…"}
    assert M.citation_precision([chunk], ["faq#a"], []) == 1.0
    obj = Citation(n=1, source="std", title="t", locator="", text="五星级", passage="std#z")
    assert M.citation_precision([obj], ["faq#a"], [["五星"]]) == 1.0
    assert M.citation_precision([obj], ["faq#a"], [["三星"]]) == 0.0


# --------------------------------------------------------------------------- abstention


def test_abstention_precision_recall():
    got = [True, True, False, False]
    exp = [True, False, True, False]
    assert M.abstention_precision(got, exp) == 0.5
    assert M.abstention_recall(got, exp) == 0.5
    assert M.abstention_precision([False, False], [True, False]) is None  # never abstained
    assert M.abstention_recall([True], [False]) is None  # nothing to decline
    assert M.abstention_recall([False, False], [True, True]) == 0.0
    with pytest.raises(ValueError):
        M.abstention_precision([True], [True, False])


# --------------------------------------------------------------------------- scores


def _call(score, grade, name="calculate_grade"):
    return {"name": name, "args": {}, "result": {"score": score, "grade": grade, "next_grade": None,
                                                   "points_to_next": 0}}


def test_score_exact_match_reads_tool_result():
    assert M.score_exact_match([_call(86.0, "三星级")], 86, "三星级")
    assert M.score_exact_match([_call(86.0000001, "三星级")], 86, "三星级")  # within 1e-6
    assert not M.score_exact_match([_call(86.01, "三星级")], 86, "三星级")
    assert not M.score_exact_match([_call(86.0, "四星级")], 86, "三星级")
    assert not M.score_exact_match([], 86, "三星级")  # no tool: fails
    assert not M.score_exact_match([_call(86.0, "三星级", name="other")], 86, "三星级")
    assert not M.score_exact_match([{"name": "calculate_grade", "args": {}, "result": {"error": "x"}}], 86, None)
    assert M.score_exact_match([_call(86.0, "三星级")], None, "三星级")  # only grade expected
    assert not M.score_exact_match([_call(86.0, "三星级")], None, None)  # nothing to check


def test_a_score_written_rounded_is_met_by_the_exact_score_at_that_precision():
    def call(score, exact, grade):
        return {"name": "calculate_grade", "args": {}, "result": {"score": score, "score_exact": exact, "grade": grade}}

    assert M.score_exact_match([call(68.89, "620/9", "不通过")], 68.9, "不通过")   # 62/90 x 100 written 68.9
    assert M.score_exact_match([call(68.89, "620/9", "不通过")], 68.89, "不通过")
    assert not M.score_exact_match([call(68.89, "620/9", "不通过")], 69, "不通过")  # an integer claims no rounding
    assert not M.score_exact_match([call(79.2, "79.2", "达标")], 79.3, "达标")
    assert not M.score_exact_match([call(68.89, None, "不通过")], 68.9, "不通过")  # no exact value to round


def test_score_exact_match_accepts_toolcall_objects():
    from assistant.types import ToolCall

    call = ToolCall(name="calculate_grade", args={"total": 92}, result={"score": 92.0, "grade": "四星级"})
    assert M.score_exact_match([call], 92, "四星级")
    assert M.grade_result([call])["grade"] == "四星级"


# --------------------------------------------------------------------------- honesty rules (judge)

CITE = [{"n": 1, "passage": "faq#a", "text": "…"}]


def _item(**kw):
    base = {"id": "q", "question": "?", "category": "c", "key_points": [["三星"]], "gold_sources": [],
            "expect_abstain": False, "expected_score": None, "expected_grade": None}
    base.update(kw)
    return base


def test_no_citations_is_never_correct():
    v = M.judge(_item(), answer_text="刚好80分算三星级", abstained=False, citations=[])
    assert v["key_points_ok"] and not v["correct"] and v["reason"] == "no_citations"
    v = M.judge(_item(), answer_text="刚好80分算三星级", abstained=False, citations=CITE)
    assert v["correct"] and v["reason"] == ""


def test_abstaining_on_answerable_is_wrong_even_if_text_matches():
    v = M.judge(_item(), answer_text="三星级之类的问题我无法回答", abstained=True, citations=CITE)
    assert not v["correct"] and v["reason"] == "abstained_on_answerable"
    assert not v["key_points_ok"]


def test_abstention_read_from_flag_not_text():
    oos = _item(expect_abstain=True, key_points=[])
    # text says "cannot answer" but the flag says it answered: wrong
    v = M.judge(oos, answer_text="抱歉，知识库中没有相关内容。", abstained=False, citations=CITE)
    assert not v["correct"] and v["reason"] == "answered_out_of_scope"
    v = M.judge(oos, answer_text="", abstained=True, citations=[])
    assert v["correct"]


def test_score_question_judged_on_tool_not_text():
    item = _item(expected_score=86, expected_grade="三星级", key_points=[["三星"]])
    # the text names the right grade but there is no tool call: wrong
    v = M.judge(item, answer_text="86分是三星级", abstained=False, citations=CITE, tool_calls=[])
    assert not v["correct"] and v["score_ok"] is False and v["reason"] == "no_tool_result"
    # the tool is right though the text says nothing useful: right
    v = M.judge(item, answer_text="见引用", abstained=False, citations=CITE,
                tool_calls=[_call(86.0, "三星级")])
    assert v["correct"] and v["score_ok"] is True
    v = M.judge(item, answer_text="86分是三星级", abstained=False, citations=CITE,
                tool_calls=[_call(85.0, "三星级")])
    assert not v["correct"] and v["reason"] == "wrong_score"


def test_missing_key_points_is_wrong():
    v = M.judge(_item(), answer_text="达标级", abstained=False, citations=CITE)
    assert not v["correct"] and v["reason"] == "missing_key_points"


# --------------------------------------------------------------------------- aggregation


def test_percentile():
    assert M.percentile([], 50) is None
    assert M.percentile([7], 95) == 7
    assert M.percentile([1, 2, 3, 4], 50) == 2.5
    assert M.percentile([1, 2, 3, 4, 5], 95) == pytest.approx(4.8)
    assert M.percentile([5, 1, 3], 0) == 1 and M.percentile([5, 1, 3], 100) == 5


def test_mean_skips_none():
    assert M.mean([1, None, 0]) == 0.5
    assert M.mean([None]) is None
    assert M.mean([True, False, True, True]) == 0.75


def _rec(item, **answer):
    answer.setdefault("answer_text", "")
    answer.setdefault("abstained", False)
    answer.setdefault("citations", [])
    answer.setdefault("retrieved", [])
    answer.setdefault("tool_calls", [])
    answer.setdefault("latency_ms", 10.0)
    return make_record(item, **answer)


def test_make_record_and_summarise():
    gold = [{"doc": "faq", "anchor": "a"}]
    recs = [
        _rec(_item(id="1", gold_sources=gold), answer_text="三星级", citations=CITE, retrieved=["faq#a"]),
        _rec(_item(id="2", gold_sources=gold), answer_text="三星级", retrieved=["x#y", "faq#a"]),  # no cite
        _rec(_item(id="3", expect_abstain=True, key_points=[]), abstained=True, latency_ms=30.0),
        _rec(_item(id="4", expected_score=86, expected_grade="三星级"), answer_text="三星级",
             citations=CITE, tool_calls=[_call(86.0, "三星级")]),
        _rec(_item(id="5"), abstained=True),  # abstained on answerable
    ]
    assert [r["correct"] for r in recs] == [True, False, True, True, False]
    assert recs[0]["recall_at_1"] == 1.0 and recs[1]["recall_at_1"] == 0.0 and recs[1]["rr"] == 0.5
    assert recs[2]["recall_at_1"] is None and recs[2]["citation_precision"] is None
    s = M.summarise(recs)
    assert s["n"] == 5 and s["accuracy"] == pytest.approx(3 / 5)
    assert s["key_point_accuracy"] == pytest.approx(1 / 3)  # items 1, 2, 5
    assert s["recall_at_1"] == 0.5 and s["recall_at_5"] == 1.0 and s["mrr"] == 0.75
    assert s["citation_presence"] == 0.5  # 2 of 4 answerable items answered with citations
    assert s["citation_precision"] == 0.5  # item 1 cites gold; item 4 cites neither gold nor a key point
    assert s["abstention_precision"] == 0.5 and s["abstention_recall"] == 1.0
    assert s["score_exact_match"] == 1.0
    assert s["latency_p50_ms"] == 10.0


def test_check_thresholds():
    summary = {"a": 0.8, "b": 0.5, "c": None}
    below = check_thresholds(summary, {"a": 0.8, "b": 0.6, "c": 0.1})
    assert [m for m, _, _ in below] == ["b", "c"]


# --------------------------------------------------------------------------- baseline matching


def test_baseline_passage_matching_by_prefix():
    from eval.baseline import PREFIX_CHARS, passage_bodies, passage_prefixes, passages_in

    text = ("# 标题\n\n## 问一 {#q1}\n\n" + "甲" * 30 + "乙" * 30 + "\n\n来源：x\n\n"
            "## 没有锚点\n\n无关\n\n## 問二 {#q2}\n\n短文本。\n")
    bodies = passage_bodies(text)
    assert set(bodies) == {"q1", "q2"}
    assert bodies["q2"] == "短文本。"
    prefixes = passage_prefixes("doc", text)
    assert len(prefixes["doc#q1"]) == PREFIX_CHARS
    # a chunk containing the first 40 normalised characters (line breaks ignored) contains q1
    assert passages_in("前文 " + "甲" * 30 + "\n" + "乙" * 10, prefixes) == ["doc#q1"]
    assert passages_in("甲" * 30, prefixes) == []  # prefix cut short: not contained
    assert passages_in("短文本。", prefixes) == ["doc#q2"]  # body shorter than 40: whole body


# --------------------------------------------------------------------------- doc-only gold sources


def test_doc_only_gold_source_matches_any_passage_of_that_document():
    assert M.passage_key({"doc": "000_seed"}) == "000_seed"
    assert M.passage_key({"doc": "000_seed", "anchor": None}) == "000_seed"
    assert M.passage_key({"doc": "faq", "anchor": "a"}) == "faq#a"
    # a plain .txt document's chunks are keyed by chunk id (doc::digest); anchored ones doc#anchor
    assert M.key_matches("000_seed::3fa2c1", "000_seed")
    assert M.key_matches("000_seed#intro", "000_seed")
    assert M.key_matches("000_seed", "000_seed")
    assert not M.key_matches("000_seed_b::3fa2c1", "000_seed")  # another document with a longer id
    assert not M.key_matches("001_seed::3fa2c1", "000_seed")
    # an anchored gold key still needs that very passage
    assert not M.key_matches("faq#b", "faq#a") and not M.key_matches("faq::x", "faq#a")
    gold = [{"doc": "000_seed"}]
    assert M.recall_at(["001::a", "000_seed::b"], gold, 1) == 0.0
    assert M.recall_at(["001::a", "000_seed::b"], gold, 5) == 1.0
    assert M.reciprocal_rank(["001::a", "000_seed::b"], gold) == 0.5
    assert M.passage_recall_at([["x::1", "000_seed::片段2"]], gold + [{"doc": "002"}], 5) == 0.5
    assert M.citation_is_relevant({"passage": "000_seed::c", "text": ""}, ["000_seed"], [])
    assert not M.citation_is_relevant({"passage": "003::c", "text": "无关"}, ["000_seed"], [["要点"]])


def test_doc_ids_of_plain_text_files_are_their_stems(tmp_path):
    """What a doc-only gold source names: the file's path under the ingested folder, no suffix."""
    from ingest.loaders import doc_id_for

    assert doc_id_for(tmp_path / "000_abc.txt", tmp_path) == "000_abc"
    assert doc_id_for(tmp_path / "sub" / "x.txt", tmp_path) == "sub/x"


# --------------------------------------------------------------------------- key fact position


def test_key_fact_early_reads_the_first_group_in_the_first_150_chars():
    kp = [["三年", "3年"], ["监督"]]
    assert M.key_fact_early("证书有效期三年，每年监督一次。", kp) is True
    assert M.key_fact_early("甲" * 149 + "3年", kp) is False  # starts at 150: outside the window
    assert M.key_fact_early("甲" * 148 + "3年", kp) is True
    assert M.key_fact_early("每年监督一次。" + "乙" * 200 + "三年", kp) is False  # only a later group early
    assert M.key_fact_early("有效期叁年", [["有效期"]]) is True
    assert M.key_fact_early("任何", []) is None
    assert M.key_fact_early("證書三年", [["证书"]]) is True  # judged after normalisation


def test_summary_reports_key_fact_refusals_and_misread_scores():
    recs = [
        _rec(_item(id="1", key_points=[["三星级"]]), answer_text="三星级", citations=CITE),
        _rec(_item(id="2", key_points=[["三星级"]]), answer_text="甲" * 200 + "三星级", citations=CITE),
        _rec(_item(id="3", key_points=[["三星级"]]), abstained=True),  # answerable refused
        _rec(_item(id="4", expect_abstain=True, key_points=[]), abstained=True),
        _rec(_item(id="5", expect_abstain=True, key_points=[])),  # out of scope, answered
        _rec(_item(id="6", expected_score=90, expected_grade="四星级"), answer_text="x", citations=CITE,
             tool_calls=[_call(10.0, "不通过")]),  # computed from a misread number
        _rec(_item(id="7", expected_score=90, expected_grade="四星级"), answer_text="x", citations=CITE),  # asked to confirm
    ]
    assert [r["key_fact_early"] for r in recs] == [True, False, False, None, None, None, None]
    s = M.summarise(recs)
    assert s["key_fact_150"] == pytest.approx(1 / 3)
    assert s["oos_refusal_rate"] == 0.5
    assert s["n_answerable_refused"] == 1
    assert s["n_score_misread"] == 1


def test_key_fact_place_says_whether_composition_or_retrieval_lost_it():
    from eval.metrics import key_fact_place

    kp = [["三年", "3年"], ["监督"]]
    assert key_fact_place("证书有效期为三年[1]。", [], kp) == "early"
    assert key_fact_place("获证后每年接受监督。" * 20 + "有效期三年[1]。", [], kp) == "late"
    assert key_fact_place("获证后每年接受监督[1]。", ["证书有效期三年，每年监督一次。"], kp) == "cited"
    assert key_fact_place("获证后每年接受监督[1]。", ["每年监督一次。"], kp) == "uncited"
    assert key_fact_place("证书有效期为三年[1]。", [], []) is None
    # only the first group counts: a later group's word early is not the key fact
    assert key_fact_place("每年监督[1]。", ["每年监督"], kp) == "uncited"


def test_summary_counts_key_fact_places_of_key_point_items():
    from eval.metrics import summarise

    recs = [{"key_fact_early": True, "key_fact_place": "early", "correct": True},
            {"key_fact_early": False, "key_fact_place": "late", "correct": True},
            {"key_fact_early": False, "key_fact_place": "uncited", "correct": False},
            {"is_score": True, "score_ok": True, "correct": True}]
    places = summarise(recs)["key_fact_places"]
    assert places == {"early": 1, "late": 1, "cited": 0, "uncited": 1}


def test_a_key_word_said_only_as_the_end_of_a_longer_term_is_not_said():
    from eval.metrics import key_fact_early, key_points_hit, normalise, says

    # "服务认证" (the category) is not said by "售后服务认证" (the scheme), nor 维修 by 维护维修
    assert not key_points_hit("售后服务认证并不只面向生产厂家。", [["服务认证"]])
    assert key_points_hit("商品售后服务认证属于服务认证。", [["服务认证"]])
    assert key_points_hit("发服务认证证书。", [["服务认证"]])  # a longer term beginning with it is it
    assert not says(normalise("大力发展专业维护维修服务"), "维修") and says(normalise("负责维修和保养"), "维修")
    assert key_fact_early("售后服务认证的范围……" + "。" * 200 + "属于服务认证", [["服务认证"]]) is False
    assert says("abc", "") is False


def test_a_grade_is_judged_by_its_meaning_not_its_letters():
    from eval.metrics import grade_name, score_exact_match

    assert grade_name("不达标") == grade_name("不通过") == grade_name("未达标")
    assert grade_name("三星") == grade_name("三星级") != grade_name("四星级")
    calls = [{"name": "calculate_grade", "result": {"score": 69, "grade": "不通过"}}]
    assert score_exact_match(calls, 69, "不达标")
    assert not score_exact_match(calls, 69, "达标")


def test_a_space_between_a_chinese_character_and_a_digit_is_typography():
    from eval.metrics import key_point_found, normalise

    assert normalise("分数线含本数：70 分（含 70 分）") == normalise("分数线含本数：70分（含70分）")
    assert key_point_found("70 分（含 70 分）即为达标", [["含70"]])
    assert normalise("ISO 9001") == "iso 9001"  # letters keep their space
