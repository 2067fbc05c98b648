"""Offline OCR of scanned PDF pages and images with RapidOCR (PP-OCR Chinese models).

``rapidocr-onnxruntime`` ships the PP-OCRv4 Chinese detection and recognition models inside its
wheel, so nothing is downloaded at run time. It (and onnxruntime, OpenCV) is imported only when a
page actually needs OCR: a text PDF, Word or Excel file never loads it.

Each page's confidence is the recognition score averaged over its characters; pages under
``LOW_CONFIDENCE`` are flagged by ``kb show`` as worth checking against the original.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

#: Pages whose mean character confidence is below this are flagged as low confidence.
LOW_CONFIDENCE = 0.85
#: PDF pages are rendered at this resolution for OCR (dots per inch).
RENDER_DPI = 200
#: A PDF page with fewer extractable characters than this is treated as a scanned page.
MIN_TEXT_CHARS = 5
ENGINE_NAME = "rapidocr-onnxruntime (PP-OCRv4 中文)"

PageCallback = Callable[[int, int], None]  # (pages done, pages to do)


class OcrUnavailable(RuntimeError):
    """The OCR engine cannot be loaded; the message is Chinese and says what to install."""


@dataclass
class OcrPage:
    text: str
    confidence: float  # 0..1, mean over recognised characters; 0.0 when nothing was found
    lines: int


_lock = threading.Lock()


#: onnxruntime session settings for the three OCR models. Its worker threads spin-wait between
#: operators by default; on this 2-core machine, shared with the app and other processes, that
#: spinning was about a third of OCR's CPU time (13 -> 9 CPU-s per A4 page, same text; see
#: bench/formats.py). Threads: the cores this process may use, at most 4.
SESSION_CONFIG = {"session.intra_op.allow_spinning": "0"}


def _threads() -> int:
    import os

    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def _tuned_rapidocr(RapidOCR: Any) -> Any:
    """A RapidOCR whose onnxruntime sessions use ``SESSION_CONFIG`` and ``_threads()``.

    rapidocr-onnxruntime builds its sessions in ``OrtInferSession._init_sess_opts`` and exposes
    only the thread counts, so that method is wrapped while the engine is built (and restored
    right after); if the library changes shape, the engine is built with its defaults."""
    try:
        from rapidocr_onnxruntime.utils import infer_engine

        original = infer_engine.OrtInferSession.__dict__["_init_sess_opts"]
        build = original.__func__
    except (ImportError, KeyError, AttributeError):  # pragma: no cover - another library version
        return RapidOCR()

    def tuned(config: Any) -> Any:
        options = build(config)
        for key, value in SESSION_CONFIG.items():
            options.add_session_config_entry(key, value)
        options.intra_op_num_threads = _threads()
        return options

    infer_engine.OrtInferSession._init_sess_opts = staticmethod(tuned)
    try:
        return RapidOCR()
    finally:
        infer_engine.OrtInferSession._init_sess_opts = original


@lru_cache(maxsize=1)
def _engine() -> Any:
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:  # pragma: no cover - it is a declared dependency
        raise OcrUnavailable("未安装文字识别组件 rapidocr-onnxruntime（pip install rapidocr-onnxruntime）") from exc
    import logging

    with _lock:  # built once, even when two uploads start OCR together
        engine = _tuned_rapidocr(RapidOCR)
    logging.getLogger("RapidOCR").setLevel(logging.WARNING)
    return engine


def _is_cjk(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef" or "\u3000" <= ch <= "\u303f"


def _join(left: str, right: str) -> str:
    if not left:
        return right
    if not right:
        return left
    return left + ("" if _is_cjk(left[-1]) or _is_cjk(right[0]) else " ") + right


def group_lines(result: list[Any]) -> list[tuple[str, float, int]]:
    """RapidOCR boxes -> reading-order lines as (text, confidence sum over chars, chars).

    Boxes whose vertical centre falls inside a line's band join that line (left to right), so a
    table row read as several boxes stays one line; boxes far apart (a gap wider than the line
    is high, as between table columns) are separated by a space.
    """
    boxes = []
    for box, text, score in result:
        text = str(text).strip()
        if not text:
            continue
        ys = [float(p[1]) for p in box]
        xs = [float(p[0]) for p in box]
        boxes.append((min(ys), max(ys), min(xs), text, float(score), max(xs)))
    boxes.sort(key=lambda b: (b[0], b[2]))
    lines: list[list[tuple[float, float, float, str, float, float]]] = []
    for b in boxes:
        centre = (b[0] + b[1]) / 2
        for line in lines:
            top = min(x[0] for x in line)
            bottom = max(x[1] for x in line)
            if top <= centre <= bottom:
                line.append(b)
                break
        else:
            lines.append([b])
    out = []
    for line in sorted(lines, key=lambda ln: min(x[0] for x in ln)):
        text = ""
        weight = 0.0
        chars = 0
        height = max(x[1] for x in line) - min(x[0] for x in line)
        right = None
        for _, _, left, t, score, end in sorted(line, key=lambda x: x[2]):
            far = right is not None and left - right > height
            text = f"{text} {t}" if far else _join(text, t)
            right = end
            weight += score * len(t)
            chars += len(t)
        out.append((text, weight, chars))
    return out


def ocr_image(image: Any) -> OcrPage:
    """OCR one PIL image (any mode)."""
    import numpy as np

    rgb = image.convert("RGB")
    array = np.ascontiguousarray(np.asarray(rgb)[:, :, ::-1])  # OpenCV order (BGR)
    engine = _engine()
    with _lock:  # one onnxruntime session shared by threads
        result, _ = engine(array)
    lines = group_lines(result or [])
    chars = sum(c for _, _, c in lines)
    confidence = sum(w for _, w, _ in lines) / chars if chars else 0.0
    return OcrPage("\n".join(t for t, _, _ in lines), confidence, len(lines))


def open_image(data: bytes) -> Any:
    """A PIL image from PNG/JPEG bytes, upright (EXIF orientation applied). Raises ValueError."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except Image.DecompressionBombError:
        raise ValueError("图片像素过多，无法识别（请缩小后再导入）") from None
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValueError("图片已损坏或格式无法识别") from exc
    return ImageOps.exif_transpose(image)


