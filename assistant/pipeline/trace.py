"""Why this answer (为什么这样回答): the trace an Answer carries.

Pure functions over what the answer path already computed (the retrieval, the evidence, the
abstention policy, the curated-answer match); nothing is searched again. A trace is a plain dict
(JSON as is), so ``ask --json`` prints it and the app renders it (``render_markdown``):

    {"question": 原问题, "normalised": 归一化后的问题, "resolved": 追问补全后的问题,
     "tokens": [分词], "route": "retrieval" | "curated" | "out_of_scope" | "score_tool" | "empty" | "llm",
     "passages": [{"rank", "passage", "title", "locator", "matched": [命中的词],
                   "signals": {"fused": {"score", "rank"}, "lexical": {...}, "dense": {...}}}],
     "abstention": {"abstained", "coverage", "min_coverage", "missing_weight", "min_missing_weight",
                    "missing": [[词, 权重]], "focus_missing", "rule", "decision"},
     "curated": {"matched", "id", "version", "score", "threshold", "phrasing"}}

Ranks are among the passages this answer considered (the fused top k), 1 = best; a signal that
did not find a passage has rank None.
"""

from __future__ import annotations

from typing import Any

SIGNALS = ("fused", "lexical", "dense")
SIGNAL_TEXT = {"fused": "融合分", "lexical": "词法分(BM25)", "dense": "稠密分"}
ROUTE_TEXT = {
    "retrieval": "检索知识库后抽取原文作答",
    "curated": "命中标准回答，原文照录",
    "out_of_scope": "超出知识库范围，直接拒答",
    "score_tool": "算分问题，由评分工具计算",
    "empty": "问题为空",
    "llm": "由大模型根据检索到的片段作答",
}
MAX_PASSAGES = 5
MAX_MISSING = 8


def _round(value: Any, digits: int = 4) -> float | None:
    try:
        return None if value is None else round(float(value), digits)
    except (TypeError, ValueError):
        return None


def _ranks(values: list[float | None]) -> list[int | None]:
    """1-based rank of each value, highest first; None stays unranked."""
    order = sorted((i for i, v in enumerate(values) if v is not None), key=lambda i: -values[i])  # type: ignore[operator]
    ranks: list[int | None] = [None] * len(values)
    for r, i in enumerate(order, start=1):
        ranks[i] = r
    return ranks


def matched_terms(tokens: list[str], hit) -> list[str]:
    """The question's tokens a passage contains (as a token, or a word of 2+ characters in its text)."""
    from assistant.lang.text import to_search_text

    own = set(str(hit.meta.get("tokens", "")).split())
    text = to_search_text(hit.text)
    return [t for t in dict.fromkeys(tokens) if t in own or (len(t) > 1 and t in text)]


def passages(tokens: list[str], hits: list) -> list[dict[str, Any]]:
    hits = list(hits)[:MAX_PASSAGES]
    scores = {"fused": [h.score for h in hits], "lexical": [h.lexical_score for h in hits],
              "dense": [h.dense_score for h in hits]}
    ranks = {name: _ranks(values) for name, values in scores.items()}
    out = []
    for i, h in enumerate(hits):
        out.append({
            "rank": i + 1, "passage": h.passage, "title": str(h.meta.get("title", "")), "locator": h.locator,
            "matched": matched_terms(tokens, h),
            "signals": {name: {"score": _round(scores[name][i]), "rank": ranks[name][i]} for name in SIGNALS},
        })
    return out


