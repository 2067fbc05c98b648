"""``python -m assistant eval [--qa FILE] [--out DIR] [--no-baseline] [--limit N] [--json]``"""

from __future__ import annotations

import json
import sys


def register(sub, common) -> None:
    p = sub.add_parser("eval", parents=[common],
                       help="用问答集评测本系统，并与朴素 RAG 基线对比（知识库为空时先导入 corpus/）")
    p.add_argument("--qa", metavar="FILE", help="问答集 JSONL（默认 eval/qa.jsonl）")
    p.add_argument("--out", metavar="DIR", default="eval/out", help="报告输出目录（默认 eval/out）")
    p.add_argument("--no-baseline", action="store_true", help="不跑基线（更快）")
    p.add_argument("--limit", type=int, metavar="N", help="只评测前 N 题")
    p.add_argument("--json", action="store_true", help="以 JSON 输出汇总")
    p.set_defaults(func=run)


def run(args) -> int:
    from assistant.cli import settings_from_args
    from assistant.errors import UserError
    from eval.harness import QAError, run_eval
    from eval.report import headline_text, write_report

    if args.limit is not None and args.limit < 1:
        raise UserError("--limit 必须是正整数")
    settings = settings_from_args(args)
    try:
        result = run_eval(settings, args.qa, baseline=not args.no_baseline, limit=args.limit,
                          progress=not args.json)
    except QAError as exc:
        raise UserError(str(exc)) from None
    paths = write_report(result, args.out)
    if args.json:
        print(json.dumps({"summary": result.summary, "per_category": result.per_category,
                          "info": result.info, "report": {k: str(v) for k, v in paths.items()}},
                         ensure_ascii=False, indent=2))
        return 0
    print(f"{result.info.get('mode', '')}，{result.info.get('n_items')} 题")
    print(headline_text(result.summary))
    reasons = result.info.get("failure_reasons") or {}
    if reasons:
        print("本系统错题 %d 道：%s" % (len(result.failures), "，".join(f"{k} {v}" for k, v in reasons.items())))
    print(f"报告已写入 {paths['summary.md'].parent}（summary.md、results.json、per_category.png、latency.png）",
          file=sys.stdout)
    return 0
