"""``python -m assistant vocab list | add WORD | add --synonyms HEAD TERM... | remove ... | reindex [--json]``"""

from __future__ import annotations

import json
import sys


def register(sub, common) -> None:
    p = sub.add_parser("vocab", help="领域词典与同义词（与知识库一起保存）")
    v_sub = p.add_subparsers(dest="vocab_command", metavar="ACTION", required=True)
    v_sub.add_parser("list", parents=[common], help="列出生效的词典和同义词组")
    for name, help_text in (("add", "加词；--synonyms 标准词 同义词…：加同义词组（或给已有组加词）"),
                            ("remove", "删词；--synonyms 标准词 [词…]：删整组或组内的词")):
        q = v_sub.add_parser(name, parents=[common], help=help_text)
        q.add_argument("terms", nargs="+", help="词语")
        q.add_argument("--synonyms", action="store_true", help="操作同义词组（第一个词为标准词）")
    v_sub.add_parser("reindex", parents=[common], help="按当前词表重新为已导入的片段分词（无需重新导入文件）")
    for q in v_sub.choices.values():
        q.add_argument("--json", action="store_true", help="以 JSON 输出")
        q.set_defaults(func=run)


def run(args) -> int:
    from assistant.cli import settings_from_args
    from assistant.upkeep.vocab import Vocabulary

    vocab = Vocabulary(settings_from_args(args))
    cmd = args.vocab_command
    if cmd == "list":
        data = vocab.listing()
        if args.json:
            print(json.dumps(data, ensure_ascii=False, indent=2))
            return 0
        custom = [w["term"] for w in data["words"] if w["source"] == "自定义"]
        print(f"领域词典 {len(data['words'])} 个词（自定义 {len(custom)} 个）：" + "、".join(w["term"] for w in data["words"]))
        print(f"同义词组 {len(data['synonyms'])} 组：")
        for g in data["synonyms"]:
            print(f"  [{g['source']}] {g['head']} ← {'、'.join(g['terms'][1:])}")
        removed = data["removed_defaults"]
        if removed["words"] or removed["synonyms"]:
            print("已删除的内置项：" + "、".join(removed["words"] + removed["synonyms"]))
        if data["reindex_needed"]:
            print("需要重新索引：python -m assistant vocab reindex")
        return 0
    if cmd == "reindex":
        bar = None
        if not args.json:
            from tqdm import tqdm

            bar = tqdm(total=0, unit="片段", file=sys.stderr, desc="重新索引", leave=False)

        def progress(done: int, total: int, _msg: str) -> None:
            if bar is not None:
                bar.total = total
                bar.n = done
                bar.refresh()

        n = vocab.reindex(progress)
        if bar is not None:
            bar.close()
        print(json.dumps({"reindexed": n}) if args.json else f"已按当前词表重新索引 {n} 个片段。")
        return 0
    if cmd == "add":
        change = vocab.add_synonyms(args.terms) if args.synonyms else _one(args.terms, vocab.add_word)
    else:
        change = vocab.remove_synonyms(args.terms) if args.synonyms else _one(args.terms, vocab.remove_word)
    print(json.dumps(change.to_dict(), ensure_ascii=False, indent=2) if args.json else change.message)
    return 0


def _one(terms, fn):
    from assistant.errors import UserError

    if len(terms) != 1:
        raise UserError("一次只能加或删一个词；同义词组请加 --synonyms")
    return fn(terms[0])
