"""Files -> RawDocument: Markdown, plain text, HTML, PDF (OCR for scanned pages), Word, Excel/CSV, images.

Everything a user can drop into the knowledge base goes through here, so every failure is an
``IngestError`` with a one-line Chinese message naming the file. Cleaning and chunking come
later (``ingest.normalize``, ``ingest.chunking``); the text returned here is as found.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from assistant.errors import IngestError
from ingest.model import DOC_TYPES, RawDocument
from ingest.normalize import is_boilerplate_line, remove_pinyin_artifacts

SUPPORTED = {".md", ".markdown", ".txt", ".text", ".html", ".htm", ".pdf", ".docx", ".xlsx", ".csv",
             ".png", ".jpg", ".jpeg"}
DEFAULT_MAX_BYTES = 100 * 1024 * 1024
#: Old binary Office / WPS formats: refused with a message that says what to save them as.
LEGACY_FORMATS = {
    ".doc": ("Word 97-2003 文档", ".docx"),
    ".wps": ("WPS 文字文档", ".docx"),
    ".xls": ("Excel 97-2003 工作簿", ".xlsx"),
    ".et": ("WPS 表格", ".xlsx"),
}

_FORMATS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
    ".xlsx": "xlsx",
    ".csv": "csv",
    ".png": "image",
    ".jpg": "image",
    ".jpeg": "image",
}


def legacy_message(ext: str) -> str | None:
    """The Chinese "save it as …" message for an old Office/WPS format, else None."""
    known = LEGACY_FORMATS.get(ext.lower())
    if known is None:
        return None
    kind, new = known
    app = "Excel 或 WPS" if new == ".xlsx" else "Word 或 WPS"
    return f"不支持 {ext.lower()} 格式（{kind}），请用 {app} 打开后“另存为” {new} 格式再导入"

# --------------------------------------------------------------------------- finding files


def _walk(paths: list[Path]) -> Iterator[tuple[Path, Path, str | None]]:
    """(file, root, reason-to-skip or None) for every file under ``paths``, in sorted order."""
    for given in paths:
        given = Path(given)
        if given.is_dir():
            yield from _walk_dir(given, given)
        elif given.is_file():
            yield given, given.parent, _skip_reason(given)
        else:
            yield given, given.parent, f"跳过不存在的路径：{given}"


def _walk_dir(directory: Path, root: Path) -> Iterator[tuple[Path, Path, str | None]]:
    try:
        entries = sorted(directory.iterdir(), key=lambda p: p.name)
    except OSError as exc:
        yield directory, root, f"跳过无法读取的目录（{exc.strerror or exc}）：{directory}"
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue  # hidden files and folders (.git, .DS_Store, editor swap files)
        if entry.is_dir():
            if not entry.is_symlink():  # never follow directory links: no loops
                yield from _walk_dir(entry, root)
        elif entry.is_file():
            yield entry, root, _skip_reason(entry)


def _skip_reason(path: Path) -> str | None:
    ext = path.suffix.lower()
    if ext in SUPPORTED:
        return None
    legacy = legacy_message(ext)
    if legacy:
        return f"{legacy}：{path}"
    return f"跳过不支持的文件类型 {ext or '（无扩展名）'}：{path}"


def iter_files(paths: list[Path]) -> Iterator[tuple[Path, Path]]:
    """Supported files as (file, root) pairs; root is the directory given, or the file's parent."""
    for file, root, reason in _walk(paths):
        if reason is None:
            yield file, root


def skipped_files(paths: list[Path]) -> list[tuple[Path, str]]:
    """Files (or missing paths) that ``iter_files`` leaves out, each with a one-line message."""
    return [(file, reason) for file, _, reason in _walk(paths) if reason is not None]


def doc_id_for(path: Path, root: Path, front_matter: dict[str, Any] | None = None) -> str:
    """Front matter ``id`` if present, else the path relative to root without extension."""
    if front_matter:
        given = front_matter.get("id")
        if given is not None and str(given).strip():
            return str(given).strip()
    try:
        rel = Path(path).relative_to(root)
    except ValueError:
        rel = Path(Path(path).name)
    return rel.with_suffix("").as_posix()


# --------------------------------------------------------------------------- decoding


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_SAMPLE = 200_000  # characters used to score a candidate decoding


