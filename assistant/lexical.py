"""BM25 over the tokens stored with each chunk, plus FAQ question matching.

Built from the store alone (tokens travel in chunk metadata), so every app instance on the
same Chroma server derives the same index. Cached on disk per store version, because
reading 100k chunks back from Chroma costs more than loading a pickle.
"""

from __future__ import annotations

import math
from array import array
import pickle
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Iterable

import numpy as np

from assistant.text import to_search_text

CACHE_FORMAT = 5
# a clause number as a whole ("5.1.3" but not the "5.1" inside it) and an article ("第二十五条")
_NUMBER_RUN = re.compile(r"(?<![\d.])\d+(?:\.\d+)*(?![\d.])")
_ARTICLE = re.compile(r"(?<![\d.])第[零〇一二两三四五六七八九十百千\d]+条(?![\d.])")


def _embed_all(embedder, texts: list[str], block: int = 4096) -> np.ndarray:
    """Embeddings of many short texts, block by block into one float32 array."""
    out = None
    for start in range(0, len(texts), block):
        part = np.asarray(embedder.embed_documents(texts[start:start + block]), dtype=np.float32)
        if out is None:
            out = np.empty((len(texts), part.shape[1]), dtype=np.float32)
        out[start:start + len(part)] = part
    return out


class _Corpus:
    """Token lists kept as compact id arrays (4 bytes a token) while an index is built: as
    lists of strings, and as bm25s's own Python ints, 100k chunks would take a gigabyte."""

    def __init__(self):
        self.vocab: dict[str, int] = {}
        self.docs: list[array] = []

    def add(self, tokens: list[str]) -> None:
        # bm25s needs at least one token per document
        self.docs.append(array("i", [self.vocab.setdefault(t, len(self.vocab)) for t in tokens or ["\u2205"]]))

    def bm25(self):
        import bm25s

        index = bm25s.BM25(k1=1.2, b=0.75)
        index.index((self.docs, self.vocab), show_progress=False)
        return index


def _bm25(corpus: list[list[str]]):
    built = _Corpus()
    for toks in corpus:
        built.add(toks)
    return built.bm25()


