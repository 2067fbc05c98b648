"""Hybrid retrieval: BM25 + dense (Chroma) + FAQ question matching, fused by weighted RRF,
optionally reranked by a cross-encoder.

``fuse`` is a pure function; ``Retriever`` is the thin layer that asks each index.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.text import to_search_text, tokenize
from assistant.types import Hit

RRF_K = 60
# FAQ paraphrase matches are the strongest signal we have for client questions.
WEIGHTS = {"lexical": 1.0, "dense": 0.8, "faq": 1.6}
POOL = 30  # candidates taken from each list before fusion


def fuse(ranked_lists: dict[str, list[tuple[str, float]]], weights: dict[str, float] = WEIGHTS,
         k: int = RRF_K) -> list[tuple[str, float]]:
    """Weighted reciprocal rank fusion: sum of w / (k + rank) over the lists an id appears in."""
    scores: dict[str, float] = {}
    for name, ranked in ranked_lists.items():
        w = weights.get(name, 1.0)
        for rank, (cid, _score) in enumerate(ranked, start=1):
            scores[cid] = scores.get(cid, 0.0) + w / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def coverage(query_tokens: list[str], chunk_tokens: set[str], idf) -> float:
    """IDF-weighted share of the query's tokens found in a chunk (0..1)."""
    if not query_tokens:
        return 0.0
    total = sum(idf(t) for t in set(query_tokens))
    got = sum(idf(t) for t in set(query_tokens) if t in chunk_tokens)
    return got / total if total else 0.0


@dataclass
class Retrieval:
    query: str
    tokens: list[str]
    hits: list[Hit]
    faq_similarity: float = 0.0  # best FAQ question match (0..1)
    coverage: float = 0.0  # IDF-weighted query coverage by the best hit
    timings: dict[str, float] = field(default_factory=dict)


class Retriever:
    def __init__(self, store, embedder, lexical, reranker=None):
        self.store = store
        self.embedder = embedder
        self.lexical = lexical
        self.reranker = reranker

    def retrieve(self, query: str, k: int = 5, doc_type: str | None = None) -> Retrieval:
        import time

        t0 = time.perf_counter()
        search_text = to_search_text(query)
        tokens = tokenize(search_text, normalised=True)
        t1 = time.perf_counter()
        lexical = self.lexical.search(tokens, POOL, doc_type=doc_type)
        faq = [] if doc_type not in (None, "faq") else self.lexical.match_questions(tokens, 10)
        t2 = time.perf_counter()
        dense_hits = self.store.dense_search(self.embedder.embed_query(search_text), POOL,
                                             where={"doc_type": doc_type} if doc_type else None)
        t3 = time.perf_counter()
        fused = fuse({
            "lexical": lexical,
            "dense": [(h.chunk_id, h.dense_score) for h in dense_hits],
            "faq": [(cid, s) for cid, s in faq if s >= 0.25],
        })
        top = fused[: max(k, 20) if self.reranker else k]
        by_id = {h.chunk_id: h for h in dense_hits}
        missing = [cid for cid, _ in top if cid not in by_id]
        for cid, text, meta in self.store.get_chunks(missing):
            by_id[cid] = Hit(chunk_id=cid, text=text, meta=meta)
        lex_scores, dense_scores = dict(lexical), {h.chunk_id: h.dense_score for h in dense_hits}
        hits = []
        for cid, score in top:
            if cid not in by_id:
                continue  # listed in a stale lexical index but gone from the store
            h = by_id[cid]
            hits.append(Hit(chunk_id=cid, text=h.text, meta=h.meta, score=score,
                            lexical_score=lex_scores.get(cid), dense_score=dense_scores.get(cid)))
        if self.reranker and hits:
            hits = self.reranker.rerank(query, hits)[:k]
        t4 = time.perf_counter()
        faq_sim = faq[0][1] if faq and hits and any(h.chunk_id == faq[0][0] for h in hits) else 0.0
        cov = coverage(tokens, set(str(hits[0].meta.get("tokens", "")).split()), self.lexical.idf) if hits else 0.0
        return Retrieval(
            query=query, tokens=tokens, hits=hits, faq_similarity=faq_sim, coverage=cov,
            timings={"tokenize_ms": (t1 - t0) * 1e3, "lexical_ms": (t2 - t1) * 1e3,
                     "dense_ms": (t3 - t2) * 1e3, "fuse_ms": (t4 - t3) * 1e3},
        )


class CrossEncoderReranker:
    """Optional sentence-transformers CrossEncoder; imported only when configured."""

    def __init__(self, model: str, local_files_only: bool = True):
        from sentence_transformers import CrossEncoder

        self.name = model
        self._model = CrossEncoder(model, device="cpu", local_files_only=local_files_only)

    def rerank(self, query: str, hits: list[Hit]) -> list[Hit]:
        scores = self._model.predict([(query, h.text) for h in hits], show_progress_bar=False)
        for h, s in zip(hits, scores):
            h.rerank_score = float(s)
            h.score = float(s)
        return sorted(hits, key=lambda h: -h.score)
