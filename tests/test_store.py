import pytest

from assistant.index.embedders.hashing import HashingEmbedder
from assistant.errors import EmbedderMismatch
from assistant.index.lexical import LexicalIndex
from assistant.index.store import KnowledgeStore
from assistant.types import Manifest


def _write(store, emb, doc_id, texts, file_hash="h1"):
    ids = [f"{doc_id}::{i}-{file_hash}" for i in range(len(texts))]
    metas = [{"doc_id": doc_id, "title": doc_id, "doc_type": "faq", "tokens": t} for t in texts]
    m = Manifest(doc_id=doc_id, source=f"/nowhere/{doc_id}.md", title=doc_id, doc_type="faq",
                 file_hash=file_hash, chunk_ids=ids)
    store.replace_document(m, ids, texts, metas, emb.embed_documents(texts))
    return ids


def test_replace_list_delete_round_trip(settings):
    emb = HashingEmbedder()
    store = KnowledgeStore(settings)
    store.ensure_collections(emb)
    first = _write(store, emb, "a", ["售后服务认证", "证书有效期"])
    _write(store, emb, "b", ["三星级"])
    assert set(store.manifests()) == {"a", "b"} and store.count() == 3
    second = _write(store, emb, "a", ["售后服务认证二版"], file_hash="h2")
    assert store.count() == 2  # stale chunks of "a" removed
    assert store.manifest("a").chunk_ids == second and not set(first) & set(second)
    assert store.delete_document("a") and not store.delete_document("a")
    assert store.count() == 1 and list(store.manifests()) == ["b"]


def test_failed_write_keeps_previous_version(settings, monkeypatch):
    emb = HashingEmbedder()
    store = KnowledgeStore(settings)
    store.ensure_collections(emb)
    old = _write(store, emb, "a", ["旧版本内容"])
    real_upsert = store.docs.upsert

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store.docs, "upsert", boom)
    with pytest.raises(RuntimeError):
        _write(store, emb, "a", ["新版本内容"], file_hash="h2")
    monkeypatch.setattr(store.docs, "upsert", real_upsert)
    assert store.manifest("a").chunk_ids == old
    assert [c[1] for c in store.iter_chunks()] == ["旧版本内容"]
    assert store.count() == 1  # the half-written new chunks were removed again


def test_orphans_are_invisible_and_repaired(settings):
    emb = HashingEmbedder()
    store = KnowledgeStore(settings)
    store.ensure_collections(emb)
    _write(store, emb, "a", ["正文"])
    store.chunks.upsert(ids=["orphan::1"], documents=["孤儿片段"], metadatas=[{"doc_id": "x"}],
                        embeddings=emb.embed_documents(["孤儿片段"]))
    assert [c[0] for c in store.iter_chunks()] == ["a::0-h1"]
    assert store.repair() == 1 and store.count() == 1


def test_embedder_recorded_and_mismatch_is_a_clear_error(settings):
    store = KnowledgeStore(settings)
    store.ensure_collections(HashingEmbedder(512))
    assert KnowledgeStore(settings).embedder_name() == "hashing-ngram-v1-512"
    with pytest.raises(EmbedderMismatch, match="重新导入"):
        KnowledgeStore(settings).ensure_collections(HashingEmbedder(256))


def test_dense_search_returns_similarities(settings):
    emb = HashingEmbedder()
    store = KnowledgeStore(settings)
    store.ensure_collections(emb)
    ids = _write(store, emb, "a", ["证书有效期为三年", "评审员到现场打分"])
    hits = store.dense_search(emb.embed_query("证书有效期几年"), 2)
    assert hits[0].chunk_id == ids[0] and 0 < hits[0].dense_score <= 1
    assert hits[0].dense_score > hits[1].dense_score


def test_lexical_index_is_built_from_store_and_cached(settings):
    emb = HashingEmbedder()
    store = KnowledgeStore(settings)
    store.ensure_collections(emb)
    ids = _write(store, emb, "a", ["证书 有效期", "评审员 现场 打分"])
    cache = settings.data_dir / "cache"
    index = LexicalIndex.from_store(store, cache)
    assert index.search(["有效期"], 5)[0][0] == ids[0]
    assert list(cache.glob("lexical-*.json"))
    again = LexicalIndex.from_store(store, cache)
    assert again.ids == index.ids
    _write(store, emb, "b", ["监督审核 每年"])
    assert len(LexicalIndex.from_store(store, cache)) == 3  # new version, rebuilt
    assert len(list(cache.glob("lexical-*.json"))) == 1


def test_reset_empties_everything(settings):
    emb = HashingEmbedder()
    store = KnowledgeStore(settings)
    store.ensure_collections(emb)
    _write(store, emb, "a", ["x"])
    store.reset()
    assert store.count() == 0 and store.manifests() == {} and store.embedder_name() is None
