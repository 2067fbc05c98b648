"""Hybrid retrieval: BM25 + dense (Chroma) + FAQ question matching, fused by weighted RRF,
optionally reranked by a cross-encoder.

``fuse`` is a pure function; ``Retriever`` is the thin layer that asks each index.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from assistant.lang.text import term_weight, to_search_text, tokenize
from assistant.types import Hit
from ingest.contacts import ASKS_CONTACT, is_contacts_section

# Each list holds at most POOL candidates, so k is set on the order of that length: at k = 60
# rank 1 and rank 30 counted almost alike (1/61 vs 1/90) and the lists' own order was mostly lost.
RRF_K = 30
# FAQ paraphrase matches are the strongest signal we have for client questions. A passage whose
# own heading the question names word for word ("服务改进这层看什么") is a strong signal too.
WEIGHTS = {"lexical": 1.0, "dense": 0.8, "faq": 2.0, "phrase": 2.0, "locator": 3.0, "margin": 0.5, "heading": 2.0,
           "section": 3.0}
POOL = 30  # candidates taken from each list before fusion
FAQ_MIN = 0.45  # below this a question match is noise (shared function words)
PHRASE_MIN = 0.35  # character-level similarity to an FAQ phrasing worth counting
LEXICAL_KEEP = 2  # BM25's best passages always among those re-scored (Retriever.retrieve)
RERANK_POOL = 12  # fused candidates re-scored by query coverage (or a cross-encoder)
COVERAGE_WEIGHT = 0.5  # share of the final score given to IDF-weighted query coverage
CONTEXT_WEIGHT = 0.5  # a follow-up's carried-over context counts half as much as the question
FOCUS_WEIGHT = 0.2  # share of the final score for naming the question's focus


def fuse(ranked_lists: dict[str, list[tuple[str, float]]], weights: dict[str, float] = WEIGHTS,
         k: int = RRF_K, scaled: tuple[str, ...] = ("faq",)) -> list[tuple[str, float]]:
    """Weighted reciprocal rank fusion: sum of w / (k + rank) over the lists an id appears in.

    Lists named in ``scaled`` carry calibrated 0..1 scores; their weight is multiplied by the
    score, so a weak FAQ match at rank 1 does not outvote strong lexical and dense agreement.
    """
    scores: dict[str, float] = {}
    for name, ranked in ranked_lists.items():
        w = weights.get(name, 1.0)
        for rank, (cid, score) in enumerate(ranked, start=1):
            factor = score if name in scaled else 1.0
            scores[cid] = scores.get(cid, 0.0) + w * factor / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


# A question for a count or amount ("几类", "哪几步", "多少分") is answered by a number with the
# same measure word ("三类", "5 步", "70分"): the question word itself never occurs in the answer.
COUNT_QUESTION = re.compile(r"^(?:哪|多少|几)+(?P<unit>[^\d\W哪几多少]{1,2})$")
NUMERAL = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)\s*"


def count_answered(token: str, chunk_text: str) -> bool:
    """Whether ``chunk_text`` states a number with the measure word a count question
    (``COUNT_QUESTION``) asks for."""
    m = COUNT_QUESTION.match(token)
    if not m:
        return False
    unit = m.group("unit")
    # "几大类" is answered by "三类" as by "三大类": 大 only says the kinds are broad ones
    units = re.escape(unit) + (f"|{re.escape(unit[1:])}" if len(unit) == 2 and unit[0] == "大" else "")
    return re.search(NUMERAL + f"(?:{units})", chunk_text) is not None


def coverage(query_tokens: list[str], chunk_tokens: set[str], chunk_text: str, idf) -> float:
    """IDF-weighted share of the query's tokens found in a chunk (0..1), by token or substring,
    so segmentation differences between query and passage do not count as missing words; a
    count question's word (几类) is found where the passage states that count (三类)."""
    if not query_tokens:
        return 0.0
    total = sum(idf(t) for t in set(query_tokens))
    # substring matching only for words: a lone character (包, 人) occurs almost everywhere
    got = sum(idf(t) for t in set(query_tokens) if t in chunk_tokens or (len(t) > 1 and t in chunk_text)
              or count_answered(t, chunk_text))
    return got / total if total else 0.0


MARGIN_LEAD = 0.25  # a BM25 score this share above the runner-up's counts as a clear lead


