"""Links from a citation back to its original file (served by the web app under ``/kb/original``).

The link carries only the doc id, the page and the chunk id; the server resolves them through
``ingest.originals.resolve_original``, which never leaves the data dir's originals folder.

Two routes, added to the app's FastAPI instance through ``app_kwargs={"routes": routes(ctx)}``
(``assistant/web/server.py``), ahead of the framework's own routes:

* ``GET /kb/original?doc=<id>&page=<n>&chunk=<chunk id>`` — a PDF: a redirect to the file with
  ``#page=N`` (the browser's PDF viewer opens at the cited page); any other format: one HTML page
  with the document's text as it was ingested (escaped, never rendered), the cited passage
  highlighted and scrolled into view, an image shown above its recognised text, and a link to
  the original file.
* ``GET /kb/original/file?doc=<id>`` — the kept file itself (PDF and images inline, text as plain
  text, Word / Excel as a download).

No password (the originals are the knowledge base's own documents, quoted in every answer) and no
listing: only a doc id known to the knowledge base resolves, and only to its own kept file.
Every refusal is a small Chinese page with the right status code.
"""

from __future__ import annotations

import html
import logging
import secrets
from typing import Any, Mapping
from urllib.parse import quote, urlencode

log = logging.getLogger("assistant.web.originals")

ORIGINAL_ROUTE = "/kb/original"
FILE_ROUTE = "/kb/original/file"
MAX_ID_CHARS = 400  # doc and chunk ids in a query string (ids are at most a few hundred characters)
_INLINE_TYPES = ("application/pdf", "image/png", "image/jpeg")
_PAGE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; script-src 'nonce-{nonce}'; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
_FILE_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; plugin-types application/pdf; frame-ancestors 'self'"


def original_href(citation: Mapping[str, Any]) -> str:
    """The app-relative URL that opens a citation's original (at its page for a PDF)."""
    params: dict[str, Any] = {"doc": str(citation.get("source") or "")}
    page = citation.get("page")
    if isinstance(page, int) and page > 0:
        params["page"] = page
    if citation.get("chunk_id"):
        params["chunk"] = str(citation["chunk_id"])
    return f"{ORIGINAL_ROUTE}?{urlencode(params)}"


def file_href(doc_id: str, page: int | None = None) -> str:
    """The kept file itself; with ``page`` for a PDF, a fragment that opens the viewer there."""
    return f"{FILE_ROUTE}?{urlencode({'doc': doc_id})}" + (f"#page={page}" if page else "")


# --------------------------------------------------------------------------- the decision (pure)

class Reply:
    """What the route answers, independent of the web framework (tests read it directly)."""

    def __init__(self, status: int, *, body: bytes = b"", media_type: str = "text/html; charset=utf-8",
                 headers: dict[str, str] | None = None, location: str | None = None):
        self.status = status
        self.body = body
        self.media_type = media_type
        self.headers = dict(headers or {})
        self.location = location

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def _error_page(status: int, message: str) -> Reply:
    titles = {400: "请求无效", 404: "找不到原文件", 500: "打开原文件时出错"}
    body = (
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        f"<title>{titles.get(status, '无法打开原文件')}</title>"
        "<style>body{font-family:sans-serif;max-width:720px;margin:48px auto;padding:0 16px;color:#374151}"
        "h1{font-size:20px}</style></head><body>"
        f"<h1>{titles.get(status, '无法打开原文件')}</h1><p class=\"kba-error\">{html.escape(message)}</p>"
        "<p><a href=\"/\">返回知识库助手</a></p></body></html>"
    )
    return Reply(status, body=body.encode("utf-8"),
                 headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
                          "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"})


def _one(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name)
    if isinstance(value, (list, tuple)):
        value = value[-1] if value else ""
    return str(value or "").strip()


def _lookup(store, doc_id: str):
    """The document's manifest from the store (one ``get`` by id, never a listing)."""
    manifests = store.manifests_of([doc_id])
    return manifests.get(doc_id)


