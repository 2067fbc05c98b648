import numpy as np
import pytest

from assistant.config import Settings
from assistant.index.embedders.base import Embedder
from assistant.index.embedders.factory import model_available_locally, resolve_embedder
from assistant.index.embedders.hashing import HashingEmbedder


def embedder_by_name(name: str, settings: Settings) -> Embedder:
    """Rebuild the embedder recorded in a collection (``hashing-…`` or ``st:<model>``); only tests use it."""
    if name.startswith("hashing-"):
        from assistant.index.embedders.hashing import HashingEmbedder

        dim = int(name.rsplit("-", 1)[-1])
        return HashingEmbedder(dim=dim)
    if name.startswith("st:"):
        from assistant.index.embedders.sentence_transformers import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder(name[3:], local_files_only=not settings.allow_download)
    raise ValueError(f"未知的嵌入器：{name}")


def test_hashing_is_deterministic_normalised_and_meaningful():
    e = HashingEmbedder()
    a = e.embed_documents(["售后服务认证属于服务认证", "售后服务认证是哪类认证", "今天天气很好"])
    assert a.shape == (3, 512) and a.dtype == np.float32
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-5)
    assert np.array_equal(a[0], HashingEmbedder().embed_query("售后服务认证属于服务认证"))
    assert a[0] @ a[1] > 0.5 > a[0] @ a[2]


def test_hashing_handles_empty_and_punctuation_only_text():
    e = HashingEmbedder()
    v = e.embed_documents(["", "？？？", "   "])
    assert v.shape == (3, 512) and not np.isnan(v).any()
    assert e.embed_documents([]).shape == (0, 512)


def test_missing_model_falls_back_to_hashing_with_notice(tmp_path):
    s = Settings.from_env(environ={}, data_dir=tmp_path, embedding_model="no-such-org/no-such-model")
    choice = resolve_embedder(s)
    assert choice.fallback and choice.embedder.name.startswith("hashing")
    assert "no-such-org/no-such-model" in choice.notice


def test_hashing_setting_needs_no_fallback(tmp_path):
    choice = resolve_embedder(Settings.from_env(environ={}, data_dir=tmp_path, embedding_model="hashing"))
    assert not choice.fallback and choice.embedder.name == "hashing-ngram-v1-512"


def test_embedder_by_name_round_trip(tmp_path):
    s = Settings.from_env(environ={}, data_dir=tmp_path)
    assert embedder_by_name("hashing-ngram-v1-256", s).dim == 256
    with pytest.raises(ValueError):
        embedder_by_name("mystery", s)


def test_sentence_transformers_path_loads_a_local_model(tiny_st_model, tmp_path):
    assert model_available_locally(str(tiny_st_model))
    s = Settings.from_env(environ={}, data_dir=tmp_path, embedding_model=str(tiny_st_model))
    choice = resolve_embedder(s)
    assert not choice.fallback, choice.notice
    emb = choice.embedder
    assert emb.name == f"st:{tiny_st_model}" and emb.dim == 32
    v = emb.embed_documents(["售后服务认证", "证书有效期三年"])
    assert v.shape == (2, 32)
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)


def test_broken_model_dir_falls_back(tmp_path):
    broken = tmp_path / "broken-model"
    broken.mkdir()
    (broken / "config.json").write_text("{not json")
    s = Settings.from_env(environ={}, data_dir=tmp_path, embedding_model=str(broken))
    choice = resolve_embedder(s)
    assert choice.fallback and "broken-model" in choice.notice


def test_tiny_model_through_ingest_chroma_and_answers(tiny_st_model, tmp_path):
    """The real sentence-transformers path end to end: ingest, Chroma, dense search, answer."""
    from assistant.core import Assistant
    from assistant.kb import ingest, open_store

    s = Settings.from_env(environ={}, data_dir=tmp_path / "data", embedding_model=str(tiny_st_model))
    doc = tmp_path / "validity.md"
    doc.write_text("# 证书有效期\n\n售后服务认证证书有效期三年，每年监督一次。\n", encoding="utf-8")
    report, notice = ingest(s, [doc], progress=False)
    assert report.ok and "sentence-transformers" in notice
    assert open_store(s).embedder_name() == f"st:{tiny_st_model}"
    a = Assistant(s)
    assert "稠密模型" in a.mode
    hits = a.search("证书有效期", k=1).hits
    assert hits and hits[0].dense_score is not None
    ans = a.ask("证书有效期几年？")
    assert not ans.abstained and "三年" in ans.answer and ans.citations
