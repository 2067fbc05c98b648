"""Write an evaluation report: summary.md, results.json, per_category.png, latency.png."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# (key, label, kind) in the order the headline table shows them.
HEADLINE_ROWS = (
    ("accuracy", "整体正确率 accuracy", "pct"),
    ("key_point_accuracy", "要点正确率 key-point accuracy", "pct"),
    ("recall_at_1", "Recall@1", "pct"),
    ("recall_at_5", "Recall@5", "pct"),
    ("mrr", "MRR", "num"),
    ("citation_presence", "有引用 citation presence", "pct"),
    ("citation_precision", "引用精确率 citation precision", "pct"),
    ("abstention_precision", "拒答精确率 abstention precision", "pct"),
    ("abstention_recall", "拒答召回率 abstention recall", "pct"),
    ("score_exact_match", "算分完全正确 score exact match", "pct"),
    ("key_fact_150", "要点在前150字 key fact in first 150 chars", "pct"),
    ("oos_refusal_rate", "超范围拒答率 out-of-scope refusal", "pct"),
    ("n_answerable_refused", "可答却拒答 answerable refused", "int"),
    ("n_score_misread", "算分读错数字 score misread", "int"),
    ("latency_p50_ms", "延迟 p50 (ms)", "ms"),
    ("latency_p95_ms", "延迟 p95 (ms)", "ms"),
)


def fmt(value: Any, kind: str = "pct") -> str:
    if value is None:
        return "—"
    if kind == "pct":
        return f"{value * 100:.1f}%"
    if kind == "ms":
        return f"{value:.1f}"
    if kind == "int":
        return str(int(value))
    return f"{value:.3f}"


def headline_table(summary: dict[str, Any]) -> str:
    """Markdown table, ours vs baseline side by side."""
    ours, base = summary.get("ours") or {}, summary.get("baseline")
    head = "| 指标 | 本系统 | 基线 (naive RAG) |\n|---|---:|---:|\n"
    rows = [f"| 题目数 n | {ours.get('n', 0)} | {base.get('n', 0) if base else '—'} |"]
    for key, label, kind in HEADLINE_ROWS:
        rows.append(f"| {label} | {fmt(ours.get(key), kind)} | {fmt(base.get(key), kind) if base else '—'} |")
    return head + "\n".join(rows) + "\n"


def _width(text: str) -> int:
    """Terminal columns: East Asian wide and full-width characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(width - _width(text), 0)
    return gap + text if right else text + gap


def headline_text(summary: dict[str, Any]) -> str:
    """Plain-text table for the terminal, ours vs baseline side by side."""
    ours, base = summary.get("ours") or {}, summary.get("baseline")
    rows = [("题目数 n", str(ours.get("n", 0)), str(base.get("n", 0)) if base else "—")]
    for key, label, kind in HEADLINE_ROWS:
        rows.append((label, fmt(ours.get(key), kind), fmt(base.get(key), kind) if base else "—"))
    width = max(_width(r[0]) for r in rows) + 2
    lines = [_pad("指标", width) + _pad("本系统", 10, True) + _pad("基线", 12, True)]
    lines += [_pad(a, width) + _pad(b, 10, True) + _pad(c, 12, True) for a, b, c in rows]
    return "\n".join(lines)


def category_table(per_category: dict[str, dict[str, Any]]) -> str:
    cols = ["n", "正确率 ours", "正确率 baseline", "R@5 ours", "R@5 baseline", "MRR ours",
            "引用精确率 ours", "拒答召回 ours", "算分 ours", "要点前150字 ours"]
    out = "| 类别 | " + " | ".join(cols) + " |\n|---|" + "---:|" * len(cols) + "\n"
    for cat, m in per_category.items():
        o, b = m.get("ours") or {}, m.get("baseline") or {}
        cells = [str(o.get("n", 0)), fmt(o.get("accuracy")), fmt(b.get("accuracy")) if b else "—",
                 fmt(o.get("recall_at_5")), fmt(b.get("recall_at_5")) if b else "—", fmt(o.get("mrr"), "num"),
                 fmt(o.get("citation_precision")), fmt(o.get("abstention_recall")), fmt(o.get("score_exact_match")),
                 fmt(o.get("key_fact_150"))]
        out += f"| {cat} | " + " | ".join(cells) + " |\n"
    return out


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[:limit] + "…"


