"""CI gate: our pipeline (offline mode, shipped corpus) must not drop below eval/thresholds.json.

The floors are what the system honestly reaches now, rounded down a little; raise them as the
system improves, never above a measured value.
"""

from __future__ import annotations

import json
import math

import pytest

from eval.harness import THRESHOLDS_PATH, check_thresholds, load_thresholds


@pytest.fixture(scope="module")
def gate_result(corpus_kb):
    from eval.harness import run_eval

    return run_eval(corpus_kb, baseline=False)

def _failure_lines(result, n: int = 8) -> str:
    lines = []
    for r in result.failures[:n]:
        answer = " ".join(str(r["answer"]).split())[:80]
        lines.append(f"  - {r['id']} [{r['category']}] {r['reason']}: {r['question']} -> {answer}")
    return "\n".join(lines)

def test_thresholds_file_is_sane():
    from eval.metrics import HEADLINE

    thresholds = load_thresholds()
    assert thresholds, "eval/thresholds.json is empty"
    data = json.loads(THRESHOLDS_PATH.read_text(encoding="utf-8"))
    for name in [None, *data.get("sets", {})]:
        floors = load_thresholds(qa_set=name)
        assert floors, f"set {name}: no floors"
        measured = (data["sets"][name] if name else data).get("_measured", {})
        for metric, floor in floors.items():
            assert metric in HEADLINE, f"{name or 'qa'}: unknown metric {metric}"
            assert 0.0 <= floor <= 1.0, f"{name or 'qa'} {metric}: floor {floor} outside 0..1"
            if metric in measured:  # a floor sits at or below what was measured
                assert floor <= measured[metric] + 1e-9, f"{name or 'qa'} {metric}: floor above measurement"


# Sets gated on the shipped corpus (the seeds track and the ablation build their own knowledge base).
CORPUS_SETS = ("qa_holdout", "qa_blind2", "qa_blind3", "qa_blind4", "qa_blind5", "qa_blind6", "qa_blind7", "qa_blind8",
               "qa_blind9", "qa_blind10", "qa_blind11", "qa_blind12", "qa_blind13", "qa_blind14", "qa_blind15",
               "qa_blind16", "qa_blind17", "qa_blind18", "qa_blind19", "qa_blind20", "qa_blind21",
               "qa_blind22", "qa_blind23", "qa_blind24", "qa_blind25", "qa_blind26", "qa_blind27", "qa_blind28", "qa_blind29", "qa_blind30", "qa_blind31", "qa_blind32", "qa_blind33", "qa_blind34", "qa_blind35", "qa_blind36", "qa_blind37", "qa_blind38", "qa_blind39", "qa_blind40", "qa_blind41", "qa_blind42", "qa_blind43", "qa_blind44", "qa_blind45", "qa_blind46", "qa_blind47", "qa_blind48", "qa_blind49", "qa_blind50", "qa_blind51", "qa_blind52", "qa_blind53", "qa_blind54", "qa_blind55", "qa_blind56", "qa_blind57", "qa_blind58", "qa_blind59", "qa_blind60", "qa_blind61", "qa_blind62", "qa_blind63", "qa_blind64", "qa_blind65", "qa_blind66", "qa_blind67", "qa_blind68", "qa_blind69", "qa_blind70", "qa_blind71", "qa_blind72", "qa_blind73")


@pytest.mark.parametrize("qa_set", CORPUS_SETS)
def test_other_sets_meet_their_floors(corpus_kb, qa_set):
    from eval.harness import run_eval

    floors = load_thresholds(qa_set=qa_set)
    assert floors, f"eval/thresholds.json has no sets.{qa_set}"
    result = run_eval(corpus_kb, THRESHOLDS_PATH.parent / f"{qa_set}.jsonl", baseline=False)
    assert result.summary["ours"]["n_score_misread"] == 0
    below = check_thresholds(result.summary["ours"], floors)
    if below:
        rows = "\n".join(f"  {m}: {'n/a' if v is None else f'{v:.4f}'} < threshold {t:.4f}" for m, v, t in below)
        pytest.fail(f"{qa_set}: {len(below)} metric(s) below threshold\n{rows}\n{_failure_lines(result)}")

def test_our_pipeline_meets_thresholds(gate_result):
    thresholds = load_thresholds()
    ours = gate_result.summary["ours"]
    below = check_thresholds(ours, thresholds)
    if below:
        rows = "\n".join(f"  {m}: {'n/a' if v is None else f'{v:.4f}'} < threshold {t:.4f}"
                         for m, v, t in below)
        pytest.fail(f"eval gate: {len(below)} metric(s) below threshold\n{rows}\n"
                    f"first failures ({len(gate_result.failures)} in all):\n{_failure_lines(gate_result)}")

def test_no_score_computed_from_a_misread_number_and_no_answerable_refused(gate_result):
    ours = gate_result.summary["ours"]
    assert ours["n_score_misread"] == 0
    assert ours["n_answerable_refused"] == 0


def test_records_cover_every_item_and_are_honest(gate_result):
    from eval.harness import load_qa

    items = load_qa()
    assert [r["id"] for r in gate_result.records] == [str(i["id"]) for i in items]
    for r in gate_result.records:
        if r["correct"] and not r["expect_abstain"]:
            assert r["citations"], f"{r['id']}: correct without citations"
            assert not r["abstained"], f"{r['id']}: correct while abstaining"
        if r["is_score"] and r["correct"]:
            assert r["tool_result"] is not None, f"{r['id']}: score question correct without a tool result"
    assert gate_result.baseline_records == []
    assert gate_result.summary["baseline"] is None

def test_baseline_records_well_formed(corpus_kb, tmp_path):
    from eval.harness import run_eval
    from eval.report import write_report

    from eval.harness import load_qa

    result = run_eval(corpus_kb, limit=20)
    assert len(result.baseline_records) == len(result.records) == min(20, len(load_qa()))
    for ours, base in zip(result.records, result.baseline_records):
        assert base["id"] == ours["id"] and base["category"] == ours["category"]
        assert base["abstained"] is False  # the naive pipeline never declines
        assert len(base["citations"]) <= 1 and all(c["n"] == 1 for c in base["citations"])
        assert base["answer"] == (base["citations"][0]["text"] if base["citations"] else "")
        assert len(base["retrieved"]) <= 5
        assert all(isinstance(rank, list) for rank in base["retrieved"])
        if base["is_score"]:
            assert base["score_ok"] is False and not base["correct"]  # no tool, no score
        for key in ("recall_at_1", "recall_at_5", "rr", "citation_precision"):
            v = base[key]
            assert v is None or (0.0 <= v <= 1.0 and not math.isnan(v))
        assert base["latency_ms"] >= 0
    b = result.summary["baseline"]
    assert b["n"] == len(result.baseline_records)
    assert b["abstention_precision"] is None  # never abstained: undefined, not 0 or 1
    paths = write_report(result, tmp_path / "report")
    for name in ("summary.md", "results.json", "per_category.png", "latency.png"):
        assert paths[name].exists() and paths[name].stat().st_size > 0
    data = json.loads(paths["results.json"].read_text(encoding="utf-8"))
    assert len(data["baseline_records"]) == len(result.baseline_records)
    assert "基线" in paths["summary.md"].read_text(encoding="utf-8")

def test_thresholds_path_is_json():
    json.loads(THRESHOLDS_PATH.read_text(encoding="utf-8"))
