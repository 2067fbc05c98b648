"""Result records returned by the core; the CLI, app and eval only read these."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


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
        )


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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
