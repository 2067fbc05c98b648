"""``python -m assistant ask "问题" [--json]``, an interactive loop, or ``--batch FILE.jsonl``."""

from __future__ import annotations

import json
import re
import sys

from assistant.present import batch_record, format_answer, mode_detail, mode_words

_SURROGATE = re.compile("[\ud800-\udfff]")


def json_text(data, **kwargs) -> str:
    """JSON with Chinese kept readable. A lone surrogate (a "\\ud800" escape in a batch line, or
    undecodable bytes on the command line) becomes U+FFFD, so the text can always be written."""
    return _SURROGATE.sub("\ufffd", json.dumps(data, ensure_ascii=False, **kwargs))


def register(sub, common) -> None:
    p = sub.add_parser("ask", parents=[common], help="提问（不给问题则进入交互模式）")
    p.add_argument("question", nargs="?", help="问题")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.add_argument("--batch", metavar="FILE", help='JSONL 文件，每行 {"id","question","history"?}；"-" 为标准输入')
    p.set_defaults(func=run)


def run_batch(assistant, stream_in, stream_out) -> int:
    """Answer every line in order; a bad line yields an error record, never stops the batch.

    Lines may be text or bytes (a file opened in binary mode): bytes are decoded line by line,
    so a line that is not UTF-8 is one error record, not the end of the batch.
    """
    from assistant.errors import UserError
    from assistant.types import parse_history

    failures = 0
    for line_no, line in enumerate(stream_in, start=1):
        if not line.strip():
            continue
        try:
            if isinstance(line, bytes):
                try:
                    line = line.decode("utf-8-sig" if line_no == 1 else "utf-8")
                except UnicodeDecodeError:
                    raise ValueError("不是 UTF-8 编码的文本") from None
            item = json.loads(line)
            if not isinstance(item, dict) or "question" not in item:
                raise ValueError(f"第 {line_no} 行：缺少 question 字段")
            history = parse_history(item.get("history"))
            answer = assistant.ask(item["question"], history)
            record = batch_record(item.get("id"), item["question"], answer)
        except (ValueError, json.JSONDecodeError, UserError) as exc:
            failures += 1
            record = {"id": None, "question": None, "answer": "", "abstained": True, "citations": [],
                      "tool_calls": [], "latency_ms": 0.0, "error": f"第 {line_no} 行无效：{exc}"}
        stream_out.write(json_text(record) + "\n")
        stream_out.flush()
    return 1 if failures else 0


def run(args) -> int:
    from assistant.cli import settings_from_args
    from assistant.core import Assistant

    assistant = Assistant(settings_from_args(args))
    if args.batch:
        if args.batch == "-":
            return run_batch(assistant, sys.stdin.buffer, sys.stdout)
        try:
            fh = open(args.batch, "rb")
        except OSError as exc:
            from assistant.errors import UserError

            if isinstance(exc, FileNotFoundError):
                raise UserError(f"找不到批量文件：{args.batch}") from None
            if isinstance(exc, IsADirectoryError):
                raise UserError(f"批量文件 {args.batch} 是一个目录，应是 JSONL 文件") from None
            raise UserError(f"无法读取批量文件 {args.batch}（{exc.strerror or exc}）") from None
        with fh:
            return run_batch(assistant, fh, sys.stdout)
    if args.question is not None:
        # once, on stderr (stdout stays the answer or its JSON): which mode answered, in words
        print(f"{mode_words(assistant.mode)}（{mode_detail(assistant.mode)}）", file=sys.stderr)
        answer = assistant.ask(args.question)
        print(json_text(answer.to_dict(), indent=2) if args.json else format_answer(answer))
        return 0
    print(f"{mode_words(assistant.mode)}（{mode_detail(assistant.mode)}）。输入问题后回车，空行或 Ctrl-D 退出。", file=sys.stderr)
    history: list[dict] = []
    while True:
        try:
            question = input("问> ")
        except EOFError:
            break
        if not question.strip():
            break
        answer = assistant.ask(question, history)
        print(format_answer(answer) + "\n")
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.answer}]
    return 0
