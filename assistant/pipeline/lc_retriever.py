"""LangChain ``BaseRetriever`` over our hybrid retrieval, so it composes with LangChain chains.

Imported only by code that uses LangChain (the LLM agent, the baseline, user scripts).
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from assistant.types import Hit


def hit_to_document(hit: Hit) -> Document:
    meta = {k: v for k, v in hit.meta.items() if k not in ("tokens", "q_tokens")}
    meta.update(chunk_id=hit.chunk_id, passage=hit.passage, locator=hit.locator, score=hit.score,
                lexical_score=hit.lexical_score, dense_score=hit.dense_score,
                rerank_score=hit.rerank_score)
    return Document(page_content=hit.text, metadata=meta, id=hit.chunk_id)


class KnowledgeBaseRetriever(BaseRetriever):
    """``KnowledgeBaseRetriever(assistant=Assistant(), k=5, doc_type="faq").invoke("…")``"""

    assistant: Any
    k: int = 5
    doc_type: str | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [hit_to_document(h) for h in self.assistant.search(query, k=self.k, doc_type=self.doc_type).hits]
