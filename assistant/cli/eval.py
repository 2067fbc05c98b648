"""``python -m assistant eval [--qa FILE ...] [--docs DIR ...] [--ablate-asks] [--out DIR] [--no-baseline] [--limit N] [--json]``"""

from __future__ import annotations

import json
from pathlib import Path

# Metrics the ablation table compares (full documents vs. every asks:/variants: phrasing removed).
ABLATION_ROWS = (
    ("accuracy", "整体正确率"), ("key_point_accuracy", "要点正确率"), ("recall_at_1", "Recall@1"),
    ("recall_at_5", "Recall@5"), ("mrr", "MRR"), ("key_fact_150", "要点在前150字"),
    ("oos_refusal_rate", "超范围拒答率"), ("score_exact_match", "算分完全正确"),
)


def register(sub, common) -> None:
    p = sub.add_parser("eval", parents=[common],
                       help="用问答集评测本系统，并与朴素 RAG 基线对比（知识库为空时先导入 corpus/）")
    p.add_argument("--qa", metavar="FILE", action="append",
                   help="问答集 JSONL（默认 eval/qa.jsonl；可重复，逐个评测并分别报告）")
    p.add_argument("--docs", metavar="DIR", action="append",
                   help="用这些文档在临时数据目录中新建知识库再评测（可重复；不动现有知识库，也不导入 corpus/）")
    p.add_argument("--ablate-asks", action="store_true",
                   help="消融：去掉文档中所有 asks:/variants: 问法后建临时知识库评测，并打印与完整文档的差值")
    p.add_argument("--out", metavar="DIR", default="eval/out", help="报告输出目录（默认 eval/out）")
    p.add_argument("--no-baseline", action="store_true", help="不跑基线（更快）")
    p.add_argument("--limit", type=int, metavar="N", help="只评测前 N 题")
    p.add_argument("--json", action="store_true", help="以 JSON 输出汇总")
    p.set_defaults(func=run)


def _gate_line(result) -> str:
    from eval.harness import check_thresholds, load_thresholds

    name = result.info.get("qa_set", "")
    floors = load_thresholds(qa_set=name)
    if not floors:
        return f"门槛：eval/thresholds.json 中没有 {name} 的门槛"
    below = check_thresholds(result.summary["ours"], floors)
    if not below:
        return f"门槛：{len(floors)} 项全部达到"
    return "低于门槛：" + "，".join(f"{m} {'—' if v is None else f'{v:.3f}'} < {t:.3f}" for m, v, t in below)


def _print_set(result, paths, label: str = "") -> None:
    from eval.report import headline_text

    info = result.info
    head = f"【{label or info.get('qa_set', '')}】" if label or info.get("qa_set") else ""
    print(f"{head}{info.get('mode', '')}，{info.get('n_items')} 题")
    if info.get("kb"):
        print(f"知识库：临时新建，{info['kb'].get('ingest', '')}")
    print(headline_text(result.summary))
    ours = result.summary["ours"]
    print(f"超范围拒答率 {_pct(ours.get('oos_refusal_rate'))}（{ours.get('n_out_of_scope', 0)} 题），"
          f"可答却拒答 {ours.get('n_answerable_refused', 0)} 题，算分读错数字 {ours.get('n_score_misread', 0)} 题")
    places = {k: v for k, v in (ours.get("key_fact_places") or {}).items() if k != "early" and v}
    if places:
        from eval.report import KEY_FACT_PLACE_WORDS

        print("要点不在前 150 字：" + "，".join(f"{KEY_FACT_PLACE_WORDS[k]} {v} 题" for k, v in places.items()))
    reasons = info.get("failure_reasons") or {}
    if reasons:
        print("本系统错题 %d 道：%s" % (len(result.failures), "，".join(f"{k} {v}" for k, v in reasons.items())))
    print(_gate_line(result))
    print(f"报告已写入 {paths['summary.md'].parent}（summary.md、results.json、per_category.png、latency.png）")


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def ablation_table(full: dict, ablated: dict) -> str:
    """Plain-text table: metric, full documents, without asks/variants, delta in points."""
    from eval.report import _pad

    def row(a: str, b: str, c: str, d: str) -> str:
        return _pad(a, 16) + _pad(b, 10, True) + _pad(c, 12, True) + _pad(d, 12, True)

    lines = [row("指标", "完整", "去掉问法", "差值(点)")]
    for key, label in ABLATION_ROWS:
        a, b = full.get(key), ablated.get(key)
        delta = "—" if a is None or b is None else f"{(b - a) * 100:+.1f}"
        lines.append(row(label, _pct(a), _pct(b), delta))
    return "\n".join(lines)


