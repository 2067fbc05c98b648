"""Stored passages keep the tokens they were ingested with. Each manifest records the tokenizer
that made them; after an upgrade (new tokenizer code or shipped word lists) the documents made by
an older one are re-tokenised — by the next ingest, or when the assistant starts — without
reading their files again, so old tokens never meet today's questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config import Settings

DOC = """# 售后服务认证须知

## 证书有效期

售后服务认证证书有效期为三年，每年接受一次监督审核。

## 评价等级

按得分分为达标、三星、四星、五星四个等级。
"""


def _settings(data_dir: Path) -> Settings:
    return Settings.from_env(environ={}, data_dir=data_dir, embedding_model="hashing")


@pytest.fixture()
def kb(tmp_path):
    from assistant.kb import ingest

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "须知.md").write_text(DOC, encoding="utf-8")
    settings = _settings(tmp_path / "data")
    report, _ = ingest(settings, [docs], progress=False)
    assert report.ok and report.chunks >= 1 and report.retokenized == 0
    return settings, docs


def _tokens(settings) -> dict[str, tuple]:
    from assistant.index.store import KnowledgeStore

    return {cid: (m.get("tokens"), m.get("q_tokens"), m.get("labels"))
            for cid, m in KnowledgeStore(settings).iter_metadata()}


def _age(settings) -> dict[str, tuple]:
    """Make the knowledge base look built by an older tokenizer: other tokens, another stamp."""
    from assistant.index.store import KnowledgeStore

    store = KnowledgeStore(settings)
    fresh = _tokens(settings)
    ids = list(fresh)
    store.update_chunk_metadata(ids, [{"tokens": "旧 分词", "q_tokens": "旧"} for _ in ids])
    store.update_manifests(list(store.manifests()), tokenizer="0123456789abcdef")
    assert _tokens(settings) != fresh
    return fresh


def test_every_manifest_records_the_tokenizer_and_a_fresh_base_is_not_stale(kb):
    from assistant.index.store import KnowledgeStore
    from assistant.lang.text import tokenizer_fingerprint
    from ingest.pipeline import stale_documents

    manifests = KnowledgeStore(kb[0]).manifests()
    assert manifests and {m.tokenizer for m in manifests.values()} == {tokenizer_fingerprint()}
    assert stale_documents(manifests) == {}


def test_the_next_ingest_retokenises_unchanged_files_of_an_older_tokenizer(kb):
    from assistant.index.store import KnowledgeStore
    from assistant.kb import ingest
    from assistant.upkeep.vocab import Vocabulary
    from ingest.pipeline import stale_documents

    settings, docs = kb
    fresh = _age(settings)
    assert Vocabulary(settings).reindex_needed()  # `vocab list` says so
    report, _ = ingest(settings, [docs], progress=False)
    assert report.unchanged == 1 and report.chunks == 0  # the file was not read again
    assert report.retokenized == len(fresh) and "重新分词" in report.summary()
    assert _tokens(settings) == fresh
    assert stale_documents(KnowledgeStore(settings).manifests()) == {}
    assert not Vocabulary(settings).reindex_needed()


def test_the_assistant_retokenises_an_upgraded_base_when_it_starts(kb):
    from assistant.core import Assistant

    settings, _ = kb
    fresh = _age(settings)
    bot = Assistant(settings)
    assert _tokens(settings) == fresh
    answer = bot.ask("证书有效期是几年")
    assert not answer.abstained and "三年" in answer.answer


def test_a_base_that_cannot_be_retokenised_keeps_serving_and_says_what_to_run(kb, monkeypatch):
    import ingest.pipeline as pipeline
    from assistant.core import Assistant

    settings, _ = kb
    _age(settings)

    def fail(*_a, **_k):
        raise PermissionError("read-only")

    monkeypatch.setattr(pipeline, "retokenize", fail)
    bot = Assistant(settings)
    assert any("vocab reindex" in n and "旧版本" in n for n in bot.notices)
    assert bot.retriever is not None


def test_vocab_reindex_brings_every_document_up_to_date(kb):
    from assistant.index.store import KnowledgeStore
    from assistant.upkeep.vocab import Vocabulary
    from ingest.pipeline import stale_documents

    settings, _ = kb
    fresh = _age(settings)
    assert Vocabulary(settings).reindex() == len(fresh)
    assert _tokens(settings) == fresh
    assert stale_documents(KnowledgeStore(settings).manifests()) == {}


@pytest.mark.parametrize("index", range(6))
def test_each_file_the_tokenizer_depends_on_changes_its_fingerprint(tmp_path, monkeypatch, index):
    import assistant.lang.text as text

    copies = []
    for i, path in enumerate(text._TOKENIZER_FILES):
        copy = tmp_path / f"{i}-{path.name}"
        copy.write_bytes(path.read_bytes() if path.exists() else b"")
        copies.append(copy)
    monkeypatch.setattr(text, "_TOKENIZER_FILES", tuple(copies))
    text.tokenizer_fingerprint.cache_clear()
    try:
        before = text.tokenizer_fingerprint()
        copies[index].write_bytes(copies[index].read_bytes() + b"\n# changed\n")
        text.tokenizer_fingerprint.cache_clear()
        assert text.tokenizer_fingerprint() != before
    finally:
        text.tokenizer_fingerprint.cache_clear()


def test_the_fingerprint_covers_the_tokenizer_code_and_the_shipped_word_lists():
    from assistant.lang.text import DOMAIN_DICT, STOPWORDS_FILE, SYNONYMS, _TOKENIZER_FILES

    names = {p.name for p in _TOKENIZER_FILES}
    assert {"text.py", "numerals.py", DOMAIN_DICT.name, SYNONYMS.name, STOPWORDS_FILE.name} <= names
