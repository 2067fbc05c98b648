"""The web launcher over the same core as the CLI: ``python app.py`` = ``python -m assistant serve``.

The layout is in ``assistant/web/layout.py``, every handler in the module of its tab (``chat``, ``calculator``, ``admin``,
``dashboard``, ``api``)
(testable without a browser). On first start the knowledge base is built from ``corpus/`` when it
is empty. One ``Assistant`` is loaded once and shared by all sessions.

Named API endpoints (``gradio_client.Client(url).predict(..., api_name="/ask")``):

* ``/ask``   question, history (optional JSON list of {"role","content"}) -> answer dict
* ``/score`` total | earned + applicable_total, special_deductions, bonus  -> result dict
"""

import argparse
import sys
import threading
import time

from assistant.web.layout import CSS, PAGE_JS, TEMP_FILES_MAX_AGE, build_ui  # noqa: F401  (TEMP_FILES_MAX_AGE: app.py's API)

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

# The framework picks its interface language (upload area, buttons, API page) from the browser's
# language; this app is Chinese whatever the browser says, so the page tells the framework so
# before any of its scripts run.
UI_LANGUAGE = "zh-CN"
_LANGUAGE_SCRIPT = (
    "<script>(function(){try{var l='" + UI_LANGUAGE + "';"
    "Object.defineProperty(Navigator.prototype,'language',{get:function(){return l},configurable:true});"
    "Object.defineProperty(Navigator.prototype,'languages',{get:function(){return [l,'zh']},configurable:true});"
    "}catch(e){}})();</script>"
).encode("utf-8")


# What the framework's zh-CN table lacks and only the framework can say in the moment it says it
# (the screen-reader line announcing a queued request); the visible progress line's fixed English
# is put into words by the page script (``layout.PAGE_JS``).
FRAMEWORK_WORDS = {"status.queue_position": "排队中：第 {position} 位，共 {size} 位"}


def framework_i18n():
    """The framework's translation table, extended with ``FRAMEWORK_WORDS`` for the page language."""
    import gradio as gr

    return gr.I18n(**{UI_LANGUAGE: dict(FRAMEWORK_WORDS), "zh": dict(FRAMEWORK_WORDS)})


