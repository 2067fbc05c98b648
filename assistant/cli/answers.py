"""``python -m assistant answers import FILE | list | show ID | add | edit ID | retire ID | restore ID [--json]``"""

from __future__ import annotations

import json


def register(sub, common) -> None:
    p = sub.add_parser("answers", help="标准回答：导入、查看、修改、停用")
    a_sub = p.add_subparsers(dest="answers_command", metavar="ACTION", required=True)
    q = a_sub.add_parser("import", parents=[common], help="从 .xlsx/.csv 导入（列：问题、答案、相似问题、依据/条款、生效日期、负责人）")
    q.add_argument("file")
    q = a_sub.add_parser("list", parents=[common], help="列出标准回答")
    q.add_argument("--all", action="store_true", help="包括已停用的")
    for name, help_text in (("show", "显示一条标准回答及其全部版本"), ("retire", "停用一条标准回答（保留历史版本）"),
                            ("restore", "重新启用一条已停用的标准回答")):
        q = a_sub.add_parser(name, parents=[common], help=help_text)
        q.add_argument("id", help="标准回答编号（见 answers list）")
    for name in ("add", "edit"):
        q = a_sub.add_parser(name, parents=[common], help="新增一条标准回答" if name == "add" else "修改（生成新版本）")
        if name == "edit":
            q.add_argument("id")
        req = name == "add"
        q.add_argument("--question", required=req, help="问题")
        q.add_argument("--answer", required=req, help="答案（原样给出）")
        q.add_argument("--basis", required=req, help="依据/条款")
        q.add_argument("--variant", action="append", help="相似问题（可重复）")
        q.add_argument("--effective-date", help="生效日期 YYYY-MM-DD")
        q.add_argument("--owner", help="负责人")
    for q in a_sub.choices.values():
        q.add_argument("--json", action="store_true", help="以 JSON 输出")
        q.set_defaults(func=run)


def _print_answer(a, versions=None) -> None:
    print(f"{a.id}  第 {a.version} 版  {a.status_text if hasattr(a, 'status_text') else a.to_dict()['status_text']}")
    print(f"问题：{a.question}")
    if a.variants:
        print("相似问题：" + "；".join(a.variants))
    print(f"答案：{a.answer}")
    print(f"依据/条款：{a.basis}")
    if a.effective_date:
        print(f"生效日期：{a.effective_date}")
    if a.owner:
        print(f"负责人：{a.owner}")
    for v in versions or []:
        d = v.to_dict()
        print(f"  第 {v.version} 版  {d['updated']}  {d['status_text']}  {v.note}")


def run(args) -> int:
    from assistant.cli import settings_from_args
    from assistant.upkeep.curated import CuratedStore

    store = CuratedStore(settings_from_args(args))
    cmd = args.answers_command
    if cmd == "import":
        report = store.import_file(args.file)
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if args.json else report.summary())
        return 0
    if cmd == "list":
        items = store.list(include_retired=args.all)
        if args.json:
            print(json.dumps([a.to_dict() for a in items], ensure_ascii=False, indent=2))
        elif not items:
            print("还没有标准回答。用 python -m assistant answers import FILE.xlsx 导入。")
        else:
            for a in items:
                d = a.to_dict()
                print(f"{a.id}  v{a.version}  {d['status_text']}  {a.question}  （依据：{a.basis}）")
            print(f"共 {len(items)} 条。")
        return 0
    if cmd == "show":
        versions = store.history(args.id)
        if not versions:
            store.require(args.id)
        if args.json:
            print(json.dumps({"current": versions[-1].to_dict(), "versions": [v.to_dict() for v in versions]},
                             ensure_ascii=False, indent=2))
        else:
            _print_answer(versions[-1], versions)
        return 0
    if cmd in ("retire", "restore"):
        a = store.retire(args.id) if cmd == "retire" else store.restore(args.id)
        if args.json:
            print(json.dumps(a.to_dict(), ensure_ascii=False, indent=2))
        else:
            print(f"{'已停用' if cmd == 'retire' else '已重新启用'}标准回答 {a.id}（第 {a.version} 版；历史版本已保留）。")
        return 0
    fields = {"question": args.question, "answer": args.answer, "basis": args.basis,
              "variants": args.variant, "effective_date": args.effective_date, "owner": args.owner}
    if cmd == "add":
        a = store.add(**{k: (v if v is not None else ("" if k != "variants" else [])) for k, v in fields.items()})
    else:
        a = store.edit(args.id, **fields)
    print(json.dumps(a.to_dict(), ensure_ascii=False, indent=2) if args.json
          else f"已保存标准回答 {a.id}（第 {a.version} 版）。")
    return 0