def abstention(policy, evidence, has_hits: bool, abstained: bool) -> dict[str, Any]:
    """The refusal decision against the policy's thresholds, in numbers and one Chinese sentence."""
    out: dict[str, Any] = {"abstained": bool(abstained),
                           "min_coverage": _round(getattr(policy, "min_coverage", None)),
                           "min_missing_weight": _round(getattr(policy, "min_missing_weight", None), 2)}
    if not has_hits:
        out.update(rule="no_hits", decision="知识库中没有检索到任何片段，拒答。")
        return out
    if evidence is None:
        out.update(rule="no_evidence", decision="没有可衡量的证据，按检索结果作答。")
        return out
    cov, missing_w = float(evidence.coverage), float(evidence.missing_weight)
    out.update(coverage=_round(cov), missing_weight=_round(missing_w, 2),
               missing=[[w, _round(x, 2)] for w, x in list(evidence.missing)[:MAX_MISSING]],
               focus_missing=evidence.focus_missing, focus_rarity=_round(evidence.focus_rarity, 2),
               qtype=evidence.qtype)
    low = cov < policy.min_coverage and missing_w >= policy.min_missing_weight
    if low:
        out.update(rule="coverage", decision=(
            f"引用片段覆盖问题的 {cov:.0%}，低于门槛 {policy.min_coverage:.0%}，且缺失词权重 {missing_w:.1f} ≥ "
            f"{policy.min_missing_weight:.1f}，拒答。"))
    elif abstained and evidence.focus_missing:
        out.update(rule="rare_focus", decision=(
            f"问题问的“{evidence.focus_missing}”（罕见度 {evidence.focus_rarity:.1f} ≥ {policy.rare_focus}）"
            f"没有任何引用片段提到，覆盖率 {cov:.0%} 不足以放过，拒答。"))
    elif abstained:
        out.update(rule="policy", decision=f"引用片段覆盖问题的 {cov:.0%}，证据不足，拒答。")
    else:
        out.update(rule="answered", decision=(
            f"引用片段覆盖问题的 {cov:.0%}（门槛 {policy.min_coverage:.0%}），缺失词权重 {missing_w:.1f}"
            f"（门槛 {policy.min_missing_weight:.1f}），证据足够，作答。"))
    return out


def curated_part(best: dict[str, Any] | None) -> dict[str, Any]:
    """The closest curated answer against the match threshold (``best``: id, version, score,
    phrasing, threshold, as assistant.upkeep.loop.last_curated gives it; score None when there
    are no curated answers to compare with)."""
    best = best or {}
    score = _round(best.get("score"))
    threshold = best.get("threshold")
    out = {"matched": score is not None and threshold is not None and score >= threshold,
           "score": score, "threshold": threshold}
    if score is not None:
        out.update(id=best.get("id"), version=best.get("version"), phrasing=best.get("phrasing", ""))
    return out


def build(question: str, resolved: str = "", *, route: str = "retrieval", retrieval=None, evidence=None,
          policy=None, abstained: bool = False, curated: dict[str, Any] | None = None,
          notices: list[str] | None = None) -> dict[str, Any]:
    """The trace of one answer (see the module doc)."""
    from assistant.lang.text import to_search_text, tokenize

    normalised = to_search_text(question or "")
    tokens = list(retrieval.tokens) if retrieval is not None else tokenize(normalised, normalised=True)
    trace: dict[str, Any] = {"question": question, "normalised": normalised,
                             "resolved": resolved if resolved and resolved != question else "",
                             "tokens": tokens, "route": route, "passages": [], "abstention": None,
                             "curated": curated_part(curated)}
    if retrieval is not None:
        trace["passages"] = passages(tokens, retrieval.hits)
        if policy is not None:
            trace["abstention"] = abstention(policy, evidence, bool(retrieval.hits), abstained)
    elif abstained:
        reason = _scope_reason(next((n for n in notices or [] if n.startswith("超出知识库范围")), ""))
        trace["abstention"] = {"abstained": True, "rule": route,
                               "decision": (reason + "，未检索即拒答。") if reason else "拒答。"}
    return trace


def _scope_reason(notice: str) -> str:
    """"超出知识库范围：fees" -> the topic's Chinese reason (the notice carries its internal name)."""
    if not notice:
        return ""
    name = notice.split("：", 1)[-1]
    try:
        from assistant.domain.scope import topics

        topic = next((t for t in topics() if t.name == name), None)
    except Exception:
        topic = None
    return f"超出知识库范围（{topic.reason}）" if topic is not None else notice


def for_retrieval(assistant, question: str, resolved: str, retrieval, evidence, abstained: bool,
                  curated: dict[str, Any] | None = None) -> dict[str, Any]:
    """The trace of an extractive answer or refusal (called where the answer path decides);
    ``curated``: the closest curated answer (assistant.upkeep.loop.last_curated)."""
    try:
        return build(question, resolved, route="retrieval", retrieval=retrieval, evidence=evidence,
                     policy=getattr(assistant, "policy", None), abstained=abstained, curated=curated)
    except Exception:  # a trace never fails an answer
        return {}


