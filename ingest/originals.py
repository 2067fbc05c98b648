"""The way back to the original: every ingested file is kept, content-addressed, in the data dir.

``keep_original`` copies a file to ``<data dir>/originals/<sha256>.<ext>`` (atomically, once per
content: the same bytes ingested under two names are stored once) and returns the relative path
recorded in the document's manifest (``extra["original"]``). ``resolve_original`` turns a doc id
(+ page / locator) back into that file for the web layer, and refuses anything that would lead
outside the originals folder (``../``, absolute paths, links pointing elsewhere).

With a Chroma server, each app instance resolves originals under its own ``--data-dir``; point
``<data dir>/originals`` of every instance at one shared folder (see README).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

ORIGINALS_DIR = "originals"
_NAME_RE = re.compile(r"^[0-9a-f]{64}(\.[a-z0-9]{1,8})?$")
MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".md": "text/markdown; charset=utf-8",
    ".markdown": "text/markdown; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".text": "text/plain; charset=utf-8",
    ".html": "text/plain; charset=utf-8",  # shown as text, never rendered as a page of ours
    ".htm": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}


class OriginalNotFound(LookupError):
    """No kept original for that request; the message is Chinese and safe to show."""


def originals_dir(data_dir: Path | str) -> Path:
    return Path(data_dir) / ORIGINALS_DIR


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def original_name(digest: str, suffix: str) -> str:
    ext = suffix.lower() if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", suffix or "") else ""
    return f"{digest}{ext}"


def keep_original(path: Path, data_dir: Path | str) -> dict[str, str]:
    """Copy ``path`` into the originals folder (if that content is not there yet).

    Returns ``{"original": "originals/<sha256>.<ext>", "original_sha256": …, "original_name": …}``
    for the manifest. The copy is written to a temporary file and renamed, so a crash never
    leaves a half-written original under its final name.
    """
    path = Path(path)
    digest = sha256_file(path)
    name = original_name(digest, path.suffix)
    folder = originals_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if not target.exists():
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=folder)
        try:
            with os.fdopen(fd, "wb") as out, path.open("rb") as src:
                for block in iter(lambda: src.read(1 << 20), b""):
                    out.write(block)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    return {"original": f"{ORIGINALS_DIR}/{name}", "original_sha256": digest, "original_name": path.name}


@dataclass(frozen=True)
class OriginalRef:
    """What the web layer needs to serve an original and point into it."""

    doc_id: str
    path: Path  # absolute, inside the originals folder
    media_type: str
    filename: str  # the name the user uploaded, for Content-Disposition
    page: int | None = None  # PDF: open at this page (``#page=N``)
    highlight: str = ""  # other formats: the passage to highlight

    @property
    def fragment(self) -> str:
        """URL fragment that makes a browser's PDF viewer open at the page."""
        return f"#page={self.page}" if self.page and self.media_type == "application/pdf" else ""


def safe_original_path(data_dir: Path | str, relative: str) -> Path:
    """The absolute path of a kept original, or ``OriginalNotFound``.

    Only ``originals/<64 hex>[.ext]`` is accepted, and the resolved file must lie inside the
    resolved originals folder (which may itself be a link to shared storage).
    """
    relative = str(relative or "")
    parts = relative.replace("\\", "/").split("/")
    if len(parts) != 2 or parts[0] != ORIGINALS_DIR or not _NAME_RE.match(parts[1]):
        raise OriginalNotFound("原文件路径无效")
    root = originals_dir(data_dir).resolve()
    candidate = (root / parts[1]).resolve()
    if candidate.parent != root:
        raise OriginalNotFound("原文件路径无效")
    if not candidate.is_file():
        raise OriginalNotFound("原文件已不在数据目录中（请重新导入该文档）")
    return candidate


def resolve_original(data_dir: Path | str, manifests: Mapping[str, Any], doc_id: str, *,
                     page: int | str | None = None, highlight: str = "") -> OriginalRef:
    """Resolve a doc id (+ page, + passage text) to its kept original.

    ``manifests`` maps doc id -> Manifest (or anything with an ``extra`` dict, or the dict
    itself), e.g. ``KnowledgeStore.manifests()``. Raises ``OriginalNotFound`` with a Chinese
    message for an unknown document, a document ingested before originals were kept, or a path
    that would leave the originals folder.
    """
    doc_id = str(doc_id or "")
    if not doc_id or doc_id not in manifests:
        raise OriginalNotFound(f"知识库中没有文档 {doc_id[:80]}")
    manifest = manifests[doc_id]
    extra = getattr(manifest, "extra", manifest) or {}
    relative = extra.get("original") if isinstance(extra, Mapping) else None
    if not relative:
        raise OriginalNotFound("该文档导入时还没有保存原文件（请重新导入）")
    path = safe_original_path(data_dir, relative)
    number: int | None = None
    if page not in (None, ""):
        try:
            number = int(str(page))
        except ValueError:
            raise OriginalNotFound("页码必须是正整数") from None
        if number < 1:
            raise OriginalNotFound("页码必须是正整数")
    media_type = MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
    filename = str(extra.get("original_name") or path.name)
    return OriginalRef(doc_id, path, media_type, filename, number, str(highlight or "")[:2000])


def forget_original(data_dir: Path | str, relative: str | None, still_used: list[Mapping[str, Any]]) -> bool:
    """Remove a deleted document's original unless another manifest (``extra`` dicts in
    ``still_used``) records the same content. Returns True when the file was removed."""
    if not relative or any((extra or {}).get("original") == relative for extra in still_used):
        return False
    try:
        path = safe_original_path(data_dir, relative)
    except OriginalNotFound:
        return False
    path.unlink(missing_ok=True)
    return True


__all__ = [
    "MEDIA_TYPES", "ORIGINALS_DIR", "OriginalNotFound", "OriginalRef", "forget_original", "keep_original",
    "original_name",
    "originals_dir", "resolve_original", "safe_original_path", "sha256_file",
]