def _parse_request(params: Mapping[str, Any]) -> tuple[str, str, str] | Reply:
    doc_id, page, chunk = _one(params, "doc"), _one(params, "page"), _one(params, "chunk")
    if not doc_id:
        return _error_page(400, "链接缺少文档 id（doc 参数）。请从回答的引用卡片打开原文。")
    if len(doc_id) > MAX_ID_CHARS or len(chunk) > MAX_ID_CHARS or len(page) > 9:
        return _error_page(400, "链接参数过长，不是有效的原文链接。")
    if any(ord(ch) < 32 for ch in doc_id + chunk):
        return _error_page(400, "链接中的文档 id 含有控制字符，不是有效的原文链接。")
    return doc_id, page, chunk


def serve_file(store, data_dir, params: Mapping[str, Any]) -> Reply:
    """``/kb/original/file?doc=<id>``: the kept file's bytes (never anything else)."""
    from ingest.originals import OriginalNotFound, resolve_original

    parsed = _parse_request(params)
    if isinstance(parsed, Reply):
        return parsed
    doc_id = parsed[0]
    manifest = _lookup(store, doc_id)
    try:
        ref = resolve_original(data_dir, {doc_id: manifest} if manifest is not None else {}, doc_id)
    except OriginalNotFound as exc:
        return _error_page(404, str(exc))
    disposition = "inline" if ref.media_type in _INLINE_TYPES or ref.media_type.startswith("text/") else "attachment"
    ascii_name = "".join(ch if 32 < ord(ch) < 127 and ch not in '"\\;' else "_" for ch in ref.filename) or "original"
    headers = {
        "Content-Disposition": f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(ref.filename)}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": _FILE_CSP,
        "Cache-Control": "private, max-age=300",
    }
    return Reply(200, body=ref.path.read_bytes(), media_type=ref.media_type, headers=headers)