def run(args) -> int:
    from assistant.cli import settings_from_args
    from assistant.config import CORPUS_DIR
    from assistant.errors import UserError
    from assistant.errors import QAError
    from eval.harness import run_eval, temp_kb
    from eval.report import write_report

    if args.limit is not None and args.limit < 1:
        raise UserError("--limit 必须是正整数")
    settings = settings_from_args(args)
    qa_files = args.qa or [None]
    multi = len(qa_files) > 1 or args.ablate_asks
    out_root = Path(args.out)
    progress = not args.json

    def evaluate(s, kb_info=None, suffix="", docs=None):
        done = []
        for qa in qa_files:
            result = run_eval(s, qa, baseline=not args.no_baseline, limit=args.limit, progress=progress,
                              docs=docs)
            if kb_info:
                result.info["kb"] = kb_info
            name = result.info["qa_set"] = result.info["qa_set"] + suffix
            paths = write_report(result, out_root / name if multi else out_root)
            done.append((name, result, paths))
        return done

    try:
        if args.ablate_asks:
            docs = args.docs or [CORPUS_DIR]
            with temp_kb(settings, docs) as (s, kb_info):
                full = evaluate(s, kb_info, docs=docs)
            with temp_kb(settings, docs, ablate_asks=True) as (s, kb_info):
                ablated = evaluate(s, kb_info, suffix="_no_asks", docs=kb_info["stripped"])
        elif args.docs:
            with temp_kb(settings, args.docs) as (s, kb_info):
                full, ablated = evaluate(s, kb_info, docs=args.docs), []
        else:
            full, ablated = evaluate(settings), []
    except QAError as exc:
        raise UserError(str(exc)) from None

    if args.json:
        if not multi:
            _, result, paths = full[0]
            print(json.dumps({"summary": result.summary, "per_category": result.per_category,
                              "info": result.info, "report": {k: str(v) for k, v in paths.items()}},
                             ensure_ascii=False, indent=2))
            return 0
        out = {"sets": {name: {"summary": r.summary, "per_category": r.per_category, "info": r.info,
                               "report": str(p["summary.md"].parent)} for name, r, p in full + ablated}}
        if ablated:
            out["ablation"] = {
                name: {key: (None if a.summary["ours"].get(key) is None or b.summary["ours"].get(key) is None
                             else b.summary["ours"][key] - a.summary["ours"][key]) for key, _ in ABLATION_ROWS}
                for (name, a, _), (_, b, _) in zip(full, ablated)}
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    for i, (name, result, paths) in enumerate(full + ablated):
        if i:
            print()
        _print_set(result, paths, name if multi else "")
    if ablated:
        removed = ablated[0][1].info.get("kb", {}).get("removed") or {}
        print(f"\n消融：去掉 {removed.get('asks', 0)} 条 asks 问法和 {removed.get('variants', 0)} 条 FAQ 变体问法"
              f"（{removed.get('files', 0)} 个文件）")
        for (name, a, _), (_, b, _) in zip(full, ablated):
            print(f"【{name}】")
            print(ablation_table(a.summary["ours"], b.summary["ours"]))
    return 0