class ChineseInterface:
    """ASGI middleware: every HTML page the app serves says its language is Chinese (``lang`` and
    the browser language the framework reads), so the framework's own strings are Chinese."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope.get("type") != "http" or scope.get("method") != "GET":
            return await self.app(scope, receive, send)
        state: dict = {}

        async def patched_send(message):
            if message["type"] == "http.response.start":
                headers = {k.decode("latin-1").lower(): v for k, v in message.get("headers", [])}
                if headers.get("content-type", b"").startswith(b"text/html") \
                        and b"content-encoding" not in headers:
                    state["start"], state["chunks"] = message, []
                    return
                return await send(message)
            if message["type"] == "http.response.body" and "start" in state:
                state["chunks"].append(message.get("body", b""))
                if message.get("more_body"):
                    return
                body = b"".join(state["chunks"])
                if b"<head>" in body:
                    body = body.replace(b"<head>", b"<head>" + _LANGUAGE_SCRIPT, 1)
                body = body.replace(b'<html lang="en"', f'<html lang="{UI_LANGUAGE}"'.encode(), 1)
                start = state.pop("start")
                start = dict(start, headers=[(k, v) for k, v in start.get("headers", [])
                                             if k.lower() != b"content-length"]
                             + [(b"content-length", str(len(body)).encode())])
                await send(start)
                return await send({"type": "http.response.body", "body": body})
            return await send(message)

        return await self.app(scope, receive, patched_send)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="售后服务认证知识库助手（GB/T 27922-2011）网页版")
    p.add_argument("--host", help="监听地址（默认 127.0.0.1 或 $KBA_HOST）")
    p.add_argument("--port", type=int, help="端口（默认 7860 或 $KBA_PORT）")
    p.add_argument("--data-dir", help="数据目录（默认 ./data 或 $KBA_DATA_DIR）")
    return p.parse_args(argv)


def launch(ctx, *, prevent_thread_lock: bool = False, quiet: bool = False):
    """Build and launch the UI on ``ctx.settings.host:port``; returns the Blocks."""
    from starlette.middleware import Middleware

    from assistant.web import api, originals
    settings = ctx.settings
    demo = build_ui(ctx)
    demo.queue(default_concurrency_limit=8)
    queue = getattr(demo, "_queue", None)
    if queue is not None and hasattr(queue, "compute_analytics_summary"):
        # nothing reads the framework's per-function summary here; computing it after every
        # request (a DataFrame over the kept records) cost milliseconds growing with uptime
        queue.compute_analytics_summary = lambda records: queue.cached_event_analytics_summary
    demo.launch(server_name=settings.host, server_port=settings.port, prevent_thread_lock=True, quiet=quiet,
                show_error=False, max_file_size=f"{framework_upload_cap_mb(settings)}mb", css=CSS, js=PAGE_JS,
                footer_links=["api"], i18n=framework_i18n(),
                app_kwargs={"middleware": [Middleware(api.BodyGuard), Middleware(ChineseInterface)],
                            # our routes come before the framework's (FastAPI(routes=…))
                            "routes": originals.routes(ctx)})
    if not prevent_thread_lock:
        demo.block_thread()
    return demo


def framework_upload_cap_mb(settings) -> int:
    """The framework's own upload cap, above ours: a file over ``KBA_UPLOAD_MAX_MB`` reaches our
    check and is refused in Chinese with the limit (the framework's refusal is in English); the
    cap still bounds what a stranger can push into the framework's temporary folder."""
    return max(2 * int(settings.upload_max_mb), 100)


def refuse_open_bind(settings) -> str | None:
    """Knowledge-base management is open to anyone who reaches the port unless a password is
    set, so listening beyond this machine without one is refused (with how to set one)."""
    if settings.admin_password or str(settings.host).strip().lower() in LOOPBACK_HOSTS:
        return None
    return (f"监听地址 {settings.host} 不是本机地址，但没有设置管理员密码：任何能访问该端口的人都能上传、"
            f"删除和重建知识库。请先设置环境变量 KBA_ADMIN_PASSWORD（例如 KBA_ADMIN_PASSWORD='一个足够长的密码' "
            f"python app.py --host {settings.host}），或只在本机地址 127.0.0.1 上运行。")


def main(argv: list[str] | None = None) -> int:
    started = time.perf_counter()
    args = parse_args(argv)
    from assistant.config import Settings
    from assistant.errors import UserError
    from assistant.web.context import AppContext, ensure_knowledge_base

    try:
        settings = Settings.from_env(host=args.host, port=args.port, data_dir=args.data_dir)
    except ValueError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    refused = refuse_open_bind(settings)
    if refused:
        print(f"错误：{refused}", file=sys.stderr)
        return 2
    ctx = AppContext(settings)
    failure: list[BaseException] = []

    def load() -> None:
        """Build the KB if empty and load the shared Assistant, while gradio imports."""
        try:
            built = ensure_knowledge_base(settings)
            if built:
                print(built, file=sys.stderr)
            _ = ctx.assistant  # load once, shared by every session
        except BaseException as exc:  # reported by the main thread
            failure.append(exc)

    loader = threading.Thread(target=load, name="kba-load", daemon=True)
    loader.start()
    import gradio  # noqa: F401  (the slowest import; overlaps with loading the Assistant)

    loader.join()
    if failure:
        exc = failure[0]
        if isinstance(exc, UserError):
            print(f"错误：{exc}", file=sys.stderr)
            return 2
        print(f"内部错误：{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    try:
        demo = launch(ctx, prevent_thread_lock=True, quiet=True)
    except OSError as exc:
        print(f"错误：无法在 {settings.host}:{settings.port} 启动网页服务（{exc}）。可用 --port 换一个端口。",
              file=sys.stderr)
        return 1
    host = "127.0.0.1" if settings.host in ("0.0.0.0", "") else settings.host
    print(f"售后服务认证知识库助手已启动：http://{host}:{settings.port}/ （{ctx.assistant.mode}，"
          f"启动用时 {time.perf_counter() - started:.1f} 秒；Ctrl-C 退出）", flush=True)
    try:
        demo.block_thread()
    except KeyboardInterrupt:
        pass
    return 0