def serve_original(store, data_dir, params: Mapping[str, Any]) -> Reply:
    """``/kb/original?doc=…&page=…&chunk=…``: a PDF opens at the page, anything else as a page
    of its ingested text with the cited passage highlighted."""
    from ingest.originals import OriginalNotFound, resolve_original

    parsed = _parse_request(params)
    if isinstance(parsed, Reply):
        return parsed
    doc_id, page, chunk_id = parsed
    manifest = _lookup(store, doc_id)
    try:
        ref = resolve_original(data_dir, {doc_id: manifest} if manifest is not None else {}, doc_id, page=page)
    except OriginalNotFound as exc:
        status = 400 if "页码" in str(exc) else 404
        return _error_page(status, str(exc))
    passages = store.get_chunks(list(manifest.chunk_ids))
    from assistant.pipeline.retrieval import OUTLINE_SUFFIX

    # a section's outline (retrieval.Retriever.section_outline) is shown at its first part
    chunk_id = chunk_id.removesuffix(OUTLINE_SUFFIX)
    cited = chunk_id if chunk_id and any(cid == chunk_id for cid, _, _ in passages) else ""
    if ref.media_type == "application/pdf":
        number = ref.page
        if number is None and cited:
            number = next((_int(m.get("page")) for cid, _, m in passages if cid == cited), None)
        return Reply(303, location=file_href(doc_id, number), headers={"Cache-Control": "no-store"})
    return _document_page(doc_id, manifest, ref, passages, cited, bool(chunk_id) and not cited)


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def _document_page(doc_id: str, manifest, ref, passages, cited: str, stale: bool) -> Reply:
    """The document as ingested: its passages in order, all text escaped, the cited one marked."""
    from ingest.ocr import LOW_CONFIDENCE

    nonce = secrets.token_urlsafe(12)
    esc = html.escape
    title = manifest.title or ref.filename
    parts = [
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        f"<title>{esc(title)} · 原文</title><style>",
        "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;max-width:860px;margin:24px auto;"
        "padding:0 16px;color:#1f2937;line-height:1.7}",
        "header{border-bottom:1px solid #e5e7eb;margin-bottom:16px;padding-bottom:8px}",
        ".kba-meta{font-size:13px;color:#6b7280}",
        ".kba-passage{white-space:pre-wrap;margin:0 0 14px;padding:6px 10px;border-radius:6px}",
        ".kba-loc{display:block;font-size:12px;color:#6b7280;white-space:normal}",
        "mark.kba-cited{display:block;background:#fef3c7;border-left:4px solid #f59e0b;color:inherit}",
        ".kba-warn{color:#b45309;font-size:13px}",
        "img.kba-image{max-width:100%;border:1px solid #e5e7eb;margin-bottom:16px}",
        "</style></head><body><header>",
        f"<h1 style=\"font-size:22px;margin:0\">{esc(title)}</h1>",
        f"<div class=\"kba-meta\">文档 id：{esc(doc_id)} · 原文件：{esc(ref.filename)} · "
        f"<a href=\"{esc(file_href(doc_id))}\">打开原文件</a></div>",
        "<div class=\"kba-meta\">以下是该文档导入知识库时的文字（按片段排列），引用的段落已高亮。</div>",
    ]
    if stale:
        parts.append("<p class=\"kba-warn\">引用的片段已不在该文档中（文档可能已更新），下面显示的是当前版本。</p>")
    parts.append("</header><main>")
    if ref.media_type.startswith("image/"):
        parts.append(f"<img class=\"kba-image\" src=\"{esc(file_href(doc_id))}\" alt=\"{esc(ref.filename)}\">")
    for cid, text, meta in passages:
        from assistant.types import Hit

        locator = Hit(cid, text, meta).locator
        confidence = meta.get("ocr_confidence")
        note = ""
        if isinstance(confidence, (int, float)):
            note = f" · 文字识别置信度 {confidence:.0%}" + ("（偏低，请对照原件核对）" if confidence < LOW_CONFIDENCE else "")
        head = f"<span class=\"kba-loc\">{esc(locator)}{esc(note)}</span>"
        if cid == cited:
            parts.append(f"<mark id=\"kba-cited\" class=\"kba-passage kba-cited\">{head}{esc(text)}</mark>")
        else:
            parts.append(f"<div class=\"kba-passage\">{head}{esc(text)}</div>")
    if not passages:
        parts.append("<p class=\"kba-warn\">该文档在知识库中没有片段。</p>")
    parts.append("</main>")
    if cited:
        parts.append(f"<script nonce=\"{nonce}\">document.getElementById('kba-cited')"
                     ".scrollIntoView({block:'center'});</script>")
    parts.append("</body></html>")
    headers = {"Content-Security-Policy": _PAGE_CSP.format(nonce=nonce), "X-Content-Type-Options": "nosniff",
               "Cache-Control": "no-store", "Referrer-Policy": "same-origin"}
    return Reply(200, body="".join(parts).encode("utf-8"), headers=headers)


# --------------------------------------------------------------------------- the routes

def _store_of(ctx):
    return ctx.assistant.store


def _respond(reply: Reply):
    from starlette.responses import RedirectResponse, Response

    if reply.location is not None:
        return RedirectResponse(reply.location, status_code=reply.status, headers=reply.headers)
    return Response(reply.body, status_code=reply.status, media_type=reply.media_type, headers=reply.headers)


def _handle(ctx, request, serve) -> Any:
    try:
        reply = serve(_store_of(ctx), ctx.settings.data_dir, request.query_params)
    except Exception as exc:  # never a traceback on the page
        from assistant.errors import UserError

        if isinstance(exc, UserError):
            reply = _error_page(500, str(exc))
        else:
            log.error("serving an original failed", exc_info=exc)
            reply = _error_page(500, f"打开原文件时出现内部错误（{type(exc).__name__}），请稍后重试。")
    return _respond(reply)


def routes(ctx) -> list:
    """The two Starlette routes (sync endpoints: Starlette runs them in its thread pool)."""
    from starlette.routing import Route

    def original(request):
        return _handle(ctx, request, serve_original)

    def original_file(request):
        return _handle(ctx, request, serve_file)

    return [Route(FILE_ROUTE, original_file, methods=["GET", "HEAD"]),
            Route(ORIGINAL_ROUTE, original, methods=["GET", "HEAD"])]
