"""Typed records that flow through ingestion: files -> RawDocument -> Chunk.

Kept free of any I/O so loaders, chunking and the store agree on one shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DOC_TYPES = ("standard", "faq", "regulation", "guide", "web")


@dataclass
class RawDocument:
    """One loaded file, before cleaning and chunking.

    ``text`` is the file's text as displayed (original script). ``page_starts`` holds, for
    paginated sources (PDF), the character offset in ``text`` at which each page begins,
    as ``(page_number, offset)`` pairs with 1-based page numbers.
    """

    doc_id: str
    source: str
    title: str
    doc_type: str
    text: str
    fmt: str  # "markdown" | "text" | "html" | "pdf" | "docx" | "xlsx" | "csv" | "image"
    meta: dict[str, Any] = field(default_factory=dict)
    page_starts: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class Chunk:
    """A retrievable passage.

    ``text`` is what users see and quote; ``search_text`` is its normalised form
    (simplified Chinese, NFKC, lower case) that tokens and embeddings are made from.
    ``meta`` holds only scalar values (str, int, float, bool) because vector stores
    such as Chroma accept nothing else. Keys: doc_id, source, title, doc_type,
    heading_path, clause, article, page, question, anchor, passage (doc_id#anchor),
    variants (alternative FAQ phrasings joined by "\n"), conflicts_with (comma-joined),
    ocr_confidence (mean OCR character confidence of a scanned page).
    Missing values are simply absent, never None.
    """

    text: str
    search_text: str
    meta: dict[str, Any] = field(default_factory=dict)
