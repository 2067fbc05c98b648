"""BM25 over the tokens stored with each chunk, plus FAQ question matching.

Built from the store alone (tokens travel in chunk metadata), so every app instance on the
same Chroma server derives the same index. Cached on disk per store version, because reading
100k chunks back from Chroma costs more than loading the cache. The cache is plain data only
(no pickle): one ``.npz`` of numeric arrays read with ``allow_pickle=False`` and one JSON file;
both are checked (format, store version, embedder, every shape, dtype and range) and anything
that does not fit is rebuilt from the store.
"""

from __future__ import annotations

import json
import math
from array import array
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from assistant.lang.text import to_search_text, tokenize

CACHE_FORMAT = 11
# Chunk embeddings are kept in memory (and in the cache) for exact dense search up to this many
# floats (about 80 MB); a larger knowledge base is searched through Chroma's own index.
DENSE_IN_MEMORY_MAX_FLOATS = 20_000_000
# a clause number as a whole ("5.1.3" but not the "5.1" inside it) and an article ("第二十五条")
_NUMBER_RUN = re.compile(r"(?<![\d.])\d+(?:\.\d+)*(?![\d.])")
_ARTICLE = re.compile(r"(?<![\d.])第[零〇一二两三四五六七八九十百千\d]+条(?![\d.])")


LABEL_MIN = 4  # characters of a list item's label a question must say whole (names_label)
HEADING_NAME_MIN = 3  # characters; a shorter heading name ("费用") is said in passing too often
# numbering before a heading ("一、", "（四）", "5.", "第二章"), and a remark in brackets after it
_HEADING_NUMBER = re.compile(r"^\s*(?:第[零〇一二两三四五六七八九十百\d]+[章节条部分]+|[(（\[【]?\s*[零〇一二两三四五六七八九十\d]{1,3}\s*[)）\]】、.．:：]+)\s*")
_HEADING_REMARK = re.compile(r"\s*[(（\[【][^()（）\[\]【】]*[)）\]】]\s*$")


# a heading that is itself a question ("售后服务包括哪些内容") is answered by its own text, which
# heading and FAQ matching find; its sub-sections' headings are no list of answers
_ASKING_NAME = re.compile(r"什么|哪些|哪几|怎么|怎样|如何|为什么|是否|吗|多少|几个")
SECTION_NAME_WORDS = 3  # a section name of fewer words is said in passing; of these, all must be said
SECTION_MAX = 8  # a section of more passages than this is a chapter, not a list of parts to name


@lru_cache(maxsize=1)
def _section_aliases() -> dict[str, tuple[str, ...]]:
    """Head word -> everyday ways a question names it (question.yaml ``section_aliases``)."""
    from assistant.lang.resources import load_resource

    data = (load_resource("question.yaml") or {}).get("section_aliases") or {}
    return {to_search_text(str(h)): tuple(to_search_text(str(a)) for a in v) for h, v in data.items()}


def heading_name(text: str) -> str:
    """What a heading or FAQ question names, without its numbering, a remark in brackets after it
    or its closing punctuation: "（四）服务改进（推动服务持续优化）" -> "服务改进"."""
    name = text.strip()
    for _ in range(2):
        name = _HEADING_NUMBER.sub("", name, count=1)
    name = _HEADING_REMARK.sub("", name)
    return name.strip(" ?？:：。!！")


def section_head(name: str) -> str:
    """The head word of a heading name: its last word of two characters or more ("办理……的
    注意事项" -> 注意事项); a Chinese heading names its subject last."""
    words = [t for t in tokenize(name, normalised=True) if len(t) >= 2]
    return words[-1] if words else ""