def render_pdf_pages(data: bytes, pages: list[int], dpi: int = RENDER_DPI):
    """Yield (page number, PIL image) for the given 1-based pages, rendered with pdfium."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        for number in pages:
            page = pdf[number - 1]
            try:
                bitmap = page.render(scale=dpi / 72)
                yield number, bitmap.to_pil()
            finally:
                page.close()
    finally:
        pdf.close()


def ocr_pdf_pages(data: bytes, pages: list[int], on_page: PageCallback | None = None) -> dict[int, OcrPage]:
    """OCR the given 1-based pages of a PDF; ``on_page(done, total)`` after each page."""
    out: dict[int, OcrPage] = {}
    if on_page:
        on_page(0, len(pages))
    for done, (number, image) in enumerate(render_pdf_pages(data, pages), start=1):
        out[number] = ocr_image(image)
        if on_page:
            on_page(done, len(pages))
    return out


def low_confidence_pages(ocr_pages: dict[Any, float] | None, threshold: float | None = None) -> list[int]:
    """Pages (sorted) whose stored OCR confidence is below ``threshold`` (``LOW_CONFIDENCE``)."""
    if not ocr_pages:
        return []
    if threshold is None:
        threshold = LOW_CONFIDENCE
    return sorted(int(p) for p, c in ocr_pages.items() if float(c) < threshold)


__all__ = [
    "ENGINE_NAME", "LOW_CONFIDENCE", "MIN_TEXT_CHARS", "OcrPage", "OcrUnavailable", "group_lines",
    "low_confidence_pages", "ocr_image", "ocr_pdf_pages", "open_image", "render_pdf_pages",
]
