"""``python -m assistant unanswered [--all] [--json] [--export FILE.xlsx] [--draft GROUP]``"""

from __future__ import annotations

import json


def register(sub, common) -> None:
    p = sub.add_parser("unanswered", parents=[common],
                       help="未回答的问题（拒答和 👎），按相似问题分组，次数多的在前")
    p.add_argument("--all", action="store_true", help="包括已由标准回答解决的")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.add_argument("--export", metavar="FILE.xlsx", help="导出为 Excel")
    p.add_argument("--draft", metavar="GROUP", help="把一个问题组转成标准回答草稿（JSON）")
    p.set_defaults(func=run)


def run(args) -> int:
    from assistant.cli import settings_from_args
    from assistant.upkeep.unanswered import UnansweredLog

    log = UnansweredLog(settings_from_args(args))
    if args.draft:
        print(json.dumps(log.draft(log.group(args.draft)), ensure_ascii=False, indent=2))
        return 0
    if args.export:
        path = log.export_xlsx(args.export, include_resolved=args.all)
        if not args.json:
            print(f"已导出到 {path}")
    groups = log.groups(include_resolved=args.all)
    if args.json:
        print(json.dumps([g.to_dict() for g in groups], ensure_ascii=False, indent=2))
        return 0
    if not groups:
        print("没有未回答的问题。")
        return 0
    for g in groups:
        d = g.to_dict()
        kinds = "，".join(f"{k} {v}" for k, v in g.kinds.items())
        print(f"[{g.id}] {g.count} 次（{kinds}，最近 {d['last']}）：{g.question}")
        for q, c in g.phrasings[1:6]:
            print(f"    · {q}（{c} 次）")
        if g.reasons:
            print(f"    原因：{g.reasons[0][0]}")
    print(f"共 {len(groups)} 组，{sum(g.count for g in groups)} 次。用 --draft 组号 生成标准回答草稿。")
    return 0
