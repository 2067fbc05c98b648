"""``python -m assistant qa run FILE | convert FILE OUT.jsonl | history [FILE] [--json]``

An expert's question list (.xlsx/.csv: 问题, 参考答案, 要点, 应拒答, or a QA JSONL): run it, keep
the history of runs, see what each run fixed and broke. ``eval --qa FILE.xlsx`` also reads sheets.
"""

from __future__ import annotations

import json


def register(sub, common) -> None:
    p = sub.add_parser("qa", help="专家问答表：评测并记录历史（与上一次对比）")
    q_sub = p.add_subparsers(dest="qa_command", metavar="ACTION", required=True)
    q = q_sub.add_parser("run", parents=[common], help="评测一个问答表并与上一次运行对比")
    q.add_argument("file")
    q.add_argument("--limit", type=int, metavar="N")
    q.add_argument("--export", metavar="REPORT", help="导出报告（.xlsx/.md/.json）")
    q = q_sub.add_parser("convert", parents=[common], help="把问答表转成 JSONL 问答集")
    q.add_argument("file")
    q.add_argument("out")
    q = q_sub.add_parser("history", parents=[common], help="列出运行历史")
    q.add_argument("file", nargs="?")
    for q in q_sub.choices.values():
        q.add_argument("--json", action="store_true", help="以 JSON 输出")
        q.set_defaults(func=run)


def run(args) -> int:
    from assistant.cli import settings_from_args
    from assistant.errors import UserError
    from assistant.errors import QAError

    settings = settings_from_args(args)
    try:
        if args.qa_command == "convert":
            from eval.sheet import load_sheet, write_jsonl

            items = load_sheet(args.file)
            out = write_jsonl(items, args.out)
            print(json.dumps({"items": len(items), "out": str(out)}, ensure_ascii=False) if args.json
                  else f"已转换 {len(items)} 题到 {out}")
            return 0
        from eval.history import diff_text, export_report, list_runs, run_and_record

        if args.qa_command == "history":
            runs = list_runs(settings, args.file)
            if args.json:
                print(json.dumps([{k: r.get(k) for k in ("run_id", "time", "qa_set", "n_items", "summary", "diff")}
                                  for r in runs], ensure_ascii=False, indent=2))
                return 0
            if not runs:
                print("还没有运行记录。用 python -m assistant qa run FILE.xlsx 评测。")
            for r in runs:
                acc = (r.get("summary") or {}).get("accuracy")
                print(f"{r['run_id']}  {r['qa_set']}  {r['n_items']} 题  正确率 "
                      f"{'—' if acc is None else f'{acc * 100:.1f}%'}  {diff_text(r['diff']) if r.get('diff') else ''}")
            return 0
        if args.limit is not None and args.limit < 1:
            raise UserError("--limit 必须是正整数")
        run_ = run_and_record(settings, args.file, limit=args.limit, progress=not args.json)
    except QAError as exc:
        raise UserError(str(exc)) from None
    report = export_report(run_, args.export) if args.export else None
    if args.json:
        print(json.dumps({"run_id": run_["run_id"], "summary": run_["summary"], "diff": run_["diff"],
                          "report": str(report) if report else None}, ensure_ascii=False, indent=2))
        return 0
    acc = run_["summary"].get("accuracy")
    print(f"{run_['qa_set']}：{run_['n_items']} 题，正确率 {'—' if acc is None else f'{acc * 100:.1f}%'}")
    print(diff_text(run_["diff"]))
    for item in run_["items"]:
        if not item["correct"]:
            miss = "；".join("/".join(g) for g in item["missing_key_points"]) or item["reason"]
            print(f"  ✗ {item['id']} {item['question']}  缺少：{miss}  参考答案：{item['gold_answer'][:60]}")
    if report:
        print(f"报告已写入 {report}")
    return 0
