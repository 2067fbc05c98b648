"""``python -m assistant`` — one CLI over the same core the app and the eval use.

Each subcommand lives in its own module with ``register(subparsers, common)``; handlers
return an exit code. Heavy imports happen inside the handlers, never at module level.
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module

COMMANDS = ("ingest", "kb", "ask", "score", "eval", "answers", "vocab", "unanswered", "qa", "serve")


def common_parser() -> argparse.ArgumentParser:
    """Flags every subcommand accepts."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", help="data directory (default ./data or $KBA_DATA_DIR)")
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m assistant",
        description="售后服务认证知识库助手 (GB/T 27922-2011)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = common_parser()
    for name in COMMANDS:
        try:
            module = import_module(f"assistant.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"assistant.cli.{name}":
                raise
            continue  # subcommand not built yet
        module.register(sub, common)
    return parser


def settings_from_args(args: argparse.Namespace):
    from assistant.config import Settings

    return Settings.from_env(data_dir=getattr(args, "data_dir", None))


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:  # last line of defence: one clear line, no traceback
        from assistant.errors import UserError

        if isinstance(exc, UserError):
            print(f"错误：{exc}", file=sys.stderr)
            return 2
        print(f"内部错误：{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
