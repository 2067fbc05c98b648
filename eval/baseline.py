"""The naive RAG pipeline many tutorials build, run on the same questions for comparison.

* documents: the same corpus files, text from ``ingest.loaders.load_document`` (front matter
  removed, nothing else cleaned);
* chunking: LangChain ``RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)`` with
  its default separators -- no notion of passages, clauses or FAQ pairs;
* embedding: the SAME embedder our pipeline uses (``as_langchain``), fed the raw chunk and
  question text (no traditional->simplified folding, no synonyms);
* store: a FRESH in-memory Chroma collection via ``langchain_chroma.Chroma`` (never the main KB);
* answer: the top-1 chunk's text, cited as citation n=1; no abstention, no history (follow-ups
  are asked as they stand), no scoring tool (score questions therefore fail, honestly).

Mapping baseline chunks to gold passages (for recall, MRR and citation precision): a chunk
*contains* passage ``doc#anchor`` when, after normalisation (``to_search_text`` and removal of
all whitespace), the chunk text contains the first 40 characters of that passage's body (the
whole body when shorter). A passage is a Markdown heading ending in ``{#anchor}``; its body is
the text after the heading line up to the next heading (see docs/corpus-format.md). Only
passages of the chunk's own document are considered. A chunk can contain several passages
(one rank, several keys) or none.
"""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHUNK_SIZE = 500
CHUNK_OVERLAP = 50
PREFIX_CHARS = 40
TOP_K = 5

_HEADING = re.compile(r"^#{1,6}[ \t]+.*$", re.MULTILINE)
_ANCHORED = re.compile(r"^#{1,6}[ \t]+.*?\{#([A-Za-z0-9_-]+)\}[ \t]*$", re.MULTILINE)
_WS = re.compile(r"\s+")


def match_text(text: str) -> str:
    """Normalised form used for chunk <-> passage matching: search text without any whitespace."""
    from assistant.lang.text import to_search_text

    return _WS.sub("", to_search_text(text or ""))


def passage_bodies(text: str) -> dict[str, str]:
    """anchor -> body (text after the anchored heading line, up to the next heading)."""
    bodies: dict[str, str] = {}
    headings = list(_HEADING.finditer(text))
    for i, h in enumerate(headings):
        m = _ANCHORED.match(h.group(0))
        if not m:
            continue
        end = headings[i + 1].start() if i + 1 < len(headings) else len(text)
        bodies.setdefault(m.group(1), text[h.end():end].strip())
    return bodies


def passage_prefixes(doc_id: str, text: str) -> dict[str, str]:
    """passage key -> the normalised prefix a chunk must contain to count as containing it."""
    out = {}
    for anchor, body in passage_bodies(text).items():
        prefix = match_text(body)[:PREFIX_CHARS]
        if prefix:
            out[f"{doc_id}#{anchor}"] = prefix
    return out


def passages_in(chunk_text: str, prefixes: dict[str, str]) -> list[str]:
    """Passage keys whose prefix the chunk contains, in document order."""
    norm = match_text(chunk_text)
    return [key for key, prefix in prefixes.items() if prefix in norm]


@dataclass
class BaselineAnswer:
    """What the baseline returns for one question (mirrors the fields the harness reads)."""

    question: str
    answer: str
    citations: list[dict[str, Any]] = field(default_factory=list)
    retrieved: list[list[str]] = field(default_factory=list)  # per rank: passage keys contained
    abstained: bool = False
    tool_calls: list = field(default_factory=list)
    latency_ms: float = 0.0


class NaiveBaseline:
    """Build with :meth:`build`, ask with :meth:`ask`, free with :meth:`close`."""

    def __init__(self, embedder, corpus_dir: Path | list[Path] | None = None):
        self.embedder = embedder
        if isinstance(corpus_dir, (list, tuple)):
            self.corpus_dirs = [Path(p) for p in corpus_dir] or None
        else:
            self.corpus_dirs = [Path(corpus_dir)] if corpus_dir else None
        self.collection_name = f"baseline-{uuid.uuid4().hex[:12]}"
        self.store = None
        self.client = None
        self.n_chunks = 0
        self.n_documents = 0
        self.build_seconds = 0.0

    def build(self) -> "NaiveBaseline":
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma
        from langchain_core.documents import Document
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        from assistant.config import CORPUS_DIR
        from assistant.index.embedders.base import as_langchain
        from ingest.loaders import iter_files, load_document

        started = time.perf_counter()
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        docs: list[Document] = []
        for path, root in iter_files(self.corpus_dirs or [CORPUS_DIR]):
            raw = load_document(path, root)
            self.n_documents += 1
            prefixes = passage_prefixes(raw.doc_id, raw.text)
            for i, piece in enumerate(splitter.split_text(raw.text)):
                docs.append(Document(page_content=piece, metadata={
                    "doc_id": raw.doc_id, "title": raw.title, "chunk": i,
                    # the anchored passages it contains, plus a key of its own document, so a
                    # doc-only gold source ({"doc": d}) matches any chunk of d
                    "passages": ",".join(passages_in(piece, prefixes) + [f"{raw.doc_id}::片段{i + 1}"]),
                }))
        self.client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        self.store = Chroma(collection_name=self.collection_name, client=self.client,
                            embedding_function=as_langchain(self.embedder))
        if docs:
            self.store.add_documents(docs, ids=[f"c{i}" for i in range(len(docs))])
        self.n_chunks = len(docs)
        self.build_seconds = time.perf_counter() - started
        return self

    def ask(self, question: str, history: list[dict] | None = None) -> BaselineAnswer:
        """Top-1 chunk as the answer; ``history`` is ignored (a naive pipeline has none)."""
        started = time.perf_counter()
        docs = self.store.similarity_search(question, k=TOP_K) if self.n_chunks else []
        latency = (time.perf_counter() - started) * 1e3
        retrieved = [[k for k in d.metadata.get("passages", "").split(",") if k] for d in docs]
        citations = []
        if docs:
            top = docs[0]
            citations.append({
                "n": 1, "passage": "", "passages": retrieved[0], "title": top.metadata.get("title", ""),
                "locator": f"片段 {top.metadata.get('chunk', 0) + 1}", "text": top.page_content,
                "source": top.metadata.get("doc_id", ""),
            })
        return BaselineAnswer(question=question, answer=docs[0].page_content if docs else "",
                              citations=citations, retrieved=retrieved, latency_ms=latency)

    def close(self) -> None:
        if self.client is not None:
            try:
                self.client.delete_collection(self.collection_name)
            except Exception:  # noqa: BLE001 - freeing memory is best effort
                pass
        self.store = None
        self.client = None

    def __enter__(self) -> "NaiveBaseline":
        return self.build()

    def __exit__(self, *exc) -> None:
        self.close()
