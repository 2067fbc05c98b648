"""Measuring on any documents: ``eval --docs DIR`` (fresh temporary knowledge base, doc-only gold
sources) and the ``asks:``/``variants:`` ablation (``eval --ablate-asks``)."""

from __future__ import annotations

import json

import pytest

from assistant.config import CORPUS_DIR
from conftest import make_settings

DOC_A = ("售后服务认证证书的有效期为三年。在有效期内，认证机构每年对获证企业做一次监督评审，"
         "发现问题的企业要在规定期限内整改。\n\n申请企业应具有独立法人资格，并建立完整的售后服务制度。\n")
DOC_B = ("评审员到现场打分，满分为一百分。七十分以上为达标，八十分以上为三星级，九十分以上为四星级，"
         "九十五分以上为五星级。\n")
QA = [
    {"id": "d-1", "question": "售后服务认证证书有效期几年？", "category": "validity",
     "key_points": [["三年"]], "gold_sources": [{"doc": "validity"}]},
    {"id": "d-2", "question": "申请企业要有独立法人资格吗？", "category": "eligibility",
     "key_points": [["独立法人"]], "gold_sources": [{"doc": "validity"}]},
    {"id": "d-3", "question": "五星级要多少分？", "category": "grades",
     "key_points": [["九十五", "95"]], "gold_sources": [{"doc": "grades"}]},
    {"id": "d-4", "question": "明天上海会不会下雨？", "category": "out_of_scope", "expect_abstain": True},
]


@pytest.fixture
def docs(tmp_path):
    folder = tmp_path / "my-docs"
    folder.mkdir()
    (folder / "validity.txt").write_text(DOC_A, encoding="utf-8")
    (folder / "grades.txt").write_text(DOC_B, encoding="utf-8")
    qa = tmp_path / "qa.jsonl"
    qa.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in QA) + "\n", encoding="utf-8")
    return folder, qa


def test_eval_on_own_documents_builds_a_temporary_kb(docs, tmp_path):
    from eval.harness import run_eval, temp_kb

    folder, qa = docs
    settings = make_settings(tmp_path / "untouched")
    with temp_kb(settings, [folder]) as (s, info):
        assert s.data_dir != settings.data_dir
        result = run_eval(s, qa, baseline=True, docs=[folder])
        temp_dir = s.data_dir
    assert not temp_dir.exists()  # removed afterwards
    assert not settings.data_dir.exists()  # the configured knowledge base was never touched
    assert "新增 2" in info["ingest"]
    by_id = {r["id"]: r for r in result.records}
    # doc-only gold: any chunk of the named plain-text document counts
    for item in ("d-1", "d-2", "d-3"):
        assert by_id[item]["recall_at_5"] == 1.0, by_id[item]["retrieved"]
    assert all(k.split("::")[0] in ("validity", "grades") for k in by_id["d-1"]["retrieved"])
    # the naive baseline chunks the same documents, and its chunks carry their document
    base = {r["id"]: r for r in result.baseline_records}
    assert base["d-1"]["recall_at_5"] == 1.0 and base["d-3"]["recall_at_5"] == 1.0
    assert result.info["qa_set"] == "qa"


def test_eval_cli_docs_prints_the_per_set_figures(docs, tmp_path, capsys):
    from assistant.cli import main

    folder, qa = docs
    code = main(["eval", "--docs", str(folder), "--qa", str(qa), "--no-baseline", "--out", str(tmp_path / "out"),
                 "--data-dir", str(tmp_path / "data")])
    out = capsys.readouterr().out
    assert code == 0
    assert "知识库：临时新建" in out and "要点在前150字" in out
    assert "超范围拒答率" in out and "可答却拒答" in out
    assert (tmp_path / "out" / "summary.md").exists()
    assert not (tmp_path / "data").exists()


def test_eval_cli_docs_missing_folder_is_a_clear_error(tmp_path, capsys):
    from assistant.cli import main

    code = main(["eval", "--docs", str(tmp_path / "nowhere"), "--no-baseline", "--data-dir", str(tmp_path / "d")])
    err = capsys.readouterr()
    assert code != 0
    assert "找不到文档目录" in err.err + err.out


