"""``python -m assistant ingest [PATH ...] [--reset] [--prune]``"""

from __future__ import annotations

import json
import sys


def register(sub, common) -> None:
    p = sub.add_parser("ingest", parents=[common], help="导入文档到知识库（默认导入项目的 corpus/）")
    p.add_argument("paths", nargs="*", help="文件或目录；不给则导入 corpus/")
    for flag, help_text in (("--reset", "先清空知识库再导入"), ("--prune", "删除源文件已不存在的文档"),
                            ("--json", "以 JSON 输出汇总"), ("--no-progress", "不显示进度条")):
        p.add_argument(flag, action="store_true", help=help_text)
    p.set_defaults(func=run)


def run(args) -> int:
    from pathlib import Path

    from assistant.cli import settings_from_args
    from assistant.config import CORPUS_DIR
    from assistant.kb import ingest

    settings = settings_from_args(args)
    paths = [Path(p) for p in args.paths] or [CORPUS_DIR]
    report, notice = ingest(settings, paths, reset=args.reset, prune=args.prune,
                            progress=not args.no_progress and not args.json)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(notice, file=sys.stderr)
        print(report.summary())
    return 0 if report.ok else 1