def _said_as_in(head: str, name: str, search_text: str) -> bool:
    """Whether ``search_text`` says ``head`` somewhere as the heading ``name`` means it: the word
    right before it is absent, a function or filler word, an adjective, a question word ("哪几类"),
    or with ``head`` a part
    of ``name`` ("详细流程" in "……的详细流程")."""
    from assistant.lang.jieba_dict import dictionary_tag
    from assistant.lang.text import STOPWORDS, _segmenter, synonym_groups, term_weight

    # the head word as said, or in one of its synonyms ("注意的地方" for 注意事项)
    forms = [head] + [term for term in synonym_groups().get(head, ()) if term != head]
    for form in forms:
        start = search_text.find(form)
        while start >= 0:
            words = [w for w in _segmenter().lcut(search_text[:start], HMM=True) if w.strip()]
            before = words[-1] if words else ""
            if (not before or before in STOPWORDS or not any(ch.isalnum() for ch in before)
                    or term_weight(before) < 1.0 or dictionary_tag(before) in _ADJECTIVE_TAGS
                    or _ASKING_NAME.search(before) or before[:1] in "哪几"
                    or before + head in name):
                return True
            start = search_text.find(form, start + 1)
    return False


_ADJECTIVE_TAGS = ("a", "ad", "an")


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _embed_all(embedder, texts: list[str], block: int = 4096) -> np.ndarray:
    """Embeddings of many short texts, block by block into one float32 array."""
    out = None
    for start in range(0, len(texts), block):
        part = np.asarray(embedder.embed_documents(texts[start:start + block]), dtype=np.float32)
        if out is None:
            out = np.empty((len(texts), part.shape[1]), dtype=np.float32)
        out[start:start + len(part)] = part
    return out


def _unit_rows(vectors, dim: int) -> np.ndarray | None:
    """``vectors`` as float32 rows of unit length (a zero row stays zero), or None when they are
    not one ``dim``-wide vector per chunk (then dense search goes through Chroma)."""
    if vectors is None:
        return None
    matrix = np.asarray(vectors, dtype=np.float32)
    if matrix.ndim != 2 or matrix.shape[1] != dim or not np.all(np.isfinite(matrix)):
        return None
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.ascontiguousarray(matrix / np.where(norms == 0, 1.0, norms), dtype=np.float32)


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