def test_strip_asks_removes_every_phrasing_and_keeps_bodies(tmp_path):
    from eval.harness import strip_asks
    from ingest.loaders import parse_front_matter

    removed = strip_asks(CORPUS_DIR, tmp_path / "corpus")
    assert removed["asks"] > 100 and removed["variants"] > 100
    originals = sorted(p for p in CORPUS_DIR.rglob("*.md"))
    assert originals
    for path in originals:
        copy = tmp_path / "corpus" / path.relative_to(CORPUS_DIR)
        front, body = parse_front_matter(copy.read_text(encoding="utf-8"))
        orig_front, orig_body = parse_front_matter(path.read_text(encoding="utf-8"))
        assert body == orig_body  # passages byte for byte
        assert "asks" not in front
        assert front.get("id") == orig_front.get("id")
        for key, pair in (front.get("pairs") or {}).items():
            assert "variants" not in pair
            assert pair.get("question") == orig_front["pairs"][key].get("question")


@pytest.mark.slow
def test_ablated_kb_has_no_variants_in_chunk_metadata(tmp_path):
    from assistant.index.store import KnowledgeStore
    from eval.harness import temp_kb

    settings = make_settings(tmp_path / "data")
    with temp_kb(settings, [CORPUS_DIR / "standard"], ablate_asks=True) as (s, info):
        assert info["removed"]["asks"] > 0
        metas = [meta for _, meta in KnowledgeStore(s).iter_metadata()]
        assert metas and not any(meta.get("variants") for meta in metas)
    with temp_kb(settings, [CORPUS_DIR / "standard"]) as (s, info):
        assert any(meta.get("variants") for _, meta in KnowledgeStore(s).iter_metadata())


def test_thresholds_per_set_sections():
    from eval.harness import load_thresholds

    top = load_thresholds()
    assert "accuracy" in top and "sets" not in top
    seeds = load_thresholds(qa_set="qa_seeds")
    assert {"accuracy", "key_fact_150", "oos_refusal_rate"} <= set(seeds)
    assert load_thresholds(qa_set="no_such_set") == {}


@pytest.mark.slow
def test_ablation_meets_its_floors(tmp_path):
    """eval/qa.jsonl on the corpus without any asks:/variants: phrasing (sets.qa_no_asks)."""
    from eval.harness import check_thresholds, load_thresholds, run_eval, temp_kb

    settings = make_settings(tmp_path / "data")
    with temp_kb(settings, [CORPUS_DIR], ablate_asks=True) as (s, info):
        assert info["removed"]["asks"] > 100 and info["removed"]["variants"] > 100
        result = run_eval(s, baseline=False)
    floors = load_thresholds(qa_set="qa_no_asks")
    assert floors
    below = check_thresholds(result.summary["ours"], floors)
    assert not below, "ablation below its floors: " + ", ".join(
        f"{m} {'n/a' if v is None else f'{v:.4f}'} < {t:.4f}" for m, v, t in below)


def test_eval_cli_ablation_on_own_documents_reports_the_delta(tmp_path, capsys):
    from assistant.cli import main

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "validity.md").write_text(
        "---\nid: validity\ntitle: 有效期\ndoc_type: standard\nasks:\n  term:\n    - 证书管几年\n---\n\n"
        "## 证书有效期 {#term}\n\n售后服务认证证书的有效期为三年，每年监督评审一次。\n\n来源：示例\n", encoding="utf-8")
    qa = tmp_path / "qa_mine.jsonl"
    qa.write_text(json.dumps({"id": "m-1", "question": "证书管几年", "category": "validity",
                              "key_points": [["三年"]], "gold_sources": [{"doc": "validity", "anchor": "term"}]},
                             ensure_ascii=False) + "\n", encoding="utf-8")
    code = main(["eval", "--docs", str(folder), "--qa", str(qa), "--ablate-asks", "--no-baseline", "--json",
                 "--out", str(tmp_path / "out"), "--data-dir", str(tmp_path / "data")])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert set(data["sets"]) == {"qa_mine", "qa_mine_no_asks"}
    assert data["sets"]["qa_mine_no_asks"]["info"]["kb"]["removed"] == {"files": 1, "asks": 1, "variants": 0}
    assert set(data["ablation"]["qa_mine"]) >= {"accuracy", "recall_at_1", "key_fact_150"}
    assert (tmp_path / "out" / "qa_mine_no_asks" / "summary.md").exists()


def test_ablation_table_shows_points_lost():
    from assistant.cli.eval import ablation_table

    table = ablation_table({"accuracy": 0.968, "mrr": None}, {"accuracy": 0.908, "mrr": 0.8})
    row = next(line for line in table.splitlines() if line.startswith("整体正确率"))
    assert "96.8%" in row and "90.8%" in row and "-6.0" in row
    assert "—" in next(line for line in table.splitlines() if line.startswith("MRR"))