@lru_cache(maxsize=1)
def _common_hanzi() -> frozenset[str]:
    """Frequent characters: GB2312 level 1 (simplified) and Big5 level 1 (traditional).

    Text decoded with the wrong one of GBK/Big5 is mostly valid but made of rare characters,
    kana or symbols, so the share of frequent characters tells the right decoding apart.
    """
    chars: set[str] = set()
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            chars.update(bytes((lead, trail)).decode("gb2312", errors="ignore"))
    for lead in range(0xA4, 0xC7):
        for trail in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
            chars.update(bytes((lead, trail)).decode("big5", errors="ignore"))
    return frozenset(chars)


def _plausibility(text: str) -> float:
    """Share of non-ASCII characters that are frequent Chinese characters or CJK punctuation."""
    common = _common_hanzi()
    good = total = 0
    for ch in text[:_SAMPLE]:
        if ch.isascii():
            continue
        total += 1
        if ch in common or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef" or ch in "“”‘’…—·":
            good += 1
    return good / total if total else 1.0


def _looks_binary(text: str) -> bool:
    sample = text[:_SAMPLE]
    if not sample:
        return False
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\n\r\f\v" or ch == "\x7f")
    return controls / len(sample) > 0.01


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode text bytes; return (text, encoding). Raises ``ValueError`` for binary data.

    UTF-8 first (strict), then the Chinese legacy encodings (GB18030 ⊃ GBK, Big5) chosen by how
    plausible the result reads, then charset-normalizer for anything else.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise ValueError("文本编码错误") from exc
    if b"\x00" in data[: 1 << 20]:
        raise ValueError("含有二进制数据")
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = _decode_legacy(data)
    if _looks_binary(text):
        raise ValueError("含有二进制数据")
    return text, encoding


def _decode_legacy(data: bytes) -> tuple[str, str]:
    candidates: list[tuple[float, int, str, str]] = []
    for rank, encoding in enumerate(("gb18030", "big5")):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        candidates.append((_plausibility(text), -rank, text, encoding))
    if candidates:
        _, _, text, encoding = max(candidates)
        return text, encoding
    from charset_normalizer import from_bytes

    best = from_bytes(data[: 1 << 20]).best()
    if best is None or best.encoding is None:
        raise ValueError("无法识别文本编码（可能是二进制文件）")
    return data.decode(best.encoding, errors="replace"), best.encoding


# --------------------------------------------------------------------------- formats

_FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_MD_TITLE_RE = re.compile(r"^#[ \t]+(.+?)[ \t]*#*[ \t]*$", re.MULTILINE)
_ANCHOR_RE = re.compile(r"\s*\{#[A-Za-z0-9_-]+\}\s*$")


