"""Issue 14's latency paths must not change results: each is checked against the plain version
(bm25s's scoring, Chroma's dense search, jieba's own dictionary load)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import pytest

from conftest import REPO
from assistant.index.embedders.hashing import HashingEmbedder
from assistant.index.lexical import LexicalIndex
from assistant.pipeline.retrieval import POOL, Retriever

QUERIES = ["证书有效期几年", "售后服务认证属于哪类认证", "五星级需要多少分", "评审员到现场怎么打分",
           "申请材料", "服务网点 备件 培训", "投诉处理 时限", "今天天气怎么样", "", "GB/T 27922 5.1.3"]


@pytest.fixture(scope="module")
def store_and_index(corpus_kb, tmp_path_factory):
    from assistant.index.store import KnowledgeStore

    store = KnowledgeStore(corpus_kb)
    cache = tmp_path_factory.mktemp("lexical-cache")
    built = LexicalIndex.from_store(store, cache, HashingEmbedder())
    loaded = LexicalIndex.from_store(store, cache, HashingEmbedder())
    return store, built, loaded, cache


def test_cached_bm25_scores_are_bm25s_scores(store_and_index):
    _store, built, loaded, _cache = store_and_index
    assert type(built.bm25).__module__ == "bm25s" and type(loaded.bm25).__name__ == "_CachedBM25"
    rng = np.random.default_rng(7)
    vocab, q_vocab = sorted(built.df), sorted(built.q_bm25.vocab_dict)
    for _ in range(300):
        query = list(rng.choice(vocab, size=int(rng.integers(1, 9))))
        got, want = loaded.bm25.get_scores(query), built.bm25.get_scores(query)
        assert got.dtype == want.dtype and np.array_equal(got, want)
        query = list(rng.choice(q_vocab, size=int(rng.integers(1, 6))))
        assert np.array_equal(loaded.q_bm25.get_scores(query), built.q_bm25.get_scores(query))
    assert loaded.search(["证书", "有效期"], 10) == built.search(["证书", "有效期"], 10)


def test_loading_the_cached_index_imports_neither_bm25s_nor_scipy(store_and_index):
    store, _built, loaded, cache = store_and_index
    code = ("import sys, json; from pathlib import Path; from assistant.index.lexical import LexicalIndex\n"
            f"stamp = json.loads({json.dumps(json.dumps(_stamp(store)))})\n"
            f"index = LexicalIndex._load(next(Path({str(cache)!r}).glob('*.json')), stamp)\n"
            "print(json.dumps([index is not None, len(index.ids), 'bm25s' in sys.modules, 'scipy' in sys.modules]))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == [True, len(loaded.ids), False, False]


def _stamp(store) -> dict:
    from assistant.index.lexical import CACHE_FORMAT

    emb = HashingEmbedder()
    return {"format": CACHE_FORMAT, "version": store.version(), "embedder": emb.name, "dim": emb.dim}


def test_in_memory_dense_search_is_chromas(store_and_index):
    store, built, loaded, _cache = store_and_index
    assert loaded.chunk_vectors is not None and loaded.chunk_vectors.shape == (len(loaded.ids), 512)
    assert np.array_equal(loaded.chunk_vectors, built.chunk_vectors)
    emb = HashingEmbedder()
    retriever = Retriever(store, emb, loaded)
    for query in QUERIES:
        vec = emb.embed_query(query)
        mine = retriever._dense_in_memory(vec, POOL)
        chroma = store.dense_search(vec, POOL)
        if not np.any(vec):
            continue  # no query words: every chunk is as far (Chroma's order among them is arbitrary)
        mine_scores, chroma_scores = [h.dense_score for h in mine], [h.dense_score for h in chroma]
        # ours is exact, Chroma's HNSW index approximate (its graph is built with random levels, so
        # from one build to the next it may skip a neighbour at any rank below the first: seen on a
        # clean clone at ranks 4-5 of "五星级需要多少分"): the same best passage, never a worse one
        # at any rank, and every passage Chroma ranks in its top five at the same similarity in ours
        assert mine_scores[0] == pytest.approx(chroma_scores[0], abs=1e-5), query
        assert all(m >= c - 1e-5 for m, c in zip(mine_scores, chroma_scores)), query
        ours = {h.chunk_id: h.dense_score for h in mine}
        for hit in chroma[:5]:
            assert hit.chunk_id not in ours or ours[hit.chunk_id] == pytest.approx(hit.dense_score, abs=1e-5), query
        # the same chunk at every rank where the scores agree, except among equal similarities
        for i, (a, b) in enumerate(zip(mine, chroma)):
            if abs(mine_scores[i] - chroma_scores[i]) >= 1e-5:
                continue
            tied = any(abs(chroma_scores[j] - chroma_scores[i]) < 1e-5 for j in (i - 1, i + 1)
                       if 0 <= j < len(chroma_scores))
            assert tied or a.chunk_id == b.chunk_id, (query, i)
        # filtered by document type: the best chunks of that type, as Chroma's where filter gives
        for doc_type in ("standard", "faq"):
            got = retriever._dense_in_memory(vec, 5, where={"doc_type": doc_type})
            want = store.dense_search(vec, 5, where={"doc_type": doc_type})
            # (the same best chunk of that type, and never a worse one at any rank than HNSW's)
            assert got[0].dense_score == pytest.approx(want[0].dense_score, abs=1e-5), (query, doc_type)
            assert all(g.dense_score >= w.dense_score - 1e-5 for g, w in zip(got, want)), (query, doc_type)
            assert all(h.chunk_id in loaded.ids_of_type(doc_type) for h in got)


def test_a_damaged_chunk_vector_cache_is_rebuilt(store_and_index, tmp_path):
    store, built, _loaded, _cache = store_and_index
    emb = HashingEmbedder()
    LexicalIndex.from_store(store, tmp_path, emb)
    npz = next(tmp_path.glob("*.npz"))
    with np.load(npz, allow_pickle=False) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["chunk_vectors"] = arrays["chunk_vectors"][:, :7]
    with npz.open("wb") as fh:
        np.savez(fh, **arrays)
    assert LexicalIndex._load(next(tmp_path.glob("*.json")), _stamp(store)) is None
    again = LexicalIndex.from_store(store, tmp_path, emb)
    assert np.array_equal(again.chunk_vectors, built.chunk_vectors)


def test_fast_jieba_dictionary_is_jiebas(tmp_path, monkeypatch):
    import jieba

    from assistant.lang import jieba_dict

    own_tmp = tempfile.gettempdir()
    reference = jieba.Tokenizer()
    reference.tmp_dir = own_tmp  # jieba's own cache, where it already is
    reference.initialize()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    first = jieba.Tokenizer()
    first.tmp_dir = own_tmp
    jieba_dict.initialize(first)  # made from jieba's own load
    made = sorted(p.name for p in (tmp_path / f"kba-jieba-{os.getuid()}").iterdir())
    assert [n.split("-")[0] for n in made] == ["freqs", "words"]
    second = jieba.Tokenizer()
    second.tmp_dir = str(tmp_path / "nowhere")  # must not need jieba's cache: read from ours
    jieba_dict.initialize(second)
    assert not (tmp_path / "nowhere").exists()
    for tk in (first, second):
        assert tk.initialized and tk.total == reference.total and tk.FREQ == reference.FREQ
    text = "售后服务认证的证书有效期几年？评审员到现场怎么打分"
    assert second.lcut(text) == reference.lcut(text)
    # a damaged cache is not used: jieba's own load, and the cache made again
    freqs = next((tmp_path / f"kba-jieba-{os.getuid()}").glob("freqs-*"))
    np.save(freqs, np.array([1, 2, 3], dtype=np.int64))
    third = jieba.Tokenizer()
    third.tmp_dir = own_tmp
    jieba_dict.initialize(third)
    assert third.FREQ == reference.FREQ and third.total == reference.total
    assert len(np.load(freqs)) == len(reference.FREQ) + 1


def test_refusals_are_written_in_one_batch_when_answering_pauses(tmp_path, monkeypatch):
    """Refusals wait on the writer while questions keep coming, then go in one write; each keeps
    the time it was answered; flush() writes at once."""
    from conftest import corpus_kb_at

    from assistant.core import Assistant
    from assistant.upkeep import loop
    from assistant.upkeep.sidecar import SideCollection
    from assistant.upkeep.unanswered import UnansweredLog

    kb = corpus_kb_at(tmp_path / "data")
    bot = Assistant(kb)
    log = UnansweredLog(kb, bot.store.client)
    loop.flush()
    writes = []
    real_upsert = SideCollection.upsert
    monkeypatch.setattr(SideCollection, "upsert",
                        lambda self, ids, *rest: (writes.append(list(ids)), real_upsert(self, ids, *rest))[1])
    monkeypatch.setattr(loop, "WRITE_QUIET_SECONDS", 30.0)
    monkeypatch.setattr(loop, "WRITE_MAX_DELAY_SECONDS", 60.0)
    asked = []
    for question in ("今天天气怎么样？", "明天会下雨吗？", "股票会涨吗？"):
        asked.append(time.time())
        assert bot.ask(question).abstained
    time.sleep(0.5)
    assert writes == [], "written while answering had not paused"
    events = [e for e in log.events() if e.kind == "refusal"]  # events() flushes
    assert [len(w) for w in writes] == [3]
    assert [e.question for e in events] == ["今天天气怎么样？", "明天会下雨吗？", "股票会涨吗？"]
    assert all(abs(e.at - t) < 1.0 for e, t in zip(events, asked))


def test_tagged_words_are_kept_beside_the_dictionary_cache(tmp_path, monkeypatch):
    """The time-word and filler sets are read from jieba's dictionary once, then from a small
    file next to the fast dictionary cache: the same set either way."""
    import tempfile

    from assistant.lang import jieba_dict

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    first = jieba_dict.tagged_words.__wrapped__(("t",))
    kept = list(tmp_path.glob("kba-jieba-*/tags-*"))
    assert len(kept) == 1 and "下周" in first and "明天" in first and "售后" not in first
    again = jieba_dict.tagged_words.__wrapped__(("t",))
    assert again == first
    kept[0].write_text("下周", encoding="utf-8")  # read from the file, not the dictionary
    assert jieba_dict.tagged_words.__wrapped__(("t",)) == frozenset({"下周"})
