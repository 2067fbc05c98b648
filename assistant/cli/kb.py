"""``python -m assistant kb list | show DOC | delete DOC``"""

from __future__ import annotations

import json


def register(sub, common) -> None:
    p = sub.add_parser("kb", help="查看和管理知识库中的文档")
    kb_sub = p.add_subparsers(dest="kb_command", metavar="ACTION", required=True)
    for name, help_text in (("list", "列出文档"), ("show", "显示一个文档及其片段"), ("delete", "删除一个文档")):
        q = kb_sub.add_parser(name, parents=[common], help=help_text)
        if name != "list":
            q.add_argument("doc", help="文档 id（见 kb list）")
        q.add_argument("--json", action="store_true", help="以 JSON 输出")
        q.set_defaults(func=run)


def run(args) -> int:
    from assistant.cli import settings_from_args
    from assistant.errors import UserError
    from assistant.kb import delete_document, list_documents, show_document

    settings = settings_from_args(args)
    if args.kb_command == "list":
        docs = list_documents(settings)
        if args.json:
            print(json.dumps(docs, ensure_ascii=False, indent=2))
        elif not docs:
            print("知识库为空。用 python -m assistant ingest 导入文档。")
        else:
            print(f"{'文档 id':<40} {'类型':<10} {'权威等级':<14} {'片段':>4}  导入时间             标题")
            for d in docs:
                level = f"{d['authority']} {d['authority_label']}"
                print(f"{d['doc_id']:<40} {d['doc_type']:<10} {level:<14} {d['chunks']:>4}  {d['ingested_at']}  "
                      f"{d['title']}")
            print(f"共 {len(docs)} 个文档，{sum(d['chunks'] for d in docs)} 个片段。")
        return 0
    if args.kb_command == "show":
        doc = show_document(settings, args.doc)
        if doc is None:
            raise UserError(f"知识库中没有文档 {args.doc}")
        if args.json:
            print(json.dumps(doc, ensure_ascii=False, indent=2))
        else:
            print(f"{doc['doc_id']}  {doc['title']}  （{doc['doc_type']}，{doc['chunks']} 个片段）\n来源文件：{doc['source']}")
            if doc.get("ocr_pages"):
                pages = "、".join(f"第{p}页 {c:.0%}" for p, c in sorted(doc["ocr_pages"].items()))
                print(f"文字识别（OCR）页面及置信度：{pages}")
                if doc.get("low_confidence_pages"):
                    low = "、".join(f"第{p}页" for p in doc["low_confidence_pages"])
                    print(f"⚠ 识别置信度偏低（低于 {doc['low_confidence_threshold']:.0%}），请对照原件核对：{low}")
            for i, c in enumerate(doc["passages"], 1):
                conf = c["meta"].get("ocr_confidence")
                flag = ""
                if conf is not None:
                    low = "，偏低" if conf < doc.get("low_confidence_threshold", 0) else ""
                    flag = f"  [OCR 置信度 {conf:.0%}{low}]"
                print(f"\n[{i}] {c['locator']}  ({c['id']}){flag}\n{c['text']}")
        return 0
    deleted = delete_document(settings, args.doc)
    if args.json:
        print(json.dumps({"doc_id": args.doc, "deleted": deleted}, ensure_ascii=False))
    elif deleted:
        print(f"已删除文档 {args.doc}。")
    if not deleted:
        raise UserError(f"知识库中没有文档 {args.doc}")
    return 0
