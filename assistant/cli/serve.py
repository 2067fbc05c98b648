"""``python -m assistant serve [--host H] [--port P]``: the web app, same launcher as ``python app.py``."""

from __future__ import annotations


def register(sub, common) -> None:
    p = sub.add_parser("serve", parents=[common], help="启动网页版（与 python app.py 相同）")
    p.add_argument("--host", help="监听地址（默认 127.0.0.1 或 $KBA_HOST）")
    p.add_argument("--port", type=int, help="端口（默认 7860 或 $KBA_PORT）")
    p.set_defaults(func=run)


def run(args) -> int:
    from assistant.web.server import main

    argv: list[str] = []
    for flag, value in (("--host", args.host), ("--port", args.port), ("--data-dir", args.data_dir)):
        if value is not None:
            argv += [flag, str(value)]
    return main(argv)