def failures_section(failures: list[dict[str, Any]]) -> str:
    if not failures:
        return "没有错题。\n"
    parts = []
    for r in failures:
        exp = r.get("expected", {})
        kp = " ∧ ".join("(" + " | ".join(g if isinstance(g, list) else [g]) + ")" for g in exp.get("key_points") or [])
        lines = [f"### {r['id']}（{r['category']}）— {r.get('reason', '')}", "",
                 f"- 问题：{_one_line(r['question'])}"]
        if r.get("history"):
            lines.append(f"- 对话历史：{_one_line(' / '.join(t.get('content', '') for t in r['history']), 200)}")
        if r.get("resolved_question") and r["resolved_question"] != r["question"]:
            lines.append(f"- 改写后的问题：{_one_line(r['resolved_question'])}")
        if r.get("expect_abstain"):
            lines.append("- 期望：拒答（超出知识库范围）")
        if kp:
            lines.append(f"- 期望要点：{kp}")
        if exp.get("score") is not None or exp.get("grade"):
            got = r.get("tool_result") or {}
            lines.append(f"- 期望得分/等级：{exp.get('score')} / {exp.get('grade')}；"
                         f"工具结果：{got.get('score')} / {got.get('grade')}")
        if exp.get("gold_sources"):
            lines.append(f"- 标准出处：{', '.join(exp['gold_sources'])}；检索到：{', '.join(_flat(r.get('retrieved'))[:5]) or '—'}")
        lines.append(f"- 回答{'（拒答）' if r.get('abstained') else ''}：{_one_line(r.get('answer'))}")
        cites = "; ".join(f"[{c.get('n')}] {c.get('passage') or ','.join(c.get('passages') or []) or '—'} {c.get('title', '')}｜{c.get('locator', '')}"
                          for c in r.get("citations") or [])
        lines.append(f"- 引用：{cites or '无'}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def _flat(retrieved) -> list[str]:
    out = []
    for item in retrieved or []:
        if isinstance(item, str):
            out.append(item)
        else:
            out.append("+".join(item) if item else "(无段落)")
    return out


#: where a key fact sits when it is not early (eval.metrics.key_fact_place), as a reader says it
KEY_FACT_PLACE_WORDS = {"late": "在回答后部（首句选了别的句子）", "cited": "在已引用的段落里但没有摘出",
                        "uncited": "不在任何引用的段落里（检索或措辞没对上）"}


def summary_markdown(result) -> str:
    info = result.info
    parts = [
        "# 评测报告（售后服务认证知识库助手）", "",
        f"- 问答集：`{info.get('qa_path', '')}`，{info.get('n_items', len(result.records))} 题",
        f"- 本系统：{info.get('mode', '')}（嵌入 `{info.get('embedder', '')}`），同一个 `Assistant.ask`",
    ]
    if info.get("baseline"):
        b = info["baseline"]
        parts.append(f"- 基线：RecursiveCharacterTextSplitter(500/50) + 同一嵌入 + 新建 Chroma 集合，"
                     f"取第 1 个片段作答；{b['documents']} 个文档切成 {b['chunks']} 个片段")
    parts += ["", "判分规则：要点在规范化后的回答文本上检查；无引用的回答不算对；对可回答问题拒答算错；"
              "拒答只看 abstained 标志；算分题只看 calculate_grade 工具结果（基线无工具，算分题必然不对）。", "",
              "## 总体指标", "", headline_table(result.summary), "## 分类指标", "",
              category_table(result.per_category)]
    places = (result.summary.get("ours") or {}).get("key_fact_places") or {}
    missed = {k: v for k, v in places.items() if k != "early" and v}
    if missed:
        parts += ["", "要点不在前 150 字的题目，要点所在：" + "，".join(
            f"{KEY_FACT_PLACE_WORDS[k]} {v}" for k, v in missed.items()) + "。"]
    reasons = info.get("failure_reasons") or {}
    parts += ["", f"## 本系统错题（{len(result.failures)}）", ""]
    if reasons:
        parts.append("错误类型：" + "，".join(f"{k} {v}" for k, v in reasons.items()) + "\n")
    parts.append(failures_section(result.failures))
    parts.append("图表：`per_category.png`（各类别正确率）、`latency.png`（延迟分布）。\n")
    return "\n".join(parts)


# --------------------------------------------------------------------------- charts
# Chart text is ASCII only (category ids, English labels), so no CJK font is needed.


def plot_per_category(result, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cats = list(result.per_category)
    ours = [(result.per_category[c]["ours"] or {}).get("accuracy") or 0.0 for c in cats]
    has_base = bool(result.baseline_records)
    base = [((result.per_category[c].get("baseline") or {}).get("accuracy") or 0.0) for c in cats]
    fig, ax = plt.subplots(figsize=(max(6.0, 0.9 * len(cats) + 2), 4.5))
    width = 0.4 if has_base else 0.6
    xs = range(len(cats))
    bars = ax.bar([x - (width / 2 if has_base else 0) for x in xs], ours, width, label="ours", color="#2b7bba")
    ax.bar_label(bars, labels=[f"{v:.0%}" for v in ours], fontsize=7)
    if has_base:
        bbars = ax.bar([x + width / 2 for x in xs], base, width, label="baseline (naive RAG)", color="#bbbbbb")
        ax.bar_label(bbars, labels=[f"{v:.0%}" for v in base], fontsize=7)
    ns = [(result.per_category[c]["ours"] or {}).get("n", 0) for c in cats]
    ax.set_xticks(list(xs), [f"{c}\n(n={n})" for c, n in zip(cats, ns)], rotation=30, ha="right", fontsize=8)
    ax.set_ylim(0, 1.08)
    ax.set_ylabel("accuracy (key points / abstention / score)")
    ax.set_title("Accuracy per category: ours vs baseline")
    ax.legend(loc="upper right", fontsize=8)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_latency(result, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    ours = [r["latency_ms"] for r in result.records if r.get("latency_ms") is not None]
    base = [r["latency_ms"] for r in result.baseline_records if r.get("latency_ms") is not None]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    values = ours + base
    if values:
        lo, hi = max(min(values), 0.01), max(max(values), 0.02)
        bins = np.logspace(np.log10(lo), np.log10(hi * 1.01), 30)
        ax.hist(ours, bins=bins, alpha=0.7, label=f"ours (p50 {np.median(ours):.1f} ms)" if ours else "ours",
                color="#2b7bba")
        if base:
            ax.hist(base, bins=bins, alpha=0.6, label=f"baseline (p50 {np.median(base):.1f} ms)", color="#999999")
        ax.set_xscale("log")
    ax.set_xlabel("latency per question (ms, log scale)")
    ax.set_ylabel("questions")
    ax.set_title("Latency distribution")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write_report(result, out_dir: Path | str) -> dict[str, Path]:
    """Write every report file into ``out_dir``; returns name -> path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {name: out / name for name in ("summary.md", "results.json", "per_category.png", "latency.png")}
    paths["summary.md"].write_text(summary_markdown(result), encoding="utf-8")
    paths["results.json"].write_text(json.dumps(result.to_dict(), ensure_ascii=False, indent=2),
                                     encoding="utf-8")
    plot_per_category(result, paths["per_category.png"])
    plot_latency(result, paths["latency.png"])
    return paths
