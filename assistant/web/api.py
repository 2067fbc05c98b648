"""The named HTTP API (``/ask``, ``/score``) and the guard that answers a bad request body in Chinese.
"""

from __future__ import annotations

import json
import re
from typing import Any

from assistant.types import parse_history
from assistant.web.context import AppContext
from assistant.web.render import friendly_error

_SURROGATE = re.compile(r"[\ud800-\udfff]")


def api_ask(ctx: AppContext, question: str, history: Any = None) -> dict:
    """The ``/ask`` endpoint: the CLI batch record shape plus ``mode`` and ``notices``."""
    from assistant.present import batch_record

    if isinstance(question, str):  # a lone surrogate cannot be encoded in the JSON reply
        question = _SURROGATE.sub("\ufffd", question)
    try:
        answer = ctx.assistant.ask(question, parse_history(history))
        record = batch_record(None, question, answer)
        record.pop("id", None)
        record["mode"] = answer.mode
        record["notices"] = list(answer.notices)
        return record
    except Exception as exc:
        return {"question": question, "answer": "", "abstained": True, "citations": [], "tool_calls": [],
                "latency_ms": 0.0, "error": friendly_error(exc, "回答问题")}


def api_score(total: Any = None, earned: Any = None, applicable_total: Any = None,
              special_deductions: Any = 0, bonus: Any = 0) -> dict:
    """The ``/score`` endpoint: ``run_calculate_grade`` result, or ``{"error": ...}``."""
    from assistant.pipeline.tools import run_calculate_grade

    args = {k: v for k, v in (("total", total), ("earned", earned), ("applicable_total", applicable_total),
                              ("special_deductions", special_deductions), ("bonus", bonus))
            if v is not None and not (isinstance(v, str) and not v.strip())}
    args = {k: _SURROGATE.sub("\ufffd", v) if isinstance(v, str) else v for k, v in args.items()}
    try:
        return run_calculate_grade(args)
    except Exception as exc:
        return {"error": friendly_error(exc, "计算得分")}


BAD_BODY_MESSAGE = "请求内容不是有效的 UTF-8 编码 JSON（例如以原始字节发送的单独代理字符），请检查编码后重试。"
MAX_GUARDED_BODY = 4 * 1024 * 1024


class BodyGuard:
    """ASGI middleware in front of the framework's API: a JSON request whose body is not strict
    UTF-8 (a lone surrogate sent as raw bytes, stray bytes) or not JSON at all gets one Chinese
    error (HTTP 400, ``{"error": ...}``) instead of the framework's English one or a 500.
    File uploads (multipart) pass through untouched."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope.get("type") != "http" or scope.get("method") != "POST":
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        if "json" not in headers.get("content-type", "") and "/call/" not in scope.get("path", "") \
                and "/run/" not in scope.get("path", "") and "/api/" not in scope.get("path", ""):
            return await self.app(scope, receive, send)
        if "multipart" in headers.get("content-type", ""):
            return await self.app(scope, receive, send)
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return await self.app(scope, _replay([message]), send)
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > MAX_GUARDED_BODY:  # too large to check here: the framework's own limits apply
                return await self.app(scope, _replay([{"type": "http.request", "body": b"".join(chunks),
                                                        "more_body": more}], receive), send)
        body = b"".join(chunks)
        if body and not _valid_json_utf8(body):
            payload = json.dumps({"error": BAD_BODY_MESSAGE}, ensure_ascii=False).encode("utf-8")
            await send({"type": "http.response.start", "status": 400,
                        "headers": [(b"content-type", b"application/json; charset=utf-8"),
                                    (b"content-length", str(len(payload)).encode())]})
            await send({"type": "http.response.body", "body": payload})
            return
        return await self.app(scope, _replay([{"type": "http.request", "body": body, "more_body": False}],
                                             receive), send)


def _valid_json_utf8(body: bytes) -> bool:
    try:
        json.loads(body.decode("utf-8"))  # strict: encoded surrogates are invalid UTF-8
        return True
    except (UnicodeDecodeError, ValueError):
        return False


def _replay(messages: list[dict], then=None):
    queue = list(messages)

    async def receive():
        if queue:
            return queue.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return receive