# A query token of one Chinese character ("里" of 标准里, "跑" of 跑一趟, "网" of 网上交) weighs
# this much in BM25: in a small knowledge base such a character is rare, so its IDF is high,
# and a passage using it for something else ("在…认证里称为评审") outscored the passages about
# the question (issue 14, eighth session: +8 / −3 answers right over 30 sets at 0.5).
LIGHT_WEIGHT = 0.5
_LIGHT = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class _CachedBM25:
    """A BM25 index read from the cache: the scoring bm25s does for its "lucene" variant (the
    one built here, which has no non-occurrence scores), over the same arrays and in the same
    float32 order, so scores are identical, without importing bm25s and scipy (most of a
    one-question start)."""

    k1: float
    b: float
    vocab_dict: dict[str, int]
    scores: dict

    def get_scores(self, query_tokens: list[str]) -> np.ndarray:
        ids = np.asarray([self.vocab_dict[t] for t in query_tokens if t in self.vocab_dict], dtype=np.int32)
        data, indices, indptr = self.scores["data"], self.scores["indices"], self.scores["indptr"]
        if int(ids.max(initial=0)) >= len(indptr) - 1:
            raise ValueError("query token outside the index")
        out = np.zeros(self.scores["num_docs"], dtype=np.float32)
        for start, end in zip(indptr[ids], indptr[ids + 1]):
            np.add.at(out, indices[start:end], data[start:end])
        return out


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
    # the chunks' own embeddings, unit length, row i for ``ids[i]`` (float32): dense search as
    # one product in memory instead of a Chroma query per question (whose call time varied from
    # 2 to over 100 ms); None when the knowledge base is too large for it (Chroma is asked)
    chunk_vectors: np.ndarray | None = None
    # sections with sub-sections: the name (``heading_name``) of every heading above a passage's
    # own -> the passages under it, in document order ("……的注意事项" -> its (一), (二), …)
    sections: dict[str, list[int]] = field(default_factory=dict)
    by_name_only: frozenset[str] = frozenset()  # sections named only by their whole name
    # the labels a passage's list items open with ("1. 服务规范：…" -> 服务规范) -> its positions:
    # a question naming one names something of the documents (``names_label``)
    labels: dict[str, list[int]] = field(default_factory=dict)

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
        under: dict[str, list[tuple[str, int, int]]] = {}
        labels: dict[str, list[int]] = {}

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
            for label in str(meta.get("labels", "")).split("|"):
                if label.strip():
                    labels.setdefault(to_search_text(label.strip()), []).append(pos)
            for key in ("clause", "article"):
                if meta.get(key):
                    locators.setdefault(to_search_text(str(meta[key])), []).append(pos)
            order = (str(meta.get("doc_id", "")), _int(meta.get("chunk_index")), pos, frozenset(toks))
            # a question with its answer is a unit of its own, found by question matching
            parents = [] if meta.get("question") else str(meta.get("heading_path", "")).split(" > ")[:-1]
            for parent in set(parents):
                name = heading_name(to_search_text(parent))
                if name:
                    under.setdefault(name, []).append(order)
        sections, by_name_only = {}, set()
        for name, members in under.items():
            head = section_head(name)
            if 2 <= len(members) <= SECTION_MAX and head:
                sections[name] = [pos for _, _, pos, _ in sorted(members, key=lambda m: m[:3])]
                if 2 * sum(head in m[3] for m in members) >= len(members):
                    # its parts mostly say its head word themselves: found by them already, so
                    # named only by its whole name (``match_sections``)
                    by_name_only.add(name)
        return cls(ids=ids, bm25=corpus.bm25() if corpus.docs else None, doc_types=doc_types, q_owner=q_owner,
                   q_tokens=q_tokens, q_bm25=_bm25(q_tokens) if q_tokens else None, df=df,
                   phrase_owner=phrase_owner, phrase_texts=phrase_texts, locators=locators, sections=sections,
                   by_name_only=frozenset(by_name_only), labels=labels)

    @classmethod
    def from_store(cls, store, cache_dir: Path | None = None, embedder=None) -> "LexicalIndex":
        """The index of ``store``'s current version, from the cache when it has it.
        With ``embedder``, the phrasings' embeddings are made and cached too."""
        version = store.version()
        tag = f"-{re.sub(r'[^A-Za-z0-9_.-]+', '_', embedder.name)}" if embedder is not None else ""
        cache = cache_dir / f"lexical-{store.name}-{version}{tag}.json" if cache_dir else None
        stamp = {"format": CACHE_FORMAT, "version": version,
                 "embedder": embedder.name if embedder is not None else None,
                 "dim": int(embedder.dim) if embedder is not None else None}
        if cache and cache.exists():
            index = cls._load(cache, stamp)
            if index is not None:
                return index
        index = cls.build(store.iter_metadata())
        if embedder is not None and index.phrase_texts:
            index.phrase_vectors = _embed_all(embedder, index.phrase_texts)
        fetch = getattr(store, "embeddings_of", None)
        if fetch is not None and embedder is not None \
                and 0 < len(index.ids) * int(embedder.dim) <= DENSE_IN_MEMORY_MAX_FLOATS:
            index.chunk_vectors = _unit_rows(fetch(index.ids), int(embedder.dim))
        if cache:
            index._save(cache, store.name, stamp)
        return index

    # -- cache: plain arrays + JSON, validated on load -----------------------------------
    def _save(self, cache: Path, store_name: str, stamp: dict) -> None:
        """Write ``<cache>.npz`` (arrays) then ``<cache>`` (JSON, last: the JSON is only there
        when its arrays are complete); replaces the caches of older versions."""
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            for old in cache.parent.glob(f"lexical-{store_name}-*"):
                if old.suffix in (".json", ".npz", ".pkl", ".npy", ".tmp"):
                    old.unlink(missing_ok=True)
            arrays, meta = self._to_plain()
            npz = cache.with_suffix(".npz")
            tmp = cache.with_suffix(".npz.tmp")
            with tmp.open("wb") as fh:
                np.savez(fh, **arrays)
            tmp.replace(npz)
            tmp = cache.with_suffix(".json.tmp")
            tmp.write_text(json.dumps({**stamp, **meta}, ensure_ascii=False), encoding="utf-8")
            tmp.replace(cache)
        except OSError:
            pass  # caching is an optimisation only (a read-only data dir, a full disk)

    def _to_plain(self) -> tuple[dict[str, np.ndarray], dict]:
        arrays: dict[str, np.ndarray] = {}
        meta: dict = {"ids": self.ids, "doc_types": self.doc_types, "phrase_texts": self.phrase_texts,
                      "df": dict(self.df), "sections": self.sections, "by_name_only": sorted(self.by_name_only),
                      "labels": self.labels}
        for name, bm in (("bm25", self.bm25), ("q", self.q_bm25)):
            if bm is None:
                continue
            for part in ("data", "indices", "indptr"):
                arrays[f"{name}_{part}"] = np.asarray(bm.scores[part])
            meta[name] = {"vocab": bm.vocab_dict, "num_docs": int(bm.scores["num_docs"]),
                          "k1": bm.k1, "b": bm.b}
        q_vocab: dict[str, int] = {}
        flat = [q_vocab.setdefault(t, len(q_vocab)) for toks in self.q_tokens for t in toks]
        arrays["q_token_ids"] = np.asarray(flat, dtype=np.int32)
        arrays["q_token_offsets"] = np.cumsum([0] + [len(t) for t in self.q_tokens], dtype=np.int64)
        meta["q_vocab"] = list(q_vocab)
        arrays["q_owner"] = np.asarray(self.q_owner, dtype=np.int32)
        arrays["phrase_owner"] = np.asarray(self.phrase_owner, dtype=np.int32)
        keys = list(self.locators)
        arrays["locator_positions"] = np.asarray([p for k in keys for p in self.locators[k]], dtype=np.int32)
        arrays["locator_offsets"] = np.cumsum([0] + [len(self.locators[k]) for k in keys], dtype=np.int64)
        meta["locator_keys"] = keys
        if self.phrase_vectors is not None:
            arrays["phrase_vectors"] = np.asarray(self.phrase_vectors, dtype=np.float32)
        if self.chunk_vectors is not None:
            arrays["chunk_vectors"] = np.asarray(self.chunk_vectors, dtype=np.float32)
        return arrays, meta

    @classmethod
    def _load(cls, cache: Path, stamp: dict) -> "LexicalIndex | None":
        """The cached index, or None when anything about it is not exactly what this version
        writes (then it is rebuilt). Never unpickles: object arrays are refused by numpy."""
        try:
            meta = json.loads(cache.read_text(encoding="utf-8"))
            if not isinstance(meta, dict) or any(meta.get(k) != v for k, v in stamp.items()):
                return None
            with np.load(cache.with_suffix(".npz"), allow_pickle=False) as npz:
                arrays = {k: npz[k] for k in npz.files}
            return cls._from_plain(arrays, meta, stamp.get("dim"))
        except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError, EOFError):
            return None  # damaged, foreign or stale: rebuilt from the store

    @classmethod
    def _from_plain(cls, arrays: dict[str, np.ndarray], meta: dict, dim: int | None) -> "LexicalIndex | None":
        def strings(value) -> list[str]:
            if not isinstance(value, list) or not all(isinstance(x, str) for x in value):
                raise ValueError("not a list of strings")
            return value

        def ints(name: str, length: int | None = None, below: int | None = None) -> np.ndarray:
            a = arrays[name]
            if a.ndim != 1 or a.dtype.kind not in "iu" or (length is not None and len(a) != length):
                raise ValueError(name)
            if len(a) and (a.min() < 0 or (below is not None and a.max() >= below)):
                raise ValueError(name)
            return a

        ids, doc_types, phrase_texts = strings(meta["ids"]), strings(meta["doc_types"]), strings(meta["phrase_texts"])
        n = len(ids)
        if len(doc_types) != n or not isinstance(meta["df"], dict):
            raise ValueError("lengths")
        df = Counter({str(k): int(v) for k, v in meta["df"].items()})

        def bm25_from(name: str, docs: int):
            if name not in meta:
                return None
            info = meta[name]
            vocab = info["vocab"]
            if not isinstance(vocab, dict) or int(info["num_docs"]) != docs:
                raise ValueError(name)
            data = arrays[f"{name}_data"]
            indptr = ints(f"{name}_indptr")
            # bm25s keeps an extra "" token in its vocabulary, without a column of its own
            if len(indptr) not in (len(vocab), len(vocab) + 1):
                raise ValueError(name)
            indices = ints(f"{name}_indices", len(data), docs)
            if data.ndim != 1 or data.dtype.kind != "f" or not np.all(np.isfinite(data)):
                raise ValueError(name)
            if len(indptr) and (indptr[0] != 0 or indptr[-1] != len(data) or np.any(np.diff(indptr) < 0)):
                raise ValueError(name)
            if sorted(vocab.values()) != list(range(len(vocab))):
                raise ValueError(name)
            return _CachedBM25(k1=float(info["k1"]), b=float(info["b"]),
                               vocab_dict={str(k): int(v) for k, v in vocab.items()},
                               scores={"data": data, "indices": indices, "indptr": indptr, "num_docs": docs})

        q_vocab = strings(meta["q_vocab"])
        offsets = ints("q_token_offsets")
        flat = ints("q_token_ids", None, len(q_vocab))
        if len(offsets) == 0 or offsets[0] != 0 or offsets[-1] != len(flat) or np.any(np.diff(offsets) < 0):
            raise ValueError("q tokens")
        q_tokens = [[q_vocab[i] for i in flat[a:b]] for a, b in zip(offsets[:-1], offsets[1:])]
        q_owner = ints("q_owner", len(q_tokens), n).tolist()
        phrase_owner = ints("phrase_owner", len(phrase_texts), n).tolist()
        keys = strings(meta["locator_keys"])
        loc_off = ints("locator_offsets", len(keys) + 1)
        positions = ints("locator_positions", None, n)
        if loc_off[0] != 0 or loc_off[-1] != len(positions) or np.any(np.diff(loc_off) < 0):
            raise ValueError("locators")
        locators = {k: positions[a:b].tolist() for k, a, b in zip(keys, loc_off[:-1], loc_off[1:])}
        sections = meta["sections"]
        if not isinstance(sections, dict) or not all(
                isinstance(v, list) and all(isinstance(p, int) and 0 <= p < n for p in v) for v in sections.values()):
            raise ValueError("sections")
        labels = meta["labels"]
        if not isinstance(labels, dict) or not all(
                isinstance(v, list) and all(isinstance(p, int) and 0 <= p < n for p in v) for v in labels.values()):
            raise ValueError("labels")
        by_name_only = meta.get("by_name_only", [])
        if not isinstance(by_name_only, list) or not all(isinstance(x, str) and x in sections for x in by_name_only):
            raise ValueError("by_name_only")
        vectors = None
        if dim is not None and phrase_texts:
            vectors = arrays["phrase_vectors"]
            if vectors.dtype != np.float32 or vectors.shape != (len(phrase_texts), dim) \
                    or not np.all(np.isfinite(vectors)):
                raise ValueError("phrase vectors")
        chunk_vectors = arrays.get("chunk_vectors")
        if chunk_vectors is not None:
            if dim is None or chunk_vectors.dtype != np.float32 or chunk_vectors.shape != (n, dim) \
                    or not np.all(np.isfinite(chunk_vectors)):
                raise ValueError("chunk vectors")
        return cls(ids=ids, bm25=bm25_from("bm25", n), doc_types=doc_types, q_owner=q_owner, q_tokens=q_tokens,
                   q_bm25=bm25_from("q", len(q_tokens)), df=df, phrase_owner=phrase_owner,
                   phrase_texts=phrase_texts, locators=locators, phrase_vectors=vectors,
                   chunk_vectors=chunk_vectors, sections={str(k): v for k, v in sections.items()},
                   by_name_only=frozenset(by_name_only), labels={str(k): v for k, v in labels.items()})

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
        light = [t for t in tokens if _LIGHT.fullmatch(t)]
        if light and LIGHT_WEIGHT < 1.0:
            full = [t for t in tokens if not _LIGHT.fullmatch(t)]
            scores = (self.bm25.get_scores(full) if full else 0.0) + LIGHT_WEIGHT * self.bm25.get_scores(light)
        else:
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

    def match_questions(self, tokens: list[str], k: int,
                        weight: Callable[[str], float] | None = None) -> list[tuple[str, float]]:
        """Chunks whose FAQ question (or a variant) best matches the query.

        Score is the IDF-weighted overlap of query and phrasing (Dice-like, 0..1), so it
        is comparable across queries and usable as evidence of a paraphrase. With ``weight``,
        each word's IDF on either side is multiplied by ``weight(word)``.
        """
        w_of = (lambda t: self.idf(t) * weight(t)) if weight is not None else self.idf
        if self.q_bm25 is None:
            return []
        # (every sum and tie in a fixed order: a set's order follows the process's hash seed, and
        # two phrasings that tie would otherwise swap from one run to the next)
        qset = sorted(set(tokens))
        in_vocab = [t for t in qset if t in self.q_bm25.vocab_dict]
        if not in_vocab:
            return []
        candidates = self.q_bm25.get_scores(in_vocab)
        order = np.argsort(-candidates, kind="stable")[: max(k * 8, 40)]
        best: dict[int, float] = {}
        wq = {t: w_of(t) for t in qset}
        wq_total = sum(wq.values())
        for entry in order:
            if candidates[entry] <= 0:
                break
            ptoks = sorted(set(self.q_tokens[entry]))
            wp = sum(w_of(t) for t in ptoks)
            inter = sum(wq[t] for t in ptoks if t in wq)
            denom = wq_total + wp
            sim = 2 * inter / denom if denom else 0.0
            pos = self.q_owner[entry]
            if sim > best.get(pos, 0.0):
                best[pos] = sim
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
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

    def match_headings(self, search_text: str) -> list[tuple[str, float]]:
        """Chunks whose own heading or FAQ question, stripped of its numbering and of a remark in
        brackets ("（四）服务改进（推动服务持续优化）" -> 服务改进), the query names word for word
        ("服务改进这层主要看什么"), longest name first, scored 1. A name counts only when it is
        distinctive: one of its words is in fewer than half the passages (a heading that repeats
        the knowledge base's own topic, "售后服务认证", is named by every question)."""
        if not search_text:
            return []
        found: dict[int, int] = {}
        starts = self._heading_names
        for i in range(len(search_text) - 1):
            for name, positions in starts.get(search_text[i:i + 2], ()):
                if search_text.startswith(name, i) and self._distinctive(name):
                    for pos in positions:
                        found[pos] = max(found.get(pos, 0), len(name))
        ranked = sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))
        return [(self.ids[pos], 1.0) for pos, _ in ranked]

    def names_label(self, search_text: str) -> bool:
        """Whether the query names a distinctive label of a list item of the documents ("服务规范这条
        具体规范什么"): a user's documents define their domain by their own terms too."""
        return any(len(label) >= LABEL_MIN and label in search_text and self._distinctive(label)
                   for label in self.labels)

    def _distinctive(self, name: str) -> bool:
        half = len(self.ids) / 2
        return any(0 < self.df[t] < half for t in tokenize(name, normalised=True))

    @cached_property
    def _heading_names(self) -> dict[str, list[tuple[str, list[int]]]]:
        """Heading names (``heading_name``) of at least three characters -> the chunk positions
        they title, keyed by their first two characters (a query is looked up, not every name)."""
        names: dict[str, set[int]] = {}
        for pos, text in zip(self.phrase_owner, self.phrase_texts):
            name = heading_name(text)
            if len(name) >= HEADING_NAME_MIN:
                names.setdefault(name, set()).add(pos)
        out: dict[str, list[tuple[str, list[int]]]] = {}
        for name, positions in names.items():
            out.setdefault(name[:2], []).append((name, sorted(positions)))
        return out

    def match_sections(self, tokens: list[str], search_text: str = "") -> list[tuple[str, list[str]]]:
        """Sections with sub-sections that the query names by their head word, each as (name,
        the ids of the passages under it in document order), longest head word first.

        A Chinese heading names its subject last ("办理……的注意事项", "……的详细流程"): its head
        word is the last word of its name. A query names the section when one of its words is
        that head word, the head word being distinctive (in fewer than half the passages). The parts of a list or a process are sub-sections whose
        own text rarely repeats the section's word, so a question about the whole finds them here;
        a section whose parts mostly do say it is not listed (``build``): BM25 finds those.

        With the query's ``search_text``, the word said right before the head word must not make
        it another thing ("服务流程", "复评流程" are not "办理……的详细流程"): it is a function or
        filler word, an adjective (完整, 详细), or says with it what the name says.
        """
        found: dict[str, int] = {}

        def named_by(head: str) -> list[str]:
            """The section names ``head`` ends, when it is distinctive here."""
            if self.df[head] >= len(self.ids) / 2:
                return []
            return [name for known, names in self._section_heads.get(head[:2], ()) if known == head for name in names]

        for token in dict.fromkeys(tokens):
            if len(token) < 2:
                continue
            for name in named_by(token):
                if not search_text or _said_as_in(token, name, search_text):
                    found[name] = max(found.get(name, 0), len(token))
        # a section head named in everyday words ("要走哪几步" for "……的详细流程")
        if search_text:
            for head, aliases in _section_aliases().items():
                if head not in tokens and any(a in search_text for a in aliases):
                    for name in named_by(head):
                        found[name] = max(found.get(name, 0), len(head))
        # a query saying every word of a section's name (all but one of a long name, its head
        # word always) names it, however common its head word
        # is here ("哪些机构能办" names "可办理售后服务认证证书的机构" in a knowledge base where
        # most passages mention 认证机构)
        said = set(tokens)
        for name, (head, words) in self._section_words.items():
            missing = len(words - said)
            if name not in found and len(words) >= SECTION_NAME_WORDS and head in said \
                    and (missing == 0 or (missing == 1 and len(words) > SECTION_NAME_WORDS)) \
                    and not _ASKING_NAME.search(name) and (not search_text or _said_as_in(head, name, search_text)):
                found[name] = len(head)
        ranked = sorted(found, key=lambda name: (-found[name], name))
        return [(name, [self.ids[pos] for pos in self.sections[name]]) for name in ranked]

    @cached_property
    def _section_words(self) -> dict[str, tuple[str, frozenset[str]]]:
        """Section name -> (its head word, its words of two characters or more, the parts of a
        longer word of it ("服务" of "售后服务认证") left out)."""
        out = {}
        for name in self.sections:
            words = {t for t in tokenize(name, normalised=True) if len(t) >= 2}
            out[name] = (section_head(name), frozenset(w for w in words if not any(w != o and w in o for o in words)))
        return out

    @cached_property
    def _section_heads(self) -> dict[str, list[tuple[str, list[str]]]]:
        """Head words (``match_sections``) -> the section names they end, keyed by their first
        two characters."""
        by_head: dict[str, list[str]] = {}
        for name in self.sections:
            if name in self.by_name_only:
                continue
            head = section_head(name)
            if head:
                by_head.setdefault(head, []).append(name)
        out: dict[str, list[tuple[str, list[str]]]] = {}
        for head, names in by_head.items():
            out.setdefault(head[:2], []).append((head, sorted(names)))
        return out

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