def parse_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Split YAML front matter from a Markdown body. Raises ``ValueError`` on bad YAML."""
    match = _FRONT_MATTER_RE.match(text)
    if not match:
        return {}, text
    import yaml

    from ingest.frontmatter import safe_load_bounded

    try:
        data = safe_load_bounded(match.group(1)) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 2}行" if mark is not None else ""
        raise ValueError(f"YAML 头信息格式错误{where}") from exc
    if not isinstance(data, dict):
        raise ValueError("YAML 头信息必须是“键: 值”形式")
    return data, text[match.end():]


_BLOCK_TAGS = (
    "p", "div", "section", "article", "main", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table",
    "blockquote", "pre", "figure", "figcaption", "caption", "address", "center", "hr",
)
_DROP_TAGS = (
    "script", "style", "nav", "header", "footer", "aside", "form", "noscript", "iframe", "svg",
    "button", "select", "template", "object", "embed", "canvas", "head",
)
_JUNK_TOKENS = {
    "nav", "navbar", "menu", "breadcrumb", "breadcrumbs", "crumb", "crumbs", "footer", "foot",
    "comment", "comments", "share", "sharing", "social", "ad", "ads", "advert", "advertisement",
    "banner", "sidebar", "copyright", "related", "recommend", "pagination", "pager", "toolbar",
    "login", "subnav", "topbar", "sitemap", "gotop", "backtop", "qrcode",
}
_JUNK_SUBSTRINGS = ("breadcrumb", "footer", "comment", "advert", "sidebar", "navbar", "navigation", "copyright")
_KEEP_CONTAINERS = {"html", "body", "main", "article"}
_CJK_GAP_RE = re.compile(r"(?<=[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]) (?=[\u3400-\u9fff\uff00-\uffef\u3000-\u303f])")


def _is_junk_element(tag: Any) -> bool:
    if tag.name in _KEEP_CONTAINERS or tag.attrs is None:
        return False
    if tag.has_attr("hidden") or re.search(r"display\s*:\s*none", tag.get("style", "") or "", re.I):
        return True
    values = " ".join(tag.get("class", []) or []) + " " + (tag.get("id") or "")
    values = values.lower()
    if not values.strip():
        return False
    tokens = set(re.split(r"[^a-z0-9]+", values))
    return bool(tokens & _JUNK_TOKENS) or any(s in values for s in _JUNK_SUBSTRINGS)


def html_to_text(html: str) -> tuple[str, str]:
    """(text, title) from HTML: page chrome removed, blocks on their own lines, h1–h6 as ``#`` headings."""
    from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction

    soup = BeautifulSoup(html, "html.parser")
    title_tag = soup.find("title")
    title = title_tag.get_text(" ", strip=True) if title_tag else ""
    for node in soup.find_all(string=lambda s: isinstance(s, (Comment, Doctype, Declaration, ProcessingInstruction))):
        node.extract()
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(True):
        if not tag.decomposed and _is_junk_element(tag):
            tag.decompose()
    # HTML whitespace is insignificant outside <pre>: fold it before adding our own newlines.
    for node in soup.find_all(string=True):
        if type(node) is NavigableString and not node.find_parent("pre"):
            node.replace_with(re.sub(r"\s+", " ", str(node)))
    h1 = ""
    for tag in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6"]):
        text = tag.get_text(" ", strip=True)
        if tag.name == "h1" and not h1:
            h1 = text
        tag.replace_with(f"\n\n{'#' * int(tag.name[1])} {text}\n\n" if text else "\n")
    for tag in soup.find_all("br"):
        tag.replace_with("\n")
    for tag in soup.find_all(["td", "th"]):
        tag.insert_after(" ")
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = [_CJK_GAP_RE.sub("", line.strip()) for line in soup.get_text().split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
    return text, (title or h1)


_JUNK_PDF_TITLE_RE = re.compile(r"^(untitled|unknown|anonymous|无标题|未命名|title|document\d*)$|\.(docx?|pdf|wps|pptx?)$", re.I)


def _useful_pdf_title(title: str) -> str:
    """PDF metadata titles are often tool defaults ("untitled", "Microsoft Word - a.doc")."""
    title = re.sub(r"^Microsoft (Word|PowerPoint) - ", "", title.strip())
    return "" if _JUNK_PDF_TITLE_RE.search(title) else title


class _Unreadable(Exception):
    """Internal: the user-facing reason a file cannot be read (the path is added by the caller)."""


def _pdf_pages(data: bytes) -> tuple[list[str], str]:
    """(text of each page, metadata title). Raises ``_Unreadable`` with the reason."""
    from pypdf import PdfReader

    encrypted = "PDF 已加密，无法读取（请先去除密码）"
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception as exc:  # noqa: BLE001 - e.g. missing AES support
                raise _Unreadable(encrypted) from exc
            if not ok:
                raise _Unreadable(encrypted)
        texts = [(page.extract_text() or "").strip() for page in reader.pages]
        meta_title = ""
        try:
            meta_title = _useful_pdf_title(str((reader.metadata or {}).get("/Title") or ""))
        except Exception:  # noqa: BLE001 - broken metadata is not worth failing for
            pass
    except _Unreadable:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types on bad input
        raise _Unreadable("PDF 文件已损坏或无法解析") from exc
    if not texts:
        raise _Unreadable("PDF 文件已损坏或没有页面")
    return texts, meta_title


def _join_pages(texts: list[str]) -> tuple[str, list[tuple[int, int]]]:
    starts: list[tuple[int, int]] = []
    offset = 0
    for number, page_text in enumerate(texts, start=1):
        starts.append((number, offset))
        offset += len(page_text) + 2
    return "\n\n".join(texts), starts


def _pdf_text(data: bytes, on_page=None) -> tuple[str, list[tuple[int, int]], str, dict[int, float]]:
    """(text, page_starts, metadata title, OCR confidence per OCRed page).

    Pages with (almost) no extractable text are scanned pages: they are rendered and OCRed
    offline; pages with text are never OCRed. Raises ``_Unreadable`` with the reason.
    """
    texts, meta_title = _pdf_pages(data)
    from ingest.ocr import MIN_TEXT_CHARS

    scanned = [i + 1 for i, t in enumerate(texts) if len("".join(t.split())) < MIN_TEXT_CHARS]
    confidence: dict[int, float] = {}
    if scanned:
        from ingest.ocr import OcrUnavailable, ocr_pdf_pages

        try:
            results = ocr_pdf_pages(data, scanned, on_page)
        except OcrUnavailable as exc:
            raise _Unreadable(str(exc)) from exc
        except Exception as exc:  # noqa: BLE001 - pdfium / onnxruntime failures
            raise _Unreadable(f"扫描页文字识别失败（{type(exc).__name__}）") from exc
        for number, page in results.items():
            if page.text.strip():
                texts[number - 1] = page.text
                confidence[number] = round(page.confidence, 4)
    from ingest.normalize import unwrap_lines

    text, starts = _join_pages([unwrap_lines(t) for t in texts])
    if not text.strip():
        raise _Unreadable("PDF 中没有可提取的文字，扫描页也未识别出文字")
    return text, starts, meta_title, confidence


# --------------------------------------------------------------------------- doc type

_LEAD = r"^[ \t]*(?:#{1,6}[ \t]+)?"
_ARTICLE_LINE_RE = re.compile(_LEAD + r"第[一二三四五六七八九十百千零〇两\d]+条", re.MULTILINE)
_CLAUSE_LINE_RE = re.compile(_LEAD + r"\d{1,2}(?:\.\d{1,3}){1,5}[ \t\u3000]*[^\d.\s]", re.MULTILINE)
_FAQ_LINE_RE = re.compile(_LEAD + r"(?:\d{1,3}[ \t]*[、.．][^\n]{2,150}[?？][ \t]*$|(?:问|問|Q)[:：][^\n]+$)", re.MULTILINE)


def guess_doc_type(text: str, title: str, fmt: str) -> str:
    """Best guess of standard / regulation / faq / web / guide from the text's structure."""
    from assistant.lang.text import to_search_text

    norm_title = to_search_text(title or "")
    if len(_ARTICLE_LINE_RE.findall(text)) >= 3:
        return "regulation"
    if ("gb/t" in norm_title or "标准" in norm_title) and len(_CLAUSE_LINE_RE.findall(text)) >= 3:
        return "standard"
    if len(_FAQ_LINE_RE.findall(text)) >= 3:
        return "faq"
    return "web" if fmt in ("html", "text") else "guide"


def _first_line_title(text: str, limit: int = 60) -> str:
    """The first real line (not a breadcrumb or byline) when it is short enough to be a title."""
    for line in text.split("\n", 50)[:50]:
        line = line.strip().lstrip("#").strip()
        if line and not is_boilerplate_line(remove_pinyin_artifacts(line)):
            return line if len(line) <= limit else ""
    return ""


# --------------------------------------------------------------------------- loading


def _read(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise IngestError(f"文件过大（{size / 1048576:.1f} MB，上限 {max_bytes / 1048576:.0f} MB）：{path}")
        if size == 0:
            raise IngestError(f"文件为空：{path}")
        return path.read_bytes()
    except FileNotFoundError:
        raise IngestError(f"文件不存在或已被移走：{path}") from None
    except IsADirectoryError:
        raise IngestError(f"这是一个目录，不是文件：{path}") from None
    except PermissionError:
        raise IngestError(f"没有读取权限：{path}") from None
    except OSError as exc:
        raise IngestError(f"读取文件失败（{exc.strerror or exc}）：{path}") from None


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    try:
        return decode_bytes(data)
    except ValueError as exc:
        raise IngestError(f"无法作为文本读取（{exc}）：{path}") from None


def load_document(path: Path, root: Path, *, max_bytes: int = DEFAULT_MAX_BYTES,
                  on_page=None) -> RawDocument:
    """Read one supported file into a RawDocument (text as found, not yet cleaned).

    ``on_page(done, total)`` is called per page while scanned pages are OCRed. OCRed documents
    carry ``meta["ocr_pages"]``: {page number: mean character confidence}.
    """
    path, root = Path(path), Path(root)
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        legacy = legacy_message(path.suffix)
        if legacy:
            raise IngestError(f"{legacy}：{path}")
        raise IngestError(f"不支持的文件类型 {path.suffix or '（无扩展名）'}：{path}")
    data = _read(path, max_bytes)
    meta: dict[str, Any] = {"path": _relative(path, root)}
    front: dict[str, Any] = {}
    page_starts: list[tuple[int, int]] = []

    doc_type_hint = ""
    if fmt == "pdf":
        try:
            text, page_starts, title, ocr_pages = _pdf_text(data, on_page)
        except _Unreadable as exc:
            raise IngestError(f"{exc}：{path}") from None
        if ocr_pages:
            meta["ocr_pages"] = ocr_pages
        title = title or _first_line_title(text)
    elif fmt == "image":
        text, title, meta["ocr_pages"] = _image_text(data, path, on_page)
        page_starts = [(1, 0)]
    elif fmt == "docx":
        from ingest.office import DocxError, docx_text

        try:
            text, title = docx_text(data)
        except DocxError as exc:
            raise IngestError(f"{exc}：{path}") from None
        title = title or _first_line_title(text)
    elif fmt in ("xlsx", "csv"):
        text, title, doc_type_hint, extra = _table_text(data, path, fmt)
        meta.update(extra)
    else:
        text, meta["encoding"] = _decode(data, path)
        if fmt == "markdown":
            try:
                front, text = parse_front_matter(text)
            except ValueError as exc:
                raise IngestError(f"{exc}：{path}") from None
            heading = _MD_TITLE_RE.search(text)
            title = str(front.get("title") or "") or (_ANCHOR_RE.sub("", heading.group(1)) if heading else "")
        elif fmt == "html":
            text, title = html_to_text(text)
        else:
            title = _first_line_title(text)

    if not text.strip():
        raise IngestError(f"文件没有文字内容：{path}")
    meta.update(front)
    title = title.strip() or path.stem
    doc_type = str(front.get("doc_type") or "") or doc_type_hint or guess_doc_type(text, title, fmt)
    if doc_type not in DOC_TYPES:
        raise IngestError(f"doc_type 无效（{doc_type}，应为 {' / '.join(DOC_TYPES)} 之一）：{path}")
    return RawDocument(
        doc_id=doc_id_for(path, root, front),
        source=str(front.get("source") or meta["path"]),
        title=title,
        doc_type=doc_type,
        text=text,
        fmt=fmt,
        meta=meta,
        page_starts=page_starts,
    )


def _image_text(data: bytes, path: Path, on_page) -> tuple[str, str, dict[int, float]]:
    from ingest.ocr import OcrUnavailable, ocr_image, open_image

    try:
        image = open_image(data)
        if on_page:
            on_page(0, 1)
        page = ocr_image(image)
        if on_page:
            on_page(1, 1)
    except ValueError as exc:
        raise IngestError(f"{exc}：{path}") from None
    except OcrUnavailable as exc:
        raise IngestError(f"{exc}：{path}") from None
    if not page.text.strip():
        raise IngestError(f"图片中没有识别出文字：{path}")
    return page.text, _first_line_title(page.text), {1: round(page.confidence, 4)}


def _table_text(data: bytes, path: Path, fmt: str) -> tuple[str, str, str, dict[str, Any]]:
    """(text, title, doc_type, meta) of a workbook or CSV: FAQ pairs, or rows with headers."""
    from ingest.tables import TableError, read_csv_text, read_xlsx, tables_document

    try:
        if fmt == "xlsx":
            sheets = read_xlsx(data)
            extra: dict[str, Any] = {}
        else:
            decoded, encoding = _decode(data, path)
            sheets = read_csv_text(decoded, path.stem)
            extra = {"encoding": encoding}
    except TableError as exc:
        raise IngestError(f"{exc}：{path}") from None
    if not sheets:
        raise IngestError(f"表格中没有数据：{path}")
    text, doc_type, meta = tables_document(sheets, path.stem)
    extra.update(meta)
    return text, path.stem, doc_type, extra


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


__all__ = [
    "DEFAULT_MAX_BYTES",
    "LEGACY_FORMATS",
    "SUPPORTED",
    "decode_bytes",
    "doc_id_for",
    "guess_doc_type",
    "html_to_text",
    "iter_files",
    "legacy_message",
    "load_document",
    "parse_front_matter",
    "skipped_files",
]
