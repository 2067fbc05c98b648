"""Result records returned by the core; the CLI, app and eval only read these."""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.errors import UserError


@dataclass
class Hit:
    """One retrieved chunk with the scores that ranked it."""

    chunk_id: str
    text: str
    meta: dict[str, Any]
    score: float = 0.0  # fused (or reranked) score, higher is better
    lexical_score: float | None = None
    dense_score: float | None = None
    rerank_score: float | None = None

    @property
    def passage(self) -> str:
        """``doc_id#anchor`` for corpus passages, else the chunk id."""
        return self.meta.get("passage") or self.chunk_id

    @property
    def locator(self) -> str:
        """Human-readable position: clause, article, page or FAQ question."""
        m = self.meta
        if m.get("clause"):
            return f"第{m['clause']}条"
        if m.get("article"):
            return str(m["article"])
        if m.get("question"):
            return f"问：{m['question']}"
        if m.get("page"):
            return f"第{m['page']}页"
        return str(m.get("heading_path") or "")


@dataclass
class Citation:
    n: int
    source: str  # doc id
    title: str
    locator: str
    text: str
    passage: str = ""  # doc_id#anchor when the corpus names one
    chunk_id: str = ""
    doc_type: str = ""
    page: int | None = None  # PDF / scanned pages: the page the passage is on (links open there)

    @classmethod
    def from_hit(cls, n: int, hit: Hit) -> "Citation":
        return cls(
            n=n,
            source=str(hit.meta.get("doc_id", "")),
            title=str(hit.meta.get("title", "")),
            locator=hit.locator,
            text=hit.text,
            passage=hit.passage,
            chunk_id=hit.chunk_id,
            doc_type=str(hit.meta.get("doc_type", "")),
            page=_page(hit.meta.get("page")),
        )


def _page(value) -> int | None:
    try:
        page = int(value)
    except (TypeError, ValueError):
        return None
    return page if page > 0 else None


@dataclass
class ToolCall:
    name: str
    args: dict[str, Any]
    result: dict[str, Any]


@dataclass
class Answer:
    question: str
    answer: str
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    tool_calls: list[ToolCall] = field(default_factory=list)
    mode: str = ""
    timings: dict[str, float] = field(default_factory=dict)  # milliseconds
    resolved_question: str = ""  # the question after follow-up resolution
    retrieved: list[str] = field(default_factory=list)  # passage keys, best first (for eval)
    notices: list[str] = field(default_factory=list)
    curated: dict[str, Any] = field(default_factory=dict)  # the curated answer (标准回答) given, if any
    trace: dict[str, Any] = field(default_factory=dict)  # why this answer (assistant.pipeline.trace)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Manifest:
    doc_id: str
    source: str
    title: str
    doc_type: str
    file_hash: str
    chunk_ids: list[str]
    ingested_at: float = field(default_factory=time.time)
    extra: dict[str, Any] = field(default_factory=dict)
    # the tokenizer its passages' tokens were made with (lang.text.tokenizer_fingerprint);
    # "" for a document ingested before this was recorded
    tokenizer: str = ""

    def to_metadata(self) -> dict[str, Any]:
        return {
            **{name: getattr(self, name) for name in ("source", "title", "doc_type", "file_hash")},
            "chunk_ids": json.dumps(self.chunk_ids),
            "n_chunks": len(self.chunk_ids),
            "ingested_at": self.ingested_at,
            "extra": json.dumps(self.extra, ensure_ascii=False),
            "tokenizer": self.tokenizer,
        }

    @classmethod
    def from_record(cls, doc_id: str, meta: dict[str, Any]) -> "Manifest":
        return cls(
            doc_id=doc_id,
            source=meta.get("source", ""),
            title=meta.get("title", ""),
            doc_type=meta.get("doc_type", ""),
            file_hash=meta.get("file_hash", ""),
            chunk_ids=json.loads(meta.get("chunk_ids", "[]")),
            ingested_at=float(meta.get("ingested_at", 0.0)),
            extra=json.loads(meta.get("extra", "{}")),
            tokenizer=str(meta.get("tokenizer", "")),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            **{name: getattr(self, name) for name in ("doc_id", "title", "doc_type", "source")},
            "chunks": len(self.chunk_ids),
            "ingested_at": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.ingested_at)),
            "file_hash": self.file_hash,
        }


@dataclass
class DocumentWrite:
    """One document's new version, ready to write: manifest, chunk ids, texts, metadata, vectors."""

    manifest: Manifest
    ids: list[str]
    texts: list[str]
    metadatas: list[dict[str, Any]]
    embeddings: Any

    def __len__(self) -> int:
        return len(self.ids)


TURN_ROLES = ("user", "assistant")


def is_turn(turn: object) -> bool:
    """One conversation turn: {"role": "user"|"assistant", "content": str}."""
    return isinstance(turn, dict) and turn.get("role") in TURN_ROLES and isinstance(turn.get("content"), str)


def parse_history(raw: Any) -> list[dict] | None:
    """A conversation history from outside (API, batch line): a JSON string or a list of turns, or
    empty. The one parser: anything malformed is a UserError that names the expected shape."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise UserError(f"history 不是有效的 JSON（{exc.msg}）") from None
    if not isinstance(raw, list) or not all(is_turn(t) for t in raw):
        raise UserError('history 必须是 [{"role": "user"|"assistant", "content": "…"}] 列表')
    return raw or None