def rerank_pool(fused: list[tuple[str, float]], lexical: list[tuple[str, float]], size: int) -> list[tuple[str, float]]:
    """The candidates to re-score: the ``size`` best after fusion, and BM25's own
    ``LEXICAL_KEEP`` best wherever fusion put them. A passage that says the question's words best
    can sit low after fusion when the other lists miss it (a long passage the dense and title
    lists do not find); the re-score by coverage is what judges it."""
    top = list(fused[:size])
    pooled = {cid for cid, _ in top}
    score = dict(fused)
    return top + [(cid, score.get(cid, 0.0)) for cid, _ in lexical[:LEXICAL_KEEP] if cid not in pooled]


def lexical_margin(ranked: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """The BM25 candidates that lead the rest by a clear margin, scored 0..1 by how far.

    Rank fusion sees only ranks: a passage that names every rare word of the question, far
    ahead on BM25, but that the (weak, character-hashing) dense list happens to miss, loses to
    passages ranked middling on both. Its lead is kept here as a scaled list of its own.

    The leading group is the run of candidates each ahead of the next by ``MARGIN_LEAD`` of the
    best score; each is scored by how far it stands above the first candidate after the group,
    so a leader never scores below the runner-up it leads (scoring each by its gap to the next
    one alone gave 8.5 / 5.9 / 2.4 a runner-up scored above the leader).
    """
    if len(ranked) < 2 or ranked[0][1] <= 0:
        return []
    end = 0
    while end < len(ranked) - 1 and (ranked[end][1] - ranked[end + 1][1]) / ranked[0][1] >= MARGIN_LEAD:
        end += 1
    rest = ranked[end][1]
    return [(cid, min(1.0, (score - rest) / ranked[0][1] / (2 * MARGIN_LEAD))) for cid, score in ranked[:end]]


@dataclass
class Retrieval:
    query: str
    tokens: list[str]
    hits: list[Hit]
    faq_similarity: float = 0.0  # best FAQ question match (0..1)
    coverage: float = 0.0  # IDF-weighted query coverage by the best hit
    timings: dict[str, float] = field(default_factory=dict)


# A section the question names as a whole (Retriever.section_outline): its outline leads when
# this many of its parts are among the hits; kept from the first part: where it is, in which file.
OUTLINE_MIN_PARTS = 2
OUTLINE_META = ("doc_id", "source", "title", "doc_type", "page", "chunk_index")
OUTLINE_SUFFIX = "#outline"


# Units whose parts follow the best passage when it was cut (retrieval.Retriever.unit_sibling).
SIBLING_UNITS = ("question", "clause", "article")
SIBLING_LEADS = 3
PASSAGE_CACHE = 4096  # passages kept in memory per index version


# A question that asks several things in turn ("标准号是多少？满分几分？") is split at its question
# marks and semicolons; each part with this many tokens of its own is searched on its own too.
PART_MIN_TOKENS = 2
PART_SPLIT = re.compile(r"[?？;；]+")


def question_parts(query: str) -> list[str]:
    """The sub-questions of a compound question, in order ([] when it asks one thing): the
    pieces between question marks or semicolons that carry words of their own."""
    parts = [p.strip(" ,，。:：") for p in PART_SPLIT.split(query)]
    parts = [p for p in parts if len(tokenize(to_search_text(p), normalised=True)) >= PART_MIN_TOKENS]
    return parts if len(parts) >= 2 else []


class Retriever:
    def __init__(self, store, embedder, lexical, reranker=None):
        self.store = store
        self.embedder = embedder
        self.lexical = lexical
        self.reranker = reranker
        self._phrases = None  # embeddings of FAQ phrasings, built on first use
        # the chunks some manifest lists (the lexical index holds exactly those): dense hits
        # outside it are orphans of an interrupted ingest, or chunks of a write still in flight
        self._listed = frozenset(lexical.ids)
        # results that stay valid as long as this index (one knowledge-base version) does
        self.memo: dict[str, object] = {}

    def weights(self) -> dict[str, float]:
        """The fusion weights, the dense list's as much as this embedder's vectors are worth
        (``fusion_weight``: the built-in hashing embedder's character n-grams say less than a
        model's, and least of a long passage whose many topics dilute its vector)."""
        return WEIGHTS | {"dense": getattr(self.embedder, "fusion_weight", WEIGHTS["dense"])}

    def _passages(self, ids: list[str]) -> dict[str, Hit]:
        """Text and metadata of the chunks ``ids``: a passage does not change while this index
        (one knowledge-base version) serves, so each is read from the store once, up to
        ``PASSAGE_CACHE`` of them (a store round trip was a good part of a warm answer)."""
        cache = self.memo.setdefault("passages", {})
        missing = [cid for cid in ids if cid not in cache]
        if missing:
            if len(cache) + len(missing) > PASSAGE_CACHE:
                cache.clear()
            for cid, text, meta in self.store.get_chunks(missing):
                cache[cid] = (text, meta)
        return {cid: Hit(chunk_id=cid, text=cache[cid][0], meta=dict(cache[cid][1])) for cid in ids if cid in cache}

    def rerank_by_coverage(self, tokens: list[str], hits: list[Hit], focus: tuple[str, ...] = ()) -> list[Hit]:
        """Blend the fused score with how much of the query's distinctive vocabulary each
        passage contains, so a passage naming every rare query term beats one that only
        shares the common ones; a passage naming what the question asks about (its focus,
        assistant.domain.question) gets ``FOCUS_WEIGHT`` more."""
        best = max(h.score for h in hits) or 1.0
        for h in hits:
            h.score = (1 - COVERAGE_WEIGHT) * h.score / best + COVERAGE_WEIGHT * self.coverage_of(tokens, h)
            if focus and FOCUS_WEIGHT:
                from assistant.pipeline.answer import _norm, word_in

                text = _norm(h.text)
                h.score += FOCUS_WEIGHT * sum(word_in(f, text) for f in focus) / len(focus)
        return sorted(hits, key=lambda h: -h.score)

    def _doc_chunk_ids(self, doc_id: str) -> list[str]:
        """A document's chunk ids in document order (from its manifest), once per index version."""
        cache = self.memo.setdefault("doc_chunks", {})
        if doc_id not in cache:
            manifest = self.store.manifest(doc_id) if hasattr(self.store, "manifest") else None
            cache[doc_id] = list(manifest.chunk_ids) if manifest is not None else []
        return cache[doc_id]

    def unit_sibling(self, hit: Hit) -> Hit | None:
        """The next part of the unit ``hit`` belongs to, when that unit (a question with its
        answer, a clause, an article) was too long for one chunk and was cut after ``hit``:
        the answer's later points are in it, under the repeated question, where the question's
        own wording no longer leads a search to them."""
        key = next((name for name in SIBLING_UNITS if hit.meta.get(name)), None)
        doc_id = hit.meta.get("doc_id")
        if key is None or not doc_id:
            return None
        ids = self._doc_chunk_ids(str(doc_id))
        try:
            at = ids.index(hit.chunk_id)
        except ValueError:
            return None
        if at + 1 >= len(ids):
            return None
        nxt = self._passages([ids[at + 1]]).get(ids[at + 1])
        if nxt is None or nxt.meta.get(key) != hit.meta.get(key):
            return None
        return nxt

    def with_unit_siblings(self, hits: list[Hit], k: int) -> list[Hit]:
        """Each of the best ``SIBLING_LEADS`` passages followed by the rest of its unit when the
        unit was cut in two (see ``unit_sibling``), scored as its first part (it is the same
        answer; placed after it, it never leads); the list keeps ``k``."""
        out = list(hits)
        i = 0
        while i < min(SIBLING_LEADS, len(out)):
            sibling = self.unit_sibling(out[i])
            if sibling is not None and all(h.chunk_id != sibling.chunk_id for h in out[: i + 1]):
                own = next((h for h in out if h.chunk_id == sibling.chunk_id), None)
                out = [h for h in out if h is not own]
                placed = own or Hit(chunk_id=sibling.chunk_id, text=sibling.text, meta=sibling.meta)
                placed.score = max(placed.score, out[i].score)
                out.insert(i + 1, placed)
                i += 1
            i += 1
        return out[:k]

    def part_lead(self, part: str, doc_type: str | None) -> Hit | None:
        """The best passage for one sub-question on its own (fused, then by its own coverage)."""
        lists, tokens, _dense, _faq = self._ranked_lists(part, doc_type)
        fused = fuse(lists, self.weights(), scaled=("faq", "phrase", "margin"))[:RERANK_POOL]
        by_id = self._passages([cid for cid, _ in fused])
        hits = [Hit(chunk_id=cid, text=by_id[cid].text, meta=by_id[cid].meta, score=score)
                for cid, score in fused if cid in by_id]
        if not hits:
            return None
        return self.rerank_by_coverage(tokens, hits)[0] if COVERAGE_WEIGHT else hits[0]

    def with_part_leads(self, query: str, hits: list[Hit], k: int, doc_type: str | None) -> list[Hit]:
        """The first ``k`` of ``hits`` (the whole question's candidates, best first); for a
        compound question (``question_parts``), each sub-question's own best passage that the
        whole question's candidates hold but left out of the first places is put right after
        the lead, so every part asked has its passage among those an answer is made from. A
        passage the whole question did not find at all is not brought in (a part read alone,
        "要不要交钱", drifts), and each keeps its own score, so the lead stays first."""
        parts = question_parts(query)
        if not parts or len(hits) < 2:
            return hits[:k]
        listed = {h.chunk_id: h for h in hits[:k]}
        leads: list[Hit] = []
        for part in parts:
            lead = self.part_lead(part, doc_type)
            if lead is None or lead.chunk_id not in listed:
                continue
            if all(h.chunk_id != lead.chunk_id for h in [hits[0], *leads]):
                leads.append(listed[lead.chunk_id])
        placed = {h.chunk_id for h in leads}
        return [hits[0], *leads, *[h for h in hits[1:] if h.chunk_id not in placed]][:k]

    def coverage_of(self, tokens: list[str], hit: Hit) -> float:
        """``coverage`` of ``hit`` for ``tokens``; the headings above its own (its heading path)
        count as its text: a step of a process or an item of a list, each a sub-section, is
        still about what its section heading names ("……的详细流程 > （一）自我评估")."""
        text = to_search_text(hit.text)
        parents = str(hit.meta.get("heading_path", "")).split(" > ")[:-1]
        if parents:
            text = to_search_text(" ".join(parents)) + "\n" + text
        return coverage(tokens, set(str(hit.meta.get("tokens", "")).split()), text, self.lexical.idf)

    def section_parts(self, tokens: list[str], headings: list[tuple[str, float]],
                      doc_type: str | None = None, search_text: str = "") -> list[tuple[str, float]]:
        """The sub-sections of the sections the query names as a whole (``match_sections``: "办理
        ……有哪些注意事项" names "四、……的注意事项"), in document order, so a question about a list
        or a process finds its parts. A section one of whose parts the query names by its own
        heading is left out: the question is about that part."""
        out: dict[str, float] = {}
        for ids in self.named_sections(tokens, headings, doc_type, search_text):
            for cid in ids:
                out.setdefault(cid, 1.0)
        return list(out.items())[:POOL]

    def named_sections(self, tokens: list[str], headings: list[tuple[str, float]],
                       doc_type: str | None = None, search_text: str = "") -> list[list[str]]:
        """The passages of each section the query names as a whole (see ``section_parts``)."""
        named = {cid for cid, _ in headings}
        allowed = self.lexical.ids_of_type(doc_type) if doc_type else None
        out = []
        for _name, ids in self.lexical.match_sections(tokens, search_text):
            ids = [cid for cid in ids if allowed is None or cid in allowed]
            if ids and not named.intersection(ids):
                out.append(ids)
        return out

    def section_outline(self, part_ids: list[str]) -> Hit | None:
        """The outline of a section: its heading, then the headings of its parts in document order
        as the document words them, in one sentence ("三、……的详细流程：（一）……；（二）……。"),
        a passage of the same document (its first part's place), or None when the parts do not
        sit under one heading of their own."""
        passages = self._passages(part_ids)
        parts = [passages[cid] for cid in part_ids if cid in passages]
        paths = [str(p.meta.get("heading_path", "")).split(" > ") for p in parts]
        if len(parts) < 2 or len({str(p.meta.get("doc_id", "")) for p in parts}) != 1:
            return None
        common = paths[0]
        for path in paths[1:]:
            n = 0
            while n < min(len(common), len(path)) and common[n] == path[n]:
                n += 1
            common = common[:n]
        if not common or any(len(path) <= len(common) for path in paths):
            return None
        heads = list(dict.fromkeys(path[len(common)] for path in paths))
        if len(heads) < 2:
            return None
        first = parts[0]
        meta = {key: value for key, value in first.meta.items() if key in OUTLINE_META}
        meta["heading_path"] = " > ".join(common)
        meta["outline"] = True  # the answer may lead with it (answer.OUTLINE_BONUS)
        return Hit(chunk_id=first.chunk_id + OUTLINE_SUFFIX, text=f"{common[-1]}：{'；'.join(heads)}。", meta=meta)

    def with_section_outline(self, sections: list[list[str]], hits: list[Hit], k: int) -> list[Hit]:
        """``hits`` led by the outline of the section the question names as a whole
        (``section_outline``) when its parts are among them (retrieval agrees the question is
        about that section): an answer about a list or a process names every part first."""
        if not sections or not hits:
            return hits
        found = {h.chunk_id for h in hits}
        if len(found.intersection(sections[0])) < OUTLINE_MIN_PARTS:
            return hits
        outline = self.section_outline(sections[0])
        if outline is None:
            return hits
        outline.score = hits[0].score
        return [outline, *hits][:k]

    def phrase_matches(self, query_vec, k: int = 10) -> list[tuple[str, float]]:
        """Chunks whose FAQ question or a variant is most similar to the query (cosine)."""
        lex = self.lexical
        if not lex.phrase_texts:
            return []
        if self._phrases is None:
            self._phrases = (lex.phrase_vectors if lex.phrase_vectors is not None
                             else self.embedder.embed_documents(lex.phrase_texts))
        sims = self._phrases @ query_vec
        top = min(k * 4, len(sims))
        part = np.argpartition(-sims, top - 1)[:top]
        best: dict[int, float] = {}
        for i in part[np.argsort(-sims[part], kind="stable")]:
            pos = lex.phrase_owner[i]
            best.setdefault(pos, float(sims[i]))
        return [(lex.ids[p], s) for p, s in sorted(best.items(), key=lambda kv: -kv[1])[:k]]

    def _dense(self, query_vec, doc_type: str | None) -> list[Hit]:
        """Dense candidates, of one document type when asked. Chroma's metadata filter scans
        every row (about 100 ms at 100k chunks), so a filtered search first over-fetches
        unfiltered neighbours and keeps those of the type; only a rare type falls back."""
        search = self.store.dense_search if self.lexical.chunk_vectors is None else self._dense_in_memory
        if not doc_type:
            return search(query_vec, POOL)
        allowed = self.lexical.ids_of_type(doc_type)
        hits = [h for h in search(query_vec, POOL * 4) if h.chunk_id in allowed]
        if len(hits) < min(POOL // 3, len(allowed)):
            hits = search(query_vec, POOL, where={"doc_type": doc_type})
        return hits[:POOL]

    def _dense_in_memory(self, query_vec, k: int, where: dict | None = None) -> list[Hit]:
        """``store.dense_search`` over the chunk embeddings held by the index: exact cosine
        similarity (what Chroma's cosine index approximates), same ids and scores. A Chroma
        server is still asked whether it is alive, so a dead one gives its clear message."""
        if where and set(where) != {"doc_type"}:
            return self.store.dense_search(query_vec, k, where=where)
        check = getattr(self.store, "check_reachable", None)
        if check is not None:
            check()
        vectors = self.lexical.chunk_vectors
        query = np.asarray(query_vec, dtype=np.float32)
        norm = float(np.linalg.norm(query))
        sims = vectors @ (query / norm if norm else query)
        if where:
            sims = np.where(self.lexical.type_mask(where["doc_type"]), sims, -np.inf)
        k = min(k, len(sims))
        if k <= 0:
            return []
        part = np.argpartition(-sims, k - 1)[:k]
        part = part[np.argsort(-sims[part], kind="stable")]
        ids = self.lexical.ids
        return [Hit(chunk_id=ids[i], text="", meta={}, score=float(sims[i]), dense_score=float(sims[i]))
                for i in part if sims[i] > -np.inf]

    def _ranked_lists(self, query: str, doc_type: str | None, prefix: str = ""):
        """The three candidate lists for one query text, plus its tokens and dense hits."""
        from assistant.domain.question import spell_out

        search_text = spell_out(to_search_text(query))  # "分是谁打的" searches 打分
        tokens = tokenize(search_text, normalised=True)
        lexical = self.lexical.search(tokens, POOL, doc_type=doc_type)
        query_vec = self.embedder.embed_query(search_text)
        # title matching: FAQ questions and variants, and every passage's own heading
        faq = self.lexical.match_questions(tokens, 10, weight=term_weight)
        phrase = self.phrase_matches(query_vec)
        if doc_type:
            allowed = self.lexical.ids_of_type(doc_type)
            faq = [(c, s) for c, s in faq if c in allowed]
            phrase = [(c, s) for c, s in phrase if c in allowed]
        dense_hits = self._dense(query_vec, doc_type)
        dense_hits = [h for h in dense_hits if h.chunk_id in self._listed]
        headings = self.lexical.match_headings(search_text)
        lists = {
            prefix + "lexical": lexical,
            prefix + "dense": [(h.chunk_id, h.dense_score) for h in dense_hits],
            prefix + "faq": [(cid, s) for cid, s in faq if s >= FAQ_MIN],
            prefix + "phrase": [(cid, s) for cid, s in phrase if s >= PHRASE_MIN],
            prefix + "locator": [(cid, 1.0) for cid in self.lexical.match_locators(search_text)],
            prefix + "heading": headings,
            prefix + "section": self.section_parts(tokens, headings, doc_type, search_text),
            prefix + "margin": lexical_margin(lexical),
        }
        # the strongest evidence that a FAQ pair answers the question, from either matcher
        faq = sorted({cid: max(s, dict(faq).get(cid, 0.0)) for cid, s in phrase + faq}.items(),
                     key=lambda kv: -kv[1])
        return lists, tokens, dense_hits, faq

    def retrieve(self, query: str, k: int = 5, doc_type: str | None = None,
                 context: str | None = None, focus: tuple[str, ...] = ()) -> Retrieval:
        """Hybrid search for ``query``. ``context`` (a follow-up resolved against the
        conversation) is searched too, at a lower weight, so the question itself leads."""
        import time

        t0 = time.perf_counter()
        lists, tokens, dense_hits, faq = self._ranked_lists(query, doc_type)
        base = self.weights()
        weights = dict(base)
        if context and context != query:
            ctx_lists, ctx_tokens, ctx_dense, ctx_faq = self._ranked_lists(context, doc_type, "ctx_")
            lists.update(ctx_lists)
            weights.update({"ctx_" + name: w * CONTEXT_WEIGHT for name, w in base.items()})
            dense_hits = dense_hits + ctx_dense
            faq = sorted(faq + ctx_faq, key=lambda x: -x[1])
            tokens = list(dict.fromkeys(tokens + ctx_tokens))
        t1 = time.perf_counter()
        fused = fuse(lists, weights, scaled=("faq", "ctx_faq", "phrase", "ctx_phrase", "margin", "ctx_margin"))
        top = rerank_pool(fused, lists["lexical"], max(k, RERANK_POOL))
        by_id = self._passages([cid for cid, _ in top])
        lex_scores = dict(lists["lexical"])
        dense_scores = {h.chunk_id: h.dense_score for h in dense_hits}
        hits = []
        asks_contact = bool(ASKS_CONTACT.search(to_search_text(query)))
        for cid, score in top:
            if cid not in by_id:
                continue  # listed in a stale lexical index but gone from the store
            h = by_id[cid]
            if not asks_contact and is_contacts_section(str(h.meta.get("heading_path") or "")):
                continue  # a page's hotline and address answer only a question asking for them
            hits.append(Hit(chunk_id=cid, text=h.text, meta=h.meta, score=score,
                            lexical_score=lex_scores.get(cid), dense_score=dense_scores.get(cid)))
        if self.reranker and hits:
            hits = self.reranker.rerank(context or query, hits)
        elif COVERAGE_WEIGHT and hits:
            hits = self.rerank_by_coverage(tokens, hits, focus)
        hits = self.with_part_leads(query, hits, k, doc_type)
        hits = self.with_unit_siblings(hits, k)
        if OUTLINE_MIN_PARTS and lists["section"]:
            from assistant.domain.question import spell_out

            # the text searched, as _ranked_lists read it ("去哪儿办" says which 机构 it asks for)
            sections = self.named_sections(tokens, lists["heading"], doc_type, spell_out(to_search_text(query)))
            hits = self.with_section_outline(sections, hits, k)
        t2 = time.perf_counter()
        hit_ids = {h.chunk_id for h in hits}
        faq_sim = max((s for cid, s in faq if cid in hit_ids), default=0.0)
        cov = max((self.coverage_of(tokens, h) for h in hits[:3]), default=0.0)
        return Retrieval(query=query, tokens=tokens, hits=hits, faq_similarity=faq_sim, coverage=cov,
                         timings={"search_ms": (t1 - t0) * 1e3, "fuse_ms": (t2 - t1) * 1e3})


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
