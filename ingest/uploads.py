"""Upload checks the web layer calls before it stores a file: type, size and content, in Chinese.

Pure functions (no I/O): ``upload_rejection(name, size, max_bytes, head)`` returns None for an
acceptable file and otherwise one Chinese sentence saying why not and what to do, so the app
never shows the framework's English toast. ``head`` is the file's first bytes (a few KB), used to
catch a file whose content does not match its extension.
"""

from __future__ import annotations

from ingest.loaders import SUPPORTED, legacy_message

#: Accepted upload extensions, in the order they are listed to users.
ACCEPTED_EXTENSIONS: tuple[str, ...] = (
    ".pdf", ".docx", ".xlsx", ".csv", ".md", ".markdown", ".txt", ".html", ".htm", ".png", ".jpg", ".jpeg",
)
assert set(ACCEPTED_EXTENSIONS) <= SUPPORTED

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old Office / WPS binary, also encrypted OOXML
_SIGNATURES: dict[str, tuple[tuple[bytes, ...], str]] = {
    ".pdf": ((b"%PDF-",), "PDF"),
    ".docx": ((_ZIP,), "Word（.docx）"),
    ".xlsx": ((_ZIP,), "Excel（.xlsx）"),
    ".png": ((b"\x89PNG\r\n\x1a\n",), "PNG 图片"),
    ".jpg": ((b"\xff\xd8\xff",), "JPEG 图片"),
    ".jpeg": ((b"\xff\xd8\xff",), "JPEG 图片"),
}


def accepted_types_text() -> str:
    """"PDF、Word（.docx）…" for labels and messages."""
    return "PDF、Word（.docx）、Excel（.xlsx）、CSV、Markdown、TXT、HTML、图片（PNG/JPG）"


def size_limit_text(max_bytes: int) -> str:
    mb = max_bytes / 1048576
    return f"{mb:.0f} MB" if mb >= 1 else f"{max_bytes // 1024} KB"


def upload_rejection(filename: str, size: int, max_bytes: int, head: bytes = b"") -> str | None:
    """None if the upload is acceptable, else the reason in Chinese (one line)."""
    name = str(filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name:
        return "文件名为空，请重新选择文件"
    dot = name.rfind(".")
    ext = name[dot:].lower() if dot > 0 else ""
    legacy = legacy_message(ext) if ext else None
    if legacy:
        return f"「{name}」：{legacy}"
    if ext not in ACCEPTED_EXTENSIONS:
        shown = ext or "（无扩展名）"
        return f"「{name}」的类型不支持（{shown}）；可上传：{accepted_types_text()}"
    if size <= 0:
        return f"「{name}」是空文件"
    if size > max_bytes:
        return f"「{name}」过大（{size / 1048576:.1f} MB），超过上限 {size_limit_text(max_bytes)}"
    if head:
        if head.startswith(_OLE) and ext in (".docx", ".xlsx"):
            return f"「{name}」是旧版或已加密的 Office 文件，请另存为未加密的 {ext} 后再上传"
        expected = _SIGNATURES.get(ext)
        if expected and not head.startswith(expected[0]):
            return f"「{name}」的内容不是 {expected[1]} 文件（扩展名与内容不符），请检查后重新上传"
        if ext not in _SIGNATURES and b"\x00" in head[:4096] and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return f"「{name}」看起来是二进制文件，不是文本，请检查后重新上传"
    return None


__all__ = ["ACCEPTED_EXTENSIONS", "accepted_types_text", "size_limit_text", "upload_rejection"]