@dataclass
class LexicalIndex:
    ids: list[str]
    bm25: object | None
    doc_types: list[str] = field(default_factory=list)
    # FAQ question matching: every phrasing (question + variants) is its own entry
    q_owner: list[int] = field(default_factory=list)  # entry -> chunk position
    q_tokens: list[list[str]] = field(default_factory=list)
    q_bm25: object | None = None
    df: Counter = field(default_factory=Counter)  # document frequency per token (for IDF)
    # raw phrasings (normalised text) for character-level matching, and their chunk positions
    phrase_owner: list[int] = field(default_factory=list)
    phrase_texts: list[str] = field(default_factory=list)
    # clause ("5.1.3") and article ("第二十五条") numbers -> chunk positions
    locators: dict[str, list[int]] = field(default_factory=dict)
    # embeddings of ``phrase_texts`` (float32), made once per store version and cached with the
    # index: at 100k chunks embedding every heading again at each start would take seconds
    phrase_vectors: np.ndarray | None = None

    @classmethod
    def build(cls, records: Iterable[tuple[str, dict]]) -> "LexicalIndex":
        """``records``: (chunk id, chunk metadata with ``tokens`` / ``q_tokens``).

        Tokens are interned: at 100k chunks the token lists would otherwise hold millions of
        separate copies of the same few thousand words.
        """
        ids, q_owner, q_tokens, doc_types = [], [], [], []
        corpus = _Corpus()
        phrase_owner, phrase_texts, locators = [], [], {}
        df: Counter = Counter()
        vocab: dict[str, str] = {}

        def words(text: str) -> list[str]:
            return [vocab.setdefault(t, t) for t in text.split()]

        for pos, (cid, meta) in enumerate(records):
            toks = words(str(meta.get("tokens", "")))
            ids.append(cid)
            doc_types.append(str(meta.get("doc_type", "")))
            corpus.add(toks)
            df.update(set(toks))
            for phrasing in str(meta.get("q_tokens", "")).split("|"):
                if phrasing.strip():
                    q_owner.append(pos)
                    q_tokens.append(words(phrasing))
            title = meta.get("question") or str(meta.get("heading_path", "")).split(" > ")[-1]
            for phrasing in [title] + str(meta.get("variants", "")).split("\n"):
                if str(phrasing).strip():
                    phrase_owner.append(pos)
                    phrase_texts.append(to_search_text(str(phrasing)))
            for key in ("clause", "article"):
                if meta.get(key):
                    locators.setdefault(to_search_text(str(meta[key])), []).append(pos)
        return cls(ids=ids, bm25=corpus.bm25() if corpus.docs else None, doc_types=doc_types, q_owner=q_owner,
                   q_tokens=q_tokens, q_bm25=_bm25(q_tokens) if q_tokens else None, df=df,
                   phrase_owner=phrase_owner, phrase_texts=phrase_texts, locators=locators)

    @classmethod
    def from_store(cls, store, cache_dir: Path | None = None, embedder=None) -> "LexicalIndex":
        """The index of ``store``'s current version, from the cache when it has it.
        With ``embedder``, the phrasings' embeddings are made and cached too."""
        version = store.version()
        tag = f"-{re.sub(r'[^A-Za-z0-9_.-]+', '_', embedder.name)}" if embedder is not None else ""
        cache = cache_dir / f"lexical-{store.name}-{version}{tag}.pkl" if cache_dir else None
        if cache and cache.exists():
            try:
                with cache.open("rb") as fh:
                    fmt, index = pickle.load(fh)
                vectors = cache.with_suffix(".npy")
                if fmt == CACHE_FORMAT and (embedder is None or not index.phrase_texts or vectors.exists()):
                    if embedder is not None and index.phrase_texts:
                        index.phrase_vectors = np.load(vectors)
                    return index
            except Exception:
                pass  # a damaged cache is rebuilt below
        index = cls.build(store.iter_metadata())
        if embedder is not None and index.phrase_texts:
            index.phrase_vectors = _embed_all(embedder, index.phrase_texts)
        if cache:
            index._save(cache, store.name)
        return index

    def _save(self, cache: Path, store_name: str) -> None:
        """Pickle the index, with the phrase vectors beside it as .npy (no in-memory copy of a
        few hundred MB at 100k chunks); replaces the caches of older versions."""
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            for old in [*cache.parent.glob(f"lexical-{store_name}-*.pkl"),
                        *cache.parent.glob(f"lexical-{store_name}-*.npy")]:
                old.unlink(missing_ok=True)
            vectors, self.phrase_vectors = self.phrase_vectors, None
            try:
                if vectors is not None:
                    with cache.with_suffix(".npy.tmp").open("wb") as fh:
                        np.save(fh, vectors)
                    cache.with_suffix(".npy.tmp").replace(cache.with_suffix(".npy"))
                tmp = cache.with_suffix(".tmp")
                with tmp.open("wb") as fh:
                    pickle.dump((CACHE_FORMAT, self), fh, protocol=pickle.HIGHEST_PROTOCOL)
                tmp.replace(cache)  # last: a .pkl is only there when its vectors are complete
            finally:
                self.phrase_vectors = vectors
        except OSError:
            pass  # caching is an optimisation only

    def __len__(self) -> int:
        return len(self.ids)

    def idf(self, token: str) -> float:
        n = max(len(self.ids), 1)
        d = self.df.get(token, 0)
        return math.log(1 + (n - d + 0.5) / (d + 0.5))

    def known(self, tokens: list[str]) -> list[str]:
        return [t for t in tokens if t in self.df]

    def search(self, tokens: list[str], k: int, doc_type: str | None = None) -> list[tuple[str, float]]:
        """Top-k (chunk id, BM25 score) for the query tokens; unknown tokens are ignored."""
        tokens = self.known(tokens)
        if not tokens or self.bm25 is None:
            return []
        scores = self.bm25.get_scores(tokens)
        if doc_type:
            scores = np.where(self.type_mask(doc_type), scores, 0.0)
        return self._top(scores, k, lambda i: self.ids[i])

    def type_mask(self, doc_type: str) -> np.ndarray:
        """Boolean mask of the chunks of one document type."""
        return self._of_type(doc_type)[0]

    def ids_of_type(self, doc_type: str) -> set[str]:
        return self._of_type(doc_type)[1]

    @cached_property
    def _types(self) -> dict[str, tuple[np.ndarray, set[str]]]:
        return {}

    def _of_type(self, doc_type: str) -> tuple[np.ndarray, set[str]]:
        """Mask and ids of one document type, made once per type (filters run per query)."""
        if doc_type not in self._types:
            mask = np.array(self.doc_types) == doc_type
            self._types[doc_type] = (mask, {self.ids[i] for i in np.flatnonzero(mask)})
        return self._types[doc_type]

    def match_questions(self, tokens: list[str], k: int) -> list[tuple[str, float]]:
        """Chunks whose FAQ question (or a variant) best matches the query.

        Score is the IDF-weighted overlap of query and phrasing (Dice-like, 0..1), so it
        is comparable across queries and usable as evidence of a paraphrase.
        """
        if self.q_bm25 is None:
            return []
        qset = set(tokens)
        in_vocab = [t for t in qset if t in self.q_bm25.vocab_dict]
        if not in_vocab:
            return []
        candidates = self.q_bm25.get_scores(in_vocab)
        order = np.argsort(-candidates)[: max(k * 8, 40)]
        best: dict[int, float] = {}
        wq = {t: self.idf(t) for t in qset}
        for entry in order:
            if candidates[entry] <= 0:
                break
            ptoks = set(self.q_tokens[entry])
            wp = sum(self.idf(t) for t in ptoks)
            inter = sum(wq[t] for t in qset & ptoks)
            denom = sum(wq.values()) + wp
            sim = 2 * inter / denom if denom else 0.0
            pos = self.q_owner[entry]
            if sim > best.get(pos, 0.0):
                best[pos] = sim
        ranked = sorted(best.items(), key=lambda kv: -kv[1])[:k]
        return [(self.ids[pos], sim) for pos, sim in ranked]

    def match_locators(self, search_text: str) -> list[str]:
        """Chunks whose clause or article number the query names ("5.1.3", "第二十五条").

        The query's own numbers are looked up in the locator table, so the cost does not grow
        with the number of clauses; keys of another shape are matched one by one.
        """
        found = []
        named = set(_NUMBER_RUN.findall(search_text)) | set(_ARTICLE.findall(search_text))
        for key in named:
            found.extend(self.ids[p] for p in self.locators.get(key, []))
        for key in self._odd_locators:
            if re.search(rf"(?<![\d.]){re.escape(key)}(?![\d.])", search_text):
                found.extend(self.ids[p] for p in self.locators[key])
        return found

    @cached_property
    def _odd_locators(self) -> list[str]:
        """Locator keys that are neither a clause number nor an article (rare)."""
        return [k for k in self.locators if k and not _NUMBER_RUN.fullmatch(k) and not _ARTICLE.fullmatch(k)]

    @staticmethod
    def _top(scores: np.ndarray, k: int, key) -> list[tuple[str, float]]:
        if len(scores) == 0:
            return []
        k = min(k, len(scores))
        part = np.argpartition(-scores, k - 1)[:k]
        part = part[np.argsort(-scores[part])]
        return [(key(i), float(scores[i])) for i in part if scores[i] > 0]
