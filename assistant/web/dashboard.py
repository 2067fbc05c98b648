"""The retrieval-test and eval tabs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assistant.web.admin import check_admin
from assistant.web.charts import category_chart, cjk_font
from assistant.web.context import AppContext, ProgressFn
from assistant.web.render import friendly_error

HIT_COLUMNS = ("排名", "融合分", "词法分(BM25)", "稠密分", "标题", "位置", "文档 id", "类型", "片段文本")
EVAL_METRIC_COLUMNS = ("指标", "本系统", "基线")
FAILURE_COLUMNS = ("题号", "类别", "问题", "原因", "回答（节选）")
DOC_TYPE_ALL = "全部"
METRIC_LABELS = {
    "n": "题目数",
    "accuracy": "总体正确率",
    "key_point_accuracy": "要点正确率",
    "recall_at_1": "Recall@1",
    "recall_at_5": "Recall@5",
    "mrr": "MRR",
    "citation_presence": "有引用的比例",
    "citation_precision": "引用准确率",
    "abstention_precision": "拒答精确率",
    "abstention_recall": "拒答召回率",
    "score_exact_match": "评分题完全正确率",
    "latency_p50_ms": "延迟 P50（毫秒）",
    "latency_p95_ms": "延迟 P95（毫秒）",
}


FAILURE_REASONS = {
    "answered_out_of_scope": "超出范围却作答",
    "abstained_on_answerable": "可答却拒答",
    "no_citations": "没有引用",
    "no_tool_result": "没有调用评分工具",
    "wrong_score": "分数或等级错误",
    "missing_key_points": "缺少要点",
}


def _score(value: Any) -> Any:
    return "" if value is None else round(float(value), 4)


def retrieval_rows(ctx: AppContext, query: Any, k: Any = 5, doc_type: Any = None) -> tuple[str, list[list[Any]]]:
    """Hit testing: ranked passages with fused, lexical and dense scores."""
    try:
        query = str(query or "").strip()
        if not query:
            return "请输入要测试的检索语句。", []
        try:
            k = max(1, min(int(k or 5), 50))
        except (TypeError, ValueError):
            return "top-k 必须是 1–50 的整数。", []
        doc_type = None if not doc_type or doc_type == DOC_TYPE_ALL else str(doc_type)
        retrieval = ctx.assistant.search(query, k=k, doc_type=doc_type)
        rows = [[i, _score(h.score), _score(h.lexical_score), _score(h.dense_score),
                 str(h.meta.get("title", "")), h.locator, str(h.meta.get("doc_id", "")),
                 str(h.meta.get("doc_type", "")), h.text]
                for i, h in enumerate(retrieval.hits, start=1)]
        if not rows:
            return "没有检索到片段。", []
        filt = f"（类型：{doc_type}）" if doc_type else ""
        return f"检索到 {len(rows)} 个片段{filt}，按融合分排序。", rows
    except Exception as exc:
        return friendly_error(exc, "检索"), []


def _fmt_metric(key: str, value: Any) -> Any:
    if value is None:
        return "—"
    if key == "n" or key.startswith("n_"):
        return int(value)
    if key.startswith("latency"):
        return round(float(value), 1)
    return round(float(value), 3)


def eval_tables(result) -> tuple[list[list[Any]], list[list[Any]]]:
    """(metrics rows, failure rows) of an EvalResult."""
    ours = result.summary.get("ours") or {}
    base = result.summary.get("baseline") or {}
    metrics = [[label, _fmt_metric(key, ours.get(key)), _fmt_metric(key, base.get(key)) if base else "—"]
               for key, label in METRIC_LABELS.items() if key in ours]
    failures = [[r.get("id", ""), r.get("category", ""), r.get("question", ""),
                 FAILURE_REASONS.get(r.get("reason", ""), r.get("reason", "")),
                 (r.get("answer") or "")[:200]] for r in result.failures]
    return metrics, failures


def run_eval_dashboard(ctx: AppContext, baseline: bool = False, progress: ProgressFn | None = None,
                       qa_path: str | Path | None = None, password: Any = None):
    """Run the QA set; returns (message, metrics rows, figure or None, failure rows).
    It may import corpus/ into an empty knowledge base, so it needs the admin password like
    every other write."""
    try:
        refused = check_admin(ctx.settings, password)
        if refused:
            return refused, [], None, []
        from eval.harness import run_eval

        def on_progress(stage: str, done: int, total: int) -> None:
            if progress is not None:
                try:
                    name = "本系统" if stage == "ours" else "基线"
                    progress(done / total if total else 1.0, desc=f"{name} {done}/{total}")
                except Exception:
                    pass

        result = run_eval(ctx.settings, qa_path, baseline=bool(baseline), progress=on_progress)
        metrics, failures = eval_tables(result)
        info = result.info
        seconds = info.get("ours_seconds")
        label_map = {c: (c if cjk_font() or c.isascii() else f"C{i + 1}") for i, c in enumerate(result.per_category)}
        legend = "；".join(f"{v}={k}" for k, v in label_map.items() if v != k)
        message = (f"已评测 {info.get('n_items', len(result.records))} 题（{info.get('mode', '')}），"
                   f"用时 {seconds} 秒；失败 {len(failures)} 题。" + (f"\n图中类别：{legend}" if legend else ""))
        return message, metrics, category_chart(result.per_category), failures
    except Exception as exc:
        return friendly_error(exc, "运行评测"), [], None, []