def for_answer(assistant, answer, curated: dict[str, Any] | None = None) -> dict[str, Any]:
    """The trace of an answer given without the extractive path (a curated answer, an
    out-of-scope refusal, the scoring tool, the LLM, an empty question): what decided it."""
    try:
        question = answer.question or ""
        if answer.curated:
            route = "curated"
        elif not question:
            route = "empty"
        elif answer.tool_calls or any(n.startswith("算分前需要确认") for n in answer.notices):
            route = "score_tool"
        elif answer.abstained and any(n.startswith("超出知识库范围") for n in answer.notices):
            route = "out_of_scope"
        elif getattr(assistant, "llm", None) is not None:
            route = "llm"
        else:
            route = "retrieval"
        return build(question, answer.resolved_question, route=route, abstained=answer.abstained,
                     curated=curated, notices=answer.notices)
    except Exception:
        return {}


# --------------------------------------------------------------------------- rendering


def _md(text: Any) -> str:
    """Text inside the trace's Markdown: shown as text (no HTML, no link, no emphasis)."""
    import html
    import re

    return re.sub(r"([\\`*_~|!()#\[\]<>])", r"\\\1", html.escape(str(text), quote=False))


def render_markdown(trace: dict[str, Any] | None) -> str:
    """The trace as Chinese Markdown for the app's 为什么这样回答 panel."""
    if not trace:
        return "（还没有回答，或这条回答没有记录推理过程。）"
    lines = [f"**回答方式**：{ROUTE_TEXT.get(trace.get('route', ''), _md(trace.get('route', '')))}",
             f"**原问题**：{_md(trace.get('question', ''))}",
             f"**归一化后**：{_md(trace.get('normalised', ''))}"]
    if trace.get("resolved"):
        lines.append(f"**结合上文理解为**：{_md(trace['resolved'])}")
    tokens = list(dict.fromkeys(trace.get("tokens") or []))
    lines.append(f"**分词**：{' / '.join(_md(t) for t in tokens) or '—'}")
    cur = trace.get("curated") or {}
    if cur.get("score") is None:
        gate = cur.get("threshold")
        lines.append("**标准回答**：没有可比较的标准回答" + (f"（匹配门槛 {gate}）" if gate is not None else ""))
    else:
        verdict = "命中" if cur.get("matched") else "未达门槛"
        lines.append(f"**标准回答**：最接近的是 {_md(cur.get('id', ''))}（第 {cur.get('version')} 版，"
                     f"问法“{_md(cur.get('phrasing', ''))}”），相似度 {cur['score']:.3f}，门槛 "
                     f"{cur.get('threshold')}，{verdict}")
    ab = trace.get("abstention")
    if ab:
        lines.append(f"**拒答判断**：{_md(ab.get('decision', ''))}")
        if ab.get("missing"):
            lines.append("**问题中没有被引用片段覆盖的词（权重）**："
                         + "、".join(f"{_md(w)}（{x}）" for w, x in ab["missing"]))
    text = "\n\n".join(lines)
    rows = trace.get("passages") or []
    if rows:
        table = ["| 名次 | 片段 | 命中的词 | 融合分（名次） | 词法分 BM25（名次） | 稠密分（名次） |",
                 "|---|---|---|---|---|---|"]
        for p in rows:
            cells = []
            for name in SIGNALS:
                s = p["signals"][name]
                cells.append("—" if s["score"] is None else f"{s['score']}（{s['rank']}）")
            where = _md(f"{p.get('title', '')} {p.get('locator', '')}".strip())
            table.append(f"| {p['rank']} | {where} | {'、'.join(_md(t) for t in p.get('matched') or []) or '—'} | "
                         + " | ".join(cells) + " |")
        text += "\n\n" + "\n".join(table)
        text += "\n\n名次：在本次参与排序的候选片段中的名次（1 为最高）；“—”表示该信号没有找到这个片段。"
    return text
